"""Property tests on a local fork of the devnet, against the TinyHops and LocalModicum that
`tools/test-fork.sh` deployed upstream with `ape run deploy`, and the workflows it launched there
with `ape run launch`: every write here stays on the fork."""
from hypothesis import given, settings, strategies as st

STATUS = ("None", "Created", "Running", "Paused", "Completed", "Failed", "Cancelled")


def money_holds(tinyhops, chain, workflows):
    held = sum(tinyhops.getWorkflow(wf).balance for wf in workflows)
    assert chain.provider.get_balance(tinyhops.address) == held + tinyhops.surplus()


def running_jobs(tinyhops, wf):
    statuses, jobs, _ = tinyhops.getResults(wf)
    return [(i, j) for i, (s, j) in enumerate(zip(statuses, jobs)) if s == 1]


def test_upstream_deployment_and_workflows_are_live(tinyhops, modicum, live_workflows, chain):
    assert tinyhops.lilypad() == modicum.address
    assert len(live_workflows) >= 3
    for wf in live_workflows:
        w = tinyhops.getWorkflow(wf)
        assert STATUS[w.status] == "Running"
        assert w.specURI.startswith("ipfs://")
        for index, job in running_jobs(tinyhops, wf):
            assert tinyhops.jobStep(job) == (wf, index)
            assert not modicum.getJob(job).done
    money_holds(tinyhops, chain, live_workflows)


@settings(max_examples=settings().max_examples // 3 or 1)
@given(data=st.data())
def test_live_workflows_complete_in_any_result_order(tinyhops, modicum, provider, owner, live_workflows, chain, data):
    """Posts results (and some JOB_FAILED) in an order Hypothesis picks, tops up the stalled workflow,
    and checks after every post that money is conserved and no step ran before its dependencies."""
    with chain.isolate():
        posted = 0
        while True:
            running = [(wf, i, j) for wf in live_workflows for i, j in running_jobs(tinyhops, wf)]
            if not running:
                stalled = [wf for wf in live_workflows
                           if STATUS[tinyhops.getWorkflow(wf).status] == "Running" and tinyhops.readyCount(wf)]
                if not stalled:
                    break
                wf = stalled[0]
                tinyhops.deposit(wf, value=10 * 10**18, sender=owner)
                tinyhops.advance(wf, sender=owner)
                continue
            wf, index, job = data.draw(st.sampled_from(running))
            deps = list(tinyhops.getStepDefinition(wf, index).deps)
            assert all(tinyhops.getStep(wf, d).status == 2 for d in deps), "a step ran before its dependencies"
            if data.draw(st.integers(0, 9)) == 0:
                modicum.postFailure(job, "provider crashed", sender=provider)  # retries are 0: the workflow fails
            else:
                modicum.postResult(job, f"bafkreifork{wf}x{index}x{posted}", sender=provider)
            posted += 1
            money_holds(tinyhops, chain, live_workflows)
        for wf in live_workflows:
            w = tinyhops.getWorkflow(wf)
            statuses = list(tinyhops.getResults(wf)[0])
            assert (STATUS[w.status] == "Completed") == all(s == 2 for s in statuses)
            assert STATUS[w.status] in ("Completed", "Failed")
