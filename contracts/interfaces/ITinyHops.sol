// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ITinyHops: multi-step Lilypad workflows scheduled on chain
/// @notice A workflow is a list of steps in topological order. Each step runs one Lilypad module
/// with a params template that may reference earlier steps' result CIDs. A step is launched as soon
/// as all its dependencies have completed, paid from the workflow's own balance. Every workflow,
/// step and result can be read by any contract with a plain call. See docs/design.md and
/// docs/params-format.md.
interface ITinyHops {
    // ------------------------------------------------------------------ types

    enum WorkflowStatus {
        None,
        Created,
        Running,
        Paused,
        Completed,
        Failed,
        Cancelled
    }

    enum StepStatus {
        Pending,
        Running,
        Completed,
        Failed
    }

    /// @param module Lilypad module, `name:version` (e.g. `cowsay:v0.0.1`).
    /// @param params Params template in the byte format of docs/params-format.md.
    /// @param maxCost The most one attempt may cost, in wei; a module priced above it fails the step.
    /// @param deps Indices of the steps this one waits for, strictly increasing, each below its own index.
    /// @param maxRetries How many times a failed or timed-out attempt is retried.
    /// @param timeout Seconds after launch at which `advance` counts an attempt as failed; 0 for none.
    struct Step {
        string module;
        bytes params;
        uint256 maxCost;
        uint16[] deps;
        uint8 maxRetries;
        uint32 timeout;
    }

    // ------------------------------------------------------------------ errors

    /// @notice Thrown when a workflow has no steps.
    error EmptyWorkflow();
    /// @notice Thrown when a workflow has more steps than the contract accepts.
    error TooManySteps(uint256 count, uint256 max);
    /// @notice Thrown when step `stepIndex` has an empty module name.
    error EmptyModule(uint256 stepIndex);
    /// @notice Thrown when step `stepIndex`'s maxCost is zero or above 2^128 - 1.
    error InvalidMaxCost(uint256 stepIndex, uint256 maxCost);
    /// @notice Thrown when a dependency is not below the step's index or the list is not strictly increasing.
    error InvalidDependency(uint256 stepIndex, uint256 dependency);
    /// @notice Thrown when step `stepIndex`'s params template is malformed at byte `offset`.
    error MalformedParams(uint256 stepIndex, uint256 offset);
    /// @notice Thrown when step `stepIndex`'s params reference a step that is not among its dependencies.
    error ReferenceNotADependency(uint256 stepIndex, uint256 referencedStep);
    /// @notice Thrown when one step's definition is too large to store.
    error StepTooLarge(uint256 stepIndex, uint256 size, uint256 max);
    /// @notice Thrown when the definition needs more than `maxBytes` of data contracts (at step `stepIndex`).
    error WorkflowTooLarge(uint256 stepIndex, uint256 maxBytes);
    /// @notice Thrown for a workflow id that does not exist.
    error UnknownWorkflow(uint256 workflowId);
    /// @notice Thrown for a step index outside the workflow.
    error UnknownStep(uint256 workflowId, uint256 stepIndex);
    /// @notice Thrown when someone other than the owner calls an owner-only function.
    error NotWorkflowOwner(uint256 workflowId, address caller);
    /// @notice Thrown when the workflow's status does not allow the call.
    error InvalidWorkflowStatus(uint256 workflowId, WorkflowStatus status);
    /// @notice Thrown when `receiveJobResults` is called by anyone but the Lilypad contract.
    error NotLilypad(address caller);
    /// @notice Thrown when `receiveJobResults` names a job this contract did not create.
    error UnknownJob(uint256 jobId);
    /// @notice Thrown when a deposit of zero wei is made.
    error ZeroDeposit();
    /// @notice Thrown when there is nothing to withdraw.
    error NothingToWithdraw(uint256 workflowId);
    /// @notice Thrown when sending ether to `to` fails.
    error TransferFailed(address to, uint256 amount);
    /// @notice Thrown by `resolvedParams` while a referenced step has no result yet.
    error DependencyNotCompleted(uint256 workflowId, uint256 stepIndex, uint256 dependency);
    /// @notice Thrown when the Lilypad address given at construction is zero.
    error ZeroAddress();

    // ------------------------------------------------------------------ events

    /// @notice A workflow was created (status Created).
    event WorkflowCreated(uint256 indexed workflowId, address indexed owner, uint256 stepCount, string specURI);
    /// @notice A workflow moved to `status`.
    event WorkflowStatusChanged(uint256 indexed workflowId, WorkflowStatus status);
    /// @notice `from` added `amount` wei to the workflow's balance.
    event Deposited(uint256 indexed workflowId, address indexed from, uint256 amount);
    /// @notice A step was launched as Lilypad job `jobId`, paying `cost`; `attempt` counts from 1.
    event StepStarted(uint256 indexed workflowId, uint256 stepIndex, uint256 indexed jobId, uint256 cost, uint256 attempt);
    /// @notice A step completed with result `cid`.
    event StepCompleted(uint256 indexed workflowId, uint256 stepIndex, uint256 indexed jobId, string cid);
    /// @notice One attempt of a step failed and the step will be retried.
    event StepAttemptFailed(uint256 indexed workflowId, uint256 stepIndex, uint256 indexed jobId, uint256 attempt, string reason);
    /// @notice A step failed for good (the workflow fails with it). `jobId` is 0 when no job was created.
    event StepFailed(uint256 indexed workflowId, uint256 stepIndex, uint256 indexed jobId, string reason);
    /// @notice Step `stepIndex` is ready but the balance does not cover its cost: deposit, then advance.
    event WorkflowStalled(uint256 indexed workflowId, uint256 stepIndex, uint256 required, uint256 balance);
    /// @notice A result arrived for a superseded attempt, a finished step or a duplicate; nothing changed.
    event ResultIgnored(uint256 indexed workflowId, uint256 stepIndex, uint256 indexed jobId);
    /// @notice `amount` wei of the workflow's balance was sent to `to`.
    event Refunded(uint256 indexed workflowId, address indexed to, uint256 amount);
    /// @notice A cancel could not send the refund to `to`; the amount stays withdrawable.
    event RefundDeferred(uint256 indexed workflowId, address indexed to, uint256 amount);
    /// @notice Ether arrived outside any workflow (e.g. a Lilypad mediation refund); see `surplus`.
    event SurplusReceived(address indexed from, uint256 amount);

    // ------------------------------------------------------------------ writes

    /// @notice Stores a workflow (status Created). Reverts, storing nothing, on any invalid step.
    /// @return workflowId The new workflow's id; ids start at 1.
    function createWorkflow(Step[] calldata steps, string calldata specURI) external returns (uint256 workflowId);

    /// @notice Owner only, from Created: adds `msg.value` to the balance and launches the root steps.
    function startWorkflow(uint256 workflowId) external payable;

    /// @notice `createWorkflow` then `startWorkflow` in one transaction.
    function createAndStartWorkflow(Step[] calldata steps, string calldata specURI)
        external
        payable
        returns (uint256 workflowId);

    /// @notice Anyone may add to a workflow's balance while it is Created, Running or Paused.
    function deposit(uint256 workflowId) external payable;

    /// @notice Owner only, from Running: no new launches; results of running jobs are still recorded.
    function pauseWorkflow(uint256 workflowId) external;

    /// @notice Owner only, from Paused: back to Running, launching what is ready.
    function resumeWorkflow(uint256 workflowId) external;

    /// @notice Owner only, from Created, Running or Paused: no new launches, balance refunded at once.
    function cancelWorkflow(uint256 workflowId) external;

    /// @notice Owner only, once Completed, Failed or Cancelled: sends the remaining balance to the owner.
    function withdraw(uint256 workflowId) external;

    /// @notice Anyone: relaunches timed-out attempts and launches ready steps waiting for a launch.
    /// @return launched The number of jobs launched by this call.
    function advance(uint256 workflowId) external returns (uint256 launched);

    /// @notice Lilypad's callback. Only the Lilypad contract; never reverts for a job created here.
    function receiveJobResults(uint256 jobId, string calldata cid) external;

    // ------------------------------------------------------------------ reads

    /// @notice The Lilypad (Modicum) contract jobs are sent to and results accepted from.
    function lilypad() external view returns (address);

    /// @notice The number of workflows created; the last id.
    function workflowCount() external view returns (uint256);

    function getWorkflow(uint256 workflowId)
        external
        view
        returns (
            address owner,
            WorkflowStatus status,
            uint256 balance,
            uint256 stepCount,
            uint256 completedSteps,
            string memory specURI
        );

    function getStep(uint256 workflowId, uint256 stepIndex)
        external
        view
        returns (StepStatus status, uint256 jobId, uint256 attempts, string memory resultCid);

    /// @notice A step's definition, as given at creation.
    function getStepDefinition(uint256 workflowId, uint256 stepIndex) external view returns (Step memory);

    function getResults(uint256 workflowId)
        external
        view
        returns (StepStatus[] memory statuses, uint256[] memory jobIds, string[] memory cids);

    /// @notice The params string a step is (or would be) launched with; reverts while a reference has no result.
    function resolvedParams(uint256 workflowId, uint256 stepIndex) external view returns (string memory);

    /// @notice Which workflow step a Lilypad job belongs to (0, 0 for a job not created here).
    function jobStep(uint256 jobId) external view returns (uint256 workflowId, uint256 stepIndex);

    /// @notice How many ready steps wait for a launch (by `advance`, `resumeWorkflow` or a callback).
    function readyCount(uint256 workflowId) external view returns (uint256);

    /// @notice Ether held outside any workflow: Lilypad mediation refunds and direct transfers.
    function surplus() external view returns (uint256);
}
