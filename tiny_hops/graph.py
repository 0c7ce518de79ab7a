"""Pictures of a compiled workflow: Mermaid text and a standalone SVG.

* :func:`to_mermaid` -- a Mermaid ``flowchart LR``: one node per step (stepId, name, module), one
  subgraph per stage, an edge per dep, and, given step statuses, a ``classDef`` per status.
* :func:`to_svg` -- a self-contained SVG drawn here (no Graphviz, no browser): a layered
  left-to-right layout, one column per longest-path depth from the roots, steps as rounded boxes
  coloured by status, deps as curved arrows, stage bands, a legend and a title line.
* :func:`write_graph` -- writes either, chosen by the file suffix (``.svg``, ``.mmd``/``.mermaid``,
  or ``.png`` when the optional ``cairosvg`` package is importable).

Statuses are the contract's names (``ITinyHops.StepStatus``: Pending, Running, Completed, Failed;
``ITinyHops.WorkflowStatus``: None, Created, Running, Paused, Completed, Failed, Cancelled), given
as names (any case) or as the enum's integer values.

The workflow is any object shaped like :class:`tiny_hops.spec.CompiledWorkflow` (``steps`` with
``index``, ``step_id``, ``name``, ``stage``, ``module``, ``deps``). This module imports only the
standard library (no ape, no web3, no jsonschema).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from .spec import CompiledWorkflow

__all__ = [
    "STEP_STATUSES",
    "WORKFLOW_STATUSES",
    "STATUS_COLOURS",
    "WORKFLOW_STATUS_COLOURS",
    "NEUTRAL_COLOURS",
    "GraphError",
    "to_mermaid",
    "to_svg",
    "write_graph",
    "layout",
]

#: ``ITinyHops.StepStatus``, in enum order.
STEP_STATUSES: tuple[str, ...] = ("Pending", "Running", "Completed", "Failed")
#: ``ITinyHops.WorkflowStatus``, in enum order.
WORKFLOW_STATUSES: tuple[str, ...] = ("None", "Created", "Running", "Paused", "Completed", "Failed", "Cancelled")

#: status -> (fill, stroke, text colour) of a step box.
STATUS_COLOURS: dict[str, tuple[str, str, str]] = {
    "Pending": ("#e5e7eb", "#6b7280", "#111827"),
    "Running": ("#bfdbfe", "#2563eb", "#0b1f4d"),
    "Completed": ("#bbf7d0", "#16a34a", "#052e16"),
    "Failed": ("#fecaca", "#dc2626", "#450a0a"),
}
#: A step box when no status is known (a spec not yet on chain).
NEUTRAL_COLOURS: tuple[str, str, str] = ("#ffffff", "#64748b", "#0f172a")

#: workflow status -> (fill, text colour) of the status badge in the title line.
WORKFLOW_STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "None": ("#e5e7eb", "#111827"),
    "Created": ("#e5e7eb", "#111827"),
    "Running": ("#bfdbfe", "#0b1f4d"),
    "Paused": ("#fde68a", "#451a03"),
    "Completed": ("#bbf7d0", "#052e16"),
    "Failed": ("#fecaca", "#450a0a"),
    "Cancelled": ("#d1d5db", "#1f2937"),
}


class GraphError(ValueError):
    """Bad input to a graph function (unknown status, wrong number of statuses, unsupported file
    type, PNG without cairosvg)."""


# ------------------------------------------------------------------------------------- statuses


def _status_name(value: Any, names: Sequence[str], what: str) -> str:
    if isinstance(value, bool):
        raise GraphError(f"{what}: {value!r} is not a status; use one of {', '.join(names)}")
    if isinstance(value, int):
        if 0 <= value < len(names):
            return names[value]
        raise GraphError(f"{what}: {value} is not a status number; use 0..{len(names) - 1} ({', '.join(names)})")
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return _status_name(int(text), names, what)
        for name in names:
            if name.lower() == text.lower():
                return name
    raise GraphError(f"{what}: unknown status {value!r}; use one of {', '.join(names)}")


def _step_statuses(workflow: Any, statuses: Any) -> list[str | None] | None:
    """``statuses`` as a list of canonical names (or None) per step index.

    Accepts a sequence (one entry per step, in index order) or a mapping keyed by step index or
    stepId (steps not named have no status)."""
    if statuses is None:
        return None
    steps = workflow.steps
    n = len(steps)
    if isinstance(statuses, Mapping):
        out: list[str | None] = [None] * n
        by_id = {s.step_id: s.index for s in steps}
        for key, value in statuses.items():
            if isinstance(key, int) and not isinstance(key, bool) and 0 <= key < n:
                i = key
            elif isinstance(key, str) and key in by_id:
                i = by_id[key]
            else:
                raise GraphError(f"statuses: {key!r} is neither a step index (0..{n - 1}) nor a stepId")
            out[i] = None if value is None else _status_name(value, STEP_STATUSES, f"status of step {key!r}")
        return out
    if isinstance(statuses, (str, bytes)):
        raise GraphError("statuses must be a list with one status per step, not a string")
    values = list(statuses)
    if len(values) != n:
        raise GraphError(f"statuses has {len(values)} entries but the workflow has {n} steps: give one per step")
    return [
        None if v is None else _status_name(v, STEP_STATUSES, f"status of step {steps[i].step_id!r}")
        for i, v in enumerate(values)
    ]


# -------------------------------------------------------------------------------------- escaping

# Characters XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/U+FFFF).
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_clean(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text)


def _xml_text(text: str) -> str:
    return _xml_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


# Characters written as Mermaid entity codes (``#35;``) inside a quoted label: those that end the
# quote or that Mermaid or its HTML labels could read as syntax.
_MERMAID_SPECIAL = set('"#&<>[]{}()|`;')


def _mermaid_text(text: str) -> str:
    out = []
    for ch in " ".join(_xml_clean(text).split()):  # one line, no control characters
        if ch == '"':
            out.append("#quot;")
        elif ch in _MERMAID_SPECIAL:
            out.append(f"#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


# --------------------------------------------------------------------------------------- mermaid


def _node_id(index: int) -> str:
    return f"s{index}"


def to_mermaid(workflow: "CompiledWorkflow", statuses: Any = None) -> str:
    """Mermaid ``flowchart LR`` text for ``workflow``.

    Nodes are ``s<index>`` labelled ``stepId: name``, the module (and the status, if given); each
    stage is a subgraph ``Stage N``; an edge ``a --> b`` per dep ``a`` of step ``b``. Given
    ``statuses`` (one StepStatus name or number per step index, or a mapping by index/stepId),
    adds a ``classDef`` per status and ``class`` lines. Labels are entity-escaped, so any name is
    safe."""
    st = _step_statuses(workflow, statuses)
    lines = ["flowchart LR"]
    stages: dict[int, list[Any]] = {}
    for s in workflow.steps:
        stages.setdefault(s.stage, []).append(s)
    for number, stage in enumerate(sorted(stages), start=1):
        lines.append(f'    subgraph stage{number}["Stage {number}"]')
        for s in stages[stage]:
            head = _mermaid_text(s.step_id)
            name = _one_line(s.name)
            if name:
                head += ": " + _mermaid_text(name)
            label = f"<b>{head}</b><br/>{_mermaid_text(s.module)}"
            if st is not None and st[s.index] is not None:
                label += f"<br/><i>{st[s.index]}</i>"
            lines.append(f'        {_node_id(s.index)}["{label}"]')
        lines.append("    end")
    for s in workflow.steps:
        for d in s.deps:
            lines.append(f"    {_node_id(d)} --> {_node_id(s.index)}")
    if st is not None:
        for name in STEP_STATUSES:
            fill, stroke, colour = STATUS_COLOURS[name]
            lines.append(f"    classDef {name.lower()} fill:{fill},stroke:{stroke},color:{colour},stroke-width:2px")
        for name in STEP_STATUSES:
            members = [_node_id(i) for i, v in enumerate(st) if v == name]
            if members:
                lines.append(f"    class {','.join(members)} {name.lower()}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------- layout

NODE_W = 220
NODE_H = 64
COL_GAP = 90
ROW_GAP = 16
MARGIN = 24
BAND_LABEL_H = 24
BAND_PAD = 10
CHAR_W = 7.0  # rough advance of a 12px sans-serif character
HEADER_TITLE_H = 30
HEADER_LINE_H = 22
LEGEND_H = 28


def _depths(workflow: Any) -> list[int]:
    """Longest-path depth of every step from the roots (steps without deps), by index."""
    steps = workflow.steps
    n = len(steps)
    depth = [0] * n
    indeg = [0] * n
    children: list[list[int]] = [[] for _ in range(n)]
    for s in steps:
        for d in s.deps:
            if not 0 <= d < n:
                raise GraphError(f"step {s.step_id!r} depends on step index {d}, which does not exist")
            children[d].append(s.index)
            indeg[s.index] += 1
    ready = [i for i in range(n) if indeg[i] == 0]
    seen = 0
    while ready:
        i = ready.pop()
        seen += 1
        for c in children[i]:
            depth[c] = max(depth[c], depth[i] + 1)
            indeg[c] -= 1
            if indeg[c] == 0:
                ready.append(c)
    if seen != n:
        raise GraphError("the workflow's deps form a cycle")
    return depth


def layout(workflow: "CompiledWorkflow") -> dict[int, tuple[float, float]]:
    """Top-left corner ``(x, y)`` of every step's box, by index, relative to the drawing area
    (columns by longest-path depth, rows ordered by the mean row of each step's deps)."""
    depth = _depths(workflow)
    columns: dict[int, list[int]] = {}
    for s in workflow.steps:
        columns.setdefault(depth[s.index], []).append(s.index)
    tallest = max((len(c) for c in columns.values()), default=0)
    pitch = NODE_H + ROW_GAP
    centre: dict[int, float] = {}
    pos: dict[int, tuple[float, float]] = {}
    for col in sorted(columns):
        members = columns[col]
        if col:

            def key(i: int) -> tuple[float, int]:
                ys = [centre[d] for d in workflow.steps[i].deps if d in centre]
                return (sum(ys) / len(ys) if ys else 0.0, i)

            members = sorted(members, key=key)
        offset = (tallest - len(members)) * pitch / 2
        for row, i in enumerate(members):
            y = offset + row * pitch
            pos[i] = (col * (NODE_W + COL_GAP), y)
            centre[i] = y + NODE_H / 2
    return pos


# ------------------------------------------------------------------------------------------- svg


def _fit(text: str, width: float, char_w: float = CHAR_W) -> str:
    limit = max(4, int(width // char_w))
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _default_title(workflow: Any) -> str:
    if getattr(workflow, "name", None):
        return str(workflow.name)
    source = getattr(workflow, "source", None)
    if source:
        return Path(str(source)).name
    return "workflow"


def to_svg(
    workflow: "CompiledWorkflow",
    statuses: Any = None,
    title: str | None = None,
    workflow_status: Any = None,
) -> str:
    """A standalone SVG picture of ``workflow``.

    Columns are longest-path depths from the roots (stages therefore occupy consecutive columns,
    shown as bands labelled ``Stage N``); each step is a rounded box (``<g class="node">``) with its
    stepId, name, module and status; each dep is a curved arrow (``<path class="edge">``) from the
    dep to the step. ``statuses`` (see :func:`to_mermaid`) colour the boxes; ``title`` (default:
    the workflow's name, or its file name) and ``workflow_status`` (a WorkflowStatus name or number)
    head the picture, with a legend of the colours."""
    st = _step_statuses(workflow, statuses)
    wstatus = None if workflow_status is None else _status_name(workflow_status, WORKFLOW_STATUSES, "workflow status")
    steps = workflow.steps
    n = len(steps)
    pos = layout(workflow)
    depth = _depths(workflow)

    # Header: title, summary line (with the workflow status badge), legend.
    title_text = _one_line(title) if title is not None else _default_title(workflow)
    stage_count = len({s.stage for s in steps})
    summary = f"{n} step{'s' if n != 1 else ''} in {stage_count} stage{'s' if stage_count != 1 else ''}"
    if st is not None:
        done = sum(1 for v in st if v == "Completed")
        summary += f" \u00b7 {done}/{n} completed"
        failed = sum(1 for v in st if v == "Failed")
        if failed:
            summary += f" \u00b7 {failed} failed"
    header_h = HEADER_TITLE_H + HEADER_LINE_H + LEGEND_H + 8

    cols = max(depth, default=0) + 1 if n else 0
    grid_w = cols * NODE_W + max(cols - 1, 0) * COL_GAP
    grid_h = max((y + NODE_H for _, y in pos.values()), default=0)
    grid_x = MARGIN + BAND_PAD
    grid_y = MARGIN + header_h + BAND_LABEL_H + BAND_PAD

    legend_items: list[tuple[str, tuple[str, str, str]]] = [(k, STATUS_COLOURS[k]) for k in STEP_STATUSES]
    if st is None or any(v is None for v in st):
        legend_items.append(("no status", NEUTRAL_COLOURS))
    legend_w = sum(24 + len(label) * CHAR_W + 18 for label, _ in legend_items)
    badge_w = (len(wstatus) * CHAR_W + 20) if wstatus else 0
    head_w = max(
        len(title_text) * 10.0,
        (len("Workflow status: ") * CHAR_W + badge_w + 12 if wstatus else 0) + len(summary) * CHAR_W,
        legend_w,
    )
    width = MARGIN * 2 + max(grid_w + 2 * BAND_PAD, head_w, 240)
    height = grid_y + grid_h + BAND_PAD + MARGIN

    out: list[str] = []
    add = out.append
    add('<?xml version="1.0" encoding="UTF-8"?>')
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_fmt(width)}" height="{_fmt(height)}" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" role="img" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">'
    )
    add(f"<title>{_xml_text(title_text)}</title>")
    add("<defs>")
    add(
        '<marker id="th-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#475569"/></marker>'
    )
    add("</defs>")
    add(f'<rect class="background" x="0" y="0" width="{_fmt(width)}" height="{_fmt(height)}" fill="#ffffff"/>')

    # Header.
    y = MARGIN + 20
    add(
        f'<text class="title" x="{MARGIN}" y="{y}" font-size="18" font-weight="bold" fill="#0f172a">'
        f"{_xml_text(title_text)}</text>"
    )
    y += HEADER_LINE_H
    x = float(MARGIN)
    add('<g class="summary">')
    if wstatus:
        fill, colour = WORKFLOW_STATUS_COLOURS[wstatus]
        label = "Workflow status: "
        add(f'<text x="{_fmt(x)}" y="{y}" fill="#334155">{label}</text>')
        x += len(label) * CHAR_W
        add(
            f'<g class="workflow-status" data-status="{wstatus}">'
            f'<rect x="{_fmt(x)}" y="{y - 13}" width="{_fmt(badge_w)}" height="18" rx="9" fill="{fill}"/>'
            f'<text x="{_fmt(x + badge_w / 2)}" y="{y}" text-anchor="middle" font-weight="bold" '
            f'fill="{colour}">{wstatus}</text></g>'
        )
        x += badge_w + 12
    add(f'<text x="{_fmt(x)}" y="{y}" fill="#334155">{_xml_text(summary)}</text>')
    add("</g>")
    y += LEGEND_H - 4
    x = float(MARGIN)
    add('<g class="legend">')
    for label, (fill, stroke, _colour) in legend_items:
        add(
            f'<g class="legend-item" data-status="{_xml_attr(label)}">'
            f'<rect x="{_fmt(x)}" y="{y - 12}" width="16" height="16" rx="4" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="1.5"/><text x="{_fmt(x + 22)}" y="{y + 1}" fill="#334155">{_xml_text(label)}</text></g>'
        )
        x += 24 + len(label) * CHAR_W + 18
    add("</g>")

    # Stage bands: the columns each stage's steps occupy.
    stage_cols: dict[int, list[int]] = {}
    for s in steps:
        stage_cols.setdefault(s.stage, []).append(depth[s.index])
    add('<g class="stages">')
    for number, stage in enumerate(sorted(stage_cols), start=1):
        lo, hi = min(stage_cols[stage]), max(stage_cols[stage])
        bx = grid_x + lo * (NODE_W + COL_GAP) - BAND_PAD
        bw = (hi - lo) * (NODE_W + COL_GAP) + NODE_W + 2 * BAND_PAD
        by = grid_y - BAND_LABEL_H - BAND_PAD
        bh = grid_h + BAND_LABEL_H + 2 * BAND_PAD
        add(
            f'<g class="stage" data-stage="{number}"><rect x="{_fmt(bx)}" y="{_fmt(by)}" width="{_fmt(bw)}" '
            f'height="{_fmt(bh)}" rx="10" fill="#f8fafc" stroke="#cbd5e1" stroke-dasharray="4 3"/>'
            f'<text x="{_fmt(bx + 10)}" y="{_fmt(by + 17)}" font-weight="bold" fill="#64748b">Stage {number}</text></g>'
        )
    add("</g>")

    # Edges, under the nodes.
    add('<g class="edges">')
    for s in steps:
        tx, ty = pos[s.index]
        x2, y2 = grid_x + tx, grid_y + ty + NODE_H / 2
        for d in s.deps:
            sx, sy = pos[d]
            x1, y1 = grid_x + sx + NODE_W, grid_y + sy + NODE_H / 2
            dx = max(30.0, (x2 - x1) / 2)
            src = st[d] if st is not None else None
            colour = STATUS_COLOURS["Completed"][1] if src == "Completed" else "#64748b"
            add(
                f'<path class="edge" data-from="{_xml_attr(steps[d].step_id)}" data-to="{_xml_attr(s.step_id)}" '
                f'd="M{_fmt(x1)},{_fmt(y1)} C{_fmt(x1 + dx)},{_fmt(y1)} {_fmt(x2 - dx)},{_fmt(y2)} {_fmt(x2)},{_fmt(y2)}" '
                f'fill="none" stroke="{colour}" stroke-width="1.5" marker-end="url(#th-arrow)"/>'
            )
    add("</g>")

    # Nodes.
    add('<g class="nodes">')
    inner = NODE_W - 20
    for s in steps:
        px, py = pos[s.index]
        x, y = grid_x + px, grid_y + py
        status = st[s.index] if st is not None else None
        fill, stroke, colour = STATUS_COLOURS[status] if status else NEUTRAL_COLOURS
        name = _one_line(s.name)
        head = s.step_id + (f" \u00b7 {name}" if name else "")
        tip = [head, f"module: {s.module}"]
        if status:
            tip.append(f"status: {status}")
        tip.append("after: " + (", ".join(steps[d].step_id for d in s.deps) or "(nothing)"))
        desc = _one_line(getattr(s, "description", None))
        if desc:
            tip.append(desc)
        css = "node" + (f" status-{status.lower()}" if status else "")
        add(
            f'<g class="{css}" id="step-{s.index}" data-index="{s.index}" data-step-id="{_xml_attr(s.step_id)}" '
            f'data-status="{status or ""}">'
        )
        add(f"<title>{_xml_text(chr(10).join(tip))}</title>")
        add(
            f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{NODE_W}" height="{NODE_H}" rx="8" ry="8" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
        )
        add(
            f'<text x="{_fmt(x + 10)}" y="{_fmt(y + 19)}" font-weight="bold" fill="{colour}">'
            f"{_xml_text(_fit(head, inner, 7.5))}</text>"
        )
        add(
            f'<text x="{_fmt(x + 10)}" y="{_fmt(y + 37)}" font-family="Menlo, Consolas, monospace" font-size="11" '
            f'fill="{colour}">{_xml_text(_fit(s.module, inner, 6.7))}</text>'
        )
        if status:
            add(
                f'<text x="{_fmt(x + 10)}" y="{_fmt(y + 55)}" font-size="11" font-style="italic" '
                f'fill="{colour}">{status}</text>'
            )
        add("</g>")
    add("</g>")
    add("</svg>")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------- files


def write_graph(
    workflow: "CompiledWorkflow",
    path: str | Path,
    statuses: Any = None,
    *,
    title: str | None = None,
    workflow_status: Any = None,
) -> Path:
    """Writes a picture of ``workflow`` to ``path``, by suffix: ``.svg`` (:func:`to_svg`),
    ``.mmd``/``.mermaid`` (:func:`to_mermaid`), or ``.png`` (the SVG converted by the optional
    ``cairosvg`` package; :class:`GraphError` if it is not installed). Returns the path."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".mmd", ".mermaid"):
        p.write_text(to_mermaid(workflow, statuses), encoding="utf-8")
        return p
    if suffix not in (".svg", ".png"):
        raise GraphError(f"cannot write a graph to {p.name!r}: use a .svg file (or .mmd for Mermaid, .png with cairosvg)")
    if suffix == ".png":
        try:
            import cairosvg  # type: ignore[import-not-found]
        except (ImportError, OSError) as exc:  # OSError: cairosvg present but the cairo library missing
            raise GraphError(
                f"cannot write {p.name!r}: PNG output needs the optional package cairosvg, which is not "
                f"available ({exc.__class__.__name__}: {exc}); write an .svg file instead"
            ) from None
    svg = to_svg(workflow, statuses, title=title, workflow_status=workflow_status)
    if suffix == ".svg":
        p.write_text(svg, encoding="utf-8")
    else:
        cairosvg.svg2png(bytestring=svg.encode("utf-8"), write_to=str(p))
    return p
