"""Loading, validating and compiling ``*.thops.json`` workflow specs.

A spec (docs/spec-format.md) lists *stages*; a stage is one step or an array of steps run in
parallel. Its meaning:

* a stage starts only after every step of the previous stage has completed;
* inside a stage, a step starts as soon as the steps its params reference (``{{stepId:ID}}``)
  and the steps it ``dependsOn`` have completed. A reference is therefore an implicit
  dependency: a step may reference a step of an earlier stage or of its own stage, never one of a
  later stage, and the references and ``dependsOn`` inside a stage must not form a cycle.

:func:`compile_spec` turns this into the contract's form (``ITinyHops.Step``): steps in
topological order (stage by stage; inside a stage, file order wherever the dependencies allow),
each with the explicit indices of the steps it waits for. The deps are the transitive reduction of
the spec's ordering, plus every step the params reference (the contract requires a referenced
step to be a direct dep), so a dep that is not referenced is never implied by another dep.

:func:`validate_spec` reports every problem at once, each as a :class:`SpecIssue` naming the JSON
path (``steps[1][0].stepModule.cost``), what is wrong and what to do.

This module imports jsonschema, never ape or web3.
"""
from __future__ import annotations

import difflib
import heapq
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from . import costs as _costs
from . import template as _template

__all__ = [
    "SCHEMA_PATH",
    "SpecIssue",
    "SpecError",
    "StepOutput",
    "CompiledStep",
    "CompiledWorkflow",
    "load_schema",
    "load_spec",
    "validate_spec",
    "compile_spec",
    "load_and_compile",
    "format_path",
    "sample_spec",
    "MAX_STEPS",
    "MAX_STEP_BYTES",
    "onchain_step_bytes",
]

#: The JSON Schema of the spec format.
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "thops.schema.json"

#: The most steps a workflow may have: WorkflowBlob.MAX_STEPS in the contract (`TooManySteps`).
MAX_STEPS = 1024
#: The most bytes one step's definition may take on chain: WorkflowBlob.MAX_CHUNK, the size of one
#: data contract under EIP-170 (`StepTooLarge`); see docs/design.md.
MAX_STEP_BYTES = 24_575
#: A step's fixed part in WorkflowBlob: maxCost 16, maxRetries 1, timeout 4, four 2-byte lengths.
_STEP_FIXED_BYTES = 29

PathParts = tuple  # of str | int


# ------------------------------------------------------------------------------ issues and errors


@dataclass(frozen=True)
class SpecIssue:
    """One problem of a spec: ``path`` (e.g. ``steps[1][0].stepModule.cost``, ``$`` for the
    whole document) and a message saying what is wrong and what to do."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class SpecError(ValueError):
    """A spec that cannot be used; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[SpecIssue], source: str | None = None):
        self.issues = list(issues)
        self.source = source
        where = f"{source}: " if source else ""
        n = len(self.issues)
        lines = [f"{where}invalid workflow spec ({n} problem{'s' if n != 1 else ''})"]
        lines += [f"  {issue}" for issue in self.issues]
        super().__init__("\n".join(lines))


_IDENT_RE = re.compile(r"\A[A-Za-z_$][A-Za-z0-9_$]*\Z")


def format_path(parts: Iterable[str | int]) -> str:
    """``("steps", 1, 0, "stepModule", "cost")`` -> ``steps[1][0].stepModule.cost``; ``()`` -> ``$``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT_RE.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out or "$"


# ------------------------------------------------------------------------------- compiled form


@dataclass(frozen=True)
class StepOutput:
    """One declared output of a step (documentation; not used on chain)."""

    name: str
    media_type: str
    description: str | None = None
    schema: Any = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "mediaType": self.media_type}
        if self.description is not None:
            d["description"] = self.description
        if self.schema is not None:
            d["schema"] = self.schema
        return d


@dataclass(frozen=True)
class CompiledStep:
    """A step in the contract's form, with what the spec said about it."""

    index: int
    step_id: str
    name: str | None
    description: str | None
    stage: int
    module: str
    params_text: str
    params: bytes
    max_cost: int
    deps: tuple[int, ...]
    retries: int
    timeout: int
    outputs: tuple[StepOutput, ...] = ()

    def as_contract_step(self) -> tuple[str, bytes, int, list[int], int, int]:
        """``(module, params, maxCost, deps, maxRetries, timeout)``: an ``ITinyHops.Step``."""
        return (self.module, self.params, self.max_cost, list(self.deps), self.retries, self.timeout)

    @property
    def worst_case_cost(self) -> int:
        """``max_cost * (1 + retries)`` wei."""
        return _costs.step_worst_case(self)

    @property
    def references(self) -> tuple[int, ...]:
        """The step indices the params reference, in order, without repeats."""
        return tuple(dict.fromkeys(_template.references(self.params)))


@dataclass(frozen=True)
class CompiledWorkflow:
    """A validated spec, compiled: ``steps[i].index == i``, in topological order."""

    steps: tuple[CompiledStep, ...]
    name: str | None
    description: str | None
    version: str | None
    worst_case_cost: int
    critical_path_cost: int
    source: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    critical_path: tuple[int, ...] = ()

    def contract_steps(self) -> list[tuple[str, bytes, int, list[int], int, int]]:
        """The ``ITinyHops.Step[]`` argument of ``createWorkflow``."""
        return [s.as_contract_step() for s in self.steps]

    @property
    def stage_count(self) -> int:
        return 1 + max(s.stage for s in self.steps) if self.steps else 0

    def stages(self) -> list[list[CompiledStep]]:
        """The steps of each stage, in index order."""
        out: list[list[CompiledStep]] = [[] for _ in range(self.stage_count)]
        for s in self.steps:
            out[s.stage].append(s)
        return out

    def step(self, step_id: str) -> CompiledStep:
        """The step with stepId ``step_id`` (KeyError if none)."""
        for s in self.steps:
            if s.step_id == step_id:
                return s
        raise KeyError(step_id)

    def index_of(self) -> dict[str, int]:
        """stepId -> step index."""
        return {s.step_id: s.index for s in self.steps}


# ------------------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def _schema_text() -> str:
    try:
        return SCHEMA_PATH.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - a broken install
        raise RuntimeError(f"cannot read the spec schema {SCHEMA_PATH}: {exc}") from exc


def load_schema() -> dict:
    """The spec's JSON Schema (a fresh copy)."""
    return json.loads(_schema_text())


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def load_spec(path: str | Path) -> dict:
    """Reads a spec file as JSON. Raises :class:`SpecError` (path ``$``) if the file cannot be
    read or is not JSON, giving the line and column of a syntax error. The document is not
    validated: see :func:`validate_spec`."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SpecError([SpecIssue("$", f"cannot read the file: {exc.strerror or exc}")], str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(
            [SpecIssue("$", f"the file is not UTF-8 text (bad byte at offset {exc.start}): save it as UTF-8")],
            str(path),
        ) from None
    return loads_spec(text, source=str(path))


def loads_spec(text: str, source: str | None = None) -> Any:
    """Parses spec text as JSON (see :func:`load_spec`)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(
            [
                SpecIssue(
                    "$",
                    f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}: "
                    "fix the syntax there (a common cause is a missing or extra comma, or an unquoted key)",
                )
            ],
            source,
        ) from None


# ------------------------------------------------------------------------- schema error messages

_REQUIRED_HINTS = {
    "version": 'the workflow\'s version, e.g. "v0.0.1"',
    "steps": "the list of stages",
    "stepId": 'a unique id, e.g. "1"',
    "stepModule": 'an object {"cmd", "params", "cost"}',
    "cmd": 'the Lilypad module, e.g. "cowsay:v0.0.1"',
    "params": 'the params string, possibly "" (may use {{stepId:ID}})',
    "cost": 'the most one attempt may cost, in ether, e.g. "1"',
    "name": "the output's name",
    "mediaType": 'the output\'s media type, e.g. "text/plain"',
}

_JSON_TYPES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _describe(value: Any) -> str:
    t = _json_type(value)
    if t in ("string", "integer", "number", "boolean"):
        text = json.dumps(value, ensure_ascii=False)
        if len(text) > 40:
            text = text[:37] + "..."
        return f"{t} {text}"
    return t


def _schema_issues(doc: Any) -> list[tuple[PathParts, str]]:
    out: list[tuple[PathParts, str]] = []
    for err in _validator().iter_errors(doc):
        path = tuple(err.absolute_path)
        kind = err.validator
        sch = err.schema if isinstance(err.schema, dict) else {}
        custom = sch.get("errorMessage")
        inst = err.instance
        if kind == "required":
            for prop in err.validator_value:
                if isinstance(inst, dict) and prop not in inst:
                    hint = _REQUIRED_HINTS.get(prop)
                    msg = f"missing required property {prop!r}: add it" + (f" ({hint})" if hint else "")
                    out.append((path, msg))
        elif kind == "additionalProperties":
            allowed = list(sch.get("properties", {}))
            for key in inst if isinstance(inst, dict) else ():
                if key in allowed:
                    continue
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                if close:
                    msg = f"unknown property {key!r}: did you mean {close[0]!r}?"
                else:
                    msg = f"unknown property {key!r}: remove it (allowed here: {', '.join(allowed)})"
                out.append((path + (key,), msg))
        elif kind == "type":
            expected = err.validator_value
            names = [expected] if isinstance(expected, str) else list(expected)
            want = " or ".join(_JSON_TYPES.get(n, n) for n in names)
            if custom:
                msg = f"{custom} (got {_describe(inst)})"
            elif not path:
                msg = f'a workflow spec is a JSON object {{"version": ..., "steps": [...]}}, got {_describe(inst)}'
            elif len(path) == 2 and path[0] == "steps":
                msg = f"a stage is a step (an object) or a parallel group (an array of steps), got {_describe(inst)}"
            elif len(path) == 3 and path[0] == "steps":
                msg = f"a step of a parallel group is an object (groups do not nest), got {_describe(inst)}"
            else:
                title = sch.get("title")
                msg = f"{title or 'value'} must be {want}, got {_describe(inst)}"
            out.append((path, msg))
        elif kind == "pattern":
            msg = custom or f"{_describe(inst)} does not match the pattern {err.validator_value}"
            out.append((path, f"{msg} (got {_describe(inst)})" if custom else msg))
        elif kind in ("minimum", "maximum"):
            lo, hi = sch.get("minimum"), sch.get("maximum")
            title = (sch.get("title") or (str(path[-1]) if path else "value")).lower()
            if lo is not None and hi is not None:
                msg = f"{title} must be an integer from {lo} to {hi} (got {_describe(inst)}): use a value in that range"
            else:
                msg = f"{err.message}: change it"
            out.append((path, msg))
        elif kind == "minItems":
            if path == ("steps",):
                msg = "a workflow needs at least one step: add one"
            elif len(path) == 2 and path[0] == "steps":
                msg = "an empty parallel group: put steps in it or remove it"
            else:
                msg = f"must have at least {err.validator_value} item(s)"
            out.append((path, msg))
        elif kind == "uniqueItems":
            out.append((path, "lists the same stepId more than once: remove the repeats"))
        elif kind == "minLength":
            out.append((path, "must not be empty"))
        else:
            out.append((path, f"{err.message}"))
    return out


# --------------------------------------------------------------------------------- analysis


@dataclass
class _Step:
    pos: int  # file order
    stage: int
    path: PathParts
    raw: dict
    step_id: str | None = None
    segments: list | None = None  # text segments, if params parsed
    refs: list[str] = field(default_factory=list)  # referenced stepIds, unique, in order
    depends: list[tuple[int, str]] = field(default_factory=list)  # (position in dependsOn, stepId)
    wei: int | None = None
    # Resolved while analysing: positions of steps this one waits for, inside its stage,
    # with the path of the field that creates the edge.
    intra: dict[int, PathParts] = field(default_factory=dict)
    waits: set[int] = field(default_factory=set)  # positions of every step it names (any stage)


_STEP_ID_RE = re.compile(rf"\A{_template.STEP_ID_PATTERN}\Z")


def _collect_steps(doc: Any) -> list[_Step]:
    steps: list[_Step] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
        return steps
    for i, stage in enumerate(doc["steps"]):
        if isinstance(stage, list):
            for j, raw in enumerate(stage):
                if isinstance(raw, dict):
                    steps.append(_Step(len(steps), i, ("steps", i, j), raw))
        elif isinstance(stage, dict):
            steps.append(_Step(len(steps), i, ("steps", i), stage))
    return steps


def _quote_ids(ids: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(json.dumps(i) for i in ids[:limit])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > limit else "")


def _semantic_issues(doc: Any, steps: list[_Step]) -> list[tuple[PathParts, str]]:
    out: list[tuple[PathParts, str]] = []
    by_id: dict[str, _Step] = {}

    # Per step: ids, params, dependsOn, cost, outputs.
    for st in steps:
        raw = st.raw
        sid = raw.get("stepId")
        if isinstance(sid, str) and _STEP_ID_RE.match(sid):
            st.step_id = sid
            if sid in by_id:
                first = by_id[sid]
                out.append(
                    (
                        st.path + ("stepId",),
                        f"duplicate stepId {json.dumps(sid)} (already used at {format_path(first.path)}.stepId): "
                        "give every step a unique stepId",
                    )
                )
            else:
                by_id[sid] = st
        module = raw.get("stepModule")
        if isinstance(module, dict):
            params = module.get("params")
            if isinstance(params, str):
                try:
                    st.segments = _template.parse_template(params)
                except _template.TemplateSyntaxError as exc:
                    out.append(
                        (
                            st.path + ("stepModule", "params"),
                            f"{exc.reason} at character {exc.position}: write references as {{{{stepId:ID}}}}",
                        )
                    )
                else:
                    st.refs = list(
                        dict.fromkeys(s.step_id for s in st.segments if isinstance(s, _template.StepRef))
                    )
            cost = module.get("cost")
            if isinstance(cost, str) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", cost):
                try:
                    st.wei = _costs.parse_ether(cost)
                except _costs.EtherAmountError as exc:
                    out.append((st.path + ("stepModule", "cost"), str(exc)))
        deps = raw.get("dependsOn")
        if isinstance(deps, list):
            st.depends = [(k, d) for k, d in enumerate(deps) if isinstance(d, str) and _STEP_ID_RE.match(d)]
        outputs = raw.get("outputs")
        if isinstance(outputs, list):
            seen: dict[str, int] = {}
            for k, o in enumerate(outputs):
                if not isinstance(o, dict):
                    continue
                name = o.get("name")
                if isinstance(name, str) and name:
                    if name in seen:
                        out.append(
                            (
                                st.path + ("outputs", k, "name"),
                                f"duplicate output name {json.dumps(name)} (already outputs[{seen[name]}]): "
                                "give each output of a step its own name",
                            )
                        )
                    else:
                        seen[name] = k
                schema = o.get("schema")
                if isinstance(schema, (dict, bool)):
                    from jsonschema import Draft202012Validator
                    from jsonschema.exceptions import SchemaError

                    try:
                        Draft202012Validator.check_schema(schema)
                    except SchemaError as exc:
                        where = format_path(tuple(exc.absolute_path)) if exc.absolute_path else "its root"
                        out.append(
                            (
                                st.path + ("outputs", k, "schema"),
                                f"not a valid JSON Schema (2020-12) at {where}: {exc.message}: fix or remove it",
                            )
                        )

    if len(steps) > MAX_STEPS:
        out.append((("steps",), f"{len(steps)} steps: a workflow has at most {MAX_STEPS} steps; split it"))

    # References and dependsOn: existence, stage order.
    known = sorted(by_id)

    def link(st: _Step, target_id: str, where: PathParts, what: str) -> None:
        target = by_id.get(target_id)
        if target is None:
            close = difflib.get_close_matches(target_id, known, n=1, cutoff=0.6)
            hint = f"did you mean {json.dumps(close[0])}?" if close else f"use one of the stepIds: {_quote_ids(known)}"
            out.append((where, f"{what} names no step (there is no stepId {json.dumps(target_id)}): {hint}"))
            return
        if target is st or (st.step_id is not None and target_id == st.step_id):
            out.append((where, f"{what} names this step itself: a step cannot wait for its own result; remove it"))
            return
        if target.stage > st.stage:
            out.append(
                (
                    where,
                    f"{what} names step {json.dumps(target_id)} of a later stage "
                    f"({format_path(target.path[:2])}), which has not run when this step starts: move this "
                    "step to a later stage, or that step to this stage or an earlier one",
                )
            )
            return
        st.waits.add(target.pos)
        if target.stage == st.stage:
            st.intra.setdefault(target.pos, where)

    for st in steps:
        for ref in st.refs:
            link(st, ref, st.path + ("stepModule", "params"), f"the reference {{{{stepId:{ref}}}}}")
        for k, dep in st.depends:
            link(st, dep, st.path + ("dependsOn", k), f"dependsOn {json.dumps(dep)}")

    # Cycles inside a stage.
    stages: dict[int, list[_Step]] = {}
    for st in steps:
        stages.setdefault(st.stage, []).append(st)
    for stage_steps in stages.values():
        if len(stage_steps) < 2:
            continue
        for comp in _sccs(stage_steps, steps):
            if len(comp) < 2:
                continue
            cycle = _cycle_through(min(comp), set(comp), steps)
            names = [json.dumps(steps[p].step_id) for p in cycle + cycle[:1]]
            if len(names) > 8:  # a long cycle: its start and end
                names = names[:5] + [f"... ({len(cycle)} steps in the cycle) ..."] + names[-2:]
            text = f"{names[0]} waits for {names[1]}" + "".join(f", which waits for {n}" for n in names[2:])
            start = steps[cycle[0]]
            out.append(
                (
                    start.intra[cycle[1 % len(cycle)]],
                    f"dependency cycle inside stage {format_path(start.path[:2])}: {text}; "
                    "none of them can ever start: remove one of these dependsOn or references",
                )
            )
    return out


def _sccs(stage_steps: list[_Step], steps: list[_Step]) -> list[list[int]]:
    """Strongly connected components of the intra-stage 'waits for' graph (iterative Tarjan)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    comps: list[list[int]] = []
    counter = 0
    for root in (s.pos for s in stage_steps):
        if root in index:
            continue
        work = [(root, iter(sorted(steps[root].intra)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(steps[nxt].intra))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                comps.append(sorted(comp))
    return comps


def _cycle_through(start: int, comp: set[int], steps: list[_Step]) -> list[int]:
    """A shortest cycle start -> ... -> start inside ``comp`` (positions, 'waits for' edges)."""
    prev: dict[int, int] = {}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in sorted(steps[node].intra):
                if nxt not in comp:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return list(reversed(path))
                if nxt not in prev:
                    prev[nxt] = node
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    return [start]  # pragma: no cover - comp is strongly connected


def _part_key(parts: PathParts) -> tuple:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts)


def _analyze(doc: Any) -> tuple[list[SpecIssue], list[_Step]]:
    raw_issues = _schema_issues(doc)
    steps = _collect_steps(doc)
    raw_issues += _semantic_issues(doc, steps)
    seen = set()
    issues = []
    for path, msg in sorted(raw_issues, key=lambda pm: _part_key(pm[0])):
        key = (path, msg)
        if key not in seen:
            seen.add(key)
            issues.append(SpecIssue(format_path(path), msg))
    return issues, steps


def validate_spec(doc: Any) -> list[SpecIssue]:
    """Every problem of a spec document (as loaded by :func:`load_spec`), sorted by path;
    an empty list for a valid spec. Includes the limits only the compiled form shows (the bytes a
    step takes on chain)."""
    issues = _analyze(doc)[0]
    if issues:
        return issues
    try:
        compile_spec(doc)
    except SpecError as exc:
        return exc.issues
    return []


# --------------------------------------------------------------------------------- compiling


def _order(steps: list[_Step]) -> list[_Step]:
    """Topological order: stage by stage; inside a stage, the earliest step in file order whose
    intra-stage dependencies are placed comes next (Kahn's algorithm with a heap)."""
    order: list[_Step] = []
    stages: dict[int, list[_Step]] = {}
    for st in steps:
        stages.setdefault(st.stage, []).append(st)
    for stage in sorted(stages):
        members = stages[stage]
        waiting = {st.pos: len(st.intra) for st in members}
        dependents: dict[int, list[int]] = {st.pos: [] for st in members}
        for st in members:
            for p in st.intra:
                dependents[p].append(st.pos)
        ready = [p for p, n in waiting.items() if n == 0]
        heapq.heapify(ready)
        while ready:
            p = heapq.heappop(ready)
            order.append(steps[p])
            for q in dependents[p]:
                waiting[q] -= 1
                if waiting[q] == 0:
                    heapq.heappush(ready, q)
    assert len(order) == len(steps), "cycle left after validation"
    return order


def compile_spec(doc: Any, source: str | None = None) -> CompiledWorkflow:
    """Validates and compiles a spec document; raises :class:`SpecError` listing every problem."""
    issues, steps = _analyze(doc)
    if not issues:
        # Defensive: the schema and the checks above guarantee these; never compile without them.
        for st in steps:
            if st.step_id is None or st.wei is None or st.segments is None:
                issues.append(SpecIssue(format_path(st.path), "this step could not be read: check its fields"))
    if issues:
        raise SpecError(issues, source)

    order = _order(steps)
    index_of_pos = {st.pos: i for i, st in enumerate(order)}
    index_of = {st.step_id: i for i, st in enumerate(order)}
    stage_members: dict[int, list[int]] = {}
    for i, st in enumerate(order):
        stage_members.setdefault(st.stage, []).append(i)
    stage_list = sorted(stage_members)
    previous_stage = {s: (stage_members[stage_list[k - 1]] if k else []) for k, s in enumerate(stage_list)}

    ancestors: list[int] = []  # bitset of every step that must complete before step i
    compiled: list[CompiledStep] = []
    for i, st in enumerate(order):
        preds = set(previous_stage[st.stage])
        preds.update(index_of_pos[p] for p in st.waits)
        refs = {index_of[r] for r in st.refs}
        anc = 0
        implied = 0
        for p in preds:
            anc |= ancestors[p] | (1 << p)
            implied |= ancestors[p]
        ancestors.append(anc)
        deps = tuple(sorted({p for p in preds if not (implied >> p) & 1} | refs))
        assert all(d < i for d in deps)

        raw = st.raw
        module = raw["stepModule"]
        params_text = module["params"]
        params = _template.encode(_template.bind(st.segments or [], index_of))
        _template.check(params, deps)
        outputs = tuple(
            StepOutput(o["name"], o["mediaType"], o.get("description"), o.get("schema"))
            for o in raw.get("outputs", [])
        )
        compiled.append(
            CompiledStep(
                index=i,
                step_id=st.step_id,
                name=raw.get("stepName"),
                description=raw.get("stepDesc"),
                stage=st.stage,
                module=module["cmd"],
                params_text=params_text,
                params=params,
                max_cost=st.wei,
                deps=deps,
                retries=int(raw.get("retries", 0)),
                timeout=int(raw.get("timeout", 0)),
                outputs=outputs,
            )
        )

    too_large = _oversized_steps(order, compiled)
    if too_large:
        raise SpecError(too_large, source)

    crit_cost, crit_path = _costs.critical_path(compiled)
    return CompiledWorkflow(
        steps=tuple(compiled),
        name=doc.get("name"),
        description=doc.get("description"),
        version=doc.get("version"),
        worst_case_cost=_costs.worst_case_cost(compiled),
        critical_path_cost=crit_cost,
        source=source,
        metadata=dict(doc.get("metadata", {})),
        critical_path=crit_path,
    )


def onchain_step_bytes(step: CompiledStep, children: int) -> int:
    """The bytes `step` takes in the contract's stored definition (WorkflowBlob's record): the fixed
    part, the module name, the params template and two bytes for each dependency and each child."""
    return _STEP_FIXED_BYTES + len(step.module.encode()) + len(step.params) + 2 * (len(step.deps) + children)


def _oversized_steps(order: list[_Step], compiled: list[CompiledStep]) -> list[SpecIssue]:
    """The steps the contract would refuse with `StepTooLarge`, as spec issues."""
    children = [0] * len(compiled)
    for step in compiled:
        for d in step.deps:
            children[d] += 1
    issues = []
    for st, step in zip(order, compiled):
        size = onchain_step_bytes(step, children[step.index])
        if size > MAX_STEP_BYTES:
            issues.append(SpecIssue(
                format_path(st.path + ("stepModule", "params")),
                f"step {step.step_id!r} takes {size:,} bytes on chain (module {len(step.module.encode()):,}, "
                f"params {len(step.params):,}, the rest fixed and links); a step holds at most "
                f"{MAX_STEP_BYTES:,}: put large inputs in the content store and pass their CID"))
    return issues


def load_and_compile(path: str | Path) -> CompiledWorkflow:
    """:func:`load_spec` then :func:`compile_spec`; raises :class:`SpecError`."""
    return compile_spec(load_spec(path), source=str(path))


# ------------------------------------------------------------------------------------ sample


def sample_spec(schema_ref: str | None = None) -> dict:
    """A sample spec that validates and explains the format through its description fields."""
    doc: dict[str, Any] = {}
    if schema_ref:
        doc["$schema"] = schema_ref
    doc.update(
        {
            "version": "v0.0.1",
            "name": "lora-demo",
            "description": (
                "A sample tiny-hops workflow. 'steps' lists stages run one after the other; an "
                "array inside 'steps' is a group of steps that run in parallel. In params, "
                "{{stepId:ID}} is replaced at launch by the result CID of step ID; every other "
                "character, braces included, is sent as is. Check it with "
                "`tiny-hops validate <file>`; see docs/spec-format.md."
            ),
            "metadata": {"author": "you", "note": "metadata is free-form and never interpreted"},
            "steps": [
                {
                    "stepId": "train",
                    "stepName": "train a LoRA",
                    "stepDesc": (
                        "Stage 0, a single step. cost is the most one attempt may cost, in ether, "
                        "as a decimal string; retries: 1 means up to 2 paid attempts; timeout is in "
                        "seconds (0 for none)."
                    ),
                    "stepModule": {
                        "cmd": "lora_training:v0.1.7-lilypad1",
                        "params": "{\"seed\": 42, \"images_cid\": \"QmYourImagesCid\"}",
                        "cost": "50",
                    },
                    "retries": 1,
                    "timeout": 3600,
                    "outputs": [
                        {
                            "name": "lora",
                            "mediaType": "application/octet-stream",
                            "description": "The trained LoRA weights.",
                        }
                    ],
                },
                [
                    {
                        "stepId": "cat",
                        "stepName": "a cat",
                        "stepDesc": (
                            "Stage 1 is a parallel group: this step and the next start together once "
                            "stage 0 has completed. {{stepId:train}} becomes the LoRA's CID."
                        ),
                        "stepModule": {
                            "cmd": "lora_inference:v0.1.7-lilypad1",
                            "params": "{\"lora_cid\": \"{{stepId:train}}\", \"prompt\": \"a cat\", \"seed\": 7}",
                            "cost": "4",
                        },
                        "outputs": [
                            {"name": "image", "mediaType": "image/png", "description": "The generated image."}
                        ],
                    },
                    {
                        "stepId": "dog",
                        "stepName": "a dog",
                        "stepDesc": "Runs in parallel with 'cat'.",
                        "stepModule": {
                            "cmd": "lora_inference:v0.1.7-lilypad1",
                            "params": "{\"lora_cid\": \"{{stepId:train}}\", \"prompt\": \"a dog\", \"seed\": 7}",
                            "cost": "4",
                        },
                    },
                    {
                        "stepId": "announce",
                        "stepName": "announce the cat",
                        "stepDesc": (
                            "Also in stage 1, but it references 'cat' of the same stage, so it waits for "
                            "'cat' (a reference is a dependency). 'dependsOn' adds a wait without a "
                            "reference: here, for 'dog' too."
                        ),
                        "dependsOn": ["dog"],
                        "stepModule": {"cmd": "cowsay:v0.0.1", "params": "The cat is ready: {{stepId:cat}}", "cost": "1"},
                    },
                ],
                {
                    "stepId": "summary",
                    "stepName": "summary",
                    "stepDesc": "Stage 2 starts once every step of stage 1 has completed.",
                    "stepModule": {
                        "cmd": "cowsay:v0.0.1",
                        "params": "LoRA {{stepId:train}}: cat {{stepId:cat}}, dog {{stepId:dog}}",
                        "cost": "0.5",
                    },
                    "timeout": 600,
                    "outputs": [
                        {
                            "name": "stdout",
                            "mediaType": "text/plain",
                            "description": "The cow's speech.",
                            "schema": {"type": "string"},
                        }
                    ],
                },
            ],
        }
    )
    return doc
