// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {WorkflowBlob} from "./WorkflowBlob.sol";

/// @title ReadyRing: a workflow's queue of ready steps, as a ring of 16-bit step indices
/// @notice A step waits in the queue at most once at a time (it is queued when it becomes ready and
/// leaves the queue when it is launched, failed or skipped; only a running step can become ready
/// again), so a workflow's queue never holds more than its step count, at most `SIZE`. Positions
/// are 16-bit counters that wrap (a multiple of `SIZE`): the queue is [head, tail), its length
/// `tail - head` mod 2^16, and both counters sit in the workflow's first storage word, so asking
/// whether anything waits costs no extra storage read. Entries are packed 16 to a word and words
/// are reused as the ring turns.
library ReadyRing {
    /// @dev One entry per step a workflow may have; a power of two that divides 2^16.
    uint256 internal constant SIZE = WorkflowBlob.MAX_STEPS;

    /// @notice The number of entries between `head` and `tail`.
    function length(uint256 head, uint256 tail) internal pure returns (uint256) {
        unchecked {
            return (tail - head) & 0xffff; // tail is at or after head, modulo 2^16
        }
    }

    /// @notice The position after `pos` (positions wrap at 2^16).
    function next(uint256 pos) internal pure returns (uint256) {
        unchecked {
            return (pos + 1) & 0xffff;
        }
    }

    /// @notice Writes `index` at position `pos`.
    function put(mapping(uint256 => uint256) storage ring, uint256 pos, uint256 index) internal {
        uint256 slot = (pos % SIZE) >> 4;
        uint256 shift = (pos & 15) << 4;
        ring[slot] = (ring[slot] & ~(uint256(0xffff) << shift)) | (index << shift);
    }

    /// @notice The step index at position `pos`.
    function at(mapping(uint256 => uint256) storage ring, uint256 pos) internal view returns (uint256) {
        return (ring[(pos % SIZE) >> 4] >> ((pos & 15) << 4)) & 0xffff;
    }
}
