"""The local node end to end on a local chain: LocalModicum, a RecordingClient, real modules."""
import json

import pytest

from tiny_hops.node.runner import LocalNode, main
from tiny_hops.node.state import NodeState
from tiny_hops.store import ContentStore
from tiny_hops.wasm import compile_wat, put_sample

COWSAY, WASM, TEXT, MERGE = "cowsay:v0.0.1", "deterministic_wasm:v0.0.1", "text_transform:v0.0.1", "json_merge:v0.0.1"


@pytest.fixture
def store(tmp_path):
    return ContentStore(tmp_path / "store")


@pytest.fixture
def state_file(tmp_path):
    return tmp_path / "node-state.json"


def make_node(modicum, provider_account, store, state_file, **kw):
    return LocalNode(modicum, provider_account, store, state_file=state_file, **kw)


def create_job(client, user, costs, module, params, workflow=None):
    if workflow is None:
        receipt = client.runModuleWithDefaultMediators(module, params, value=costs[module], sender=user)
    else:
        receipt = client.runForWorkflow(workflow, 0, module, params, value=costs[module], sender=user)
    (log,) = [entry for entry in receipt.events if entry.event_name == "JobCreated"]
    return int(log.jobId)


def test_jobs_run_and_results_posted(modicum, client, user, provider_account, costs, store, state_file):
    words = store.put(b"the quick brown fox\njumps over the lazy dog\n")
    rev = put_sample(store, "reverse")
    jobs = {
        "cow": create_job(client, user, costs, COWSAY, "hello from the local node"),
        "upper": create_job(client, user, costs, TEXT, json.dumps({"op": "upper", "inputs": [words]})),
        "wasm": create_job(client, user, costs, WASM, json.dumps({"wasm_cid": rev, "wasm_entrypoint": "reverse", "input_cid": words})),
        "sdxl": create_job(client, user, costs, "sdxl:v0.9-lilypad1", '{"prompt": "a cow", "seed": 1}'),
        "missing": create_job(client, user, costs, TEXT, json.dumps({"op": "upper", "inputs": ["bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"]})),
    }
    balance_before = provider_account.balance
    node = make_node(modicum, provider_account, store, state_file)
    report = node.run_once()

    assert sorted(report.new_jobs) == sorted(jobs.values())
    by_id = {j.job_id: j for j in report.jobs}
    assert {by_id[j].status for j in (jobs["cow"], jobs["upper"], jobs["wasm"])} == {"result"}
    assert by_id[jobs["sdxl"]].status == by_id[jobs["missing"]].status == "failure"

    cow_cid = client.results(jobs["cow"])
    assert cow_cid == by_id[jobs["cow"]].cid and "hello from the local node" in store.get(cow_cid).decode()
    assert store.get(client.results(jobs["upper"])) == b"THE QUICK BROWN FOX\nJUMPS OVER THE LAZY DOG\n"
    assert store.get(client.results(jobs["wasm"])) == b"the quick brown fox\njumps over the lazy dog\n"[::-1]
    assert client.results(jobs["sdxl"]) == "JOB_FAILED:module sdxl:v0.9-lilypad1 cannot run on this local node"
    assert client.results(jobs["missing"]).startswith("JOB_FAILED:inputs[0] ")
    for job_id in jobs.values():
        assert modicum.getJob(job_id).done
        assert client.resultCount(job_id) == 1
    assert provider_account.balance > balance_before  # paid for every job (gas is free locally)

    # overhead figures for the benchmark
    assert len(report.overheads) == 5 and all(o >= 0 for o in report.overheads)
    for job in report.posted:
        assert job.total_seconds >= job.module_seconds and job.tx.startswith("0x")

    # nothing new: a second poll does nothing
    again = node.run_once()
    assert again.jobs == [] and again.new_jobs == []
    state = json.loads(state_file.read_text())
    assert sorted(state["posted"]) == sorted(jobs.values()) and state["seen"] == {}


def test_chained_fan_out_fan_in(modicum, client, user, provider_account, costs, store, state_file):
    """A pipeline driven by hand, as TinyHops would: generate, transform two ways, merge."""
    node = make_node(modicum, provider_account, store, state_file)
    gen = create_job(client, user, costs, COWSAY, "moo moo said the cow")
    node.run_once()
    generated = client.results(gen)
    up = put_sample(store, "upper")
    a = create_job(client, user, costs, WASM, json.dumps({"wasm_cid": up, "wasm_entrypoint": "upper", "input_cid": generated}))
    b = create_job(client, user, costs, TEXT, json.dumps({"op": "stats", "inputs": [generated]}))
    node.run_once()
    c = create_job(client, user, costs, MERGE, json.dumps({"inputs": {"shout": client.results(a), "stats": client.results(b)}}))
    node.run_once()
    merged = json.loads(store.get(client.results(c)))
    assert "MOO MOO SAID THE COW" in merged["shout"]
    assert merged["stats"]["words"] == len(store.get(generated).decode().split())


def test_runaway_module_times_out(modicum, client, user, provider_account, costs, store, state_file):
    spin = store.put(compile_wat(
        '(module (memory (export "memory") 1) (func (export "alloc") (param i32) (result i32) i32.const 0)'
        ' (func (export "spin") (param i32 i32) (result i64) (loop $l br $l) i64.const 0))'))
    job = create_job(client, user, costs, WASM, json.dumps({"wasm_cid": spin, "wasm_entrypoint": "spin", "fuel": 10_000_000_000}))
    quick = create_job(client, user, costs, COWSAY, "still alive")
    node = make_node(modicum, provider_account, store, state_file, job_timeout=1.0)
    report = node.run_once()
    assert client.results(job) == "JOB_FAILED:timed out after 1 s"
    assert "still alive" in store.get(client.results(quick)).decode()
    assert {j.status for j in report.jobs} == {"result", "failure"}


class Crash(Exception):
    """Stands for the node process being killed."""


def test_restart_no_loss_no_double_post(modicum, client, user, provider_account, costs, store, state_file):
    first = [create_job(client, user, costs, COWSAY, f"job {i}") for i in range(2)]
    node = make_node(modicum, provider_account, store, state_file)
    assert {j.job_id for j in node.run_once().posted} == set(first)
    del node  # "killed" after handling the first jobs

    later = [create_job(client, user, costs, COWSAY, f"later {i}") for i in range(2)]
    restarted = make_node(modicum, provider_account, store, state_file)
    report = restarted.run_once()
    assert report.new_jobs == later and {j.job_id for j in report.posted} == set(later)
    for job_id in first + later:
        assert client.resultCount(job_id) == 1


def test_crash_before_post_runs_job_again(modicum, client, user, provider_account, costs, store, state_file):
    jobs = [create_job(client, user, costs, COWSAY, f"crash test {i}") for i in range(3)]

    class CrashingNode(LocalNode):
        def _post(self, report, job_id, outcome, seen_at):
            if job_id == jobs[1]:
                raise Crash()
            super()._post(report, job_id, outcome, seen_at)

    node = make_node(modicum, provider_account, store, state_file, max_workers=1)
    node.__class__ = CrashingNode
    with pytest.raises(Crash):
        node.run_once()
    saved = NodeState.load(state_file)
    assert jobs[1] in saved.seen and jobs[1] not in saved.posted
    assert client.resultCount(jobs[1]) == 0

    report = make_node(modicum, provider_account, store, state_file).run_once()
    assert jobs[1] in {j.job_id for j in report.posted}
    for job_id in jobs:
        assert client.resultCount(job_id) == 1
    assert NodeState.load(state_file).seen == {}


def test_crash_after_post_does_not_double_post(modicum, client, user, provider_account, costs, store, state_file):
    jobs = [create_job(client, user, costs, COWSAY, f"posted then crash {i}") for i in range(2)]

    class CrashAfterPost(LocalNode):
        def _mark_posted(self, job_id):
            raise Crash()  # the post was mined, the state file was not updated

    node = make_node(modicum, provider_account, store, state_file, max_workers=1)
    node.__class__ = CrashAfterPost
    with pytest.raises(Crash):
        node.run_once()
    assert len(NodeState.load(state_file).seen) == 2

    report = make_node(modicum, provider_account, store, state_file).run_once()
    statuses = {j.job_id: j.status for j in report.jobs}
    assert list(statuses.values()).count("already_done") == 1  # checked getJob(jobId).done, not re-posted
    for job_id in jobs:
        assert client.resultCount(job_id) == 1


def test_state_seen_but_not_posted(modicum, client, user, provider_account, costs, store, state_file, chain):
    """A state file that already scanned past a job, which it lists as seen but not posted."""
    job = create_job(client, user, costs, COWSAY, "seen before the crash")
    state = NodeState.load(state_file)
    state.reset(chain.chain_id, modicum.address, 0)
    state.next_block = chain.blocks.height + 1
    state.seen[job] = {"module": COWSAY, "params": "seen before the crash", "client": client.address, "block": 0}
    state.save()
    report = make_node(modicum, provider_account, store, state_file).run_once()
    assert report.new_jobs == [] and [j.job_id for j in report.posted] == [job]
    assert "seen before the crash" in store.get(client.results(job)).decode()


def test_reverting_callback_retried_then_abandoned(modicum, client, user, provider_account, costs, store, state_file):
    job = create_job(client, user, costs, COWSAY, "nobody listens")
    client.setRejectResults(True, sender=user)
    node = make_node(modicum, provider_account, store, state_file, max_post_attempts=2)
    assert [j.status for j in node.run_once().jobs] == ["retry"]
    assert [j.status for j in node.run_once().jobs] == ["abandoned"]
    assert node.run_once().jobs == []
    assert job in NodeState.load(state_file).abandoned and not modicum.getJob(job).done


def test_advance_waiting_workflows(modicum, client, user, provider_account, costs, store, state_file):
    """TinyHops stand-in: advance is called once per poll, only with readyCount > 0."""
    node = make_node(modicum, provider_account, store, state_file, tinyhops=client)
    create_job(client, user, costs, COWSAY, "step of workflow 7", workflow=7)
    create_job(client, user, costs, COWSAY, "step of workflow 8", workflow=8)
    client.setReadyCount(7, 2, sender=user)
    report = node.run_once()
    assert report.advanced == {7: 2} and sorted(report.checked_workflows) == [7, 8]
    assert client.advanceCalls(7) == 1 and client.advanceCalls(8) == 0
    assert {j.workflow_id for j in report.posted} == {7, 8}

    assert node.run_once().advanced == {}  # nothing new: no call
    assert client.advanceCalls(7) == 1

    client.stall(9, 1, sender=user)  # someone's start stalled on a low balance
    assert node.run_once().advanced == {9: 1}
    client.setReadyCount(9, 1, sender=user)
    client.deposit(9, value=10, sender=user)  # a deposit makes the node look again
    assert node.run_once().advanced == {9: 1}
    assert client.advanceCalls(9) == 2

    # an advance that stalls again (still short of funds) is not retried on the node's own event
    client.setStallOnAdvance(True, sender=user)
    client.stall(10, 1, sender=user)
    assert node.run_once().advanced == {10: 1}
    assert node.run_once().advanced == {}
    assert client.advanceCalls(10) == 1


def test_main_once(modicum, client, user, provider_account, costs, tmp_path, project):
    job = create_job(client, user, costs, COWSAY, "via main")
    assert main(modicum.address, provider_account, tinyhops_address=client.address, store_root=tmp_path / "s",
                state_file=tmp_path / "st.json", once=True, project=project) == 0
    assert "via main" in ContentStore(tmp_path / "s").get(client.results(job)).decode()


def test_run_forever_until_stopped(modicum, client, user, provider_account, costs, store, state_file):
    import threading
    import time

    node = make_node(modicum, provider_account, store, state_file)
    stop = threading.Event()
    thread = threading.Thread(target=node.run_forever, args=(0.2, stop), daemon=True)
    thread.start()
    try:
        job = create_job(client, user, costs, COWSAY, "polled in the background")
        deadline = time.monotonic() + 30
        while client.resultCount(job) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert "polled in the background" in store.get(client.results(job)).decode()
