"""Hypothesis: random valid specs compile to a DAG with the spec's meaning and no redundant edge."""
from hypothesis import given
from hypothesis import strategies as st

from tiny_hops.costs import format_ether
from tiny_hops.spec import compile_spec, validate_spec
from tiny_hops.template import Ref, StepRef, check, decode, format_template, references, resolve

literals = st.text(
    alphabet=st.one_of(st.sampled_from('{}:"\\ stepId'), st.characters(codec="utf-8", exclude_categories=("Cs",))),
    max_size=12,
).filter(lambda t: "{{stepId:" not in t)


@st.composite
def specs(draw):
    """A random valid spec and its intended semantics: the direct 'must complete before' pairs."""
    shape = draw(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=1, max_size=5))
    n = sum(1 if s is None else s for s in shape)
    ids = draw(st.lists(st.from_regex(r"[A-Za-z0-9_.\-]{1,4}", fullmatch=True), min_size=n, max_size=n, unique=True))
    stages = []  # lists of stepIds
    it = iter(ids)
    for s in shape:
        stages.append([next(it) for _ in range(1 if s is None else s)])

    before = set()  # (u, v): u must complete before v
    stage_of = {sid: k for k, members in enumerate(stages) for sid in members}
    earlier = []  # stepIds of earlier stages
    doc_steps = []
    info = {}
    for k, members in enumerate(stages):
        # A hidden topological order of the stage: a step may only wait for steps before it here.
        hidden = draw(st.permutations(members))
        stage_docs = []
        for sid in members:
            pos = hidden.index(sid)
            candidates = earlier + list(hidden[:pos])
            waits = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=4)) if candidates else []
            as_ref = [w for w in waits if draw(st.booleans())]
            as_dep = [w for w in waits if w not in as_ref]
            # Params: literals interleaved with the references (some repeated).
            segs = [draw(literals)]
            for r in as_ref + draw(st.lists(st.sampled_from(as_ref), max_size=2) if as_ref else st.just([])):
                segs += [StepRef(r), draw(literals)]
            wei = draw(st.integers(1, 10**22))
            step = {
                "stepId": sid,
                "stepModule": {"cmd": "cowsay:v0.0.1", "params": format_template(segs), "cost": format_ether(wei)},
            }
            if as_dep or draw(st.booleans()):
                step["dependsOn"] = as_dep
            retries = draw(st.one_of(st.none(), st.integers(0, 255)))
            if retries is not None:
                step["retries"] = retries
            timeout = draw(st.one_of(st.none(), st.integers(0, 2**32 - 1)))
            if timeout is not None:
                step["timeout"] = timeout
            stage_docs.append(step)
            info[sid] = {"segs": segs, "refs": set(as_ref), "wei": wei, "retries": retries or 0}
            for w in waits:
                before.add((w, sid))
        for u in earlier:
            for v in members:
                before.add((u, v))
        earlier += members
        doc_steps.append(stage_docs[0] if len(stage_docs) == 1 and draw(st.booleans()) else stage_docs)
    return {"version": "v1", "steps": doc_steps}, before, info, stage_of


def _closure_bits(n, edges_into):
    anc = []
    for v in range(n):
        bits = 0
        for d in edges_into[v]:
            bits |= anc[d] | (1 << d)
        anc.append(bits)
    return anc


@given(specs())
def test_random_specs_compile_to_the_spec_semantics(case):
    doc, before, info, stage_of = case
    assert validate_spec(doc) == []
    wf = compile_spec(doc)
    steps = wf.steps
    n = len(steps)
    assert [s.index for s in steps] == list(range(n))
    assert sorted(s.step_id for s in steps) == sorted(info)
    idx = {s.step_id: s.index for s in steps}

    # Topological order, stage by stage.
    assert [s.stage for s in steps] == sorted(s.stage for s in steps)
    assert all(s.stage == stage_of[s.step_id] for s in steps)
    for s in steps:
        assert list(s.deps) == sorted(set(s.deps)), "deps strictly increasing"
        assert all(0 <= d < s.index for d in s.deps), "each dep below its own index"

    # Same transitive closure as the spec's meaning (stage order + references + dependsOn).
    anc = _closure_bits(n, [s.deps for s in steps])
    compiled_pairs = {(steps[u].step_id, steps[v].step_id) for v in range(n) for u in range(n) if (anc[v] >> u) & 1}
    spec_anc = _closure_bits(n, [[idx[u] for (u, v) in before if v == s.step_id] for s in steps])
    spec_pairs = {(steps[u].step_id, steps[v].step_id) for v in range(n) for u in range(n) if (spec_anc[v] >> u) & 1}
    assert compiled_pairs == spec_pairs

    for s in steps:
        refs = {idx[r] for r in info[s.step_id]["refs"]}
        # Every referenced step is a direct dep (the contract requires it)...
        assert refs <= set(s.deps)
        # ...and every other dep is not implied by another dep (transitive reduction).
        for d in s.deps:
            if d in refs:
                continue
            assert not any((anc[o] >> d) & 1 for o in s.deps if o != d), f"redundant edge {d} -> {s.index}"
        # The params encode the references by index and pass the contract's check.
        check(s.params, s.deps)
        assert set(references(s.params)) == refs
        cids = {i: f"Qm{i}" for i in refs}
        expected = "".join(
            f"Qm{idx[seg.step_id]}" if isinstance(seg, StepRef) else seg for seg in info[s.step_id]["segs"]
        )
        assert resolve(s.params, cids) == expected
        assert all(isinstance(x, (str, Ref)) for x in decode(s.params))
        assert s.max_cost == info[s.step_id]["wei"] and s.retries == info[s.step_id]["retries"]

    # Costs.
    weights = [s.max_cost * (1 + s.retries) for s in steps]
    assert wf.worst_case_cost == sum(weights)
    best = {}

    def longest(v):  # the most expensive path ending at v, by brute-force recursion
        if v not in best:
            best[v] = weights[v] + max((longest(d) for d in steps[v].deps), default=0)
        return best[v]

    assert wf.critical_path_cost == max(longest(v) for v in range(n))
    path = wf.critical_path
    assert sum(weights[i] for i in path) == wf.critical_path_cost
    assert all(a in steps[b].deps for a, b in zip(path, path[1:]))


@given(specs())
def test_stage_without_internal_edges_keeps_file_order(case):
    doc, before, info, stage_of = case
    wf = compile_spec(doc)
    file_order = []
    for stage in doc["steps"]:
        file_order += [s["stepId"] for s in (stage if isinstance(stage, list) else [stage])]
    internal = {(u, v) for (u, v) in before if stage_of[u] == stage_of[v]}
    if not internal:
        assert [s.step_id for s in wf.steps] == file_order
    else:
        # Stage order is kept in any case.
        assert [stage_of[s.step_id] for s in wf.steps] == [stage_of[i] for i in file_order]
