"""tiny_hops.graph: Mermaid text, the standalone SVG and write_graph."""
from __future__ import annotations

import re
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tiny_hops import graph
from tiny_hops.spec import compile_spec, load_and_compile

SVG = "{http://www.w3.org/2000/svg}"
REFERENCE = Path(__file__).resolve().parent.parent / "spec" / "reference-example.thops.json"


def _step(step_id, params="", name=None, desc=None, cmd="cowsay:v0.0.1", **extra):
    out = {"stepId": step_id, "stepModule": {"cmd": cmd, "params": params, "cost": "1"}, **extra}
    if name is not None:
        out["stepName"] = name
    if desc is not None:
        out["stepDesc"] = desc
    return out


@pytest.fixture(scope="module")
def reference():
    return load_and_compile(REFERENCE)


@pytest.fixture(scope="module")
def fan_out():
    """root -> 32 parallel steps -> join."""
    doc = {
        "version": "v1",
        "name": "fan-out",
        "steps": [
            _step("root"),
            [_step(f"leaf-{i}", "{{stepId:root}}") for i in range(32)],
            _step("join", " ".join(f"{{{{stepId:leaf-{i}}}}}" for i in range(32))),
        ],
    }
    return compile_spec(doc)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def _nodes(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "node" in (g.get("class") or "").split()]


def _edges(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{SVG}path") if p.get("class") == "edge"]


def _mermaid_edges(text: str, wf) -> set[tuple[str, str]]:
    ids = {f"s{s.index}": s.step_id for s in wf.steps}
    return {(ids[a], ids[b]) for a, b in re.findall(r"^\s*(s\d+) --> (s\d+)\s*$", text, re.M)}


def _mermaid_nodes(text: str) -> dict[str, str]:
    return dict(re.findall(r'^\s*(s\d+)\["(.*)"\]\s*$', text, re.M))


# ------------------------------------------------------------------------------------ mermaid


def test_mermaid_reference(reference):
    text = graph.to_mermaid(reference)
    assert text.splitlines()[0] == "flowchart LR"
    nodes = _mermaid_nodes(text)
    assert len(nodes) == 4
    assert _mermaid_edges(text, reference) == {("1", "2"), ("1", "3"), ("2", "4"), ("3", "4")}
    assert "1: cows say" in nodes["s0"] and "cowsay:v0.0.1" in nodes["s0"]
    assert "4: lastcowsay" in nodes["s3"]
    assert re.findall(r'subgraph stage\d+\["(Stage \d+)"\]', text) == ["Stage 1", "Stage 2", "Stage 3"]
    assert text.count("\n    end\n") == 3
    # Steps 2 and 3 sit in the Stage 2 subgraph.
    stage2 = text.split('subgraph stage2["Stage 2"]')[1].split("    end")[0]
    assert "s1[" in stage2 and "s2[" in stage2 and "s0[" not in stage2
    assert "classDef" not in text and "\n    class " not in text


def test_mermaid_statuses(reference):
    text = graph.to_mermaid(reference, ["Completed", "running", 3, None])
    for name in ("pending", "running", "completed", "failed"):
        assert re.search(rf"^    classDef {name} fill:#[0-9a-f]{{6}},stroke:#[0-9a-f]{{6}}", text, re.M)
    classes = dict((c, set(m.split(","))) for m, c in re.findall(r"^    class (\S+) (\w+)$", text, re.M))
    assert classes == {"completed": {"s0"}, "running": {"s1"}, "failed": {"s2"}}
    assert "<i>Failed</i>" in _mermaid_nodes(text)["s2"]


def test_mermaid_escapes_labels():
    nasty = 'a<b & "c" {d} [e] (f) |g| #h; `i`'
    wf = compile_spec({"version": "v1", "steps": [_step("x", name=nasty + "\nnext line"), _step("y", "{{stepId:x}}")]})
    text = graph.to_mermaid(wf)
    label = _mermaid_nodes(text)["s0"]
    body = label.replace("<b>", "").replace("</b>", "").replace("<br/>", "")
    # No raw special characters survive inside the label (entity codes use only '#', digits, ';').
    stripped = re.sub(r"#(quot|\d+);", "", body)
    assert not set(stripped) & set('<>&"{}[]()|`;#'), stripped
    assert "#quot;c#quot;" in label and "#123;d#125;" in label and "#91;e#93;" in label
    assert "\n" not in label and "next line" in label
    assert _mermaid_edges(text, wf) == {("x", "y")}


# ---------------------------------------------------------------------------------------- svg


def test_svg_reference(reference):
    svg = graph.to_svg(reference)
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    nodes = _nodes(root)
    assert len(nodes) == 4
    assert [g.get("data-step-id") for g in nodes] == ["1", "2", "3", "4"]
    edges = _edges(root)
    assert len(edges) == 4
    assert {(e.get("data-from"), e.get("data-to")) for e in edges} == {("1", "2"), ("1", "3"), ("2", "4"), ("3", "4")}
    for e in edges:
        assert e.get("marker-end") == "url(#th-arrow)"
        assert " C" in e.get("d")
    assert root.find(f"{SVG}defs/{SVG}marker[@id='th-arrow']") is not None
    # Without statuses every box is neutral.
    fills = {g.find(f"{SVG}rect").get("fill") for g in nodes}
    assert fills == {graph.NEUTRAL_COLOURS[0]}
    # Labels: stepId, name and module are written in each box.
    texts = ["".join(t.itertext()) for t in nodes[3].iter(f"{SVG}text")]
    assert texts[0] == "4 \u00b7 lastcowsay" and texts[1] == "cowsay:v0.0.1"
    # Columns by longest-path depth: 1 | 2, 3 | 4.
    xs = [float(g.find(f"{SVG}rect").get("x")) for g in nodes]
    assert xs[0] < xs[1] == xs[2] < xs[3]
    # Stage bands and the title.
    stages = [g for g in root.iter(f"{SVG}g") if g.get("class") == "stage"]
    assert ["".join(g.find(f"{SVG}text").itertext()) for g in stages] == ["Stage 1", "Stage 2", "Stage 3"]
    title = root.find(f".//{SVG}text[@class='title']")
    assert title.text == "reference-example.thops.json"


def test_svg_status_colours_legend_and_title(reference):
    svg = graph.to_svg(reference, ["Completed", "Running", "Failed", "Pending"], title="My flow", workflow_status=2)
    root = _parse(svg)
    nodes = _nodes(root)
    for g, status in zip(nodes, ["Completed", "Running", "Failed", "Pending"]):
        rect = g.find(f"{SVG}rect")
        assert rect.get("fill") == graph.STATUS_COLOURS[status][0]
        assert rect.get("stroke") == graph.STATUS_COLOURS[status][1]
        assert g.get("data-status") == status
        assert f"status-{status.lower()}" in g.get("class")
        assert status in ["".join(t.itertext()) for t in g.iter(f"{SVG}text")]
    assert len({g.find(f"{SVG}rect").get("fill") for g in nodes}) == 4
    legend = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]
    assert [g.get("data-status") for g in legend] == list(graph.STEP_STATUSES)  # no "no status" entry
    for g in legend:
        assert g.find(f"{SVG}rect").get("fill") == graph.STATUS_COLOURS[g.get("data-status")][0]
    assert root.find(f".//{SVG}text[@class='title']").text == "My flow"
    badge = root.find(f".//{SVG}g[@class='workflow-status']")
    assert badge.get("data-status") == "Running"
    assert badge.find(f"{SVG}rect").get("fill") == graph.WORKFLOW_STATUS_COLOURS["Running"][0]
    assert "1/4 completed" in svg and "1 failed" in svg


def test_svg_partial_statuses_by_mapping(reference):
    root = _parse(graph.to_svg(reference, {"1": "Completed", 1: "running"}, workflow_status="paused"))
    fills = [g.find(f"{SVG}rect").get("fill") for g in _nodes(root)]
    assert fills == [
        graph.STATUS_COLOURS["Completed"][0],
        graph.STATUS_COLOURS["Running"][0],
        graph.NEUTRAL_COLOURS[0],
        graph.NEUTRAL_COLOURS[0],
    ]
    legend = [g.get("data-status") for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]
    assert legend[-1] == "no status"
    assert root.find(f".//{SVG}g[@class='workflow-status']").get("data-status") == "Paused"


def _rects(root):
    out = {}
    for g in _nodes(root):
        r = g.find(f"{SVG}rect")
        out[g.get("data-step-id")] = tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))
    return out


def test_svg_fan_out_32_no_overlap(fan_out):
    root = _parse(graph.to_svg(fan_out))
    rects = _rects(root)
    assert len(rects) == 34
    assert len(_edges(root)) == 64
    items = list(rects.items())
    for i, (a, (ax, ay, aw, ah)) in enumerate(items):
        for b, (bx, by, bw, bh) in items[i + 1 :]:
            apart = ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
            assert apart, f"boxes {a} and {b} overlap"
    # Everything fits in the canvas, which grew to hold 32 rows.
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    for x, y, w, h in rects.values():
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height
    leaves = [rects[f"leaf-{i}"] for i in range(32)]
    assert len({x for x, *_ in leaves}) == 1  # one column
    assert height >= 32 * leaves[0][3]
    # root and join are centred on the column of leaves.
    ys = sorted(y for _, y, _, _ in leaves)
    mid = (ys[0] + ys[-1] + leaves[0][3]) / 2
    assert abs(rects["root"][1] + rects["root"][3] / 2 - mid) < 1
    assert rects["root"][0] < leaves[0][0] < rects["join"][0]


def test_layout_intra_stage_deps_get_own_columns():
    doc = {
        "version": "v1",
        "steps": [
            [_step("a"), _step("b", "{{stepId:a}}"), _step("c", dependsOn=["b"]), _step("d")],
            _step("e", "{{stepId:c}}"),
        ],
    }
    wf = compile_spec(doc)
    pos = graph.layout(wf)
    col = {s.step_id: pos[s.index][0] for s in wf.steps}
    assert col["a"] == col["d"] < col["b"] < col["c"] < col["e"]
    root = _parse(graph.to_svg(wf))
    rects = _rects(root)
    band = [g for g in root.iter(f"{SVG}g") if g.get("class") == "stage"][0].find(f"{SVG}rect")
    bx, bw = float(band.get("x")), float(band.get("width"))
    for sid in "abcd":
        x, _, w, _ = rects[sid]
        assert bx <= x and x + w <= bx + bw
    assert rects["e"][0] > bx + bw


def test_svg_escapes_labels():
    nasty = 'a<b & "c" {d} </text><script>x</script>'
    desc = "desc with <tags> & \x01 control"
    wf = compile_spec(
        {"version": "v1", "name": 'T<&>"', "steps": [_step("s.1", name=nasty, desc=desc), _step("s-2", "{{stepId:s.1}}")]}
    )
    svg = graph.to_svg(wf, ["Completed", "Pending"], title='Title <&>"{}')
    assert "<script" not in svg and "<b " not in svg and "\x01" not in svg
    root = _parse(svg)
    assert root.find(f".//{SVG}text[@class='title']").text == 'Title <&>"{}'
    node = _nodes(root)[0]
    tip = node.find(f"{SVG}title").text
    assert nasty in tip and "desc with <tags> &" in tip
    head = "".join(node.find(f"{SVG}text").itertext())
    assert head.startswith('s.1 \u00b7 a<b & "c" {d}')  # shown as written (possibly truncated)
    assert not any(e.tag.endswith("script") for e in root.iter())


def test_svg_truncates_long_labels():
    wf = compile_spec({"version": "v1", "steps": [_step("x", name="n" * 200, cmd="github.com/org/" + "m" * 100 + ":v1")]})
    node = _nodes(_parse(graph.to_svg(wf)))[0]
    head, module = ["".join(t.itertext()) for t in node.iter(f"{SVG}text")][:2]
    assert head.endswith("\u2026") and len(head) < 40
    assert module.endswith("\u2026") and len(module) < 40
    assert "n" * 200 in node.find(f"{SVG}title").text


# --------------------------------------------------------------------------------- bad input


def test_bad_statuses(reference):
    with pytest.raises(graph.GraphError, match="3 entries but the workflow has 4 steps"):
        graph.to_svg(reference, ["Pending"] * 3)
    with pytest.raises(graph.GraphError, match="unknown status 'Done'"):
        graph.to_mermaid(reference, ["Done", None, None, None])
    with pytest.raises(graph.GraphError, match="not a status number"):
        graph.to_svg(reference, [4, 0, 0, 0])
    with pytest.raises(graph.GraphError, match="neither a step index"):
        graph.to_svg(reference, {"nope": "Pending"})
    with pytest.raises(graph.GraphError, match="workflow status"):
        graph.to_svg(reference, workflow_status="Stopped")
    with pytest.raises(graph.GraphError, match="not a string"):
        graph.to_svg(reference, "Pending")
    assert issubclass(graph.GraphError, ValueError)


def test_workflow_status_names_and_numbers(reference):
    for number, name in enumerate(graph.WORKFLOW_STATUSES):
        for value in (number, name, name.upper()):
            badge = _parse(graph.to_svg(reference, workflow_status=value)).find(f".//{SVG}g[@class='workflow-status']")
            assert badge.get("data-status") == name


# ------------------------------------------------------------------------------------- files


def test_write_graph_svg_and_mermaid(reference, tmp_path):
    out = graph.write_graph(reference, tmp_path / "flow.SVG", ["Completed"] * 4, title="t", workflow_status="Completed")
    assert out == tmp_path / "flow.SVG"
    root = ET.parse(out).getroot()
    assert len(_nodes(root)) == 4
    mmd = graph.write_graph(reference, tmp_path / "flow.mmd")
    assert mmd.read_text(encoding="utf-8") == graph.to_mermaid(reference)
    with pytest.raises(graph.GraphError, match=r"use a \.svg file"):
        graph.write_graph(reference, tmp_path / "flow.jpg")
    assert not (tmp_path / "flow.jpg").exists()


def test_write_graph_png_without_cairosvg(reference, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # import fails
    with pytest.raises(graph.GraphError, match=r"cairosvg.*\.svg"):
        graph.write_graph(reference, tmp_path / "flow.png")
    assert not (tmp_path / "flow.png").exists()


def test_write_graph_png_with_cairosvg(reference, tmp_path, monkeypatch):
    calls = []

    def svg2png(bytestring, write_to):
        calls.append(bytestring)
        Path(write_to).write_bytes(b"\x89PNG fake")

    monkeypatch.setitem(sys.modules, "cairosvg", types.SimpleNamespace(svg2png=svg2png))
    out = graph.write_graph(reference, tmp_path / "flow.png", ["Running"] * 4)
    assert out.read_bytes() == b"\x89PNG fake"
    assert len(_nodes(_parse(calls[0].decode("utf-8")))) == 4


def test_module_imports_nothing_heavy():
    code = (
        "import sys, tiny_hops.graph\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('ape', 'web3', 'eth_ape', 'jsonschema', 'rich', 'click', 'tiny_hops.spec'))\n"
        "heavy += [m for m in sys.modules if m == 'tiny_hops.spec']\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
