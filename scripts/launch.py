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
    from tiny_hops.spec import SpecError, load_and_compile
    from tiny_hops.store import ContentStore

    try:
        workflow = load_and_compile(spec)
        amount = parse_ether(deposit) if deposit is not None else workflow.worst_case_cost
        client = _client(account, address)
        spec_cid = ContentStore().put(open(spec, "rb").read())
        wf, _ = client.launch(workflow, amount, spec_uri=f"ipfs://{spec_cid}", allow_partial=allow_partial)
    except (SpecError, ClientError, ValueError, LookupError) as exc:
        _fail(exc)
    click.echo(f"Your workflowId is : {wf}")
