"""Stateful property suite: random operations on TinyHops and LocalModicum, checked after every
step against a plain-Python model (tests/properties/model.py) and against the event stream.

Rules: create random dependency graphs (parallel groups, chains, fan-in) with params referencing
their deps; create, start, createAndStart; deposit (short deposits stall); pause, resume, cancel,
withdraw; advance; results and JOB_FAILED results posted by the registered provider in any order;
duplicates and results for superseded attempts sent as the Lilypad contract; forged results from
other accounts; timeouts passing; every owner-only call from a wrong account; and the happy path
(one workflow started, topped up and answered until it finishes), so that every run completes some.
"""
from types import SimpleNamespace

import eth_abi
from eth_utils import keccak
from web3.exceptions import ContractCustomError
from web3.exceptions import ContractLogicError as ContractLogicWeb3Error
from ape.exceptions import ContractLogicError
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from tests.contract.builders import COST, COWSAY
from tiny_hops.template import Ref, encode

from .conftest import GHOST, MODULE_COSTS, PRICEY
from .strategies import CIDS, TEXT
from .model import (
    EVENT_NAMES,
    S_COMPLETED,
    W_CANCELLED,
    W_COMPLETED,
    W_CREATED,
    W_FAILED,
    W_PAUSED,
    W_RUNNING,
    WS_NAMES,
    EventLedger,
    Model,
    Revert,
    StepDef,
)

# The loaded profile (tests/conftest.py) scales this suite: `thorough` has 10x the examples and
# 10x the steps per example of `default`.
_PROFILE = settings.default
SETTINGS = settings(
    _PROFILE,
    max_examples=max(1, _PROFILE.max_examples * 3 // 5),  # default 25 -> 15, thorough 250 -> 150
    stateful_step_count=_PROFILE.stateful_step_count * 2,  # default 20 -> 40, thorough 200 -> 400
)



@st.composite
def step_defs(draw, max_steps=5):
    """A random valid workflow: parallel roots, chains, fan-in and random DAGs; params mix literal
    text with references to the step's own deps; sometimes a module priced above maxCost, a module
    Lilypad does not know, retries and timeouts."""
    n = draw(st.integers(1, max_steps))
    steps = []
    for i in range(n):
        shape = draw(st.sampled_from(["root", "chain", "fanin", "random"])) if i else "root"
        if shape == "root":
            deps = []
        elif shape == "chain":
            deps = [i - 1]
        elif shape == "fanin":
            deps = list(range(i))[-3:]
        else:
            deps = sorted(draw(st.sets(st.integers(0, i - 1), max_size=3)))
        seg = st.one_of(TEXT, st.sampled_from(deps).map(Ref)) if deps else TEXT
        params = encode(draw(st.lists(seg, max_size=4)))
        module = draw(st.sampled_from([COWSAY] * 18 + [PRICEY, GHOST]))
        max_cost = draw(st.sampled_from([COST, COST, COST, COST * 200]))
        retries = draw(st.integers(0, 2))
        timeout = draw(st.sampled_from([0, 0, 0, 60, 600]))
        steps.append(StepDef(module, params, max_cost, deps, retries, timeout))
    return steps


PICK = st.integers(0, 2**16)
REACHED: set = set()  # (what, ...) seen over the whole run: a check that the run explores
# Canonical CIDv1s (stored compactly by the contract), CIDv0s, near-misses, text, and the empty
# string (a failure: "empty result").
CID = st.one_of(CIDS, st.sampled_from(["bafkreia", "QmZ4tDuvesekSs4qM5ZBKpXiZGun7S2CYtEZRB3DYXkjGx"]), st.just(""))


class TinyHopsMachine(RuleBasedStateMachine):
    ctx: SimpleNamespace = None  # set by the test function
    last_receipt = None
    last_logs = ()

    def __init__(self):
        super().__init__()
        c = self.ctx
        self.c = c
        self.th, self.mod, self.chain = c.tinyhops, c.modicum, c.chain
        self.snap = self.chain.snapshot()
        self.model = Model(MODULE_COSTS, first_job=self.mod.jobCount() + 1)
        self.defs: dict[int, list[StepDef]] = {}
        self.ledger = EventLedger(self.defs)
        self.base_balance = self.chain.provider.get_balance(self.th.address)
        self.base_surplus = self.th.surplus()
        self.first_wf = self.th.workflowCount() + 1
        self.wf_ids: list[int] = []
        self.posted: set[int] = set()  # jobs already posted through LocalModicum
        self.seen_cids: dict[tuple[int, int], str] = {}
        self.checked_jobs = 0

    def teardown(self):
        self.chain.restore(self.snap)

    # ------------------------------------------------------------------ helpers

    def _send(self, method, *args, sender, value=0, precheck=True):
        """Sends a transaction; returns (receipt, None) or (None, (error name, args)).

        With `precheck`, the call is simulated first (eth_call) and not sent if it reverts: a
        reverting transaction would be mined and traced by ape, which is slow (TinyHops's revert
        conditions never depend on the block's timestamp, so the simulation is exact).
        """
        kw = dict(sender=sender, value=value) if value else dict(sender=sender)
        if precheck:
            err = simulate(method, args, sender, value)
            if err is not None:
                self.last_receipt = None
                self.last_logs = ()
                return None, err
        try:
            r = method(*args, **kw)
        except ContractLogicError as e:
            self.last_receipt = None
            self.last_logs = ()
            name = getattr(e, "name", None) or str(e)
            inputs = tuple(getattr(e, "inputs", {}).values())
            return None, (name, inputs)
        logs = [log for log in r.decode_logs(self.abis) if log.contract_address == self.th.address]
        self.ledger.feed(logs)
        self.model.now = r.timestamp
        self.last_logs = logs
        self.last_receipt = r
        return r, None

    @property
    def abis(self):
        return [getattr(self.th, name) for name in EVENT_NAMES]

    def _act(self, model_op, method, *args, sender, value=0):
        """Runs `method` on chain and `model_op` on the model; both must agree on a revert."""
        receipt, err = self._send(method, *args, sender=sender, value=value)
        try:
            result = model_op()
        except Revert as r:
            assert err is not None, f"expected {r.name}{r.args_}, the call succeeded"
            assert err[0] == r.name, f"expected {r.name}{r.args_}, got {err}"
            assert tuple(_norm(x) for x in err[1]) == tuple(_norm(x) for x in r.args_), (err, r.args_)
            return None
        assert err is None, f"the model expected success, the chain reverted with {err}"
        return result

    def _wf(self, pick):
        return self.wf_ids[pick % len(self.wf_ids)]

    def _wrong(self, wf, pick):
        owner = self.model.wfs[wf].owner
        others = [a for a in (self.c.owner, self.c.owner2, self.c.stranger, self.c.provider) if a.address != owner]
        return others[pick % len(others)]

    def _owner(self, wf):
        return self.c.owner if self.model.wfs[wf].owner == self.c.owner.address else self.c.owner2

    # ------------------------------------------------------------------ rules

    @precondition(lambda self: len(self.wf_ids) < 4)
    @rule(steps=step_defs(), how=st.sampled_from(["create", "create+start", "createAndStart"]),
          funds=st.integers(0, 8), second_owner=st.booleans())
    def create(self, steps, how, funds, second_owner):
        who = self.c.owner2 if second_owner else self.c.owner
        wf = self.first_wf + len(self.wf_ids)
        tup = [s.as_tuple() for s in steps]
        self.defs[wf] = steps
        if how == "createAndStart":
            _, err = self._send(self.th.createAndStartWorkflow, tup, "", sender=who, value=funds * COST,
                                precheck=False)
            assert err is None, err
            self.model.create(wf, who.address, steps)
            self.model.start(wf, who.address, funds * COST)
        else:
            _, err = self._send(self.th.createWorkflow, tup, "", sender=who, precheck=False)
            assert err is None, err
            self.model.create(wf, who.address, steps)
        assert self.th.workflowCount() == wf
        self.wf_ids.append(wf)
        if how == "create+start":
            self._act(lambda: self.model.start(wf, who.address, funds * COST),
                      self.th.startWorkflow, wf, sender=who, value=funds * COST)

    @precondition(lambda self: self.wf_ids)
    @rule(pick=PICK, funds=st.integers(0, 6), wrong=st.booleans())
    def start(self, pick, funds, wrong):
        wf = self._wf(pick)
        who = self._wrong(wf, pick) if wrong else self._owner(wf)
        self._act(lambda: self.model.start(wf, who.address, funds * COST),
                  self.th.startWorkflow, wf, sender=who, value=funds * COST)

    @precondition(lambda self: self.wf_ids)
    @rule(pick=PICK, funds=st.integers(0, 4))
    def deposit(self, pick, funds):
        wf = self._wf(pick)
        self._act(lambda: self.model.deposit(wf, funds * COST),
                  self.th.deposit, wf, sender=self.c.stranger, value=funds * COST)

    @precondition(lambda self: self.wf_ids)
    @rule(pick=PICK, op=st.sampled_from(["pause", "resume", "resume", "cancel", "withdraw"]), wrong=st.booleans())
    def owner_call(self, pick, op, wrong):
        wf = self._wf(pick)
        who = self._wrong(wf, pick) if wrong else self._owner(wf)
        model_op = getattr(self.model, op)
        method = getattr(self.th, {"pause": "pauseWorkflow", "resume": "resumeWorkflow",
                                   "cancel": "cancelWorkflow", "withdraw": "withdraw"}[op])
        before = self.chain.provider.get_balance(self.model.wfs[wf].owner)
        refunds = len(self.model.refunded)
        self._act(lambda: model_op(wf, who.address), method, wf, sender=who)
        if wrong:
            return
        # A refund reaches the owner, to the wei (less the owner's own gas for the call).
        paid = sum(a for _, _, a in self.model.refunded[refunds:])
        after = self.chain.provider.get_balance(self.model.wfs[wf].owner)
        if self.last_receipt is None:
            assert after == before, "a reverted owner call moved the owner's ether"
        else:
            assert after == before + paid - self.last_receipt.total_fees_paid, (after - before, paid)

    @precondition(lambda self: self.wf_ids)
    @rule(pick=PICK)
    def advance(self, pick):
        wf = self._wf(pick)
        self._act(lambda: self.model.advance(wf), self.th.advance, wf, sender=self.c.stranger)

    @precondition(lambda self: any(j not in self.posted for j in self.model.jobs))
    @rule(pick=PICK, failure=st.sampled_from([False, False, False, True]), cid=CID)
    def post_result(self, pick, failure, cid):
        jobs = sorted(j for j in self.model.jobs if j not in self.posted)
        job = jobs[pick % len(jobs)]
        # A callback for a job TinyHops created never reverts: _send would return the error.
        if not failure:
            self._post_result(job, cid)
            return
        self.posted.add(job)
        _, err = self._send(self.mod.postFailure, job, cid, sender=self.c.provider, precheck=False)
        outcome = self.model.receive(job, "JOB_FAILED:" + cid)
        assert err is None, f"Lilypad's postResult for job {job} reverted: {err}"
        self._check_ignored(outcome)

    @precondition(lambda self: any(j not in self.posted for j in self.model.live_jobs()))
    @rule(picks=st.lists(PICK, min_size=1, max_size=8), cid=CID)
    def provider_catches_up(self, picks, cid):
        """The provider posts successful results for several live jobs in a row, in random order
        (including jobs launched by earlier posts of this rule)."""
        for pick in picks:
            jobs = sorted(j for j in self.model.live_jobs() if j not in self.posted)
            if not jobs:
                return
            self._post_result(jobs[pick % len(jobs)], cid)

    @precondition(lambda self: self.wf_ids)
    @rule(pick=PICK, cid=CIDS)
    def see_it_through(self, pick, cid):
        """The path most users take: the owner starts one workflow (or resumes it, or it gets topped
        up when it stalls) and the provider answers each job it launches with a CID, until the
        workflow finishes or waits on something else. Without it, random runs seldom complete one."""
        wf = self._wf(pick)
        w = self.model.wfs[wf]
        owner = self._owner(wf)
        top_up = COST * (len(w.steps) + 1)
        for _ in range(6 * len(w.steps) + 6):
            if w.status == W_CREATED:
                self._act(lambda: self.model.start(wf, owner.address, top_up),
                          self.th.startWorkflow, wf, sender=owner, value=top_up)
            elif w.status == W_PAUSED:
                self._act(lambda: self.model.resume(wf, owner.address), self.th.resumeWorkflow, wf, sender=owner)
            elif w.status != W_RUNNING:
                return
            else:
                mine = [j for j in sorted(self.model.live_jobs()) if j not in self.posted and self.model.jobs[j][0] == wf]
                if mine:
                    self._post_result(mine[0], cid)
                elif len(w.queue) > w.head:  # stalled: top up, then advance
                    self._act(lambda: self.model.deposit(wf, top_up), self.th.deposit, wf,
                              sender=self.c.stranger, value=top_up)
                    self._act(lambda: self.model.advance(wf), self.th.advance, wf, sender=self.c.stranger)
                else:
                    return  # its running jobs were posted already (a retry waits on a timeout)

    def _post_result(self, job, cid):
        self.posted.add(job)
        _, err = self._send(self.mod.postResult, job, cid, sender=self.c.provider, precheck=False)
        assert err is None, f"Lilypad's postResult for job {job} reverted: {err}"
        self._check_ignored(self.model.receive(job, cid))

    @precondition(lambda self: self.model.jobs)
    @rule(pick=PICK, cid=CID, failure=st.booleans())
    def lilypad_duplicate(self, pick, cid, failure):
        """The Lilypad contract itself sends a result again, or one for a superseded attempt."""
        jobs = sorted(self.model.jobs)
        stale = [j for j in jobs if j not in self.model.live_jobs()]
        job = (stale or jobs)[pick % len(stale or jobs)]
        cid = "JOB_FAILED:" + cid if failure else cid
        r, err = self._send(self.th.receiveJobResults, job, cid, sender=self.c.as_lilypad, precheck=False)
        assert err is None, f"receiveJobResults({job}) from Lilypad reverted: {err}"
        self._check_ignored(self.model.receive(job, cid))

    @rule(pick=PICK, cid=CID, sender=st.sampled_from(["owner", "stranger", "provider", "unknown-job"]))
    def forged_result(self, pick, cid, sender):
        jobs = sorted(self.model.jobs) or [1]
        job = jobs[pick % len(jobs)]
        if sender == "unknown-job":
            job = self.model.next_job + 1000
            _, err = self._send(self.th.receiveJobResults, job, cid, sender=self.c.as_lilypad)
            assert err == ("UnknownJob", (job,)), err
            assert self.mod.jobCount() < job
            return
        who = getattr(self.c, sender)
        _, err = self._send(self.th.receiveJobResults, job, cid, sender=who)
        assert err is not None and err[0] == "NotLilypad" and _norm(err[1][0]) == _norm(who.address), err

    @rule(seconds=st.sampled_from([1, 59, 61, 599, 601, 3600]))
    def wait(self, seconds):
        self.chain.pending_timestamp += seconds

    def _check_ignored(self, outcome):
        event(f"result {outcome}")
        REACHED.add((f"result {outcome}", len(REACHED), 0))
        names = [log.event_name for log in self.last_logs]
        if outcome == "ignored":
            assert names == ["ResultIgnored"], f"an ignored result emitted {names}"
        else:
            assert "ResultIgnored" not in names, names

    # ------------------------------------------------------------------ invariants

    @invariant()
    def everything_agrees(self):
        th, m = self.th, self.model
        # Launches and refunds: the model's predictions equal the events, one for one.
        assert self.ledger.started == m.started, (self.ledger.started, m.started)
        assert self.ledger.refunds == m.refunded, (self.ledger.refunds, m.refunded)
        # Params each new job was created with: the on-chain resolution equals tiny_hops.template.
        for _, _, job, _, _ in m.started[self.checked_jobs:]:
            assert self.mod.getJob(job).params == m.params_sent[job], job
        self.checked_jobs = len(m.started)

        total = 0
        for wf in self.wf_ids:
            mw = m.wfs[wf]
            w = th.getWorkflow(wf)
            assert w.owner == mw.owner
            assert (WS_NAMES[w.status], w.balance, w.stepCount, w.completedSteps) == (
                WS_NAMES[mw.status], mw.balance, len(mw.steps), mw.completed), (wf, w, mw)
            total += w.balance
            # The ready queue: as long as the model's, and no step waits in it twice (the bound that
            # lets ReadyRing keep it in a ring of one entry per step).
            queued = mw.queue[mw.head:]
            assert th.readyCount(wf) == len(queued), (wf, th.readyCount(wf), queued)
            assert len(set(queued)) == len(queued), (wf, queued)
            if queued:
                event("ready queue held steps")
            event(f"workflow reached {WS_NAMES[w.status]}")
            REACHED.add((WS_NAMES[w.status], wf, id(self)))
            statuses, jobs, cids = th.getResults(wf)
            assert list(statuses) == [s.status for s in mw.state], (wf, list(statuses), mw.state)
            assert list(jobs) == [s.job for s in mw.state], (wf, list(jobs))
            assert list(cids) == mw.cids, (wf, list(cids), mw.cids)
            for i, (s, cid) in enumerate(zip(statuses, cids)):
                if s == S_COMPLETED:
                    assert self.seen_cids.setdefault((wf, i), cid) == cid, "a completed step's CID changed"
            all_done = all(s == S_COMPLETED for s in statuses)
            if w.status == W_COMPLETED:
                assert all_done
            elif all_done:
                # Completed exactly when all steps are, unless it was cancelled or failed before.
                assert w.status in (W_CANCELLED, W_FAILED), (wf, WS_NAMES[w.status])

        # Money: the contract holds exactly the workflows' balances plus the surplus ...
        surplus = th.surplus()
        assert surplus == self.base_surplus + self.ledger.surplus_in
        held = self.chain.provider.get_balance(th.address)
        assert held == total + surplus, (held, total, surplus)
        assert held - self.base_balance == total + surplus - self.base_surplus
        # ... and every wei deposited was paid for a launched attempt, refunded, or is still held.
        assert self.ledger.deposited == self.ledger.paid + self.ledger.refunded + total, (
            self.ledger.deposited, self.ledger.paid, self.ledger.refunded, total)


def simulate(method, args, sender, value=0):
    """eth_call of a contract method; None if it succeeds, else (custom error name, args)."""
    contract = method.contract
    w3 = contract.chain_manager.provider.web3
    tx = {"from": sender.address, "to": contract.address, "data": method.encode_input(*args).hex(), "value": value}
    if not tx["data"].startswith("0x"):
        tx["data"] = "0x" + tx["data"]
    try:
        w3.eth.call(tx)
        return None
    except ContractCustomError as e:
        data = bytes.fromhex(str(e.data)[2:])
    except ContractLogicWeb3Error as e:
        data = bytes.fromhex(str(e.data)[2:]) if e.data else b""
    return decode_error(contract, data)


_ERRORS: dict = {}


def decode_error(contract, data: bytes):
    if not _ERRORS:
        for abi in contract.contract_type.errors:
            _ERRORS[keccak(text=abi.selector)[:4]] = abi
    abi = _ERRORS.get(data[:4])
    if abi is None:
        return (f"unknown error {data.hex()}", ())
    types = [i.canonical_type for i in abi.inputs]
    return (abi.name, tuple(eth_abi.decode(types, data[4:])))


def _norm(x):
    return x.lower() if isinstance(x, str) else int(x)


def test_tinyhops_state_machine(tinyhops, modicum, owner, owner2, stranger, provider, as_lilypad, chain):
    ctx = SimpleNamespace(tinyhops=tinyhops, modicum=modicum, owner=owner, owner2=owner2, stranger=stranger,
                          provider=provider, as_lilypad=as_lilypad, chain=chain)

    class Machine(TinyHopsMachine):
        pass

    Machine.ctx = ctx
    REACHED.clear()
    run_state_machine_as_test(Machine, settings=SETTINGS)
    seen = {}
    for what, *_ in REACHED:
        seen[what] = seen.get(what, 0) + 1
    print("stateful run reached:", dict(sorted(seen.items())))
    # The run must get somewhere: workflows completed, results acted on and ignored.
    for what in ("Completed", "result completed", "result ignored"):
        assert seen.get(what), f"the run never reached {what!r}: {seen}"
