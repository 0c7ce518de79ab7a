"""Fixtures for the local node's tests: LocalModicum with the module costs of config/modules.json,
a RecordingClient, and a registered resource provider."""
import pytest

from tests.contract.builders import deploy_modicum
from tiny_hops.node.modules import module_costs_wei


@pytest.fixture(scope="module")
def provider_account(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def user(accounts):
    return accounts[2]


@pytest.fixture(scope="module")
def costs():
    return module_costs_wei()


@pytest.fixture(scope="module")
def modicum(project, owner, provider_account, costs):
    return deploy_modicum(project, owner, provider_account, costs)


@pytest.fixture(scope="module")
def client(project, owner, modicum):
    return project.RecordingClient.deploy(modicum, sender=owner)
