"""A typed client for a deployed TinyHops contract.

The ape scripts, the `tiny-hops` command and the tests all go through this client. Every write is
checked first with plain calls (the workflow exists, the caller owns it, its status allows the call,
the deposit covers the work, each module exists on this Lilypad and fits its step's maxCost), so bad
input gets a clear `ClientError` and nothing is sent on chain.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from .costs import format_ether

WORKFLOW_STATUS = ("None", "Created", "Running", "Paused", "Completed", "Failed", "Cancelled")
STEP_STATUS = ("Pending", "Running", "Completed", "Failed")
FINISHED = {"Completed", "Failed", "Cancelled"}
SPEC_URI_PREFIX = "ipfs://"


class ClientError(Exception):
    """A call that cannot succeed, explained; nothing was sent."""


@dataclass
class StepView:
    index: int
    status: str
    job_id: int
    attempts: int
    cid: str


@dataclass
class WorkflowView:
    workflow_id: int
    owner: str
    status: str
    balance: int
    step_count: int
    completed_steps: int
    spec_uri: str
    ready: int = 0
    steps: list[StepView] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["balance_eth"] = format_ether(self.balance)
        return d


class TinyHopsClient:
    """Wraps the TinyHops contract at `contract` (an ape contract instance); `account` signs writes."""

    def __init__(self, contract, account=None):
        self.contract = contract
        self.account = account

    # ------------------------------------------------------------------ construction

    @classmethod
    def connect(cls, account=None, address: str | None = None):
        """The client for this chain's deployment (or for `address`)."""
        from ape import chain

        from . import deployments
        from .contracts import tinyhops_at

        if address is None:
            address = deployments.load(chain.chain_id).TinyHops
        if not chain.provider.get_code(address):
            raise ClientError(f"no contract at {address} on chain {chain.chain_id}: deploy first or fix --address")
        return cls(tinyhops_at(address), account)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def lilypad(self):
        from .contracts import lilypad_at

        return lilypad_at(self.contract.lilypad())

    # ------------------------------------------------------------------ reads

    def workflow(self, workflow_id: int, with_steps: bool = True) -> WorkflowView:
        count = self.contract.workflowCount()
        if not 1 <= workflow_id <= count:
            known = f"ids run from 1 to {count}" if count else "no workflow has been created yet"
            raise ClientError(f"workflow {workflow_id} does not exist on TinyHops {self.address} ({known})")
        w = self.contract.getWorkflow(workflow_id)
        view = WorkflowView(
            workflow_id=workflow_id,
            owner=str(w.owner),
            status=WORKFLOW_STATUS[w.status],
            balance=int(w.balance),
            step_count=int(w.stepCount),
            completed_steps=int(w.completedSteps),
            spec_uri=w.specURI,
            ready=int(self.contract.readyCount(workflow_id)),
        )
        if with_steps:
            statuses, jobs, cids = self.contract.getResults(workflow_id)
            view.steps = [
                StepView(i, STEP_STATUS[s], int(j), int(self.contract.getStep(workflow_id, i).attempts), c)
                for i, (s, j, c) in enumerate(zip(statuses, jobs, cids))
            ]
        return view

    def spec_cid(self, workflow_id: int) -> str | None:
        uri = self.workflow(workflow_id, with_steps=False).spec_uri
        return uri[len(SPEC_URI_PREFIX):] if uri.startswith(SPEC_URI_PREFIX) else None

    def spec(self, workflow_id: int, store=None):
        """The workflow's spec (a CompiledWorkflow) fetched through its specURI from the content
        store, or None when it has no spec or the store does not hold it."""
        from .spec import compile_spec, loads_spec
        from .store import ContentStore, NotInStore

        cid = self.spec_cid(workflow_id)
        if not cid:
            return None
        try:
            return compile_spec(loads_spec((store or ContentStore()).get_text(cid)))
        except NotInStore:
            return None

    def module_costs(self, modules: Iterable[str]) -> dict[str, int]:
        lilypad = self.lilypad()
        return {m: int(lilypad.getModuleCost(m)) for m in sorted(set(modules))}

    # ------------------------------------------------------------------ checks

    def check_launch(self, workflow, deposit: int, allow_partial: bool = False) -> dict[str, int]:
        """Raises ClientError when `workflow` (a CompiledWorkflow) cannot run with `deposit` wei here.
        With `allow_partial`, a deposit below the cost of running every step once is accepted (the
        workflow stalls until a `deposit` and an `advance`)."""
        costs = self.module_costs(s.module for s in workflow.steps)
        problems = []
        for s in workflow.steps:
            cost = costs[s.module]
            where = f"step {s.step_id!r} (steps index {s.index})"
            if cost == 0:
                problems.append(f"{where}: module {s.module} is not offered by the Lilypad contract at "
                                f"{self.contract.lilypad()}")
            elif cost > s.max_cost:
                problems.append(f"{where}: module {s.module} costs {format_ether(cost)} ETH, above the step's "
                                f"cost of {format_ether(s.max_cost)} ETH: raise stepModule.cost")
        once = sum(costs[s.module] for s in workflow.steps)
        if deposit <= 0:
            problems.append("the deposit must be more than 0")
        elif not problems and deposit < once and not allow_partial:
            problems.append(f"deposit {format_ether(deposit)} ETH is below the {format_ether(once)} ETH needed to "
                            "run every step once at Lilypad's current prices (or allow a partial deposit and top it up later)")
        if problems:
            raise ClientError("cannot launch:\n  - " + "\n  - ".join(problems))
        return costs

    def _owned(self, workflow_id: int, allowed: set[str], action: str) -> WorkflowView:
        view = self.workflow(workflow_id, with_steps=False)
        me = str(self.account.address) if self.account else None
        if me is None or me.lower() != view.owner.lower():
            raise ClientError(f"workflow {workflow_id} belongs to {view.owner}, not to {me}: only its owner can {action} it")
        if view.status not in allowed:
            raise ClientError(f"cannot {action} workflow {workflow_id}: it is {view.status} "
                              f"(allowed when {' or '.join(sorted(allowed))})")
        return view

    # ------------------------------------------------------------------ writes

    def launch(self, workflow, deposit: int, spec_uri: str = "", allow_partial: bool = False) -> tuple[int, Any]:
        """Creates and starts `workflow` with `deposit` wei in one transaction; returns (id, receipt)."""
        self.check_launch(workflow, deposit, allow_partial)
        tx = self.contract.createAndStartWorkflow(
            workflow.contract_steps(), spec_uri, value=deposit, sender=self.account
        )
        created = tx.events.filter(self.contract.WorkflowCreated)
        return int(created[0].workflowId), tx

    def launch_spec(self, path, deposit: int | None = None, allow_partial: bool = False, store=None):
        """Compiles the spec file at `path` (SpecError before anything else), stores the file in the
        content store and launches it with its CID as specURI. `deposit` defaults to the spec's
        worst-case cost. Returns (workflow id, CompiledWorkflow, deposit, spec CID)."""
        from .spec import load_and_compile
        from .store import ContentStore

        from .cid import cid_of

        workflow = load_and_compile(path)
        amount = workflow.worst_case_cost if deposit is None else deposit
        with open(path, "rb") as fh:
            data = fh.read()
        spec_cid = cid_of(data)
        workflow_id, _ = self.launch(workflow, amount, SPEC_URI_PREFIX + spec_cid, allow_partial)
        (store or ContentStore()).put(data)  # only once the launch went through
        return workflow_id, workflow, amount, spec_cid

    def pause(self, workflow_id: int):
        self._owned(workflow_id, {"Running"}, "pause")
        return self.contract.pauseWorkflow(workflow_id, sender=self.account)

    def resume(self, workflow_id: int):
        self._owned(workflow_id, {"Paused"}, "resume")
        return self.contract.resumeWorkflow(workflow_id, sender=self.account)

    def cancel(self, workflow_id: int):
        self._owned(workflow_id, {"Created", "Running", "Paused"}, "cancel")
        return self.contract.cancelWorkflow(workflow_id, sender=self.account)

    def withdraw(self, workflow_id: int):
        view = self._owned(workflow_id, FINISHED, "withdraw from")
        if view.balance == 0:
            raise ClientError(f"workflow {workflow_id} has nothing left to withdraw")
        return self.contract.withdraw(workflow_id, sender=self.account)

    def deposit(self, workflow_id: int, amount: int):
        view = self.workflow(workflow_id, with_steps=False)
        if amount <= 0:
            raise ClientError("the deposit must be more than 0")
        if view.status not in {"Created", "Running", "Paused"}:
            raise ClientError(f"cannot deposit into workflow {workflow_id}: it is {view.status}")
        return self.contract.deposit(workflow_id, value=amount, sender=self.account)

    def advance(self, workflow_id: int):
        view = self.workflow(workflow_id, with_steps=False)
        if view.status != "Running":
            raise ClientError(f"nothing to advance: workflow {workflow_id} is {view.status}")
        return self.contract.advance(workflow_id, sender=self.account)

    # ------------------------------------------------------------------ events

    EVENTS = ("WorkflowStatusChanged", "Deposited", "StepStarted", "StepCompleted", "StepAttemptFailed",
              "StepFailed", "WorkflowStalled", "Refunded", "RefundDeferred", "ResultIgnored")

    def events(self, workflow_id: int, start_block: int = 0, stop_block: int | None = None) -> list[dict]:
        """Every event of `workflow_id`, in chain order, as plain dicts."""
        from ape import chain

        stop = chain.blocks.head.number if stop_block is None else stop_block
        out = []
        for name in self.EVENTS:
            ev = getattr(self.contract, name)
            for log in ev.range(start_block, stop + 1, search_topics={"workflowId": workflow_id}):
                args = {k: (v if isinstance(v, (int, str, bool)) else str(v)) for k, v in log.event_arguments.items()}
                out.append({"event": name, "block": log.block_number, "log_index": log.log_index, **args})
        out.sort(key=lambda e: (e["block"], e["log_index"]))
        return out
