"""ape run deploy [--lilypad ADDRESS] [--network ...] [--account ...]

Deploys TinyHops; on a local chain without --lilypad, first the LocalModicum stand-in."""
import click

from ape.cli import ConnectedProviderCommand, account_option, network_option

from tiny_hops.scripting import _account, _fail
from tiny_hops.network import DEFAULT_NETWORK


@click.command(cls=ConnectedProviderCommand)
@network_option(default=DEFAULT_NETWORK)
@account_option(prompt=False)
@click.option("--lilypad", help="Lilypad (Modicum) address; omit on a local chain to deploy LocalModicum")
def cli(account, lilypad):
    from tiny_hops.deploy import DeployError, deploy

    try:
        deploy(_account(account), lilypad=lilypad, log=click.echo)
    except DeployError as exc:
        _fail(exc)
