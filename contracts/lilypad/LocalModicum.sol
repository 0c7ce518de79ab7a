// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ILilypadV1, ILilypadV1Client} from "../interfaces/ILilypadV1.sol";

/// @title LocalModicum: a local stand-in for Lilypad v1's Modicum contract
/// @notice Behaves as Lilypad v1 does towards its clients (see docs/design.md), so that tiny-hops
/// runs and is tested on one machine: module costs, payment of at least the cost with the excess
/// kept, one global job counter from 1, results and failures posted once per job by a registered
/// resource provider, and the client's `receiveJobResults` called inside the post, so that a
/// reverting callback reverts the post, as on Lilypad.
contract LocalModicum is ILilypadV1 {
    struct Job {
        address client;
        address provider;
        uint256 payment;
        bool done;
        string module;
        string params;
        string result;
    }

    /// @notice Thrown when a call reserved to the deployer comes from elsewhere.
    error NotAdmin(address caller);
    /// @notice Thrown when a result is posted by an account that is not a resource provider.
    error NotResourceProvider(address caller);
    /// @notice Thrown when a module has no cost set ("Module not found" on Lilypad).
    error ModuleNotFound(string module);
    /// @notice Thrown when a job is paid less than its module's cost.
    error InsufficientPayment(uint256 paid, uint256 cost);
    /// @notice Thrown for a job id that was never created.
    error UnknownJob(uint256 jobId);
    /// @notice Thrown when a result is posted for a job that already has one.
    error JobAlreadyDone(uint256 jobId);
    /// @notice Thrown when paying the provider fails.
    error PaymentFailed(address provider);

    event ModuleCostSet(string module, uint256 cost);
    event ResourceProviderSet(address indexed provider, bool allowed);
    /// @notice A job was created; resource providers follow this event.
    event JobCreated(uint256 indexed jobId, address indexed client, string module, string params, uint256 payment);
    /// @notice A job's result (a CID, or `JOB_FAILED:<reason>`) was delivered to its client.
    event JobResultPosted(uint256 indexed jobId, address indexed provider, string result);

    string private constant FAILED_PREFIX = "JOB_FAILED:";

    address public immutable admin;
    uint256 public jobCount;
    mapping(string module => uint256 cost) private _moduleCost;
    mapping(address provider => bool allowed) public isResourceProvider;
    mapping(uint256 jobId => Job job) private _jobs;

    constructor() {
        admin = msg.sender;
    }

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        _;
    }

    modifier onlyProvider() {
        if (!isResourceProvider[msg.sender]) revert NotResourceProvider(msg.sender);
        _;
    }

    /// @notice Sets the price of `module`; a cost of 0 removes the module.
    function setModuleCost(string calldata module, uint256 cost) external onlyAdmin {
        _moduleCost[module] = cost;
        emit ModuleCostSet(module, cost);
    }

    /// @notice Allows or disallows `provider` to post results.
    function setResourceProvider(address provider, bool allowed) external onlyAdmin {
        isResourceProvider[provider] = allowed;
        emit ResourceProviderSet(provider, allowed);
    }

    /// @inheritdoc ILilypadV1
    function getModuleCost(string calldata name) external view returns (uint256) {
        return _moduleCost[name];
    }

    /// @inheritdoc ILilypadV1
    function runModuleWithDefaultMediators(string calldata name, string calldata params)
        external
        payable
        returns (uint256 jobId)
    {
        uint256 cost = _moduleCost[name];
        if (cost == 0) revert ModuleNotFound(name);
        if (msg.value < cost) revert InsufficientPayment(msg.value, cost);
        jobId = ++jobCount;
        _jobs[jobId] = Job({
            client: msg.sender,
            provider: address(0),
            payment: msg.value,
            done: false,
            module: name,
            params: params,
            result: ""
        });
        emit JobCreated(jobId, msg.sender, name, params, msg.value);
    }

    /// @notice Posts the result CID of `jobId` and delivers it to the job's client.
    function postResult(uint256 jobId, string calldata cid) external onlyProvider {
        _post(jobId, cid);
    }

    /// @notice Posts a failure of `jobId`; the client receives `JOB_FAILED:<reason>`.
    function postFailure(uint256 jobId, string calldata reason) external onlyProvider {
        _post(jobId, string.concat(FAILED_PREFIX, reason));
    }

    /// @notice Everything known about `jobId`.
    function getJob(uint256 jobId) external view returns (Job memory) {
        if (jobId == 0 || jobId > jobCount) revert UnknownJob(jobId);
        return _jobs[jobId];
    }

    function _post(uint256 jobId, string memory result) private {
        if (jobId == 0 || jobId > jobCount) revert UnknownJob(jobId);
        Job storage job = _jobs[jobId];
        if (job.done) revert JobAlreadyDone(jobId);
        job.done = true;
        job.provider = msg.sender;
        job.result = result;
        uint256 payment = job.payment;
        emit JobResultPosted(jobId, msg.sender, result);
        // As on Lilypad: the client's callback runs inside the post and a revert there reverts it.
        ILilypadV1Client(job.client).receiveJobResults(jobId, result);
        (bool ok,) = msg.sender.call{value: payment}("");
        if (!ok) revert PaymentFailed(msg.sender);
    }
}
