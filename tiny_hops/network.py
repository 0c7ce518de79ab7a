"""Connecting to a chain and choosing the account that signs.

The default network is the persistent local chain started by `make chain`
(`ethereum:thops-local:node`, anvil on 127.0.0.1:8547). Accounts: an ape account alias, or a
private key in `THOPS_PRIVATE_KEY` (never printed or logged), or, on a local development chain
only, ape's first test account (anvil's default mnemonic).
"""
from __future__ import annotations

import os
from contextlib import contextmanager

DEFAULT_NETWORK = os.environ.get("THOPS_NETWORK", "ethereum:thops-local:node")
#: Chains whose first test account is a fine default signer (anvil's well-known keys).
LOCAL_CHAIN_IDS = {31337, 31338, 4242}


class NetworkError(Exception):
    """The chain cannot be reached or the account cannot be loaded."""


@contextmanager
def connected(network: str | None = None):
    """Connects ape to `network` for the duration of the block; yields the provider."""
    from ape import networks

    choice = network or DEFAULT_NETWORK
    active = networks.active_provider
    if active is not None and active.is_connected and active.network_choice == choice:
        # Already connected (a script run by ape, or a test session): reuse the connection, since
        # a second one to an auto-port provider would start a separate chain.
        yield active
        return
    try:
        ctx = networks.parse_network_choice(choice)
        provider = ctx.__enter__()
    except Exception as exc:  # ape raises many kinds here; all mean "cannot connect"
        hint = " (start it with `make chain`)" if "thops-local" in choice else ""
        raise NetworkError(f"cannot connect to {choice}{hint}: {exc}") from None
    try:
        yield provider
    finally:
        ctx.__exit__(None, None, None)


def load_account(alias: str | None = None, *, chain_id: int | None = None, index: int = 0):
    """The signing account: `alias` (an ape account), else THOPS_PRIVATE_KEY, else on a local chain
    the test account `index`."""
    from ape import accounts

    if alias:
        if alias.startswith("TEST::"):
            return accounts.test_accounts[int(alias.split("::", 1)[1])]
        try:
            account = accounts.load(alias)
        except Exception:
            raise NetworkError(f"no ape account named {alias!r}: see `ape accounts list`") from None
        return account
    key = os.environ.get("THOPS_PRIVATE_KEY")
    if key:
        from ape_accounts.accounts import ApeSigner

        try:
            signer = ApeSigner(private_key=key if key.startswith("0x") else "0x" + key)
            signer.address  # derives the address: fails here for a malformed key
            return signer
        except Exception:
            raise NetworkError("THOPS_PRIVATE_KEY is not a valid private key (64 hex digits)") from None
    if chain_id in LOCAL_CHAIN_IDS:
        return accounts.test_accounts[index]
    raise NetworkError(
        "no account: pass --account ALIAS (an ape account) or set THOPS_PRIVATE_KEY"
    )


def quiet_ape() -> None:
    """Keeps ape's per-transaction INFO lines out of the commands' output (THOPS_VERBOSE=1 keeps them)."""
    if os.environ.get("THOPS_VERBOSE"):
        return
    from ape.logging import logger

    logger.set_level("WARNING")
