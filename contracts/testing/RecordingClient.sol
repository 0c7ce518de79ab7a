// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ILilypadV1, ILilypadV1Client} from "../interfaces/ILilypadV1.sol";

/// @title RecordingClient: a Lilypad v1 client for tests of the local node
/// @notice Forwards `runModuleWithDefaultMediators` to a Modicum contract and records every result
/// Modicum delivers. It also mimics the few TinyHops calls the node makes (`jobStep`, `readyCount`,
/// `advance`, and the `WorkflowStalled`/`Deposited` events), with values set by the test, so the
/// node's advance logic can be tested without the real TinyHops contract. Test use only.
contract RecordingClient is ILilypadV1Client {
    error NotLilypad(address caller);
    error Rejected(uint256 jobId);

    event ResultReceived(uint256 indexed jobId, string cid);
    event WorkflowStalled(uint256 indexed workflowId, uint256 stepIndex, uint256 required, uint256 balance);
    event Deposited(uint256 indexed workflowId, address indexed from, uint256 amount);
    event Advanced(uint256 indexed workflowId, uint256 launched);

    ILilypadV1 public immutable lilypad;

    mapping(uint256 jobId => string cid) public results;
    mapping(uint256 jobId => uint256 count) public resultCount;
    uint256[] private _received;

    /// @notice When set, `receiveJobResults` reverts (to test a reverting callback).
    bool public rejectResults;

    mapping(uint256 jobId => uint256 workflowId) private _jobWorkflow;
    mapping(uint256 jobId => uint256 stepIndex) private _jobStepIndex;
    mapping(uint256 workflowId => uint256 count) public readyCount;
    mapping(uint256 workflowId => uint256 count) public advanceCalls;
    /// @notice When set, `advance` launches nothing and emits `WorkflowStalled` (balance too low).
    bool public stallOnAdvance;

    constructor(ILilypadV1 lilypad_) {
        lilypad = lilypad_;
    }

    receive() external payable {}

    /// @notice Creates a Lilypad job paid with `msg.value`.
    function runModuleWithDefaultMediators(string calldata name, string calldata params)
        external
        payable
        returns (uint256 jobId)
    {
        jobId = lilypad.runModuleWithDefaultMediators{value: msg.value}(name, params);
    }

    /// @notice Creates a Lilypad job that `jobStep` reports as step `stepIndex` of `workflowId`.
    function runForWorkflow(uint256 workflowId, uint256 stepIndex, string calldata name, string calldata params)
        external
        payable
        returns (uint256 jobId)
    {
        jobId = lilypad.runModuleWithDefaultMediators{value: msg.value}(name, params);
        _jobWorkflow[jobId] = workflowId;
        _jobStepIndex[jobId] = stepIndex;
    }

    /// @inheritdoc ILilypadV1Client
    function receiveJobResults(uint256 jobId, string calldata cid) external {
        if (msg.sender != address(lilypad)) revert NotLilypad(msg.sender);
        if (rejectResults) revert Rejected(jobId);
        results[jobId] = cid;
        resultCount[jobId] += 1;
        _received.push(jobId);
        emit ResultReceived(jobId, cid);
    }

    function setRejectResults(bool reject) external {
        rejectResults = reject;
    }

    /// @notice The job ids received, in order of arrival.
    function received() external view returns (uint256[] memory) {
        return _received;
    }

    // ------------------------------------------------------- TinyHops stand-in

    function jobStep(uint256 jobId) external view returns (uint256 workflowId, uint256 stepIndex) {
        return (_jobWorkflow[jobId], _jobStepIndex[jobId]);
    }

    function setReadyCount(uint256 workflowId, uint256 count) external {
        readyCount[workflowId] = count;
    }

    /// @notice Emits `WorkflowStalled` for `workflowId` and marks `ready` steps as ready.
    function stall(uint256 workflowId, uint256 ready) external {
        readyCount[workflowId] = ready;
        emit WorkflowStalled(workflowId, 0, 1, 0);
    }

    function deposit(uint256 workflowId) external payable {
        emit Deposited(workflowId, msg.sender, msg.value);
    }

    function setStallOnAdvance(bool stall_) external {
        stallOnAdvance = stall_;
    }

    /// @notice Counts the call and "launches" every ready step (or stalls, see `stallOnAdvance`).
    function advance(uint256 workflowId) external returns (uint256 launched) {
        advanceCalls[workflowId] += 1;
        if (stallOnAdvance) {
            emit WorkflowStalled(workflowId, 0, 1, 0);
            return 0;
        }
        launched = readyCount[workflowId];
        readyCount[workflowId] = 0;
        emit Advanced(workflowId, launched);
    }
}
