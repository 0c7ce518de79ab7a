// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ILilypadV1, ILilypadV1Client} from "../../interfaces/ILilypadV1.sol";

/// @title ReentrantLilypad: a hostile Lilypad v1 backend (test use only)
/// @notice Implements `runModuleWithDefaultMediators` and `getModuleCost` like Modicum, plus:
/// - a re-entry hook: while a job is being created, it calls `reentryTarget` with `reentryData`
///   (any TinyHops function: advance, receiveJobResults, withdraw, cancelWorkflow, ...), either
///   swallowing the outcome (recorded) or bubbling a revert up;
/// - overcharging: `getModuleCost` may quote `cost` while `runModuleWithDefaultMediators`
///   demands `demand` (more than the quote), and the quote may grow after every job (`growth`);
/// - unusable job ids: 0 or a repeat (`setFixedJobId`);
/// - `deliver` posts a result to a client as Modicum would (this contract is then `msg.sender`);
/// - `forward` lets this contract act as an account (e.g. own a workflow).
contract ReentrantLilypad is ILilypadV1 {
    uint256 public cost;
    uint256 public demand;
    /// @notice Added to `cost` after each job created (0: a fixed price).
    uint256 public growth;
    uint256 public jobCount;
    uint256 public totalReceived;

    address public reentryTarget;
    bytes public reentryData;
    bool public bubble;
    /// @notice When set, every job gets id `fixedJobId` (0, or a repeat: ids TinyHops cannot track).
    bool public useFixedJobId;
    uint256 public fixedJobId;
    uint256 public reentryAttempts;
    uint256 public reentrySuccesses;
    bytes public lastReentryError;

    constructor(uint256 cost_) {
        cost = cost_;
        demand = cost_;
    }

    receive() external payable {}

    function setPricing(uint256 cost_, uint256 demand_, uint256 growth_) external {
        cost = cost_;
        demand = demand_;
        growth = growth_;
    }

    function arm(address target, bytes calldata data, bool bubble_) external {
        reentryTarget = target;
        reentryData = data;
        bubble = bubble_;
    }

    function setFixedJobId(bool on, uint256 id) external {
        useFixedJobId = on;
        fixedJobId = id;
    }

    function disarm() external {
        reentryTarget = address(0);
    }

    function getModuleCost(string calldata) external view returns (uint256) {
        return cost;
    }

    function runModuleWithDefaultMediators(string calldata, string calldata)
        external
        payable
        returns (uint256 jobId)
    {
        require(msg.value >= demand, "insufficient payment");
        totalReceived += msg.value;
        jobId = ++jobCount;
        if (useFixedJobId) jobId = fixedJobId;
        cost += growth;
        demand += growth;
        address t = reentryTarget;
        if (t != address(0)) {
            reentryAttempts += 1;
            (bool ok, bytes memory ret) = t.call(reentryData);
            if (ok) {
                reentrySuccesses += 1;
            } else {
                lastReentryError = ret;
                if (bubble) {
                    assembly {
                        revert(add(ret, 0x20), mload(ret))
                    }
                }
            }
        }
    }

    /// @notice Posts `cid` for `jobId` to `client`, as Modicum's `postResult` would.
    function deliver(address client, uint256 jobId, string calldata cid) external {
        ILilypadV1Client(client).receiveJobResults(jobId, cid);
    }

    /// @notice Calls `to` with `data` and `msg.value` as this contract; bubbles a revert.
    function forward(address to, bytes calldata data) external payable returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }
}
