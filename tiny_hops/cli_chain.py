"""The `tiny-hops` commands that talk to a chain: deploy, run, monitor, pause, resume, cancel,
withdraw, deposit, advance, node; and get (content store) and graph.

Only click is imported at module level: ape, web3 and rich load inside the commands that need them.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import click

from .cli import main

NETWORK_HELP = "ape network choice (default: the persistent local chain, ethereum:thops-local:node)"


def chain_options(f):
    f = click.option("--address", help="TinyHops contract address (default: from the deployments file)")(f)
    f = click.option("--account", "account_alias",
                     help="ape account alias (default: THOPS_PRIVATE_KEY, or test account 0 on a local chain)")(f)
    f = click.option("--network", default=None, help=NETWORK_HELP)(f)
    return f


def _expected_errors():
    from .client import ClientError
    from .deploy import DeployError
    from .deployments import DeploymentError
    from .network import NetworkError
    from .spec import SpecError
    from .store import StoreError

    return (ClientError, DeployError, DeploymentError, NetworkError, SpecError, StoreError)


@contextmanager
def _errors():
    """Turns the errors a user can act on into a one-line message and exit code 1."""
    try:
        yield
    except click.ClickException:
        raise
    except Exception as exc:
        from ape.exceptions import ApeException

        if isinstance(exc, _expected_errors()) or isinstance(exc, ApeException):
            raise click.ClickException(str(exc)) from None
        raise


@contextmanager
def session(network, account_alias, address=None, need_account=True, client=True):
    """Connects, loads the account and the client; yields (client, account)."""
    with _errors():
        from ape import chain

        from .client import TinyHopsClient
        from .network import connected, load_account, quiet_ape

        quiet_ape()
        with connected(network):
            account = load_account(account_alias, chain_id=chain.chain_id) if need_account else None
            yield (TinyHopsClient.connect(account, address) if client else None), account


def _spec_for(client, workflow_id, spec_path):
    """The CompiledWorkflow: from SPEC, else fetched from the content store via the specURI."""
    from .spec import load_and_compile

    if spec_path:
        return load_and_compile(spec_path)
    workflow = client.spec(workflow_id)
    if workflow is None and client.spec_cid(workflow_id):
        click.echo(f"(spec {client.spec_cid(workflow_id)} is not in the local content store: pass SPEC "
                   "to see step names)", err=True)
    return workflow


def _ether(value: str) -> int:
    from .costs import parse_ether

    try:
        return parse_ether(value)
    except Exception as exc:
        raise click.BadParameter(str(exc)) from None


def _sent(tx, what: str) -> None:
    click.echo(f"{what} (tx {tx.txn_hash})")


# ------------------------------------------------------------------------------------ deploy


@main.command()
@click.option("--lilypad", help="Lilypad (Modicum) contract address; omit on a local chain to deploy LocalModicum")
@click.option("--provider", "provider_address", help="resource provider to register with LocalModicum "
              "(default: test account 1, the local node's)")
@click.option("--network", default=None, help=NETWORK_HELP)
@click.option("--account", "account_alias", help="ape account alias (default: as for the other commands)")
def deploy(lilypad, provider_address, network, account_alias):
    """Deploy TinyHops (and, on a local chain, the LocalModicum stand-in)."""
    with session(network, account_alias, client=False) as (_, account):
        from .deploy import deploy as do_deploy

        do_deploy(account, lilypad=lilypad, provider_address=provider_address, log=click.echo)


# ------------------------------------------------------------------------------------ run


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--deposit", help="ETH to deposit (default: the spec's worst-case cost)")
@click.option("--allow-partial", is_flag=True,
              help="accept a deposit below the cost of running every step once (top it up with `deposit`)")
@chain_options
def run(spec, deposit, allow_partial, network, account_alias, address):
    """Create and start the workflow SPEC on chain; prints its workflow id."""
    with _errors():
        from .spec import load_and_compile

        load_and_compile(spec)  # an invalid spec fails before touching the chain
    amount = _ether(deposit) if deposit is not None else None
    with session(network, account_alias, address) as (client, _):
        from .costs import format_ether

        wf, workflow, amount, spec_cid = client.launch_spec(spec, amount, allow_partial)
        click.echo(f"Deposited {format_ether(amount)} ETH (worst case {format_ether(workflow.worst_case_cost)} ETH); "
                   f"spec stored as {spec_cid}")
        click.echo(f"Your workflowId is : {wf}")


# ------------------------------------------------------------------------------------ monitor


@main.command()
@click.argument("workflow_id", type=int)
@click.argument("spec", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option("--watch", is_flag=True, help="refresh live until the workflow ends")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document (for scripts)")
@click.option("--interval", default=1.0, show_default=True, help="seconds between refreshes with --watch")
@click.option("--timeout", type=float, help="with --watch, give up after this many seconds (exit 1)")
@chain_options
def monitor(workflow_id, spec, watch, as_json, interval, timeout, network, account_alias, address):
    """Show a workflow's steps, results and balance (SPEC adds names; default: the spec on chain)."""
    with session(network, account_alias, address, need_account=False) as (client, _):
        from .monitor import render, snapshot

        view = client.workflow(workflow_id)
        workflow = _spec_for(client, workflow_id, spec)
        if as_json and not watch:
            click.echo(json.dumps(snapshot(view, workflow), indent=2))
            return
        from rich.console import Console

        console = Console(width=None if sys.stdout.isatty() else 200)
        if not watch:
            console.print(render(view, workflow))
            return
        import time

        from rich.live import Live

        deadline = None if timeout is None else time.monotonic() + timeout
        with Live(render(view, workflow), console=console, refresh_per_second=4) as live:
            while not view.finished:
                if deadline is not None and time.monotonic() > deadline:
                    break
                time.sleep(interval)
                view = client.workflow(workflow_id)
                live.update(render(view, workflow))
        if not console.is_terminal:
            click.echo()  # the live table ends without a newline when it is not drawn on a terminal
        if not view.finished:
            click.echo(f"gave up after {timeout:g} s: workflow {workflow_id} is still {view.status}", err=True)
        if as_json:
            click.echo(json.dumps(snapshot(view, workflow), indent=2))
        if view.status != "Completed":
            sys.exit(1)


# ------------------------------------------------------------------------------------ owner controls


def _owner_command(name, method, help_text, done):
    @main.command(name=name, help=help_text)
    @click.argument("workflow_id", type=int)
    @chain_options
    def command(workflow_id, network, account_alias, address):
        with session(network, account_alias, address) as (client, _):
            tx = getattr(client, method)(workflow_id)
            _sent(tx, done.format(id=workflow_id))
            if method in ("cancel", "withdraw"):
                for e in tx.events.filter(client.contract.Refunded):
                    from .costs import format_ether

                    click.echo(f"Refunded {format_ether(e.amount)} ETH to {e.to}")
                for e in tx.events.filter(client.contract.RefundDeferred):
                    click.echo(f"Refund of {e.amount} wei could not be sent; `tiny-hops withdraw {workflow_id}` later")

    return command


_owner_command("pause", "pause", "Pause a workflow: no new launches; running jobs' results are still recorded.",
               "Workflow {id} paused")
_owner_command("resume", "resume", "Resume a paused workflow, launching what is ready.", "Workflow {id} resumed")
_owner_command("cancel", "cancel", "Cancel a workflow and refund its balance to you.", "Workflow {id} cancelled")
_owner_command("withdraw", "withdraw", "Withdraw what is left of a finished workflow's balance.",
               "Withdrew from workflow {id}")


@main.command()
@click.argument("workflow_id", type=int)
@click.argument("amount")
@chain_options
def deposit(workflow_id, amount, network, account_alias, address):
    """Add AMOUNT ETH to a workflow's balance (then `advance` to continue a stalled workflow)."""
    wei = _ether(amount)
    with session(network, account_alias, address) as (client, _):
        _sent(client.deposit(workflow_id, wei), f"Deposited {amount} ETH into workflow {workflow_id}")


@main.command()
@click.argument("workflow_id", type=int)
@chain_options
def advance(workflow_id, network, account_alias, address):
    """Launch ready steps and relaunch timed-out ones (anyone may call it)."""
    with session(network, account_alias, address) as (client, _):
        tx = client.advance(workflow_id)
        launched = len(tx.events.filter(client.contract.StepStarted))
        _sent(tx, f"Advanced workflow {workflow_id}: {launched} job(s) launched")


# ------------------------------------------------------------------------------------ node


@main.command()
@click.option("--once", is_flag=True, help="handle what is pending, then exit")
@click.option("--poll", default=1.0, show_default=True, help="seconds between polls")
@click.option("--job-timeout", default=60.0, show_default=True, help="seconds a job may run")
@click.option("--network", default=None, help=NETWORK_HELP)
@click.option("--account", "account_alias", help="resource provider account (default: test account 1)")
def node(once, poll, job_timeout, network, account_alias):
    """Run the local Lilypad node: runs LocalModicum's jobs and posts their results."""
    with _errors():
        from ape import chain

        from . import deployments
        from .deploy import NODE_ACCOUNT_INDEX
        from .network import connected, load_account, quiet_ape
        from .node.runner import main as node_main

        quiet_ape()
        with connected(network):
            dep = deployments.load(chain.chain_id)
            if not dep.LocalModicum:
                raise click.ClickException("this chain's deployment has no LocalModicum: the local node "
                                           "only serves the local stand-in")
            account = load_account(account_alias, chain_id=chain.chain_id, index=NODE_ACCOUNT_INDEX)
            click.echo(f"node: provider {account.address}, LocalModicum {dep.LocalModicum}, "
                       f"TinyHops {dep.TinyHops}")
            node_main(dep.LocalModicum, account, tinyhops_address=dep.TinyHops, poll_interval=poll,
                      job_timeout=job_timeout, start_block=dep.block, once=once)


# ------------------------------------------------------------------------------------ get, graph


@main.command()
@click.argument("cid")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="save to this file instead of printing")
def get(cid, output):
    """Print (or save) the content of CID from the local content store."""
    with _errors():
        from .store import ContentStore

        data = ContentStore().get(cid)
    if output:
        with open(output, "wb") as fh:
            fh.write(data)
        click.echo(f"saved {len(data)} bytes to {output}")
    else:
        click.echo(data.decode("utf-8", errors="replace"), nl=not data.endswith(b"\n"))


@main.command()
@click.argument("spec", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option("--workflow", "workflow_id", type=int, help="colour steps by this workflow's live status")
@click.option("-o", "--output", default="workflow.svg", show_default=True, help="picture to write (.svg; .png needs cairosvg; .mmd for Mermaid text)")
@click.option("--mermaid", is_flag=True, help="also print Mermaid text")
@chain_options
def graph(spec, workflow_id, output, mermaid, network, account_alias, address):
    """Draw the dependency graph of SPEC (or of workflow ID's spec) as a picture."""
    from .graph import to_mermaid, write_graph

    statuses = status = None
    workflow = None
    if workflow_id is not None:
        with session(network, account_alias, address, need_account=False) as (client, _):
            view = client.workflow(workflow_id)
            workflow = _spec_for(client, workflow_id, spec)
            statuses = [s.status for s in view.steps]
            status = view.status
    elif spec:
        with _errors():
            from .spec import load_and_compile

            workflow = load_and_compile(spec)
    if workflow is None:
        raise click.UsageError("give SPEC, or --workflow ID of a workflow whose spec is in the content store")
    from .graph import GraphError

    try:
        write_graph(workflow, output, statuses=statuses, workflow_status=status,
                    title=workflow.name or (f"workflow {workflow_id}" if workflow_id else spec))
    except GraphError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"graph written to {output}")
    if mermaid:
        click.echo(to_mermaid(workflow, statuses))


@main.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option("--wasm-sample", help="put one of the sample WebAssembly modules (upper, reverse, wordcount)")
def put(path, wasm_sample):
    """Put a file (or a sample wasm module) in the local content store and print its CID."""
    with _errors():
        from .store import ContentStore

        store = ContentStore()
        if wasm_sample:
            from .wasm import SAMPLES, put_sample

            if wasm_sample not in SAMPLES:
                raise click.BadParameter(f"samples: {', '.join(sorted(SAMPLES))}", param_hint="--wasm-sample")
            click.echo(put_sample(store, wasm_sample))
        elif path:
            with open(path, "rb") as fh:
                click.echo(store.put(fh.read()))
        else:
            raise click.UsageError("give PATH or --wasm-sample NAME")
