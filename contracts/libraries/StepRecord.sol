// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title StepRecord: a step's mutable state in 128 bits, two steps to a storage word
/// @notice Steps of a workflow are dense and launched close together, so packing two records per
/// word makes every second launch an update of a warm, non-zero word (2,900 gas) instead of a new
/// word (22,100 gas). Layout, from the least significant bit:
///   status:2 | cidForm:2 | attempts:9 | doneDeps:11 | deadline:40 | jobId:64
/// attempts <= 256 (1 + uint8 maxRetries), doneDeps < 1024 (MAX_STEPS), deadline a unix time,
/// jobId < 2^64 (launches that get a larger id from Lilypad fail the step).
library StepRecord {
    uint256 internal constant MAX_JOB_ID = type(uint64).max;
    uint256 private constant MASK = type(uint128).max;

    function load(mapping(uint256 => uint256) storage words, uint256 index) internal view returns (uint256) {
        return (words[index >> 1] >> ((index & 1) << 7)) & MASK;
    }

    function store(mapping(uint256 => uint256) storage words, uint256 index, uint256 rec) internal {
        uint256 shift = (index & 1) << 7;
        uint256 w = words[index >> 1];
        words[index >> 1] = (w & ~(MASK << shift)) | ((rec & MASK) << shift);
    }

    function status(uint256 rec) internal pure returns (uint256) {
        return rec & 3;
    }

    function cidForm(uint256 rec) internal pure returns (uint256) {
        return (rec >> 2) & 3;
    }

    function attempts(uint256 rec) internal pure returns (uint256) {
        return (rec >> 4) & 0x1ff;
    }

    function doneDeps(uint256 rec) internal pure returns (uint256) {
        return (rec >> 13) & 0x7ff;
    }

    function deadline(uint256 rec) internal pure returns (uint256) {
        return (rec >> 24) & 0xffffffffff;
    }

    function jobId(uint256 rec) internal pure returns (uint256) {
        return (rec >> 64) & type(uint64).max;
    }

    function withStatus(uint256 rec, uint256 v) internal pure returns (uint256) {
        return (rec & ~uint256(3)) | v;
    }

    function withCidForm(uint256 rec, uint256 v) internal pure returns (uint256) {
        return (rec & ~(uint256(3) << 2)) | (v << 2);
    }

    function withAttempts(uint256 rec, uint256 v) internal pure returns (uint256) {
        return (rec & ~(uint256(0x1ff) << 4)) | (v << 4);
    }

    function withDoneDeps(uint256 rec, uint256 v) internal pure returns (uint256) {
        return (rec & ~(uint256(0x7ff) << 13)) | (v << 13);
    }

    function withDeadline(uint256 rec, uint256 v) internal pure returns (uint256) {
        return (rec & ~(uint256(0xffffffffff) << 24)) | (v << 24);
    }

    function withJobId(uint256 rec, uint256 v) internal pure returns (uint256) {
        return (rec & ~(uint256(type(uint64).max) << 64)) | (v << 64);
    }
}
