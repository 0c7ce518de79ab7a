// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Lilypad v1 ("Modicum") client-facing interface
/// @notice What a contract that runs Lilypad v1 jobs calls. `runModuleWithDefaultMediators`
/// requires the module to have a cost and `msg.value >= getModuleCost(name)`; anything paid
/// above the cost is kept by Lilypad. Job ids come from one global counter starting at 1.
interface ILilypadV1 {
    /// @notice Runs `name` with `params`; the result arrives later through
    /// {ILilypadV1Client-receiveJobResults} on the calling contract.
    function runModuleWithDefaultMediators(string calldata name, string calldata params)
        external
        payable
        returns (uint256 jobId);

    /// @notice The price of one job of module `name`, in wei.
    function getModuleCost(string calldata name) external view returns (uint256);
}

/// @title The callback every Lilypad v1 client implements
/// @notice Called by the Modicum contract when a resource provider posts a job's result. A failed
/// job arrives here too, with `cid = "JOB_FAILED:<error text>"`. If this call reverts, the
/// provider's whole `postResult` reverts.
interface ILilypadV1Client {
    function receiveJobResults(uint256 jobId, string calldata cid) external;
}
