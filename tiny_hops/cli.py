"""The ``tiny-hops`` command.

Importing this module must stay cheap: it imports only click. Every command imports what it needs
(the spec compiler, rich, ape, web3, ...) inside its own function body, so ``tiny-hops --help``
and the offline commands never load ape or web3. To add a command::

    @main.command()
    @click.argument("spec", type=click.Path(exists=True, dir_okay=False))
    def run(spec):
        \"\"\"Create and start a workflow on chain.\"\"\"
        from .chain import run_workflow   # heavy imports here, not at module level
        ...

Exit codes: 0 on success, 1 when the command fails (e.g. an invalid spec), 2 for a usage error.
"""
from __future__ import annotations

import json
import os
import sys

import click

DEFAULT_SAMPLE = "sample.thops.json"

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="tiny-hops", prog_name="tiny-hops")
def main() -> None:
    """tiny-hops: multi-step Lilypad workflows scheduled by an on-chain contract.

    Write a workflow spec (*.thops.json; start from `tiny-hops generate-template`), check it with
    `tiny-hops validate`, then run it on chain.
    """


# ---------------------------------------------------------------------------- generate-template


@main.command("generate-template")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=DEFAULT_SAMPLE,
    show_default=True,
    help="Where to write the sample spec ('-' for standard output).",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def generate_template(output: str, force: bool) -> None:
    """Write a sample workflow spec that validates and explains the format."""
    from .spec import SCHEMA_PATH, sample_spec

    if output == "-":
        doc = sample_spec(_schema_ref(SCHEMA_PATH, os.getcwd()))
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    if os.path.exists(output) and not force:
        raise click.ClickException(f"{output} already exists: use --force to overwrite it")
    target_dir = os.path.dirname(os.path.abspath(output))
    doc = sample_spec(_schema_ref(SCHEMA_PATH, target_dir))
    try:
        with open(output, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {output}. Edit it, then check it with: tiny-hops validate {output}")


def _schema_ref(schema_path, from_dir: str) -> str | None:
    """Where editors find the schema: a path relative to ``from_dir`` inside the project, else a
    file URI."""
    if not os.path.exists(schema_path):
        return None
    from pathlib import Path

    schema_path = Path(schema_path).resolve()
    project = schema_path.parent.parent
    target = Path(from_dir).resolve()
    if target != project and project not in target.parents:
        return schema_path.as_uri()
    rel = os.path.relpath(schema_path, target).replace(os.sep, "/")
    return rel if rel.startswith(".") else f"./{rel}"


# ------------------------------------------------------------------------------------ validate


@main.command("validate")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on standard output.")
def validate(spec: str, as_json: bool) -> None:
    """Check a workflow spec and show what it compiles to.

    Prints the stages, every step (index, stepId, module, deps, cost, retries, timeout) and the
    costs, or every problem found, with its JSON path. Exit code 1 if the spec is invalid.
    """
    from .spec import SpecError, load_and_compile

    try:
        workflow = load_and_compile(spec)
    except SpecError as exc:
        if as_json:
            click.echo(
                json.dumps({"valid": False, "source": spec, "errors": [i.as_dict() for i in exc.issues]}, indent=2)
            )
        else:
            n = len(exc.issues)
            click.echo(f"{spec}: invalid workflow spec ({n} problem{'s' if n != 1 else ''}):", err=True)
            for issue in exc.issues:
                click.echo(f"  {issue.path}: {issue.message}", err=True)
        sys.exit(1)

    if as_json:
        click.echo(json.dumps(_summary_dict(workflow), indent=2, ensure_ascii=False))
    else:
        _print_summary(workflow)


def _summary_dict(workflow) -> dict:
    from .costs import format_ether

    return {
        "valid": True,
        "source": workflow.source,
        "name": workflow.name,
        "version": workflow.version,
        "description": workflow.description,
        "stages": workflow.stage_count,
        "steps": [
            {
                "index": s.index,
                "stepId": s.step_id,
                "name": s.name,
                "stage": s.stage,
                "module": s.module,
                "deps": list(s.deps),
                "cost": format_ether(s.max_cost),
                "costWei": s.max_cost,
                "retries": s.retries,
                "timeout": s.timeout,
                "params": s.params_text,
                "paramsHex": "0x" + s.params.hex(),
                "outputs": [o.as_dict() for o in s.outputs],
            }
            for s in workflow.steps
        ],
        "worstCaseCost": format_ether(workflow.worst_case_cost),
        "worstCaseCostWei": workflow.worst_case_cost,
        "criticalPathCost": format_ether(workflow.critical_path_cost),
        "criticalPathCostWei": workflow.critical_path_cost,
        "criticalPath": [workflow.steps[i].step_id for i in workflow.critical_path],
    }


def _print_summary(workflow) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .costs import format_ether

    out = click.get_text_stream("stdout")
    console = Console(file=out, width=None if out.isatty() else 160, highlight=False, soft_wrap=False)
    title = workflow.name or os.path.basename(workflow.source or "workflow")
    n = len(workflow.steps)
    header = Text(title, style="bold")
    header.append(
        f" {workflow.version or ''}: valid, "
        f"{workflow.stage_count} stage{'s' if workflow.stage_count != 1 else ''}, {n} step{'s' if n != 1 else ''}"
    )
    console.print(header)
    table = Table(show_lines=False)
    for col, kw in (
        ("index", {"justify": "right"}),
        ("stage", {"justify": "right"}),
        ("stepId", {}),
        ("module", {}),
        ("deps", {}),
        ("cost (ETH)", {"justify": "right"}),
        ("retries", {"justify": "right"}),
        ("timeout (s)", {"justify": "right"}),
    ):
        table.add_column(col, no_wrap=True, **kw)
    for s in workflow.steps:
        table.add_row(
            *map(Text, (
            str(s.index),
            str(s.stage),
            s.step_id,
            s.module,
            "[" + ", ".join(map(str, s.deps)) + "]",
            format_ether(s.max_cost),
            str(s.retries),
            str(s.timeout) if s.timeout else "none",
            ))
        )
    console.print(table, markup=False)
    path = " -> ".join(workflow.steps[i].step_id for i in workflow.critical_path)
    console.print(
        f"worst-case cost: {format_ether(workflow.worst_case_cost)} ETH ({workflow.worst_case_cost} wei)", markup=False
    )
    console.print(
        f"most expensive path: {format_ether(workflow.critical_path_cost)} ETH "
        f"({workflow.critical_path_cost} wei) via {path}",
        markup=False,
    )


# The chain commands (deploy, run, monitor, pause, ...) live in their own module; importing it
# registers them on `main` and, like this module, loads only click.
from . import cli_chain  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    main()
