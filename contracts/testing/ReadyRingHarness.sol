// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ReadyRing} from "../libraries/ReadyRing.sol";

/// @notice Exposes ReadyRing to the tests, with 16-bit head and tail kept as TinyHops keeps them.
contract ReadyRingHarness {
    mapping(uint256 => uint256) private _ring;
    uint16 public head;
    uint16 public tail;

    /// @notice Starts an empty queue at position `pos` (to reach the counters' wrap quickly).
    function reset(uint16 pos) external {
        head = pos;
        tail = pos;
    }

    function push(uint256[] calldata indices) external {
        uint256 t = tail;
        for (uint256 i; i < indices.length; ++i) {
            ReadyRing.put(_ring, t, indices[i]);
            t = ReadyRing.next(t);
        }
        tail = uint16(t);
    }

    function pop(uint256 count) external returns (uint256[] memory out) {
        out = new uint256[](count);
        uint256 h = head;
        for (uint256 i; i < count; ++i) {
            out[i] = ReadyRing.at(_ring, h);
            h = ReadyRing.next(h);
        }
        head = uint16(h);
    }

    function length() external view returns (uint256) {
        return ReadyRing.length(head, tail);
    }
}
