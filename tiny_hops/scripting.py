"""Building blocks of the ape scripts in scripts/ (`ape run deploy`, `ape run launch`, ...).

Each script is a click command run by ape with `--network` (default: the persistent local chain)
and `--account` (an ape account alias or TEST::N; default THOPS_PRIVATE_KEY, or test account 0 on a
local chain). They go through the same client as the `tiny-hops` command.
"""
from __future__ import annotations

import click
from ape.cli import ConnectedProviderCommand, account_option, network_option

from .network import DEFAULT_NETWORK


def _account(account):
    from ape import chain

    from .network import load_account

    return account if account is not None else load_account(None, chain_id=chain.chain_id)


def _client(account, address=None):
    from .client import TinyHopsClient

    return TinyHopsClient.connect(_account(account), address)


def _fail(exc: Exception):
    raise click.ClickException(str(exc)) from None


def script(f):
    """A connected ape script command with --network, --account and --address."""
    f = click.option("--address", help="TinyHops address (default: from the deployments file)")(f)
    f = account_option(prompt=False)(f)
    f = network_option(default=DEFAULT_NETWORK)(f)
    return click.command(cls=ConnectedProviderCommand)(f)


def owner_command(action: str, help_text: str):
    """`ape run pause|resume|cancel ID`."""

    @script
    @click.argument("workflow_id", type=int)
    def cli(workflow_id, account, address):
        from .client import ClientError

        try:
            client = _client(account, address)
            tx = getattr(client, action)(workflow_id)
        except (ClientError, LookupError, ValueError) as exc:
            _fail(exc)
        click.echo(f"workflow {workflow_id}: {action} done (tx {tx.txn_hash})")

    cli.help = help_text
    return cli
