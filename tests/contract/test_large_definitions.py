"""Definitions larger than one data contract: WorkflowBlob splits them into chunks of at most 24,575
bytes (EIP-170), a record never spanning two; each step must read back exactly, resolve and run."""
import pytest

from .builders import COST, lit, ref, reverts, step

COMPLETED = 2


def big_params(i: int, size: int) -> bytes:
    return lit(bytes([0x61 + i % 26]) * size)


@pytest.fixture(scope="module")
def wide(tinyhops, create):
    # A chain of six steps of about 9 kB (three chunks; one launch a callback, since LocalModicum
    # stores each job's params), then a join of steps 2 and 5.
    steps = [step(params=big_params(0, 9_000))]
    steps += [step(params=big_params(i, 9_000) + ref(i - 1), deps=[i - 1]) for i in range(1, 6)]
    steps.append(step(params=lit("join ") + ref(2) + lit(" ") + ref(5), deps=[2, 5]))
    return create(steps), steps


def test_every_step_reads_back_exactly(tinyhops, wide):
    wf, steps = wide
    assert tinyhops.getWorkflow(wf).stepCount == len(steps)
    for i, (module, params, max_cost, deps, retries, timeout) in enumerate(steps):
        d = tinyhops.getStepDefinition(wf, i)
        assert (d.module, bytes(d.params), d.maxCost, list(d.deps), d.maxRetries, d.timeout) == (
            module, params, max_cost, deps, retries, timeout), i


def test_a_multi_chunk_workflow_runs(tinyhops, modicum, owner, wide, post, job_of):
    wf, steps = wide
    tinyhops.startWorkflow(wf, value=COST * len(steps), sender=owner)
    post(wf, 0, "bafkreiroot")
    assert modicum.getJob(job_of(wf, 1)).params == "b" * 9_000 + "bafkreiroot"
    for i in range(1, 6):
        post(wf, i, f"bafkreistep{i}")
    assert modicum.getJob(job_of(wf, 4)).params == "e" * 9_000 + "bafkreistep3"
    assert modicum.getJob(job_of(wf, 6)).params == "join bafkreistep2 bafkreistep5"
    post(wf, 6, "bafkreijoin")
    assert tinyhops.getWorkflow(wf).completedSteps == len(steps)


def test_a_step_too_large_for_one_data_contract(tinyhops, owner):
    # 29 fixed bytes + 13 (module) + 24,540 (one 3-byte header and 24,537 bytes of text) = 24,582.
    params = lit("x" * 24_537)
    before = tinyhops.workflowCount()
    with reverts(tinyhops, "StepTooLarge", 0, 29 + 13 + len(params), 24_575):
        tinyhops.createWorkflow([step(params=params)], "", sender=owner)
    assert tinyhops.workflowCount() == before


def test_the_largest_step_fits(tinyhops, owner, create):
    params = lit("x" * (24_575 - 29 - 13 - 3))  # exactly 24,575 bytes: a data contract of its own
    wf = create([step(params=lit("y")), step(params=params)])
    assert bytes(tinyhops.getStepDefinition(wf, 1).params) == params


def test_the_specs_size_limit_is_the_contracts(tinyhops, owner, create):
    # tiny_hops.spec refuses exactly the steps the contract would refuse, so a spec that validates
    # never meets StepTooLarge on chain.
    from tiny_hops.spec import MAX_STEP_BYTES, SpecError, compile_spec

    def spec(text_len):
        return {"version": "1", "steps": [{"stepId": "a", "stepModule": {
            "cmd": "cowsay:v0.0.1", "params": "x" * text_len, "cost": "0.001"}}]}

    fits = MAX_STEP_BYTES - 29 - 13 - 3
    wf = create(compile_spec(spec(fits)).contract_steps())
    assert len(bytes(tinyhops.getStepDefinition(wf, 0).params)) == fits + 3
    with pytest.raises(SpecError, match="a step holds at most 24,575"):
        compile_spec(spec(fits + 1))
    with reverts(tinyhops, "StepTooLarge", 0, MAX_STEP_BYTES + 1, MAX_STEP_BYTES):
        tinyhops.createWorkflow([step(params=lit("x" * (fits + 1)))], "", sender=owner)
