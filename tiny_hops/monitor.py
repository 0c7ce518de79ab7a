"""What `monitor` shows: a workflow's state joined with its spec (names, stages, costs)."""
from __future__ import annotations

from typing import Any

from .client import WorkflowView
from .costs import format_ether

STATUS_STYLE = {"Pending": "dim", "Running": "yellow", "Completed": "green", "Failed": "red",
                "Created": "cyan", "Paused": "magenta", "Cancelled": "red"}


def snapshot(view: WorkflowView, workflow=None) -> dict[str, Any]:
    """A JSON-ready picture of the workflow; `workflow` (CompiledWorkflow) adds names and costs."""
    steps = []
    for s in view.steps:
        entry: dict[str, Any] = {"index": s.index, "status": s.status, "jobId": s.job_id,
                                 "attempts": s.attempts, "resultCid": s.cid or None}
        if workflow is not None and s.index < len(workflow.steps):
            c = workflow.steps[s.index]
            entry.update(stage=c.stage + 1, stepId=c.step_id, stepName=c.name, module=c.module,
                         cost=format_ether(c.max_cost), deps=[workflow.steps[d].step_id for d in c.deps])
        steps.append(entry)
    return {
        "workflowId": view.workflow_id,
        "status": view.status,
        "owner": view.owner,
        "balance": format_ether(view.balance),
        "balanceWei": view.balance,
        "progress": {"completed": view.completed_steps, "total": view.step_count},
        "readySteps": view.ready,
        "specURI": view.spec_uri,
        "steps": steps,
    }


def render(view: WorkflowView, workflow=None):
    """A rich renderable (table with a title) for the terminal."""
    from rich.table import Table

    snap = snapshot(view, workflow)
    style = STATUS_STYLE.get(view.status, "")
    title = (f"Workflow {view.workflow_id}  [{style}]{view.status}[/]  "
             f"{view.completed_steps} of {view.step_count} steps done  balance {snap['balance']} ETH")
    if view.ready and view.status == "Running":
        title += f"  ({view.ready} ready, waiting for advance)"
    table = Table(title=title, title_justify="left")
    for col in ("stage", "stepId", "name", "module", "status", "jobId", "attempts", "result CID", "cost (ETH)"):
        table.add_column(col, overflow="fold", no_wrap=col in ("result CID", "module", "status"))
    for s in snap["steps"]:
        st = s["status"]
        table.add_row(str(s.get("stage", "")), str(s.get("stepId", s["index"])), s.get("stepName") or "",
                      s.get("module", ""), f"[{STATUS_STYLE.get(st, '')}]{st}[/]", str(s["jobId"] or ""),
                      str(s["attempts"]), s["resultCid"] or "pending", s.get("cost", ""))
    return table
