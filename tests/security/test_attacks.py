"""Attack tests: hostile owners, hostile Lilypad backends and forged results must not move or lock
anyone's ether. Every test asserts balances before and after, to the wei."""
import pytest
from eth_utils import keccak

from tests.contract.builders import COST, COWSAY, deploy_modicum, lit, ref, reverts, step

CREATED, RUNNING, PAUSED, COMPLETED, FAILED, CANCELLED = 1, 2, 3, 4, 5, 6
S_PENDING, S_RUNNING, S_COMPLETED, S_FAILED = range(4)
ACCEPT, REENTER_WITHDRAW, REENTER_CANCEL, REENTER_WITHDRAW_BUBBLE, REJECT = range(5)
REENTRANT_CALL = keccak(text="ReentrancyGuardReentrantCall()")[:4]


@pytest.fixture(scope="module")
def modicum(project, owner, provider):
    return deploy_modicum(project, owner, provider, {COWSAY: COST})


@pytest.fixture(scope="module")
def tinyhops(project, owner, modicum):
    return project.TinyHops.deploy(modicum.address, sender=owner)


@pytest.fixture(autouse=True)
def isolated(chain):
    with chain.isolate():
        yield


def bal(chain, x):
    return chain.provider.get_balance(x.address if hasattr(x, "address") else x)


def held_ok(chain, th, *wfs):
    """The contract holds exactly its workflows' balances plus its surplus."""
    assert bal(chain, th) == sum(th.getWorkflow(w).balance for w in wfs) + th.surplus()


# ====================================================================== hostile owner


@pytest.fixture
def attacker(project, owner, tinyhops):
    return project.ReentrantOwner.deploy(tinyhops.address, sender=owner)


def test_owner_reentering_withdraw_from_receive_gets_paid_once(chain, tinyhops, attacker, owner, modicum, provider):
    # Two workflows owned by the attacker contract: A finishes with 5 COST left, B holds 3 COST.
    attacker.createAndStart([step()], value=COST * 6, sender=owner)
    a = tinyhops.workflowCount()
    attacker.create([step()], sender=owner)
    b = tinyhops.workflowCount()
    tinyhops.deposit(b, value=COST * 3, sender=owner)
    modicum.postResult(tinyhops.getStep(a, 0).jobId, "bafkreia", sender=provider)
    attacker.cancel(b, sender=owner)  # Accept mode: B's 3 COST refunded to the attacker
    assert attacker.received() == COST * 3
    assert tinyhops.getWorkflow(a).balance == COST * 5

    for target in (a, b):
        with chain.isolate():
            attacker.setMode(REENTER_WITHDRAW, target, sender=owner)
            th0, at0 = bal(chain, tinyhops), bal(chain, attacker)
            attacker.withdraw(a, sender=owner)
            assert bal(chain, attacker) - at0 == COST * 5  # exactly A's balance, once
            assert th0 - bal(chain, tinyhops) == COST * 5
            assert attacker.reentryAttempts() == 1 and attacker.reentrySuccesses() == 0
            assert bytes(attacker.lastReentryError())[:4] == REENTRANT_CALL
            assert tinyhops.getWorkflow(a).balance == 0
            held_ok(chain, tinyhops, a, b)
            with reverts(tinyhops, "NothingToWithdraw", a):
                attacker.withdraw(a, sender=owner)


def test_owner_reentering_cancel_from_receive_cannot_double_refund(chain, tinyhops, attacker, owner):
    attacker.create([step(), step(deps=[0])], sender=owner)
    a = tinyhops.workflowCount()
    attacker.create([step()], sender=owner)
    b = tinyhops.workflowCount()
    tinyhops.deposit(a, value=COST * 4, sender=owner)
    tinyhops.deposit(b, value=COST * 2, sender=owner)
    for target in (a, b):
        with chain.isolate():
            attacker.setMode(REENTER_CANCEL, target, sender=owner)
            th0, at0 = bal(chain, tinyhops), bal(chain, attacker)
            attacker.cancel(a, sender=owner)
            assert bal(chain, attacker) - at0 == COST * 4
            assert th0 - bal(chain, tinyhops) == COST * 4
            assert attacker.reentrySuccesses() == 0
            assert bytes(attacker.lastReentryError())[:4] == REENTRANT_CALL
            assert tinyhops.getWorkflow(a).status == CANCELLED and tinyhops.getWorkflow(a).balance == 0
            # B is untouched: still Created with its 2 COST.
            assert (tinyhops.getWorkflow(b).status, tinyhops.getWorkflow(b).balance) == (CREATED, COST * 2)
            held_ok(chain, tinyhops, a, b)


def test_cancel_keeps_refund_withdrawable_when_the_owner_refuses_or_reenters(chain, tinyhops, attacker, owner):
    for mode in (REJECT, REENTER_WITHDRAW_BUBBLE):
        with chain.isolate():
            attacker.createAndStart([step(), step(deps=[0])], value=COST * 5, sender=owner)
            wf = tinyhops.workflowCount()
            attacker.setMode(mode, wf, sender=owner)
            th0, at0 = bal(chain, tinyhops), bal(chain, attacker)
            r = attacker.cancel(wf, sender=owner)
            # The refund failed: nothing moved, the 4 COST left stay in the workflow, withdrawable.
            assert [log.amount for log in r.decode_logs(tinyhops.RefundDeferred)] == [COST * 4]
            assert (bal(chain, tinyhops), bal(chain, attacker)) == (th0, at0)
            assert (tinyhops.getWorkflow(wf).status, tinyhops.getWorkflow(wf).balance) == (CANCELLED, COST * 4)
            held_ok(chain, tinyhops, wf)
            # A withdraw that the owner still refuses reverts and keeps the money.
            with reverts(tinyhops, "TransferFailed", attacker.address, COST * 4):
                attacker.withdraw(wf, sender=owner)
            assert tinyhops.getWorkflow(wf).balance == COST * 4
            # Once the owner takes ether again, it gets the amount exactly once.
            attacker.setMode(ACCEPT, wf, sender=owner)
            attacker.withdraw(wf, sender=owner)
            assert bal(chain, attacker) - at0 == COST * 4 and th0 - bal(chain, tinyhops) == COST * 4
            with reverts(tinyhops, "NothingToWithdraw", wf):
                attacker.withdraw(wf, sender=owner)


# ====================================================================== hostile backend


@pytest.fixture
def evil(project, owner):
    return project.ReentrantLilypad.deploy(COST, sender=owner)


@pytest.fixture
def evil_hops(project, owner, evil):
    return project.TinyHops.deploy(evil.address, sender=owner)


def _calls(th, wf, victim_job):
    return {
        "advance": th.advance.encode_input(wf),
        "receiveJobResults": th.receiveJobResults.encode_input(victim_job, "bafkreifake"),
        "withdraw": th.withdraw.encode_input(wf),
        "cancelWorkflow": th.cancelWorkflow.encode_input(wf),
        "deposit": th.deposit.encode_input(wf),
        "createWorkflow": th.createWorkflow.encode_input([step()], ""),
    }


@pytest.mark.parametrize("call", ["advance", "receiveJobResults", "withdraw", "cancelWorkflow", "deposit",
                                  "createWorkflow"])
def test_backend_reentering_from_run_module_is_refused(chain, evil, evil_hops, owner, stranger, call):
    th = evil_hops
    # The backend owns a finished workflow with money (so `withdraw` would pay it if it got in).
    evil.forward(th.address, th.createAndStartWorkflow.encode_input([step()], ""), value=COST * 3, sender=owner)
    mine = th.workflowCount()
    evil.deliver(th.address, th.getStep(mine, 0).jobId, "bafkreimine", sender=owner)
    assert (th.getWorkflow(mine).status, th.getWorkflow(mine).balance) == (COMPLETED, COST * 2)
    # The victim: a two-step workflow owned by `owner`.
    th.createAndStartWorkflow([step(), step(params=lit("x") + ref(0), deps=[0])], "", value=COST * 4, sender=owner)
    wf = th.workflowCount()
    job0 = th.getStep(wf, 0).jobId
    target_wf = mine if call in ("withdraw", "cancelWorkflow") else wf
    evil.arm(th.address, _calls(th, target_wf, job0)[call], False, sender=owner)

    th0, ev0, own0 = bal(chain, th), bal(chain, evil), bal(chain, owner)
    evil.deliver(th.address, job0, "bafkreizero", sender=stranger)  # launches step 1
    # The launch went through; the re-entry did not.
    assert evil.reentryAttempts() == 1 and evil.reentrySuccesses() == 0
    assert bytes(evil.lastReentryError())[:4] == REENTRANT_CALL
    assert th.getStep(wf, 1).status == S_RUNNING and th.getStep(wf, 0).resultCid == "bafkreizero"
    # Money: exactly one job's cost went to the backend, nothing else moved.
    assert ev0 + COST == bal(chain, evil) and th0 - COST == bal(chain, th) and own0 == bal(chain, owner)
    assert (th.getWorkflow(wf).balance, th.getWorkflow(mine).balance) == (COST * 2, COST * 2)
    held_ok(chain, th, mine, wf)


def test_backend_reentry_that_bubbles_fails_the_step_and_refunds_the_attempt(chain, evil, evil_hops, owner):
    th = evil_hops
    th.createWorkflow([step(retries=2)], "", sender=owner)
    wf = th.workflowCount()
    evil.arm(th.address, th.advance.encode_input(wf), True, sender=owner)
    th0, ev0 = bal(chain, th), bal(chain, evil)
    th.startWorkflow(wf, value=COST * 3, sender=owner)
    # The job call reverted, so its payment came back: the step failed, no ether left TinyHops.
    assert th.getWorkflow(wf).status == FAILED and th.getStep(wf, 0).status == S_FAILED
    assert th.getStep(wf, 0).attempts == 0
    assert bal(chain, evil) == ev0 and bal(chain, th) == th0 + COST * 3
    assert th.getWorkflow(wf).balance == COST * 3
    held_ok(chain, th, wf)
    own0 = bal(chain, owner)
    r = th.withdraw(wf, sender=owner)
    assert bal(chain, owner) == own0 + COST * 3 - r.total_fees_paid


def test_backend_demanding_more_than_it_quotes_gets_nothing(chain, evil, evil_hops, owner):
    th = evil_hops
    evil.setPricing(COST, COST * 2, 0, sender=owner)  # quotes COST, demands 2 COST
    th0, ev0 = bal(chain, th), bal(chain, evil)
    th.createAndStartWorkflow([step(max_cost=COST * 10)], "", value=COST * 5, sender=owner)
    wf = th.workflowCount()
    assert th.getWorkflow(wf).status == FAILED and th.getStep(wf, 0).attempts == 0
    assert bal(chain, evil) == ev0 and bal(chain, th) == th0 + COST * 5 == th0 + th.getWorkflow(wf).balance


def test_backend_quoting_above_max_cost_is_never_paid(chain, evil, evil_hops, owner):
    th = evil_hops
    evil.setPricing(COST * 3, COST * 3, 0, sender=owner)
    ev0 = bal(chain, evil)
    th.createAndStartWorkflow([step(max_cost=COST * 2)], "", value=COST * 10, sender=owner)
    wf = th.workflowCount()
    assert th.getWorkflow(wf).status == FAILED and th.getWorkflow(wf).balance == COST * 10
    assert bal(chain, evil) == ev0
    held_ok(chain, th, wf)


def test_backend_whose_price_grows_between_calls_is_paid_at_most_max_cost_per_attempt(chain, evil, evil_hops, owner):
    th = evil_hops
    # Every job makes the next one cost COST more: 1, 2, 3, ... COST; maxCost is 2 COST.
    evil.setPricing(COST, COST, COST, sender=owner)
    steps = [step(max_cost=COST * 2, retries=3), step(max_cost=COST * 2, deps=[0], retries=3)]
    th.createAndStartWorkflow(steps, "", value=COST * 20, sender=owner)
    wf = th.workflowCount()
    ev0 = bal(chain, evil)
    th0 = bal(chain, th)
    job0 = th.getStep(wf, 0).jobId
    evil.deliver(th.address, job0, "JOB_FAILED:retry me", sender=owner)  # retry costs 2 COST: allowed
    assert th.getStep(wf, 0).attempts == 2
    evil.deliver(th.address, th.getStep(wf, 0).jobId, "bafkreia", sender=owner)  # step 1 would cost 3 COST
    assert th.getStep(wf, 1).status == S_FAILED and th.getWorkflow(wf).status == FAILED
    assert bal(chain, evil) - ev0 == COST * 2 == th0 - bal(chain, th)
    assert th.getWorkflow(wf).balance == COST * (20 - 1 - 2)
    held_ok(chain, th, wf)


# ====================================================================== forged results


@pytest.fixture
def forger(project, stranger):
    return project.ResultForger.deploy(sender=stranger)


def test_forged_results_are_refused_and_change_nothing(chain, project, tinyhops, modicum, forger, owner, stranger,
                                                      provider):
    tinyhops.createAndStartWorkflow([step(), step(params=ref(0), deps=[0])], "", value=COST * 2, sender=owner)
    wf = tinyhops.workflowCount()
    job = tinyhops.getStep(wf, 0).jobId
    before = (tinyhops.getResults(wf), tinyhops.getWorkflow(wf), bal(chain, tinyhops), bal(chain, modicum))

    # 1. A contract calling receiveJobResults directly.
    with reverts(tinyhops, "NotLilypad", forger.address):
        forger.forge(tinyhops.address, job, "bafkreifake", sender=stranger)
    assert forger.tryForge.call(tinyhops.address, job, "bafkreifake", sender=stranger) is False
    # 2. An account calling it directly, with a success and with a failure.
    for cid in ("bafkreifake", "JOB_FAILED:nope", ""):
        with reverts(tinyhops, "NotLilypad", stranger.address):
            tinyhops.receiveJobResults(job, cid, sender=stranger)
    # 3. A second Lilypad stand-in the attacker controls: its jobs' results go to their own
    #    clients, and the Bench backend's `deliver` (any client) is refused by TinyHops.
    rogue = project.LocalModicum.deploy(sender=stranger)
    rogue.setModuleCost(COWSAY, 1, sender=stranger)
    rogue.setResourceProvider(stranger, True, sender=stranger)
    bench = project.BenchLilypad.deploy(sender=stranger)
    with reverts(tinyhops, "NotLilypad", bench.address):
        bench.deliver(tinyhops.address, job, "bafkreifake", sender=stranger)
    # 4. The real provider posting for a job that is not TinyHops's goes to that job's client.
    modicum.runModuleWithDefaultMediators(COWSAY, "x", value=COST, sender=stranger)
    other = modicum.jobCount()
    with pytest.raises(Exception):
        modicum.postResult(other, "bafkreifake", sender=provider)  # the stranger (an EOA) is its client
    assert (tinyhops.getResults(wf), tinyhops.getWorkflow(wf), bal(chain, tinyhops)) == before[:3]
    # The real result still goes through, once.
    modicum.postResult(job, "bafkreireal", sender=provider)
    assert tinyhops.getStep(wf, 0).resultCid == "bafkreireal"
    assert tinyhops.getStep(wf, 1).status == S_RUNNING


@pytest.mark.parametrize("bad_id", ["zero", "repeat"])
def test_backend_returning_an_unusable_job_id_fails_the_step_and_takes_only_that_cost(
        chain, evil, evil_hops, owner, bad_id):
    """The backend keeps the one payment (it was paid and answered with an id TinyHops cannot
    track); the step and workflow fail, and the rest of the balance stays withdrawable.
    StepStarted records the paid attempt (with its cost) before StepFailed, so accounting from
    StepStarted and Refunded events sees every wei."""
    th = evil_hops
    th.createAndStartWorkflow([step()], "", value=COST * 2, sender=owner)
    first = th.workflowCount()
    repeat = th.getStep(first, 0).jobId
    evil.setFixedJobId(True, 0 if bad_id == "zero" else repeat, sender=owner)
    th0, ev0 = bal(chain, th), bal(chain, evil)
    r = th.createAndStartWorkflow([step(), step()], "", value=COST * 5, sender=owner)
    wf = th.workflowCount()
    assert [(log.stepIndex, log.cost) for log in r.decode_logs(th.StepStarted)] == [(0, COST)]
    assert [log.reason for log in r.decode_logs(th.StepFailed)] == ["backend returned an unusable job id"]
    assert th.getWorkflow(wf).status == FAILED
    assert bal(chain, evil) - ev0 == COST and bal(chain, th) - th0 == COST * 4 == th.getWorkflow(wf).balance
    # The first workflow's job is still matched to its own step, untouched.
    assert th.jobStep(repeat) == (first, 0) and th.getStep(first, 0).status == S_RUNNING
    held_ok(chain, th, first, wf)
    own0 = bal(chain, owner)
    w = th.withdraw(wf, sender=owner)
    assert bal(chain, owner) == own0 + COST * 4 - w.total_fees_paid
