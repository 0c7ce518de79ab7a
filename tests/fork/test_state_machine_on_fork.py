"""The stateful suite (tests/properties/test_stateful.py) run against the TinyHops and LocalModicum
deployed upstream by `ape run deploy`, beside the live workflows `ape run launch` created there.
Everything it writes stays on the fork; the live workflows must come out untouched."""
from types import SimpleNamespace

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

import tests.properties.test_stateful as stateful
from tests.properties.conftest import MODULE_COSTS


def test_state_machine_against_the_deployed_contracts(tinyhops, modicum, owner, provider, accounts, chain,
                                                      live_workflows):
    before = {wf: (tinyhops.getWorkflow(wf), tinyhops.getResults(wf)) for wf in live_workflows}
    with chain.isolate():
        # The deployer (LocalModicum's admin) prices the machine's modules, on the fork only.
        for module, cost in MODULE_COSTS.items():
            modicum.setModuleCost(module, cost, sender=owner)
        chain.set_balance(modicum.address, 10**20)
        ctx = SimpleNamespace(tinyhops=tinyhops, modicum=modicum, owner=owner, owner2=accounts[3],
                              stranger=accounts[4], provider=provider, as_lilypad=accounts[modicum.address],
                              chain=chain)

        class Machine(stateful.TinyHopsMachine):
            pass

        Machine.ctx = ctx
        stateful.REACHED.clear()
        run_state_machine_as_test(
            Machine, settings=settings(stateful.SETTINGS, max_examples=max(1, stateful.SETTINGS.max_examples // 3)))
        reached = {what for what, *_ in stateful.REACHED}
        assert {"Completed", "result completed"} <= reached, reached
    assert {wf: (tinyhops.getWorkflow(wf), tinyhops.getResults(wf)) for wf in live_workflows} == before
