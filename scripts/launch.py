"""ape run launch --spec sample.thops.json [--deposit ETH] [--allow-partial] [--network ...] [--account ...]"""
import click

from tiny_hops.scripting import _client, _fail, script


@script
@click.option("--spec", required=True, type=click.Path(exists=True, dir_okay=False), help="the *.thops.json spec")
@click.option("--deposit", help="ETH to deposit (default: the spec's worst-case cost)")
@click.option("--allow-partial", is_flag=True, help="accept a deposit below the cost of every step once")
def cli(spec, deposit, allow_partial, account, address):
    from tiny_hops.client import ClientError
    from tiny_hops.costs import parse_ether
    from tiny_hops.spec import SpecError

    try:
        amount = parse_ether(deposit) if deposit is not None else None
        wf, *_ = _client(account, address).launch_spec(spec, amount, allow_partial)
    except (SpecError, ClientError, ValueError, LookupError) as exc:
        _fail(exc)
    click.echo(f"Your workflowId is : {wf}")
