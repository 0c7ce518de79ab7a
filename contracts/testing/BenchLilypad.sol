// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ILilypadV1, ILilypadV1Client} from "../interfaces/ILilypadV1.sol";

/// @title BenchLilypad: a minimal Lilypad v1 backend for gas measurements
/// @notice Hands out job ids at a flat cost and does nothing else, so that gas figures measured
/// against it are TinyHops's own. `deliver` lets the benchmark post a result as Lilypad would.
contract BenchLilypad is ILilypadV1 {
    uint256 public constant COST = 1 wei;
    uint256 public jobCount;
    mapping(uint256 jobId => address client) public clientOf;

    function runModuleWithDefaultMediators(string calldata, string calldata) external payable returns (uint256 jobId) {
        require(msg.value >= COST, "insufficient payment");
        jobId = ++jobCount;
        clientOf[jobId] = msg.sender;
    }

    function getModuleCost(string calldata) external pure returns (uint256) {
        return COST;
    }

    function deliver(uint256 jobId, string calldata cid) external {
        ILilypadV1Client(clientOf[jobId]).receiveJobResults(jobId, cid);
    }
}
