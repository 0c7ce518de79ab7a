"""TinyHops unit tests: creation, scheduling, results, retries, owner controls and money."""
import pytest

from .builders import COST, lit, ref, reverts, step

WS = dict(None_=0, Created=1, Running=2, Paused=3, Completed=4, Failed=5, Cancelled=6)
PENDING, RUNNING, COMPLETED, FAILED = range(4)


def reference_example():
    """The original project's example: 1 -> {2, 3} -> 4."""
    return [
        step(params=lit("hello world")),
        step(params=lit("parallel job 0 hello parallel world ") + ref(0), deps=[0]),
        step(params=lit("parallel job 1 hello parallel world ") + ref(0), deps=[0]),
        step(params=lit("We got all the parallel ") + ref(1) + lit(", ") + ref(2) + lit(" worlds "), deps=[1, 2]),
    ]


def status(tinyhops, wf):
    return tinyhops.getWorkflow(wf).status


def test_reference_example_runs_to_completion(tinyhops, modicum, create, post, owner):
    wf = create(reference_example(), value=COST * 4)
    assert wf == 1
    w = tinyhops.getWorkflow(wf)
    assert (w.owner, w.status, w.balance, w.stepCount) == (owner.address, WS["Running"], COST * 3, 4)
    assert [tinyhops.getStep(wf, i).status for i in range(4)] == [RUNNING, PENDING, PENDING, PENDING]

    post(wf, 0, "bafkreione")
    assert [tinyhops.getStep(wf, i).status for i in range(4)] == [COMPLETED, RUNNING, RUNNING, PENDING]
    job2 = tinyhops.getStep(wf, 2).jobId
    assert modicum.getJob(job2).params == "parallel job 1 hello parallel world bafkreione"

    post(wf, 2, "bafkreithree")
    assert tinyhops.getStep(wf, 3).status == PENDING
    post(wf, 1, "bafkreitwo")
    assert tinyhops.resolvedParams(wf, 3) == "We got all the parallel bafkreitwo, bafkreithree worlds "
    post(wf, 3, "bafkreifour")

    w = tinyhops.getWorkflow(wf)
    assert (w.status, w.completedSteps, w.balance) == (WS["Completed"], 4, 0)
    statuses, jobs, cids = tinyhops.getResults(wf)
    assert list(statuses) == [COMPLETED] * 4
    assert list(cids) == ["bafkreione", "bafkreitwo", "bafkreithree", "bafkreifour"]
    assert all(tinyhops.jobStep(j) == (wf, i) for i, j in enumerate(jobs))


def test_literal_text_is_kept_byte_for_byte(tinyhops, modicum, create, post, job_of):
    text = '{"prompt": "a cow {in} ünïcødé", "seed": 42} {{not a ref}}'
    wf = create([step(params=lit(text)), step(params=lit("{") + ref(0) + lit("}"), deps=[0])], value=COST * 2)
    assert modicum.getJob(job_of(wf, 0)).params == text
    post(wf, 0, "bafkreix")
    assert modicum.getJob(job_of(wf, 1)).params == "{bafkreix}"


def test_step_definition_round_trips(tinyhops, create):
    steps = [step(), step(module="pricey:v1", params=lit("a") + ref(0), max_cost=COST * 200, deps=[0], retries=3, timeout=60)]
    wf = create(steps)
    d = tinyhops.getStepDefinition(wf, 1)
    assert (d.module, bytes(d.params), d.maxCost, list(d.deps), d.maxRetries, d.timeout) == (
        "pricey:v1", lit("a") + ref(0), COST * 200, [0], 3, 60)
    assert status(tinyhops, wf) == WS["Created"]


@pytest.mark.parametrize(
    "steps, error, args",
    [
        ([], "EmptyWorkflow", ()),
        ([step(module="")], "EmptyModule", (0,)),
        ([step(max_cost=0)], "InvalidMaxCost", (0, 0)),
        ([step(max_cost=2**128)], "InvalidMaxCost", (0, 2**128)),
        ([step(), step(deps=[1])], "InvalidDependency", (1, 1)),
        ([step(), step(), step(deps=[1, 0])], "InvalidDependency", (2, 0)),
        ([step(), step(), step(deps=[0, 0])], "InvalidDependency", (2, 0)),
        ([step(params=b"\x00\x00")], "MalformedParams", (0, 0)),
        ([step(params=b"\x00\x00\x00")], "MalformedParams", (0, 0)),
        ([step(params=lit("ok") + b"\x00\x00\x05abc")], "MalformedParams", (0, 5)),
        ([step(params=b"\x02\x00\x00")], "MalformedParams", (0, 0)),
        ([step(), step(params=ref(0))], "ReferenceNotADependency", (1, 0)),
        ([step(), step(), step(params=ref(1), deps=[0])], "ReferenceNotADependency", (2, 1)),
    ],
)
def test_invalid_workflows_revert_and_store_nothing(tinyhops, owner, steps, error, args):
    before = tinyhops.workflowCount()
    with reverts(tinyhops, error, *args):
        tinyhops.createWorkflow(steps, "", sender=owner)
    assert tinyhops.workflowCount() == before


def test_too_many_steps(tinyhops, owner):
    with reverts(tinyhops, "TooManySteps", 1025, 1024):
        tinyhops.createWorkflow([step()] * 1025, "", sender=owner)


def test_only_lilypad_may_post_results(tinyhops, create, stranger, job_of):
    wf = create([step()], value=COST)
    with reverts(tinyhops, "NotLilypad", stranger.address):
        tinyhops.receiveJobResults(job_of(wf, 0), "bafkreifake", sender=stranger)
    assert tinyhops.getStep(wf, 0).status == RUNNING


def test_unknown_job_is_refused(tinyhops, as_lilypad):
    with reverts(tinyhops, "UnknownJob", 999):
        tinyhops.receiveJobResults(999, "bafkreix", sender=as_lilypad)


def test_duplicate_and_stale_results_change_nothing(tinyhops, create, post, as_lilypad, job_of):
    wf = create([step(), step(deps=[0])], value=COST * 2)
    job0 = job_of(wf, 0)
    post(wf, 0, "bafkreifirst")
    tx = tinyhops.receiveJobResults(job0, "bafkreisecond", sender=as_lilypad)
    assert tx.events.filter(tinyhops.ResultIgnored)
    assert tinyhops.getStep(wf, 0).resultCid == "bafkreifirst"
    assert tinyhops.getWorkflow(wf).completedSteps == 1


def test_failed_job_is_retried_then_fails_the_workflow(tinyhops, modicum, create, post, owner, job_of):
    wf = create([step(retries=1), step(deps=[0])], value=COST * 5)
    first = job_of(wf, 0)
    post(wf, 0, None, reason="out of memory")
    st = tinyhops.getStep(wf, 0)
    assert (st.status, st.attempts) == (RUNNING, 2) and st.jobId != first
    tx = post(wf, 0, None, reason="again")
    assert tx.events.filter(tinyhops.StepFailed)[0].reason == "again"
    w = tinyhops.getWorkflow(wf)
    assert (w.status, w.balance) == (WS["Failed"], COST * 3)
    assert tinyhops.getStep(wf, 1).status == PENDING
    before = owner.balance
    tx = tinyhops.withdraw(wf, sender=owner)
    assert owner.balance == before + COST * 3 - tx.total_fees_paid
    assert tinyhops.getWorkflow(wf).balance == 0


def test_job_failed_string_is_never_a_cid(tinyhops, create, as_lilypad, job_of):
    wf = create([step()], value=COST)
    tinyhops.receiveJobResults(job_of(wf, 0), "JOB_FAILED:", sender=as_lilypad)
    assert tinyhops.getStep(wf, 0).status == FAILED
    assert tinyhops.getStep(wf, 0).resultCid == ""


def test_module_pricier_than_max_cost_fails_the_step(tinyhops, create):
    wf = create([step(module="pricey:v1", max_cost=COST)], value=COST * 200)
    assert tinyhops.getStep(wf, 0).status == FAILED
    assert tinyhops.getWorkflow(wf).status == WS["Failed"]
    assert tinyhops.getWorkflow(wf).balance == COST * 200


def test_unknown_module_fails_cleanly(tinyhops, create):
    wf = create([step(module="sdxl:v0.9-lilypad1")], value=COST)
    assert tinyhops.getStep(wf, 0).status == FAILED
    assert tinyhops.getWorkflow(wf).balance == COST


def test_short_balance_stalls_until_deposit_and_advance(tinyhops, create, post, stranger):
    wf = create([step(), step(deps=[0]), step(deps=[0])], value=COST * 2)
    tx = post(wf, 0)
    stalled = tx.events.filter(tinyhops.WorkflowStalled)
    assert stalled and stalled[0].stepIndex == 2 and stalled[0].required == COST
    assert tinyhops.readyCount(wf) == 1
    assert tinyhops.getStep(wf, 2).status == PENDING
    tinyhops.deposit(wf, value=COST, sender=stranger)
    tinyhops.advance(wf, sender=stranger)
    assert tinyhops.getStep(wf, 2).status == RUNNING
    assert tinyhops.readyCount(wf) == 0


def test_pause_records_results_but_launches_nothing(tinyhops, create, post, owner):
    wf = create([step(), step(deps=[0])], value=COST * 2)
    tinyhops.pauseWorkflow(wf, sender=owner)
    post(wf, 0, "bafkreipaused")
    assert tinyhops.getStep(wf, 0).resultCid == "bafkreipaused"
    assert tinyhops.getStep(wf, 1).status == PENDING
    assert tinyhops.advance(wf, sender=owner).events.filter(tinyhops.StepStarted) == []
    tinyhops.resumeWorkflow(wf, sender=owner)
    assert tinyhops.getStep(wf, 1).status == RUNNING
    post(wf, 1)
    assert status(tinyhops, wf) == WS["Completed"]


def test_cancel_refunds_at_once_and_stops_launches(tinyhops, create, post, owner):
    wf = create([step(), step(deps=[0])], value=COST * 10)
    before = owner.balance
    tx = tinyhops.cancelWorkflow(wf, sender=owner)
    assert owner.balance == before + COST * 9 - tx.total_fees_paid
    assert tx.events.filter(tinyhops.Refunded)[0].amount == COST * 9
    post(wf, 0, "bafkreilate")  # the running job's result is still recorded, and never reverts
    assert tinyhops.getStep(wf, 0).resultCid == "bafkreilate"
    assert tinyhops.getStep(wf, 1).status == PENDING
    assert status(tinyhops, wf) == WS["Cancelled"]
    with reverts(tinyhops, "InvalidWorkflowStatus", wf, WS["Cancelled"]):
        tinyhops.deposit(wf, value=1, sender=owner)


def test_owner_only_calls(tinyhops, create, stranger):
    wf = create([step()])
    for call in ("startWorkflow", "pauseWorkflow", "resumeWorkflow", "cancelWorkflow", "withdraw"):
        with reverts(tinyhops, "NotWorkflowOwner", wf, stranger.address):
            getattr(tinyhops, call)(wf, sender=stranger)


def test_status_rules(tinyhops, create, owner):
    wf = create([step()])
    with reverts(tinyhops, "InvalidWorkflowStatus", wf, WS["Created"]):
        tinyhops.pauseWorkflow(wf, sender=owner)
    with reverts(tinyhops, "InvalidWorkflowStatus", wf, WS["Created"]):
        tinyhops.withdraw(wf, sender=owner)
    with reverts(tinyhops, "UnknownWorkflow", 99):
        tinyhops.getWorkflow(99)
    with reverts(tinyhops, "ZeroDeposit"):
        tinyhops.deposit(wf, value=0, sender=owner)
    tinyhops.startWorkflow(wf, value=COST, sender=owner)
    with reverts(tinyhops, "InvalidWorkflowStatus", wf, WS["Running"]):
        tinyhops.startWorkflow(wf, sender=owner)
    with reverts(tinyhops, "NothingToWithdraw", wf):
        tinyhops.cancelWorkflow(wf, sender=owner)
        tinyhops.withdraw(wf, sender=owner)


def test_timeout_relaunches_and_ignores_the_stale_result(tinyhops, chain, create, post, as_lilypad, job_of, stranger):
    wf = create([step(retries=1, timeout=60)], value=COST * 2)
    old = job_of(wf, 0)
    assert tinyhops.advance(wf, sender=stranger).events.filter(tinyhops.StepStarted) == []
    chain.pending_timestamp += 61
    tx = tinyhops.advance(wf, sender=stranger)
    assert tx.events.filter(tinyhops.StepAttemptFailed)[0].reason == "timeout"
    new = job_of(wf, 0)
    assert new != old and tinyhops.getStep(wf, 0).attempts == 2
    tinyhops.receiveJobResults(old, "bafkreistale", sender=as_lilypad)
    assert tinyhops.getStep(wf, 0).status == RUNNING
    post(wf, 0, "bafkreifresh")
    assert tinyhops.getStep(wf, 0).resultCid == "bafkreifresh"
    chain.pending_timestamp += 61
    tinyhops.advance(wf, sender=stranger)
    assert tinyhops.getStep(wf, 0).status == COMPLETED


def test_wide_fan_out_is_launched_in_bounded_batches(tinyhops, create, post, stranger):
    n = 20
    wf = create([step()] + [step(deps=[0]) for _ in range(n)], value=COST * (n + 1))
    tx = post(wf, 0)
    limit = tinyhops.MAX_CALLBACK_LAUNCHES()
    assert len(tx.events.filter(tinyhops.StepStarted)) == limit
    assert tinyhops.readyCount(wf) == n - limit
    tinyhops.advance(wf, sender=stranger)
    assert tinyhops.readyCount(wf) == 0
    assert all(tinyhops.getStep(wf, i).status == RUNNING for i in range(1, n + 1))


def test_surplus_is_accounted(tinyhops, stranger):
    before = tinyhops.surplus()
    stranger.transfer(tinyhops, 12345)
    assert tinyhops.surplus() == before + 12345


def test_spec_uri_and_reads(tinyhops, create):
    wf = create([step(), step(params=ref(0), deps=[0])], spec_uri="ipfs://bafkreispec")
    assert tinyhops.getWorkflow(wf).specURI == "ipfs://bafkreispec"
    with reverts(tinyhops, "DependencyNotCompleted", wf, 1, 0):
        tinyhops.resolvedParams(wf, 1)
    with reverts(tinyhops, "UnknownStep", wf, 2):
        tinyhops.getStep(wf, 2)
    assert tinyhops.lilypad() != "0x" + "0" * 40


def test_canonical_cids_are_stored_compactly_and_resolved_exactly(tinyhops, modicum, create, post, job_of):
    from tiny_hops.cid import cid_of

    cid = cid_of(b"the first step's output")
    wf = create([step(), step(params=lit("in=") + ref(0) + lit("!"), deps=[0])], value=COST * 2)
    post(wf, 0, cid)
    assert tinyhops.getStep(wf, 0).resultCid == cid
    assert modicum.getJob(job_of(wf, 1)).params == f"in={cid}!"
    assert list(tinyhops.getResults(wf).cids)[0] == cid
