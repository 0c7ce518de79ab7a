"""Shared test configuration: Hypothesis profiles and role-named accounts (module-scoped, so that
they exist before a module's contracts are deployed and ape's isolation never rebases them).

`HYPOTHESIS_PROFILE=thorough make test` runs ten times the examples of the default profile.
"""
import os

import pytest
from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.large_base_example],
    derandomize=False,
)
settings.register_profile("default", max_examples=25, stateful_step_count=20, **_COMMON)
settings.register_profile("thorough", max_examples=250, stateful_step_count=200, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# Role-named accounts of the contract, property and security suites.
@pytest.fixture(scope="module")
def owner(accounts):
    return accounts[0]


@pytest.fixture(scope="module")
def stranger(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def provider(accounts):
    return accounts[2]
