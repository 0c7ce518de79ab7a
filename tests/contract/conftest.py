"""Fixtures for the contract suites: role-named accounts, the local Lilypad stand-in and TinyHops,
and small factories that drive workflows."""
import pytest

from .builders import COST, COWSAY, deploy_modicum


@pytest.fixture(scope="module")
def modicum(project, owner, provider):
    return deploy_modicum(project, owner, provider, {COWSAY: COST, "pricey:v1": COST * 100})


@pytest.fixture(scope="module")
def tinyhops(project, owner, stranger, modicum):
    # Every module-scoped role is created here, before any test runs, so ape's per-test chain
    # isolation never has to rebase a fixture created mid-module.
    return project.TinyHops.deploy(modicum.address, sender=owner)


@pytest.fixture(scope="module")
def create(tinyhops, owner):
    """create(steps, value=None, sender=owner, spec_uri="") -> workflow id; starts it when value is given."""

    def _create(steps, value=None, sender=owner, spec_uri=""):
        if value is None:
            tinyhops.createWorkflow(steps, spec_uri, sender=sender)
        else:
            tinyhops.createAndStartWorkflow(steps, spec_uri, value=value, sender=sender)
        return tinyhops.workflowCount()

    return _create


@pytest.fixture(scope="module")
def job_of(tinyhops):
    def _job_of(wf, index):
        return tinyhops.getStep(wf, index).jobId

    return _job_of


@pytest.fixture(scope="module")
def post(modicum, provider, job_of):
    """post(wf, index, cid) posts a result for the step's current job; cid=None posts a failure."""

    def _post(wf, index, cid="bafkreiresult", reason="boom"):
        job = job_of(wf, index)
        assert job != 0, f"step {index} of workflow {wf} has no job"
        if cid is None:
            return modicum.postFailure(job, reason, sender=provider)
        return modicum.postResult(job, cid, sender=provider)

    return _post


@pytest.fixture(scope="module")
def as_lilypad(accounts, chain, modicum):
    """An account that sends as the Lilypad contract (anvil impersonation), to post duplicates."""
    chain.set_balance(modicum.address, 10**20)
    return accounts[modicum.address]
