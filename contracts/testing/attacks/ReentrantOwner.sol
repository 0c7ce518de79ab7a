// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ITinyHops} from "../../interfaces/ITinyHops.sol";

/// @title ReentrantOwner: a workflow owner whose `receive` attacks TinyHops (test use only)
/// @notice Owns workflows through `create`/`cancel`/`withdraw` and, when TinyHops sends it ether,
/// re-enters `cancelWorkflow` or `withdraw` (or simply refuses the ether), according to `mode`.
/// Every re-entry attempt and its revert data are recorded for the tests.
contract ReentrantOwner {
    enum Mode {
        Accept, // take the ether quietly
        ReenterWithdraw, // call withdraw(target) again, swallowing a revert
        ReenterCancel, // call cancelWorkflow(target) again, swallowing a revert
        ReenterWithdrawBubble, // call withdraw(target) again and bubble its revert up
        Reject // revert: refuse the ether
    }

    ITinyHops public immutable tinyhops;
    Mode public mode;
    uint256 public target;
    uint256 public received;
    uint256 public receiveCount;
    uint256 public reentryAttempts;
    uint256 public reentrySuccesses;
    bytes public lastReentryError;

    constructor(ITinyHops tinyhops_) {
        tinyhops = tinyhops_;
    }

    function setMode(Mode mode_, uint256 target_) external {
        mode = mode_;
        target = target_;
    }

    function create(ITinyHops.Step[] calldata steps) external returns (uint256) {
        return tinyhops.createWorkflow(steps, "");
    }

    function createAndStart(ITinyHops.Step[] calldata steps) external payable returns (uint256) {
        return tinyhops.createAndStartWorkflow{value: msg.value}(steps, "");
    }

    function start(uint256 workflowId) external payable {
        tinyhops.startWorkflow{value: msg.value}(workflowId);
    }

    function cancel(uint256 workflowId) external {
        tinyhops.cancelWorkflow(workflowId);
    }

    function withdraw(uint256 workflowId) external {
        tinyhops.withdraw(workflowId);
    }

    receive() external payable {
        Mode m = mode;
        if (m == Mode.Reject) revert("ReentrantOwner: no ether");
        received += msg.value;
        receiveCount += 1;
        if (m == Mode.Accept) return;
        reentryAttempts += 1;
        if (m == Mode.ReenterWithdrawBubble) {
            tinyhops.withdraw(target);
            reentrySuccesses += 1;
            return;
        }
        bytes memory data = m == Mode.ReenterWithdraw
            ? abi.encodeCall(ITinyHops.withdraw, (target))
            : abi.encodeCall(ITinyHops.cancelWorkflow, (target));
        (bool ok, bytes memory ret) = address(tinyhops).call(data);
        if (ok) reentrySuccesses += 1;
        else lastReentryError = ret;
    }
}
