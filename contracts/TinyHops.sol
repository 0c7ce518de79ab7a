// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {LibBytes} from "solady/utils/LibBytes.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ITinyHops} from "./interfaces/ITinyHops.sol";
import {ILilypadV1Client} from "./interfaces/ILilypadV1.sol";
import {LilypadV1Backend} from "./backends/LilypadV1Backend.sol";
import {ParamsTemplate} from "./libraries/ParamsTemplate.sol";
import {WorkflowBlob} from "./libraries/WorkflowBlob.sol";
import {StepRecord} from "./libraries/StepRecord.sol";
import {CidCodec} from "./libraries/CidCodec.sol";
import {ReadyRing} from "./libraries/ReadyRing.sol";

/// @title TinyHops: multi-step Lilypad workflows, scheduled on chain
/// @notice See {ITinyHops} and docs/design.md. Each workflow's definition is written once as
/// contract code (WorkflowBlob); its mutable state is one storage word per step. A result unlocks
/// the completed step's children only (work proportional to what it unlocks, never to the size of
/// the workflow); a callback launches at most MAX_CALLBACK_LAUNCHES jobs and queues the rest for
/// `advance`. Money: the contract's balance is the sum of the workflows' balances plus `surplus`.
contract TinyHops is ITinyHops, ILilypadV1Client, LilypadV1Backend, ReentrancyGuardTransient {
    using WorkflowBlob for WorkflowBlob.Record;
    using LibBytes for LibBytes.BytesStorage;
    using StepRecord for uint256;

    /// @notice The most jobs one `receiveJobResults` launches itself (bounds the provider's gas).
    uint256 public constant MAX_CALLBACK_LAUNCHES = 8;
    /// @notice The most jobs one `startWorkflow`, `resumeWorkflow` or `advance` launches.
    uint256 public constant MAX_CALL_LAUNCHES = 64;

    /// @dev Slot 0 packs owner(160) status(8) stepCount(16) completedSteps(16) hasTimeouts(8) and
    /// the ready queue's readyHead(16) readyTail(16); slot 1 balance(96) and the definition's first
    /// chunk(160), so that creating and funding a workflow touches two words. Further chunks, the
    /// queue's entries (see ReadyRing) and the spec URI are written only when used.
    struct Workflow {
        address owner;
        WorkflowStatus status;
        uint16 stepCount;
        uint16 completedSteps;
        bool hasTimeouts;
        uint16 readyHead;
        uint16 readyTail;
        uint96 balance;
        address chunk0;
        address[] moreChunks;
        mapping(uint256 => uint256) ready;
        LibBytes.BytesStorage specURI;
    }

    enum Launch {
        Started,
        Stalled,
        Failed
    }

    uint256 private _workflowCount;
    uint256 private _surplus;
    mapping(uint256 workflowId => Workflow) private _workflows;
    /// @dev Steps' mutable state, two 128-bit records a word (see StepRecord).
    mapping(uint256 workflowId => mapping(uint256 pair => uint256 word)) private _steps;
    /// @dev Result CIDs: a canonical sha2-256 CIDv1 as its digest (one word, see CidCodec), any
    /// other result string as text (Solady's LibBytes). The step record says which.
    mapping(uint256 workflowId => mapping(uint256 stepIndex => bytes32 digest)) private _digests;
    mapping(uint256 workflowId => mapping(uint256 stepIndex => LibBytes.BytesStorage cid)) private _texts;
    /// @dev jobId => workflowId << 16 | stepIndex (0 for a job not created here).
    mapping(uint256 jobId => uint256 packed) private _jobSteps;

    constructor(address lilypad_) LilypadV1Backend(lilypad_) {
        if (lilypad_ == address(0)) revert ZeroAddress();
    }

    /// @notice Accepts Lilypad's mediation refunds and any other direct transfer, kept as `surplus`.
    receive() external payable {
        _surplus += msg.value;
        emit SurplusReceived(msg.sender, msg.value);
    }

    // ================================================================== owner and user calls

    /// @inheritdoc ITinyHops
    function createWorkflow(Step[] calldata steps, string calldata specURI)
        external
        nonReentrant
        returns (uint256 workflowId)
    {
        workflowId = _create(steps, specURI);
    }

    /// @inheritdoc ITinyHops
    function startWorkflow(uint256 workflowId) external payable nonReentrant {
        _start(workflowId);
    }

    /// @inheritdoc ITinyHops
    function createAndStartWorkflow(Step[] calldata steps, string calldata specURI)
        external
        payable
        nonReentrant
        returns (uint256 workflowId)
    {
        workflowId = _create(steps, specURI);
        _start(workflowId);
    }

    /// @inheritdoc ITinyHops
    function deposit(uint256 workflowId) external payable nonReentrant {
        Workflow storage w = _workflow(workflowId);
        if (msg.value == 0) revert ZeroDeposit();
        WorkflowStatus s = w.status;
        if (s != WorkflowStatus.Created && s != WorkflowStatus.Running && s != WorkflowStatus.Paused) {
            revert InvalidWorkflowStatus(workflowId, s);
        }
        w.balance = SafeCast.toUint96(w.balance + msg.value);
        emit Deposited(workflowId, msg.sender, msg.value);
    }

    /// @inheritdoc ITinyHops
    function pauseWorkflow(uint256 workflowId) external nonReentrant {
        Workflow storage w = _owned(workflowId);
        if (w.status != WorkflowStatus.Running) revert InvalidWorkflowStatus(workflowId, w.status);
        _setStatus(workflowId, w, WorkflowStatus.Paused);
    }

    /// @inheritdoc ITinyHops
    function resumeWorkflow(uint256 workflowId) external nonReentrant {
        Workflow storage w = _owned(workflowId);
        if (w.status != WorkflowStatus.Paused) revert InvalidWorkflowStatus(workflowId, w.status);
        _setStatus(workflowId, w, WorkflowStatus.Running);
        _drain(workflowId, w, MAX_CALL_LAUNCHES, 0);
    }

    /// @inheritdoc ITinyHops
    function cancelWorkflow(uint256 workflowId) external nonReentrant {
        Workflow storage w = _owned(workflowId);
        WorkflowStatus s = w.status;
        if (s != WorkflowStatus.Created && s != WorkflowStatus.Running && s != WorkflowStatus.Paused) {
            revert InvalidWorkflowStatus(workflowId, s);
        }
        _setStatus(workflowId, w, WorkflowStatus.Cancelled);
        uint256 amount = w.balance;
        if (amount == 0) return;
        w.balance = 0;
        address owner = w.owner;
        (bool ok,) = owner.call{value: amount}("");
        if (ok) {
            emit Refunded(workflowId, owner, amount);
        } else {
            // The owner cannot take ether right now: keep it withdrawable rather than block the cancel.
            w.balance = uint96(amount);
            emit RefundDeferred(workflowId, owner, amount);
        }
    }

    /// @inheritdoc ITinyHops
    function withdraw(uint256 workflowId) external nonReentrant {
        Workflow storage w = _owned(workflowId);
        WorkflowStatus s = w.status;
        if (s != WorkflowStatus.Completed && s != WorkflowStatus.Failed && s != WorkflowStatus.Cancelled) {
            revert InvalidWorkflowStatus(workflowId, s);
        }
        uint256 amount = w.balance;
        if (amount == 0) revert NothingToWithdraw(workflowId);
        w.balance = 0;
        address owner = w.owner;
        (bool ok,) = owner.call{value: amount}("");
        if (!ok) revert TransferFailed(owner, amount);
        emit Refunded(workflowId, owner, amount);
    }

    /// @inheritdoc ITinyHops
    function advance(uint256 workflowId) external nonReentrant returns (uint256 launched) {
        Workflow storage w = _workflow(workflowId);
        if (w.status != WorkflowStatus.Running) return 0;
        if (w.hasTimeouts) launched = _expireTimeouts(workflowId, w);
        if (w.status == WorkflowStatus.Running) launched = _drain(workflowId, w, MAX_CALL_LAUNCHES, launched);
    }

    // ================================================================== Lilypad callback

    /// @inheritdoc ITinyHops
    function receiveJobResults(uint256 jobId, string calldata cid)
        external
        override(ITinyHops, ILilypadV1Client)
        nonReentrant
    {
        if (msg.sender != _backend()) revert NotLilypad(msg.sender);
        uint256 packed = _jobSteps[jobId];
        if (packed == 0) revert UnknownJob(jobId);
        // From here on the job is ours: nothing below reverts.
        uint256 workflowId = packed >> 16;
        uint256 index = packed & 0xffff;
        uint256 rec = StepRecord.load(_steps[workflowId], index);
        if (rec.status() != uint256(StepStatus.Running) || rec.jobId() != jobId) {
            emit ResultIgnored(workflowId, index, jobId);
            return;
        }
        Workflow storage w = _workflows[workflowId];
        (bool failed, string memory reason) = _isFailure(cid);
        if (failed) {
            _attemptFailed(workflowId, w, index, rec, jobId, reason, 0);
        } else {
            _complete(workflowId, w, index, rec, jobId, cid);
        }
    }

    // ================================================================== reads

    /// @inheritdoc ITinyHops
    function lilypad() external view returns (address) {
        return _backend();
    }

    /// @inheritdoc ITinyHops
    function workflowCount() external view returns (uint256) {
        return _workflowCount;
    }

    /// @inheritdoc ITinyHops
    function surplus() external view returns (uint256) {
        return _surplus;
    }

    /// @inheritdoc ITinyHops
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
        )
    {
        Workflow storage w = _workflow(workflowId);
        return (w.owner, w.status, w.balance, w.stepCount, w.completedSteps, string(w.specURI.get()));
    }

    /// @inheritdoc ITinyHops
    function getStep(uint256 workflowId, uint256 stepIndex)
        external
        view
        returns (StepStatus status, uint256 jobId, uint256 attempts, string memory resultCid)
    {
        _checkStep(workflowId, stepIndex);
        uint256 rec = StepRecord.load(_steps[workflowId], stepIndex);
        return (StepStatus(rec.status()), rec.jobId(), rec.attempts(), string(_cid(workflowId, stepIndex, rec)));
    }

    /// @inheritdoc ITinyHops
    function getStepDefinition(uint256 workflowId, uint256 stepIndex) external view returns (Step memory step) {
        Workflow storage w = _checkStep(workflowId, stepIndex);
        WorkflowBlob.Record memory r = _load(w, stepIndex);
        step.module = r.module();
        step.params = r.params();
        step.maxCost = r.maxCost;
        step.maxRetries = uint8(r.maxRetries);
        step.timeout = uint32(r.timeout);
        step.deps = new uint16[](r.depCount);
        for (uint256 j; j < r.depCount; ++j) {
            step.deps[j] = uint16(r.dep(j));
        }
    }

    /// @inheritdoc ITinyHops
    function getResults(uint256 workflowId)
        external
        view
        returns (StepStatus[] memory statuses, uint256[] memory jobIds, string[] memory cids)
    {
        Workflow storage w = _workflow(workflowId);
        uint256 n = w.stepCount;
        statuses = new StepStatus[](n);
        jobIds = new uint256[](n);
        cids = new string[](n);
        for (uint256 i; i < n; ++i) {
            uint256 rec = StepRecord.load(_steps[workflowId], i);
            statuses[i] = StepStatus(rec.status());
            jobIds[i] = rec.jobId();
            cids[i] = string(_cid(workflowId, i, rec));
        }
    }

    /// @inheritdoc ITinyHops
    function resolvedParams(uint256 workflowId, uint256 stepIndex) external view returns (string memory) {
        Workflow storage w = _checkStep(workflowId, stepIndex);
        WorkflowBlob.Record memory r = _load(w, stepIndex);
        (uint256 start, uint256 end) = r.paramsRange();
        uint256[] memory refs = ParamsTemplate.references(r.raw, start, end);
        for (uint256 k; k < refs.length; ++k) {
            if (StepRecord.load(_steps[workflowId], refs[k]).status() != uint256(StepStatus.Completed)) {
                revert DependencyNotCompleted(workflowId, stepIndex, refs[k]);
            }
        }
        return _resolve(workflowId, r);
    }

    /// @inheritdoc ITinyHops
    function jobStep(uint256 jobId) external view returns (uint256 workflowId, uint256 stepIndex) {
        uint256 packed = _jobSteps[jobId];
        return (packed >> 16, packed & 0xffff);
    }

    /// @inheritdoc ITinyHops
    function readyCount(uint256 workflowId) external view returns (uint256) {
        Workflow storage w = _workflow(workflowId);
        return ReadyRing.length(w.readyHead, w.readyTail);
    }

    // ================================================================== internals

    function _create(Step[] calldata steps, string calldata specURI) private returns (uint256 workflowId) {
        (address[] memory chunks, bool hasTimeouts) = WorkflowBlob.write(steps);
        workflowId = ++_workflowCount;
        Workflow storage w = _workflows[workflowId];
        w.owner = msg.sender;
        w.status = WorkflowStatus.Created;
        w.stepCount = uint16(steps.length);
        w.hasTimeouts = hasTimeouts;
        w.chunk0 = chunks[0];
        for (uint256 c = 1; c < chunks.length; ++c) {
            w.moreChunks.push(chunks[c]);
        }
        if (bytes(specURI).length != 0) w.specURI.setCalldata(bytes(specURI));
        emit WorkflowCreated(workflowId, msg.sender, steps.length, specURI);
        emit WorkflowStatusChanged(workflowId, WorkflowStatus.Created);
    }

    function _start(uint256 workflowId) private {
        Workflow storage w = _owned(workflowId);
        if (w.status != WorkflowStatus.Created) revert InvalidWorkflowStatus(workflowId, w.status);
        if (msg.value != 0) {
            w.balance = SafeCast.toUint96(w.balance + msg.value);
            emit Deposited(workflowId, msg.sender, msg.value);
        }
        _setStatus(workflowId, w, WorkflowStatus.Running);
        uint256[] memory rootList = WorkflowBlob.roots(w.chunk0);
        uint256 launched;
        for (uint256 i; i < rootList.length; ++i) {
            launched = _ready(workflowId, w, rootList[i], MAX_CALL_LAUNCHES, launched);
        }
    }

    /// @dev Step `index` has become ready (all dependencies done, or a retry is due): launch it now
    /// if the workflow runs, nothing waits before it and this call's launch budget allows, else queue it.
    function _ready(uint256 workflowId, Workflow storage w, uint256 index, uint256 limit, uint256 launched)
        private
        returns (uint256)
    {
        uint256 head = w.readyHead;
        uint256 tail = w.readyTail;
        if (w.status == WorkflowStatus.Running && launched < limit && head == tail) {
            Launch outcome = _launch(workflowId, w, index);
            if (outcome == Launch.Started) return launched + 1;
            if (outcome == Launch.Failed) return launched;
        }
        ReadyRing.put(w.ready, tail, index);
        w.readyTail = uint16(ReadyRing.next(tail));
        if (w.status == WorkflowStatus.Running && head != tail) {
            // Something waited before this step: keep order by draining from the head.
            return _drain(workflowId, w, limit, launched);
        }
        return launched;
    }

    /// @dev Launches queued steps in order until the budget is spent, the balance is short or the
    /// workflow stops running.
    function _drain(uint256 workflowId, Workflow storage w, uint256 limit, uint256 launched)
        private
        returns (uint256)
    {
        uint256 head = w.readyHead;
        uint256 tail = w.readyTail;
        while (head != tail && launched < limit && w.status == WorkflowStatus.Running) {
            uint256 index = ReadyRing.at(w.ready, head);
            if (StepRecord.load(_steps[workflowId], index).status() != uint256(StepStatus.Pending)) {
                head = ReadyRing.next(head);
                continue;
            }
            Launch outcome = _launch(workflowId, w, index);
            if (outcome == Launch.Stalled) break;
            head = ReadyRing.next(head);
            if (outcome == Launch.Started) launched++;
        }
        w.readyHead = uint16(head);
        return launched;
    }

    /// @dev Pays for and submits one attempt of step `index`. Checks, effects, then the call.
    function _launch(uint256 workflowId, Workflow storage w, uint256 index) private returns (Launch) {
        WorkflowBlob.Record memory r = _load(w, index);
        string memory module = r.module();
        (bool known, uint256 cost) = _jobCost(module);
        if (!known) {
            _failStep(workflowId, w, index, 0, "module cost unavailable");
            return Launch.Failed;
        }
        if (cost > r.maxCost) {
            _failStep(workflowId, w, index, 0, "module cost exceeds maxCost");
            return Launch.Failed;
        }
        if (cost > w.balance) {
            emit WorkflowStalled(workflowId, index, cost, w.balance);
            return Launch.Stalled;
        }
        string memory params = _resolve(workflowId, r);
        w.balance -= uint96(cost);
        mapping(uint256 => uint256) storage words = _steps[workflowId];
        uint256 rec = StepRecord.load(words, index);
        StepRecord.store(
            words,
            index,
            rec.withStatus(uint256(StepStatus.Running)).withAttempts(rec.attempts() + 1).withDeadline(
                r.timeout == 0 ? 0 : block.timestamp + r.timeout
            ).withJobId(0)
        );
        return _submit(workflowId, w, index, module, params, cost);
    }

    /// @dev The interaction of `_launch`, once the attempt is paid for and recorded as running.
    function _submit(
        uint256 workflowId,
        Workflow storage w,
        uint256 index,
        string memory module,
        string memory params,
        uint256 cost
    ) private returns (Launch) {
        (bool ok, uint256 jobId, string memory reason) = _submitJob(module, params, cost);
        mapping(uint256 => uint256) storage words = _steps[workflowId];
        uint256 rec = StepRecord.load(words, index);
        if (ok && (jobId == 0 || jobId > StepRecord.MAX_JOB_ID || _jobSteps[jobId] != 0)) {
            // Paid, but the id cannot be tracked: its result could never be matched. The attempt
            // happened and was paid for (StepStarted says what it cost), then fails the step.
            emit StepStarted(workflowId, index, jobId, cost, rec.attempts());
            _failStep(workflowId, w, index, jobId, "backend returned an unusable job id");
            return Launch.Failed;
        }
        if (!ok) {
            // The call reverted, so the payment came back with it, and the attempt did not happen.
            w.balance += uint96(cost);
            StepRecord.store(words, index, rec.withAttempts(rec.attempts() - 1));
            _failStep(workflowId, w, index, 0, reason);
            return Launch.Failed;
        }
        StepRecord.store(words, index, rec.withJobId(jobId));
        _jobSteps[jobId] = (workflowId << 16) | index;
        emit StepStarted(workflowId, index, jobId, cost, rec.attempts());
        return Launch.Started;
    }

    function _complete(
        uint256 workflowId,
        Workflow storage w,
        uint256 index,
        uint256 rec,
        uint256 jobId,
        string calldata cid
    ) private {
        _storeResult(workflowId, index, rec, cid);
        uint256 done = w.completedSteps + 1;
        w.completedSteps = uint16(done);
        emit StepCompleted(workflowId, index, jobId, cid);

        WorkflowStatus s = w.status;
        if (s != WorkflowStatus.Running && s != WorkflowStatus.Paused) return; // Cancelled or Failed
        if (done == w.stepCount) {
            _setStatus(workflowId, w, WorkflowStatus.Completed);
            return;
        }
        _unlockChildren(workflowId, w, index);
    }

    /// @dev The result is written once: as a digest when it is a canonical CIDv1, else as text.
    function _storeResult(uint256 workflowId, uint256 index, uint256 rec, string calldata cid) private {
        (bool compact, bytes32 digest, uint256 form) = CidCodec.compress(bytes(cid));
        if (compact) {
            _digests[workflowId][index] = digest;
        } else {
            form = CidCodec.TEXT;
            _texts[workflowId][index].setCalldata(bytes(cid));
        }
        StepRecord.store(_steps[workflowId], index, rec.withStatus(uint256(StepStatus.Completed)).withCidForm(form));
    }

    /// @dev Counts the completed step towards each child's dependencies; launches (or queues) the
    /// children that became ready.
    function _unlockChildren(uint256 workflowId, Workflow storage w, uint256 index) private {
        WorkflowBlob.Record memory r = _load(w, index);
        uint256 launched;
        for (uint256 k; k < r.childCount; ++k) {
            uint256 c = r.child(k);
            uint256 depCount = _depCount(w, c);
            if (depCount > 1) {
                // Count completed dependencies; a child with one dependency is ready at once.
                uint256 crec = StepRecord.load(_steps[workflowId], c);
                uint256 doneDeps = crec.doneDeps() + 1;
                StepRecord.store(_steps[workflowId], c, crec.withDoneDeps(doneDeps));
                if (doneDeps < depCount) continue;
            }
            launched = _ready(workflowId, w, c, MAX_CALLBACK_LAUNCHES, launched);
        }
    }

    function _resolve(uint256 workflowId, WorkflowBlob.Record memory r) private view returns (string memory) {
        (uint256 start, uint256 end) = r.paramsRange();
        return ParamsTemplate.resolve(r.raw, start, end, workflowId, _cidOf);
    }

    /// @dev The result CID of a completed step, as bytes.
    function _cidOf(uint256 workflowId, uint256 index) private view returns (bytes memory) {
        return _cid(workflowId, index, StepRecord.load(_steps[workflowId], index));
    }

    function _cid(uint256 workflowId, uint256 index, uint256 rec) private view returns (bytes memory) {
        uint256 form = rec.cidForm();
        if (form == CidCodec.NONE) return "";
        if (form == CidCodec.TEXT) return _texts[workflowId][index].get();
        return CidCodec.expand(_digests[workflowId][index], form);
    }

    function _depCount(Workflow storage w, uint256 index) private view returns (uint256) {
        return _load(w, index).depCount;
    }

    function _load(Workflow storage w, uint256 index) private view returns (WorkflowBlob.Record memory) {
        return WorkflowBlob.load(w.chunk0, w.moreChunks, index);
    }

    /// @dev One attempt failed: retry while attempts allow (and the workflow is live), else fail the step.
    function _attemptFailed(
        uint256 workflowId,
        Workflow storage w,
        uint256 index,
        uint256 rec,
        uint256 jobId,
        string memory reason,
        uint256 launched
    ) private returns (uint256) {
        WorkflowStatus s = w.status;
        uint256 maxRetries = _load(w, index).maxRetries;
        if ((s == WorkflowStatus.Running || s == WorkflowStatus.Paused) && rec.attempts() <= maxRetries) {
            StepRecord.store(_steps[workflowId], index, rec.withStatus(uint256(StepStatus.Pending)));
            emit StepAttemptFailed(workflowId, index, jobId, rec.attempts(), reason);
            return _ready(workflowId, w, index, MAX_CALLBACK_LAUNCHES, launched);
        }
        _failStep(workflowId, w, index, jobId, reason);
        return launched;
    }

    function _failStep(uint256 workflowId, Workflow storage w, uint256 index, uint256 jobId, string memory reason)
        private
    {
        mapping(uint256 => uint256) storage words = _steps[workflowId];
        StepRecord.store(words, index, StepRecord.load(words, index).withStatus(uint256(StepStatus.Failed)));
        emit StepFailed(workflowId, index, jobId, reason);
        WorkflowStatus s = w.status;
        if (s == WorkflowStatus.Running || s == WorkflowStatus.Paused) {
            _setStatus(workflowId, w, WorkflowStatus.Failed);
        }
    }

    /// @dev Counts every running attempt past its deadline as failed (retrying it when allowed).
    function _expireTimeouts(uint256 workflowId, Workflow storage w) private returns (uint256 launched) {
        uint256 n = w.stepCount;
        for (uint256 i; i < n && w.status == WorkflowStatus.Running; ++i) {
            uint256 rec = StepRecord.load(_steps[workflowId], i);
            if (rec.status() == uint256(StepStatus.Running) && rec.deadline() != 0 && block.timestamp >= rec.deadline()) {
                launched = _attemptFailed(workflowId, w, i, rec, rec.jobId(), "timeout", launched);
            }
        }
    }

    function _setStatus(uint256 workflowId, Workflow storage w, WorkflowStatus status) private {
        w.status = status;
        emit WorkflowStatusChanged(workflowId, status);
    }

    function _workflow(uint256 workflowId) private view returns (Workflow storage w) {
        w = _workflows[workflowId];
        if (w.status == WorkflowStatus.None) revert UnknownWorkflow(workflowId);
    }

    function _owned(uint256 workflowId) private view returns (Workflow storage w) {
        w = _workflow(workflowId);
        if (msg.sender != w.owner) revert NotWorkflowOwner(workflowId, msg.sender);
    }

    function _checkStep(uint256 workflowId, uint256 stepIndex) private view returns (Workflow storage w) {
        w = _workflow(workflowId);
        if (stepIndex >= w.stepCount) revert UnknownStep(workflowId, stepIndex);
    }
}
