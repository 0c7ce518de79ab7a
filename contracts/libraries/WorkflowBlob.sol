// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SSTORE2} from "solady/utils/SSTORE2.sol";
import {ITinyHops} from "../interfaces/ITinyHops.sol";
import {ParamsTemplate} from "./ParamsTemplate.sol";

/// @title WorkflowBlob: a workflow's definition, written once as contract code (SSTORE2)
/// @notice A workflow's steps never change after creation and are read at each launch, so they are
/// stored as the code of one or more data contracts (200 gas a byte) instead of storage slots
/// (20,000 gas a word). The children of every step (the inverse of `deps`) are computed once here,
/// so a completed step unlocks its children without scanning the workflow.
///
/// Layout (all integers big-endian), split into chunks of at most 24,575 bytes (EIP-170):
///   chunk 0:  stepCount:2 rootCount:2  entry[stepCount]  root[rootCount]:2  records...
///   entry:    chunk:1 offset:2 length:2        (where step i's record lives)
///   record:   maxCost:16 maxRetries:1 timeout:4 moduleLen:2 paramsLen:2 depCount:2 childCount:2
///             module[moduleLen] params[paramsLen] deps[depCount]:2 children[childCount]:2
/// A record never spans two chunks, and a workflow has at most 256 chunks (6 MB, far more than a
/// block's gas can create).
library WorkflowBlob {
    uint256 internal constant MAX_CHUNK = 24_575;
    uint256 internal constant MAX_STEPS = 1024;
    uint256 private constant HEAD = 4;
    uint256 private constant ENTRY = 5;
    uint256 private constant MAX_CHUNKS = 256;
    uint256 private constant FIXED = 29;

    /// @notice A decoded step record; `raw` holds the record, the other fields index into it.
    struct Record {
        bytes raw;
        uint256 maxCost;
        uint256 maxRetries;
        uint256 timeout;
        uint256 moduleLen;
        uint256 paramsLen;
        uint256 depCount;
        uint256 childCount;
    }

    // ---------------------------------------------------------------- writing

    /// @dev Working memory of `write`. `_validate` reads each step from calldata once (with the ABI
    /// decoder's checks) and keeps where its parts lie; the later passes read those positions
    /// directly instead of decoding `steps[i]` again.
    struct Layout {
        uint256[] moduleAt; // calldata offset << 32 | length
        uint256[] paramsAt; // calldata offset << 32 | length
        uint256[] depsAt; // calldata offset << 32 | count (one 32-byte word per dependency)
        uint256[] costs; // maxCost << 104 | maxRetries << 96 | timeout << 64: the fixed part's head
        uint256[] childCount;
        uint256[] childStart; // children of i: flat[childStart[i] .. childStart[i + 1])
        uint256[] flat;
        uint256[] place; // chunk << 32 | offset
        uint256[] size;
        uint256 rootCount;
        bytes[] bufs;
    }

    /// @notice Validates `steps` and writes them as data contracts. Reverts on any invalid step.
    function write(ITinyHops.Step[] calldata steps) internal returns (address[] memory chunks, bool hasTimeouts) {
        uint256 n = steps.length;
        if (n == 0) revert ITinyHops.EmptyWorkflow();
        if (n > MAX_STEPS) revert ITinyHops.TooManySteps(n, MAX_STEPS);
        Layout memory l;
        hasTimeouts = _validate(steps, l);
        _children(n, l);
        _place(n, l);
        _header(n, l);
        for (uint256 i; i < n; ++i) {
            _record(l, i);
        }
        chunks = new address[](l.bufs.length);
        for (uint256 c; c < chunks.length; ++c) {
            chunks[c] = SSTORE2.write(l.bufs[c]);
        }
    }

    function _validate(ITinyHops.Step[] calldata steps, Layout memory l) private pure returns (bool hasTimeouts) {
        uint256 n = steps.length;
        l.moduleAt = new uint256[](n);
        l.paramsAt = new uint256[](n);
        l.depsAt = new uint256[](n);
        l.costs = new uint256[](n);
        l.childCount = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            if (_check(steps[i], l, i)) hasTimeouts = true;
        }
    }

    /// @dev Checks step `i` and records where its parts lie; true if it has a timeout.
    function _check(ITinyHops.Step calldata s, Layout memory l, uint256 i) private pure returns (bool) {
        bytes calldata module_ = bytes(s.module);
        if (module_.length == 0) revert ITinyHops.EmptyModule(i);
        uint256 maxCost = s.maxCost;
        if (maxCost == 0 || maxCost > type(uint128).max) revert ITinyHops.InvalidMaxCost(i, maxCost);
        uint16[] calldata deps = s.deps;
        _checkDeps(deps, l, i);
        bytes calldata params_ = s.params;
        ParamsTemplate.validate(params_, deps, i);
        uint256 timeout = s.timeout;
        l.costs[i] = (maxCost << 104) | (uint256(s.maxRetries) << 96) | (timeout << 64);
        l.moduleAt[i] = _at(module_);
        l.paramsAt[i] = _at(params_);
        l.depsAt[i] = _at(deps);
        return timeout != 0;
    }

    /// @dev Dependencies strictly increasing and below `i`; counts each as a child of its step.
    function _checkDeps(uint16[] calldata deps, Layout memory l, uint256 i) private pure {
        if (deps.length == 0) l.rootCount++;
        uint256 prev;
        for (uint256 j; j < deps.length; ++j) {
            uint256 d = deps[j]; // the decoder checks that the word holds a uint16
            if (d >= i || (j > 0 && d <= prev)) revert ITinyHops.InvalidDependency(i, d);
            prev = d;
            l.childCount[d]++;
        }
    }

    /// @dev Where `b` lies in calldata: offset << 32 | length (both far below 2^32 in any transaction).
    function _at(bytes calldata b) private pure returns (uint256 at) {
        assembly {
            at := or(shl(32, b.offset), b.length)
        }
    }

    /// @dev Where `a` lies in calldata: offset << 32 | count (one 32-byte word an element).
    function _at(uint16[] calldata a) private pure returns (uint256 at) {
        assembly {
            at := or(shl(32, a.offset), a.length)
        }
    }

    function _children(uint256 n, Layout memory l) private pure {
        l.childStart = new uint256[](n + 1);
        for (uint256 i; i < n; ++i) {
            l.childStart[i + 1] = l.childStart[i] + l.childCount[i];
        }
        l.flat = new uint256[](l.childStart[n]);
        uint256[] memory fill = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 depsAt = l.depsAt[i];
            for (uint256 j; j < _len(depsAt); ++j) {
                uint256 d = _word(depsAt, j);
                l.flat[l.childStart[d] + fill[d]++] = i;
            }
        }
    }

    function _place(uint256 n, Layout memory l) private pure {
        uint256 headerSize = HEAD + ENTRY * n + 2 * l.rootCount;
        if (headerSize > MAX_CHUNK) revert ITinyHops.TooManySteps(n, (MAX_CHUNK - HEAD) / (ENTRY + 2));
        l.place = new uint256[](n);
        l.size = new uint256[](n);
        uint256[] memory chunkSize = new uint256[](n + 1);
        uint256 last;
        chunkSize[0] = headerSize;
        for (uint256 i; i < n; ++i) {
            uint256 moduleLen = _len(l.moduleAt[i]);
            uint256 paramsLen = _len(l.paramsAt[i]);
            uint256 size = FIXED + moduleLen + paramsLen + 2 * (_len(l.depsAt[i]) + l.childCount[i]);
            if (size > MAX_CHUNK || moduleLen > 0xffff || paramsLen > 0xffff) {
                revert ITinyHops.StepTooLarge(i, size, MAX_CHUNK);
            }
            if (chunkSize[last] + size > MAX_CHUNK && ++last == MAX_CHUNKS) {
                revert ITinyHops.WorkflowTooLarge(i, MAX_CHUNKS * MAX_CHUNK);
            }
            l.place[i] = (last << 32) | chunkSize[last];
            l.size[i] = size;
            chunkSize[last] += size;
        }
        l.bufs = new bytes[](last + 1);
        for (uint256 c; c <= last; ++c) {
            l.bufs[c] = new bytes(chunkSize[c]);
        }
    }

    function _header(uint256 n, Layout memory l) private pure {
        bytes memory head = l.bufs[0];
        _put(head, 0, n, 2);
        _put(head, 2, l.rootCount, 2);
        uint256 rootPos = HEAD + ENTRY * n;
        for (uint256 i; i < n; ++i) {
            // entry = chunk:1 offset:2 length:2, written as one 5-byte value
            _put(head, HEAD + ENTRY * i, ((l.place[i] >> 32) << 32) | ((l.place[i] & 0xffffffff) << 16) | l.size[i], ENTRY);
            if (_len(l.depsAt[i]) == 0) {
                _put(head, rootPos, i, 2);
                rootPos += 2;
            }
        }
    }

    function _record(Layout memory l, uint256 i) private pure {
        bytes memory b = l.bufs[l.place[i] >> 32];
        uint256 off = l.place[i] & 0xffffffff;
        uint256 moduleAt = l.moduleAt[i];
        uint256 paramsAt = l.paramsAt[i];
        uint256 depsAt = l.depsAt[i];
        // The fixed 29 bytes in one write: maxCost:16 maxRetries:1 timeout:4 moduleLen:2 paramsLen:2
        // depCount:2 childCount:2.
        uint256 head = l.costs[i] | (_len(moduleAt) << 48) | (_len(paramsAt) << 32) | (_len(depsAt) << 16)
            | l.childCount[i];
        _put(b, off, head, FIXED);
        uint256 p = off + FIXED;
        _copy(b, p, moduleAt);
        p += _len(moduleAt);
        _copy(b, p, paramsAt);
        p += _len(paramsAt);
        for (uint256 j; j < _len(depsAt); ++j) {
            _put(b, p, _word(depsAt, j), 2);
            p += 2;
        }
        for (uint256 k = l.childStart[i]; k < l.childStart[i + 1]; ++k) {
            _put(b, p, l.flat[k], 2);
            p += 2;
        }
    }

    /// @dev The length (or count) part of a calldata position `offset << 32 | length`.
    function _len(uint256 at) private pure returns (uint256) {
        return at & 0xffffffff;
    }

    /// @dev Word `j` of the calldata array at `at` (already decoded and checked by `_validate`).
    function _word(uint256 at, uint256 j) private pure returns (uint256 v) {
        assembly {
            v := calldataload(add(shr(32, at), shl(5, j)))
        }
    }

    // ---------------------------------------------------------------- reading

    /// @notice The record of step `index` (which the caller has checked is below the step count).
    /// Chunk 0 is `chunk0`; chunk c > 0 is `more[c - 1]`.
    function load(address chunk0, address[] storage more, uint256 index) internal view returns (Record memory r) {
        uint256 e = HEAD + ENTRY * index;
        bytes memory entry = SSTORE2.read(chunk0, e, e + ENTRY);
        uint256 c = _get(entry, 0, 1);
        uint256 off = _get(entry, 1, 2);
        uint256 len = _get(entry, 3, 2);
        bytes memory raw = SSTORE2.read(c == 0 ? chunk0 : more[c - 1], off, off + len);
        r.raw = raw;
        r.maxCost = _get(raw, 0, 16);
        r.maxRetries = _get(raw, 16, 1);
        r.timeout = _get(raw, 17, 4);
        r.moduleLen = _get(raw, 21, 2);
        r.paramsLen = _get(raw, 23, 2);
        r.depCount = _get(raw, 25, 2);
        r.childCount = _get(raw, 27, 2);
    }

    /// @notice The indices of the steps without dependencies.
    function roots(address head) internal view returns (uint256[] memory out) {
        bytes memory counts = SSTORE2.read(head, 0, HEAD);
        uint256 n = _get(counts, 0, 2);
        uint256 rootCount = _get(counts, 2, 2);
        uint256 from = HEAD + ENTRY * n;
        bytes memory list = SSTORE2.read(head, from, from + 2 * rootCount);
        out = new uint256[](rootCount);
        for (uint256 i; i < rootCount; ++i) {
            out[i] = _get(list, 2 * i, 2);
        }
    }

    function module(Record memory r) internal pure returns (string memory) {
        return string(_slice(r.raw, FIXED, r.moduleLen));
    }

    /// @notice Where the params template lies inside `r.raw`: [start, end).
    function paramsRange(Record memory r) internal pure returns (uint256 start, uint256 end) {
        start = FIXED + r.moduleLen;
        end = start + r.paramsLen;
    }

    function params(Record memory r) internal pure returns (bytes memory) {
        return _slice(r.raw, FIXED + r.moduleLen, r.paramsLen);
    }

    function dep(Record memory r, uint256 j) internal pure returns (uint256) {
        return _get(r.raw, FIXED + r.moduleLen + r.paramsLen + 2 * j, 2);
    }

    function child(Record memory r, uint256 k) internal pure returns (uint256) {
        return _get(r.raw, FIXED + r.moduleLen + r.paramsLen + 2 * (r.depCount + k), 2);
    }

    // ---------------------------------------------------------------- bytes

    /// @dev Writes the low `n` bytes of `v` big-endian at `b[off]`, keeping the bytes after them.
    function _put(bytes memory b, uint256 off, uint256 v, uint256 n) private pure {
        assembly {
            let p := add(add(b, 32), off)
            let bits := shl(3, n)
            let keep := shr(bits, not(0))
            mstore(p, or(shl(sub(256, bits), v), and(mload(p), keep)))
        }
    }

    /// @dev Copies the calldata bytes at `at` (offset << 32 | length) to `b[off]`.
    function _copy(bytes memory b, uint256 off, uint256 at) private pure {
        assembly {
            calldatacopy(add(add(b, 32), off), shr(32, at), and(at, 0xffffffff))
        }
    }

    function _get(bytes memory b, uint256 off, uint256 n) private pure returns (uint256 v) {
        assembly {
            v := shr(sub(256, shl(3, n)), mload(add(add(b, 32), off)))
        }
    }

    function _slice(bytes memory b, uint256 off, uint256 len) private pure returns (bytes memory out) {
        out = new bytes(len);
        assembly {
            mcopy(add(out, 32), add(add(b, 32), off), len)
        }
    }
}
