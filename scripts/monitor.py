"""ape run monitor ID [--json] [--network ...]"""
import json

import click

from tiny_hops.scripting import _fail, script


@script
@click.argument("workflow_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def cli(workflow_id, as_json, account, address):
    from rich.console import Console

    from tiny_hops.client import ClientError, TinyHopsClient
    from tiny_hops.monitor import render, snapshot

    try:
        client = TinyHopsClient.connect(account, address)
        view = client.workflow(workflow_id)
    except (ClientError, LookupError) as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(snapshot(view, client.spec(workflow_id)), indent=2))
    else:
        Console(width=200).print(render(view, client.spec(workflow_id)))
