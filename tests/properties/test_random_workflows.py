"""Property tests: random valid workflows run to completion with results posted in random order,
and the contract resolves random templates exactly as `tiny_hops.template.resolve` does."""
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.contract.builders import COST, COWSAY
from tiny_hops.template import Ref, encode, references, resolve

from .model import S_COMPLETED, W_COMPLETED
from .strategies import CIDS, TEXT

_PROFILE = settings.default
SETTINGS = settings(_PROFILE, max_examples=max(1, _PROFILE.max_examples * 3 // 5))  # 15 / 150

@st.composite
def dags(draw, max_steps=7):
    """(deps per step, params template per step): parallel groups, chains and fan-in."""
    n = draw(st.integers(1, max_steps))
    deps_list, params = [], []
    for i in range(n):
        deps = sorted(draw(st.sets(st.integers(0, i - 1), max_size=min(i, 4)))) if i else []
        seg = st.one_of(TEXT, st.sampled_from(deps).map(Ref)) if deps else TEXT
        deps_list.append(deps)
        params.append(encode(draw(st.lists(seg, max_size=5))))
    return deps_list, params


def _logs(receipt, tinyhops, *names):
    events = [getattr(tinyhops, n) for n in names]
    return [log for log in receipt.decode_logs(events) if log.contract_address == tinyhops.address]


@settings(SETTINGS)
@given(dag=dags(), data=st.data())
def test_random_workflows_complete(chain, tinyhops, modicum, owner, provider, dag, data):
    deps_list, params = dag
    n = len(deps_list)
    steps = [(COWSAY, p, COST, d, 0, 0) for d, p in zip(deps_list, params)]
    with chain.isolate():
        balance0 = chain.provider.get_balance(tinyhops.address)
        extra = data.draw(st.integers(0, 3), label="extra funds")
        r = tinyhops.createAndStartWorkflow(steps, "", value=COST * (n + extra), sender=owner)
        wf = tinyhops.workflowCount()
        launches: dict[int, int] = {}  # step -> job
        paid = 0
        done: dict[int, str] = {}

        def record(receipt):
            nonlocal paid
            for log in _logs(receipt, tinyhops, "StepStarted"):
                if log.workflowId != wf:
                    continue
                i = log.stepIndex
                assert i not in launches, f"step {i} launched twice"
                assert all(d in done for d in deps_list[i]), f"step {i} launched before its deps"
                assert log.attempt == 1 and log.cost == COST
                launches[i] = log.jobId
                paid += log.cost
                # The job was created with the template resolved exactly as tiny_hops resolves it.
                expected = resolve(params[i], {d: done[d] for d in references(params[i])})
                assert modicum.getJob(log.jobId).params == expected

        record(r)
        while len(done) < n:
            running = sorted(i for i in launches if i not in done)
            assert running, f"nothing running, {len(done)}/{n} done"
            i = data.draw(st.sampled_from(running), label="next result")
            cid = data.draw(CIDS, label=f"cid of step {i}")
            done[i] = cid  # set before the callback's launches are recorded
            record(modicum.postResult(launches[i], cid, sender=provider))
            assert tinyhops.getStep(wf, i).resultCid == cid

        w = tinyhops.getWorkflow(wf)
        assert (w.status, w.completedSteps, w.balance) == (W_COMPLETED, n, COST * extra)
        statuses, jobs, cids = tinyhops.getResults(wf)
        assert list(statuses) == [S_COMPLETED] * n
        assert list(jobs) == [launches[i] for i in range(n)]
        assert list(cids) == [done[i] for i in range(n)]
        # Money: deposited == paid to Lilypad + still held; the contract holds exactly that.
        assert paid == COST * n
        assert chain.provider.get_balance(tinyhops.address) - balance0 == COST * extra
        assert chain.provider.get_balance(tinyhops.address) == sum(
            tinyhops.getWorkflow(k).balance for k in range(1, wf + 1)) + tinyhops.surplus()


@settings(SETTINGS)
@given(dag=dags(max_steps=4), cids=st.lists(CIDS, min_size=4, max_size=4), data=st.data())
def test_on_chain_resolution_matches_python(chain, tinyhops, modicum, owner, provider, dag, cids, data):
    """Issue 4: `resolvedParams` (and the params Lilypad receives) equal `template.resolve`."""
    deps_list, params = dag
    n = len(deps_list)
    # The last step references every earlier step, in a random order, mixed with random text.
    order = data.draw(st.permutations(range(n - 1)), label="reference order") if n > 1 else []
    segs = []
    for k in order:
        segs += [data.draw(TEXT), Ref(k)]
    params[-1] = encode(segs + [data.draw(TEXT)]) if n > 1 else params[-1]
    deps_list[-1] = list(range(n - 1))
    steps = [(COWSAY, p, COST, d, 0, 0) for d, p in zip(deps_list, params)]
    with chain.isolate():
        tinyhops.createAndStartWorkflow(steps, "", value=COST * n, sender=owner)
        wf = tinyhops.workflowCount()
        for i in range(n):
            expected = resolve(params[i], {d: cids[d] for d in range(i)})
            assert tinyhops.resolvedParams(wf, i) == expected
            job = tinyhops.getStep(wf, i).jobId
            assert job != 0, f"step {i} not launched after its deps completed"
            assert modicum.getJob(job).params == expected
            modicum.postResult(job, cids[i], sender=provider)
        assert tinyhops.getWorkflow(wf).status == W_COMPLETED
