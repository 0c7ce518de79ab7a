"""A plain-Python model of TinyHops's scheduling and money, written from ITinyHops's documented
behaviour (and the ready-queue order the contract promises: launch in the order steps become
ready, bounded per call). The property suites run every operation on chain and on this model and
compare the two after every step.

It also holds `EventLedger`, which checks the on-chain event stream itself, independently of the
model: no launch before all dependencies completed, none while the workflow is not Running, at
most 1 + maxRetries attempts, and money accounting (deposits == paid + refunded + balances).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tiny_hops.template import references, resolve

# ITinyHops enums
W_NONE, W_CREATED, W_RUNNING, W_PAUSED, W_COMPLETED, W_FAILED, W_CANCELLED = range(7)
S_PENDING, S_RUNNING, S_COMPLETED, S_FAILED = range(4)
WS_NAMES = ["None", "Created", "Running", "Paused", "Completed", "Failed", "Cancelled"]

MAX_CALLBACK_LAUNCHES = 8
MAX_CALL_LAUNCHES = 64
FAILED_PREFIX = "JOB_FAILED:"

# TinyHops event names the suites collect from every transaction's logs.
EVENT_NAMES = (
    "WorkflowCreated",
    "WorkflowStatusChanged",
    "Deposited",
    "StepStarted",
    "StepCompleted",
    "StepAttemptFailed",
    "StepFailed",
    "ResultIgnored",
    "Refunded",
    "RefundDeferred",
    "SurplusReceived",
    "WorkflowStalled",
)


@dataclass
class StepDef:
    module: str
    params: bytes
    max_cost: int
    deps: list[int]
    retries: int = 0
    timeout: int = 0

    def as_tuple(self):
        return (self.module, self.params, self.max_cost, list(self.deps), self.retries, self.timeout)


@dataclass
class StepState:
    status: int = S_PENDING
    attempts: int = 0
    done_deps: int = 0
    deadline: int = 0
    job: int = 0


@dataclass
class Workflow:
    owner: str
    steps: list[StepDef]
    status: int = W_CREATED
    balance: int = 0
    completed: int = 0
    state: list[StepState] = field(default_factory=list)
    cids: list[str] = field(default_factory=list)
    queue: list[int] = field(default_factory=list)
    head: int = 0
    children: list[list[int]] = field(default_factory=list)

    def __post_init__(self):
        n = len(self.steps)
        self.state = [StepState() for _ in range(n)]
        self.cids = [""] * n
        self.children = [[] for _ in range(n)]
        for i, s in enumerate(self.steps):
            for d in s.deps:
                self.children[d].append(i)

    @property
    def has_timeouts(self):
        return any(s.timeout for s in self.steps)


class Revert(Exception):
    """The model predicts that the call reverts with custom error `name(*args)`."""

    def __init__(self, name, *args):
        super().__init__(name, *args)
        self.name = name
        self.args_ = args


class Model:
    """TinyHops + the Lilypad stand-in, as far as TinyHops can tell."""

    def __init__(self, module_costs: dict[str, int], first_job: int = 1):
        self.costs = dict(module_costs)
        self.next_job = first_job
        self.wfs: dict[int, Workflow] = {}
        self.jobs: dict[int, tuple[int, int]] = {}
        self.surplus = 0
        self.now = 0
        self.started: list[tuple] = []  # (wf, index, job, cost, attempt) in launch order
        self.refunded: list[tuple] = []  # (wf, to, amount)
        self.params_sent: dict[int, str] = {}  # job -> resolved params

    # -------------------------------------------------------------------- writes

    def create(self, wf_id: int, owner: str, steps: list[StepDef]):
        assert wf_id not in self.wfs
        self.wfs[wf_id] = Workflow(owner=owner, steps=list(steps))

    def _owned(self, wf_id, sender):
        w = self.wfs.get(wf_id)
        if w is None:
            raise Revert("UnknownWorkflow", wf_id)
        if sender != w.owner:
            raise Revert("NotWorkflowOwner", wf_id, sender)
        return w

    def start(self, wf_id, sender, value):
        w = self._owned(wf_id, sender)
        if w.status != W_CREATED:
            raise Revert("InvalidWorkflowStatus", wf_id, w.status)
        w.balance += value
        w.status = W_RUNNING
        launched = 0
        for i, s in enumerate(w.steps):
            if not s.deps:
                launched = self._ready(wf_id, w, i, MAX_CALL_LAUNCHES, launched)

    def deposit(self, wf_id, value):
        w = self.wfs.get(wf_id)
        if w is None:
            raise Revert("UnknownWorkflow", wf_id)
        if value == 0:
            raise Revert("ZeroDeposit")
        if w.status not in (W_CREATED, W_RUNNING, W_PAUSED):
            raise Revert("InvalidWorkflowStatus", wf_id, w.status)
        w.balance += value

    def pause(self, wf_id, sender):
        w = self._owned(wf_id, sender)
        if w.status != W_RUNNING:
            raise Revert("InvalidWorkflowStatus", wf_id, w.status)
        w.status = W_PAUSED

    def resume(self, wf_id, sender):
        w = self._owned(wf_id, sender)
        if w.status != W_PAUSED:
            raise Revert("InvalidWorkflowStatus", wf_id, w.status)
        w.status = W_RUNNING
        self._drain(wf_id, w, MAX_CALL_LAUNCHES, 0)

    def cancel(self, wf_id, sender, owner_accepts=True):
        w = self._owned(wf_id, sender)
        if w.status not in (W_CREATED, W_RUNNING, W_PAUSED):
            raise Revert("InvalidWorkflowStatus", wf_id, w.status)
        w.status = W_CANCELLED
        if w.balance and owner_accepts:
            self.refunded.append((wf_id, w.owner, w.balance))
            w.balance = 0

    def withdraw(self, wf_id, sender):
        w = self._owned(wf_id, sender)
        if w.status not in (W_COMPLETED, W_FAILED, W_CANCELLED):
            raise Revert("InvalidWorkflowStatus", wf_id, w.status)
        if w.balance == 0:
            raise Revert("NothingToWithdraw", wf_id)
        self.refunded.append((wf_id, w.owner, w.balance))
        w.balance = 0

    def advance(self, wf_id):
        w = self.wfs.get(wf_id)
        if w is None:
            raise Revert("UnknownWorkflow", wf_id)
        if w.status != W_RUNNING:
            return
        launched = 0
        if w.has_timeouts:
            for i in range(len(w.steps)):
                if w.status != W_RUNNING:
                    break
                st = w.state[i]
                if st.status == S_RUNNING and st.deadline != 0 and self.now >= st.deadline:
                    launched = self._attempt_failed(wf_id, w, i, launched)
        if w.status == W_RUNNING:
            self._drain(wf_id, w, MAX_CALL_LAUNCHES, launched)

    def receive(self, job, cid) -> str:
        """Lilypad's callback; returns 'ignored', 'failed' or 'completed'."""
        if job not in self.jobs:
            raise Revert("UnknownJob", job)
        wf_id, i = self.jobs[job]
        w = self.wfs[wf_id]
        st = w.state[i]
        if st.status != S_RUNNING or st.job != job:
            return "ignored"
        if cid == "" or cid.startswith(FAILED_PREFIX):
            self._attempt_failed(wf_id, w, i, 0)
            return "failed"
        self._complete(wf_id, w, i, cid)
        return "completed"

    # -------------------------------------------------------------------- scheduling

    def _ready(self, wf_id, w, i, limit, launched):
        if w.status == W_RUNNING and launched < limit and w.head == len(w.queue):
            outcome = self._launch(wf_id, w, i)
            if outcome == "started":
                return launched + 1
            if outcome == "failed":
                return launched
        w.queue.append(i)
        if w.status == W_RUNNING and len(w.queue) - w.head > 1:
            return self._drain(wf_id, w, limit, launched)
        return launched

    def _drain(self, wf_id, w, limit, launched):
        while w.head < len(w.queue) and launched < limit and w.status == W_RUNNING:
            i = w.queue[w.head]
            if w.state[i].status != S_PENDING:
                w.head += 1
                continue
            outcome = self._launch(wf_id, w, i)
            if outcome == "stalled":
                break
            w.head += 1
            if outcome == "started":
                launched += 1
        return launched

    def _launch(self, wf_id, w, i):
        s = w.steps[i]
        cost = self.costs.get(s.module, 0)
        if cost > s.max_cost:
            self._fail_step(w, i)
            return "failed"
        if cost > w.balance:
            return "stalled"
        if cost == 0:  # LocalModicum: "Module not found", the payment comes back
            self._fail_step(w, i)
            return "failed"
        st = w.state[i]
        st.attempts += 1
        w.balance -= cost
        st.status = S_RUNNING
        st.deadline = self.now + s.timeout if s.timeout else 0
        job = self.next_job
        self.next_job += 1
        st.job = job
        self.jobs[job] = (wf_id, i)
        self.params_sent[job] = resolve(s.params, {d: w.cids[d] for d in references(s.params)})
        self.started.append((wf_id, i, job, cost, st.attempts))
        return "started"

    def _complete(self, wf_id, w, i, cid):
        w.state[i].status = S_COMPLETED
        w.cids[i] = cid
        w.completed += 1
        if w.status not in (W_RUNNING, W_PAUSED):
            return
        if w.completed == len(w.steps):
            w.status = W_COMPLETED
            return
        launched = 0
        for c in w.children[i]:
            if len(w.steps[c].deps) > 1:
                w.state[c].done_deps += 1
                if w.state[c].done_deps < len(w.steps[c].deps):
                    continue
            launched = self._ready(wf_id, w, c, MAX_CALLBACK_LAUNCHES, launched)

    def _attempt_failed(self, wf_id, w, i, launched):
        st = w.state[i]
        if w.status in (W_RUNNING, W_PAUSED) and st.attempts <= w.steps[i].retries:
            st.status = S_PENDING
            return self._ready(wf_id, w, i, MAX_CALLBACK_LAUNCHES, launched)
        self._fail_step(w, i)
        return launched

    def _fail_step(self, w, i):
        w.state[i].status = S_FAILED
        if w.status in (W_RUNNING, W_PAUSED):
            w.status = W_FAILED

    # -------------------------------------------------------------------- helpers

    def live_jobs(self):
        """Jobs whose result TinyHops would act on right now."""
        return [j for j, (wf, i) in self.jobs.items() if self.wfs[wf].state[i].job == j
                and self.wfs[wf].state[i].status == S_RUNNING]


class EventLedger:
    """Checks the stream of TinyHops events, transaction after transaction, on its own."""

    def __init__(self, step_defs: dict[int, list[StepDef]] | None = None):
        self.defs: dict[int, list[StepDef]] = step_defs if step_defs is not None else {}
        self.status: dict[int, int] = {}
        self.completed: dict[int, dict[int, str]] = {}
        self.attempts: dict[tuple[int, int], int] = {}
        self.deposited = 0
        self.paid = 0
        self.refunded = 0
        self.surplus_in = 0
        self.started: list[tuple] = []
        self.refunds: list[tuple] = []

    def feed(self, logs):
        for log in logs:
            name = log.event_name
            a = log.event_arguments
            if name == "WorkflowStatusChanged":
                wf = a["workflowId"]
                new = int(a["status"])
                old = self.status.get(wf, W_NONE)
                if new == W_COMPLETED:
                    n = len(self.defs[wf])
                    assert len(self.completed.get(wf, {})) == n, (
                        f"workflow {wf} Completed with {len(self.completed.get(wf, {}))}/{n} steps done")
                if old in (W_COMPLETED, W_FAILED, W_CANCELLED):
                    raise AssertionError(f"workflow {wf} left final status {WS_NAMES[old]} for {WS_NAMES[new]}")
                self.status[wf] = new
            elif name == "Deposited":
                self.deposited += a["amount"]
            elif name == "StepStarted":
                wf, i, cost, attempt = a["workflowId"], a["stepIndex"], a["cost"], a["attempt"]
                d = self.defs[wf][i]
                assert self.status.get(wf) == W_RUNNING, (
                    f"step {i} of workflow {wf} launched while {WS_NAMES[self.status.get(wf, 0)]}")
                missing = [x for x in d.deps if x not in self.completed.get(wf, {})]
                assert not missing, f"step {i} of workflow {wf} launched before deps {missing} completed"
                assert i not in self.completed.get(wf, {}), f"completed step {i} of {wf} relaunched"
                prev = self.attempts.get((wf, i), 0)
                assert attempt == prev + 1, f"step {i} of {wf}: attempt {attempt} after {prev}"
                assert attempt <= 1 + d.retries, f"step {i} of {wf} launched {attempt} times (maxRetries {d.retries})"
                assert cost <= d.max_cost, f"step {i} of {wf} paid {cost} > maxCost {d.max_cost}"
                self.attempts[(wf, i)] = attempt
                self.paid += cost
                self.started.append((wf, i, a["jobId"], cost, attempt))
            elif name == "StepCompleted":
                wf, i, cid = a["workflowId"], a["stepIndex"], a["cid"]
                done = self.completed.setdefault(wf, {})
                assert i not in done, f"step {i} of {wf} completed twice ({done[i]!r}, then {cid!r})"
                done[i] = cid
            elif name == "Refunded":
                self.refunded += a["amount"]
                self.refunds.append((a["workflowId"], a["to"], a["amount"]))
            elif name == "SurplusReceived":
                self.surplus_in += a["amount"]
