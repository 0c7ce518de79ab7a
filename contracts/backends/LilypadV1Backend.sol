// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILilypadV1} from "../interfaces/ILilypadV1.sol";

/// @title LilypadV1Backend: every Lilypad-specific call TinyHops makes, behind one boundary
/// @notice Scheduling code in TinyHops asks for a job's cost, submits a job and interprets a
/// result only through these internal functions. A Lilypad v2 backend (`runJob(module, inputs,
/// payee)` paid in ERC-20, callback `submitResults(id, dealId, dataId)`) would implement the same
/// four functions and add its own callback entry point, leaving scheduling untouched.
abstract contract LilypadV1Backend {
    bytes private constant FAILED_PREFIX = "JOB_FAILED:";

    ILilypadV1 private immutable _lilypad;

    constructor(address lilypad_) {
        _lilypad = ILilypadV1(lilypad_);
    }

    function _backend() internal view returns (address) {
        return address(_lilypad);
    }

    /// @dev The price of one job of `module`; `ok` is false if the backend cannot say.
    function _jobCost(string memory module) internal view returns (bool ok, uint256 cost) {
        try _lilypad.getModuleCost(module) returns (uint256 c) {
            return (true, c);
        } catch {
            return (false, 0);
        }
    }

    /// @dev Submits a job paying exactly `cost`. Never reverts: a refusal comes back as `ok = false`
    /// with the backend's reason (the payment is returned with the revert).
    function _submitJob(string memory module, string memory params, uint256 cost)
        internal
        returns (bool ok, uint256 jobId, string memory reason)
    {
        try _lilypad.runModuleWithDefaultMediators{value: cost}(module, params) returns (uint256 id) {
            return (true, id, "");
        } catch Error(string memory why) {
            return (false, 0, why);
        } catch (bytes memory) {
            return (false, 0, "lilypad refused the job");
        }
    }

    /// @dev Splits a v1 result into success (a CID) or failure (`JOB_FAILED:<reason>`, or empty).
    function _isFailure(string calldata result) internal pure returns (bool failed, string memory reason) {
        bytes calldata r = bytes(result);
        uint256 p = FAILED_PREFIX.length;
        if (r.length == 0) return (true, "empty result");
        if (r.length >= p && keccak256(r[:p]) == keccak256(FAILED_PREFIX)) {
            return (true, string(r[p:]));
        }
        return (false, "");
    }
}
