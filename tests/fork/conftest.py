"""Fixtures for the fork suite: the contracts `tools/test-fork.sh` deployed on the upstream devnet
(read from the deployments file), seen through a local fork where writes stay local."""
import pytest

from tiny_hops import deployments

UPSTREAM_CHAIN_ID = 4242


@pytest.fixture(scope="session")
def deployment(chain):
    if chain.chain_id != UPSTREAM_CHAIN_ID:
        pytest.skip("the fork suite runs on ethereum:devnet-fork:foundry (make test-fork)")
    return deployments.load(UPSTREAM_CHAIN_ID)


@pytest.fixture(scope="session")
def tinyhops(deployment, project):
    return project.TinyHops.at(deployment.TinyHops)


@pytest.fixture(scope="session")
def modicum(deployment, project):
    return project.LocalModicum.at(deployment.LocalModicum)


@pytest.fixture(scope="session")
def provider(deployment, accounts):
    """The resource provider registered upstream (anvil's test account 1, funded on the fork too)."""
    account = next(a for a in accounts if a.address == deployment.resourceProvider)
    return account


@pytest.fixture(scope="session")
def owner(tinyhops, accounts):
    first = tinyhops.getWorkflow(1).owner
    return next(a for a in accounts if a.address == first)


@pytest.fixture(scope="session")
def live_workflows(tinyhops):
    return list(range(1, tinyhops.workflowCount() + 1))
