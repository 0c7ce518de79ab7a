"""Fixtures of the property suites: TinyHops on the local Lilypad stand-in, deployed once per module.

Every Hypothesis example runs between a chain snapshot and its restore, so these stay clean.
"""
import pytest

from tests.contract.builders import COST, COWSAY, deploy_modicum

PRICEY = "pricey:v1"  # costs more than a COST-capped step may pay
GHOST = "ghost:v1"  # no cost set: LocalModicum refuses it ("Module not found")
MODULE_COSTS = {COWSAY: COST, PRICEY: COST * 100}


@pytest.fixture(scope="module")
def owner2(accounts):
    return accounts[3]


@pytest.fixture(scope="module")
def modicum(project, owner, provider):
    return deploy_modicum(project, owner, provider, MODULE_COSTS)


@pytest.fixture(scope="module")
def tinyhops(project, owner, modicum):
    return project.TinyHops.deploy(modicum.address, sender=owner)


@pytest.fixture(scope="module")
def as_lilypad(accounts, chain, modicum):
    """Sends as the Lilypad contract (anvil impersonation): duplicates and stale results."""
    chain.set_balance(modicum.address, 10**20)
    return accounts[modicum.address]
