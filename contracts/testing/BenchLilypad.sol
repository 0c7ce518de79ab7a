// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ILilypadV1, ILilypadV1Client} from "../interfaces/ILilypadV1.sol";

/// @title BenchLilypad: a minimal Lilypad v1 backend for gas measurements
/// @notice Hands out job ids at a flat cost and does nothing else, so that gas figures measured
/// against it are TinyHops's own: ids are the block number and a per-transaction counter kept in
/// transient storage (unique on a chain that mines one transaction per block, as the benchmark's
/// does), so no storage is written. `deliver` lets the benchmark post a result as Lilypad would; it keeps no
/// record of jobs, so the gas it adds to a launch is a counter and the payment.
contract BenchLilypad is ILilypadV1 {
    uint256 public constant COST = 1 wei;

    function runModuleWithDefaultMediators(string calldata, string calldata) external payable returns (uint256 jobId) {
        require(msg.value >= COST, "insufficient payment");
        uint256 n;
        assembly {
            n := add(tload(0), 1)
            tstore(0, n)
        }
        jobId = (block.number << 16) | n;
    }

    function getModuleCost(string calldata) external pure returns (uint256) {
        return COST;
    }

    /// @notice Delivers `cid` for `jobId` to `client`, as Lilypad's `postResult` would.
    function deliver(address client, uint256 jobId, string calldata cid) external {
        ILilypadV1Client(client).receiveJobResults(jobId, cid);
    }
}
