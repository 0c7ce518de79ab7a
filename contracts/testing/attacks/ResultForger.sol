// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ILilypadV1Client} from "../../interfaces/ILilypadV1.sol";

/// @title ResultForger: posts results it did not earn (test use only)
/// @notice Calls a client's `receiveJobResults` directly, pretending to be Lilypad.
contract ResultForger {
    function forge(ILilypadV1Client client, uint256 jobId, string calldata cid) external {
        client.receiveJobResults(jobId, cid);
    }

    /// @notice Forges a result, swallowing the revert; returns whether the client accepted it.
    function tryForge(ILilypadV1Client client, uint256 jobId, string calldata cid) external returns (bool ok) {
        try client.receiveJobResults(jobId, cid) {
            ok = true;
        } catch {
            ok = false;
        }
    }
}
