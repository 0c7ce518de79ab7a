"""Deploying TinyHops, and on a local chain the LocalModicum stand-in it talks to.

On a local chain (no `lilypad` address given) this deploys LocalModicum, sets every module cost
from `config/modules.json`, registers the local node's account as a resource provider, then deploys
TinyHops against it. Against a real Lilypad, pass its Modicum address. The addresses are recorded
per chain id in the deployments file.
"""
from __future__ import annotations

from pathlib import Path

from . import deployments
from .costs import parse_ether
from .network import LOCAL_CHAIN_IDS
from .paths import PROJECT_ROOT

MODULES_CONFIG = PROJECT_ROOT / "config" / "modules.json"
#: The test account the local node signs with (the user's default is test account 0).
NODE_ACCOUNT_INDEX = 1


class DeployError(Exception):
    pass


def module_costs(config: Path = MODULES_CONFIG) -> dict[str, int]:
    import json

    data = json.loads(Path(config).read_text())
    return {name: parse_ether(entry["cost"]) for name, entry in data["modules"].items()}


def deploy(account, lilypad: str | None = None, provider_address: str | None = None,
           config: Path = MODULES_CONFIG, log=print) -> deployments.Deployment:
    from ape import accounts, chain

    from .contracts import project

    p = project()
    chain_id = chain.chain_id
    modicum_address = None
    if lilypad is None:
        if chain_id not in LOCAL_CHAIN_IDS:
            raise DeployError(
                f"chain {chain_id} is not a local chain: pass --lilypad with the Modicum contract's address"
            )
        modicum = p.LocalModicum.deploy(sender=account)
        costs = module_costs(config)
        for name, cost in costs.items():
            modicum.setModuleCost(name, cost, sender=account)
        provider_address = provider_address or str(accounts.test_accounts[NODE_ACCOUNT_INDEX].address)
        modicum.setResourceProvider(provider_address, True, sender=account)
        lilypad = modicum_address = str(modicum.address)
        log(f"LocalModicum deployed at {lilypad} ({len(costs)} modules, resource provider {provider_address})")
    elif not chain.provider.get_code(lilypad):
        raise DeployError(f"no contract at --lilypad {lilypad} on chain {chain_id}")
    tinyhops = p.TinyHops.deploy(lilypad, sender=account)
    log(f"TinyHops deployed at {tinyhops.address} (Lilypad {lilypad})")
    record = deployments.Deployment(
        TinyHops=str(tinyhops.address), lilypad=lilypad, LocalModicum=modicum_address,
        resourceProvider=provider_address if modicum_address else None,
        block=chain.blocks.head.number,
    )
    path = deployments.save(chain_id, record)
    log(f"recorded for chain {chain_id} in {path}")
    return record
