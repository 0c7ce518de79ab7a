// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ITinyHops} from "../interfaces/ITinyHops.sol";

/// @title ParamsTemplate: the params byte format of docs/params-format.md
/// @notice A template is a sequence of segments: `0x00 len:uint16 bytes[len]` (a literal, len >= 1)
/// or `0x01 index:uint16` (the result CID of step `index`). Validated once at creation, resolved at
/// each launch.
library ParamsTemplate {

    uint8 internal constant LITERAL = 0x00;
    uint8 internal constant REFERENCE = 0x01;
    uint256 internal constant HEADER = 3;

    /// @notice Reverts unless `params` is a well-formed template whose references are all in `deps`
    /// (`deps` strictly increasing, already checked by the caller).
    function validate(bytes calldata params, uint16[] calldata deps, uint256 stepIndex) internal pure {
        uint256 len = params.length;
        uint256 pos;
        while (pos < len) {
            if (pos + HEADER > len) revert ITinyHops.MalformedParams(stepIndex, pos);
            uint256 word;
            assembly {
                word := calldataload(add(params.offset, pos)) // the 3 header bytes are in bounds
            }
            uint256 tag = word >> 248;
            uint256 value = (word >> 232) & 0xffff;
            if (tag == LITERAL) {
                if (value == 0 || pos + HEADER + value > len) revert ITinyHops.MalformedParams(stepIndex, pos);
                pos += HEADER + value;
            } else if (tag == REFERENCE) {
                if (!_contains(deps, value)) revert ITinyHops.ReferenceNotADependency(stepIndex, value);
                pos += HEADER;
            } else {
                revert ITinyHops.MalformedParams(stepIndex, pos);
            }
        }
    }

    /// @notice Resolves the template stored at `raw[start:end]`: literals as they are, each
    /// reference replaced by `cidOf(workflowId, index)`. Referenced steps must have a result
    /// (checked by callers).
    function resolve(
        bytes memory raw,
        uint256 start,
        uint256 end,
        uint256 workflowId,
        function(uint256, uint256) view returns (bytes memory) cidOf
    ) internal view returns (string memory) {
        (bytes[] memory cids, uint256 total) = _fetch(raw, start, end, workflowId, cidOf);
        return string(_assemble(raw, start, end, cids, total));
    }

    /// @dev The CID of every reference, in order, and the length of the resolved string.
    function _fetch(
        bytes memory raw,
        uint256 start,
        uint256 end,
        uint256 workflowId,
        function(uint256, uint256) view returns (bytes memory) cidOf
    ) private view returns (bytes[] memory cids, uint256 total) {
        uint256[] memory refs = references(raw, start, end);
        cids = new bytes[](refs.length);
        for (uint256 k; k < refs.length; ++k) {
            cids[k] = cidOf(workflowId, refs[k]);
            total += cids[k].length;
        }
        uint256 pos = start;
        while (pos < end) {
            (uint8 tag, uint256 value) = _header(raw, pos);
            if (tag == LITERAL) {
                total += value;
                pos += HEADER + value;
            } else {
                pos += HEADER;
            }
        }
    }

    /// @dev Literals and CIDs copied into one buffer of `total` bytes.
    function _assemble(bytes memory raw, uint256 start, uint256 end, bytes[] memory cids, uint256 total)
        private
        pure
        returns (bytes memory buf)
    {
        buf = new bytes(total);
        uint256 dst;
        assembly {
            dst := add(buf, 32)
        }
        uint256 pos = start;
        uint256 k;
        while (pos < end) {
            (uint8 tag, uint256 value) = _header(raw, pos);
            if (tag == LITERAL) {
                assembly {
                    mcopy(dst, add(add(raw, 32), add(pos, HEADER)), value)
                }
                dst += value;
                pos += HEADER + value;
            } else {
                bytes memory cid = cids[k++];
                uint256 n = cid.length;
                assembly {
                    mcopy(dst, add(cid, 32), n)
                }
                dst += n;
                pos += HEADER;
            }
        }
    }

    /// @notice The step indices `raw[start:end]` references, in order (with repeats).
    function references(bytes memory raw, uint256 start, uint256 end) internal pure returns (uint256[] memory refs) {
        uint256 count;
        uint256 pos = start;
        while (pos < end) {
            (uint8 tag, uint256 value) = _header(raw, pos);
            pos += tag == LITERAL ? HEADER + value : HEADER;
            if (tag == REFERENCE) count++;
        }
        refs = new uint256[](count);
        count = 0;
        pos = start;
        while (pos < end) {
            (uint8 tag, uint256 value) = _header(raw, pos);
            if (tag == REFERENCE) refs[count++] = value;
            pos += tag == LITERAL ? HEADER + value : HEADER;
        }
    }

    function _header(bytes memory raw, uint256 pos) private pure returns (uint8 tag, uint256 value) {
        uint256 word;
        assembly {
            word := mload(add(add(raw, 32), pos))
        }
        tag = uint8(word >> 248);
        value = (word >> 232) & 0xffff;
    }

    /// @dev Binary search in a strictly increasing list.
    function _contains(uint16[] calldata sorted, uint256 value) private pure returns (bool) {
        uint256 lo;
        uint256 hi = sorted.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) >> 1;
            uint256 v = sorted[mid];
            if (v == value) return true;
            if (v < value) lo = mid + 1;
            else hi = mid;
        }
        return false;
    }
}
