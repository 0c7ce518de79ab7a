"""Loading, validating and compiling specs: the reference example and a catalogue of bad specs."""
import copy
import json
from pathlib import Path

import pytest

from tiny_hops.spec import (
    SCHEMA_PATH,
    CompiledWorkflow,
    SpecError,
    MAX_STEPS,
    SpecIssue,
    compile_spec,
    format_path,
    load_and_compile,
    load_schema,
    load_spec,
    sample_spec,
    validate_spec,
)
from tiny_hops.template import Ref, decode

HERE = Path(__file__).parent
REFERENCE = HERE / "reference-example.thops.json"
ETHER = 10**18


def reference():
    return json.loads(REFERENCE.read_text())


# ------------------------------------------------------------------------------------ the schema


def test_schema_is_a_valid_2020_12_schema_with_docs():
    from jsonschema import Draft202012Validator

    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"] and schema["description"]
    for name, sub in schema["$defs"].items():
        assert sub.get("title") and sub.get("description"), name
    assert SCHEMA_PATH.name == "thops.schema.json"


# ------------------------------------------------------------------------------------ reference


def test_reference_example_validates():
    assert validate_spec(reference()) == []


def test_reference_example_compiles():
    wf = load_and_compile(REFERENCE)
    assert isinstance(wf, CompiledWorkflow)
    assert [list(s.deps) for s in wf.steps] == [[], [0], [0], [1, 2]]
    assert [s.step_id for s in wf.steps] == ["1", "2", "3", "4"]
    assert [s.stage for s in wf.steps] == [0, 1, 1, 2]
    assert wf.version == "v0.0.1" and wf.source == str(REFERENCE)
    s1 = wf.steps[1]
    assert decode(s1.params) == ["parallel job 0 hello parallel world ", Ref(0)]
    assert s1.params.endswith(b"\x01\x00\x00")
    assert decode(wf.steps[3].params) == ["We got all the parallel ", Ref(1), ", ", Ref(2), " worlds "]
    assert all(s.max_cost == 5 * ETHER and s.retries == 0 and s.timeout == 0 for s in wf.steps)
    assert wf.worst_case_cost == 20 * ETHER
    assert wf.critical_path_cost == 15 * ETHER
    assert wf.critical_path == (0, 1, 3)
    assert wf.contract_steps()[1] == ("cowsay:v0.0.1", s1.params, 5 * ETHER, [0], 0, 0)
    assert s1.as_contract_step() == ("cowsay:v0.0.1", s1.params, 5 * ETHER, [0], 0, 0)
    assert wf.steps[0].name == "cows say" and wf.steps[0].description == "First cow say"


def test_sample_spec_validates_and_compiles():
    wf = compile_spec(sample_spec())
    assert wf.stage_count == 3
    announce = wf.step("announce")
    assert announce.deps == (wf.step("cat").index, wf.step("dog").index)
    assert wf.step("train").retries == 1 and wf.step("train").timeout == 3600
    assert wf.step("summary").outputs[0].schema == {"type": "string"}


def test_optional_fields_compile():
    doc = {
        "$schema": "./x.json",
        "version": "2",
        "name": "n",
        "description": "d",
        "metadata": {"k": [1]},
        "steps": [
            [
                {"stepId": "a", "stepModule": {"cmd": "m:v1", "params": "", "cost": "0.25"}, "retries": 255,
                 "timeout": 4294967295},
                {"stepId": "b", "dependsOn": ["a"], "stepModule": {"cmd": "m:v1", "params": "{x}", "cost": "1"}},
            ]
        ],
    }
    wf = compile_spec(doc)
    assert wf.name == "n" and wf.description == "d" and wf.metadata == {"k": [1]}
    a, b = wf.steps
    assert a.as_contract_step() == ("m:v1", b"", 250000000000000000, [], 255, 4294967295)
    assert b.deps == (0,) and decode(b.params) == ["{x}"]
    assert wf.worst_case_cost == 256 * 250000000000000000 + ETHER
    assert wf.critical_path_cost == wf.worst_case_cost


def test_file_order_kept_when_possible_and_reference_is_a_dependency():
    doc = {
        "version": "1",
        "steps": [
            {"stepId": "root", "stepModule": {"cmd": "m:v", "params": "", "cost": "1"}},
            [
                {"stepId": "x", "stepModule": {"cmd": "m:v", "params": "{{stepId:z}}", "cost": "1"}},
                {"stepId": "y", "stepModule": {"cmd": "m:v", "params": "", "cost": "1"}},
                {"stepId": "z", "stepModule": {"cmd": "m:v", "params": "{{stepId:root}}", "cost": "1"}},
            ],
        ],
    }
    wf = compile_spec(doc)
    assert [s.step_id for s in wf.steps] == ["root", "y", "z", "x"]
    # z references root: kept as a dep even though stage order implies it (the contract requires it).
    assert wf.step("z").deps == (0,)
    assert wf.step("x").deps == (wf.step("z").index,)
    assert wf.step("y").deps == (0,)


def test_stage_after_group_waits_only_for_sinks():
    doc = {
        "version": "1",
        "steps": [
            [
                {"stepId": "a", "stepModule": {"cmd": "m:v", "params": "", "cost": "1"}},
                {"stepId": "b", "dependsOn": ["a"], "stepModule": {"cmd": "m:v", "params": "", "cost": "1"}},
                {"stepId": "c", "stepModule": {"cmd": "m:v", "params": "", "cost": "1"}},
            ],
            {"stepId": "d", "stepModule": {"cmd": "m:v", "params": "", "cost": "1"}},
        ],
    }
    wf = compile_spec(doc)
    assert wf.step("d").deps == (wf.step("b").index, wf.step("c").index)


def test_format_path():
    assert format_path(()) == "$"
    assert format_path(("steps", 1, 0, "stepModule", "cost")) == "steps[1][0].stepModule.cost"
    assert format_path(("metadata", "a b")) == 'metadata["a b"]'
    assert format_path(("$schema",)) == "$schema"


# ------------------------------------------------------------------------------- bad catalogue


def _set(path, value):
    def mutate(doc):
        node = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return mutate


def _del(path):
    def mutate(doc):
        node = doc
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]
    return mutate


def _seq(*fns):
    def mutate(doc):
        for f in fns:
            f(doc)
    return mutate


S1 = ("steps", 1, 0)  # stepId "2", in the parallel group
S2 = ("steps", 1, 1)  # stepId "3", in the parallel group

BAD = {
    "cost-not-a-decimal": (_set(S1 + ("stepModule", "cost"), "5 ETH"), "steps[1][0].stepModule.cost", "decimal string"),
    "cost-a-number": (_set(("steps", 0, "stepModule", "cost"), 5), "steps[0].stepModule.cost", "got integer 5"),
    "cost-negative": (_set(S1 + ("stepModule", "cost"), "-1"), "steps[1][0].stepModule.cost", "decimal string"),
    "cost-zero": (_set(S1 + ("stepModule", "cost"), "0.000"), "steps[1][0].stepModule.cost", "greater than zero"),
    "cost-19-decimals": (
        _set(("steps", 2, "stepModule", "cost"), "1.0000000000000000001"),
        "steps[2].stepModule.cost",
        "more than 18 decimals",
    ),
    "cost-too-large": (
        _set(("steps", 0, "stepModule", "cost"), str(2**128)),
        "steps[0].stepModule.cost",
        "2^128 - 1 wei",
    ),
    "duplicate-stepId": (_set(S2 + ("stepId",), "2"), "steps[1][1].stepId", 'duplicate stepId "2"'),
    "unknown-reference": (
        _set(("steps", 2, "stepModule", "params"), "{{stepId:9}}"),
        "steps[2].stepModule.params",
        'no stepId "9"',
    ),
    "unknown-dependsOn": (_set(S2 + ("dependsOn",), ["1", "nope"]), "steps[1][1].dependsOn[1]", 'no stepId "nope"'),
    "dependsOn-self": (_set(S2 + ("dependsOn",), ["3"]), "steps[1][1].dependsOn[0]", "itself"),
    "reference-self": (_set(S2 + ("stepModule", "params"), "{{stepId:3}}"), "steps[1][1].stepModule.params", "itself"),
    "cycle-via-dependsOn": (
        _seq(_set(S1 + ("dependsOn",), ["3"]), _set(S2 + ("dependsOn",), ["2"])),
        "steps[1][0].dependsOn[0]",
        'dependency cycle inside stage steps[1]: "2" waits for "3", which waits for "2"',
    ),
    "cycle-via-reference-and-dependsOn": (
        _seq(_set(S1 + ("stepModule", "params"), "x {{stepId:3}}"), _set(S2 + ("dependsOn",), ["2"])),
        "steps[1][0].stepModule.params",
        "dependency cycle",
    ),
    "reference-to-later-stage": (
        _set(("steps", 0, "stepModule", "params"), "{{stepId:4}}"),
        "steps[0].stepModule.params",
        "later stage (steps[2])",
    ),
    "dependsOn-later-stage": (_set(S1 + ("dependsOn",), ["4"]), "steps[1][0].dependsOn[0]", "later stage"),
    "bad-module-name": (_set(("steps", 2, "stepModule", "cmd"), "cowsay"), "steps[2].stepModule.cmd", "name:version"),
    "retries-too-large": (_set(S1 + ("retries",), 256), "steps[1][0].retries", "from 0 to 255"),
    "retries-negative": (_set(S1 + ("retries",), -1), "steps[1][0].retries", "from 0 to 255"),
    "retries-not-integer": (_set(S1 + ("retries",), 1.5), "steps[1][0].retries", "must be an integer"),
    "timeout-too-large": (_set(S1 + ("timeout",), 2**32), "steps[1][0].timeout", "from 0 to 4294967295"),
    "missing-cost": (_del(S1 + ("stepModule", "cost")), "steps[1][0].stepModule", "missing required property 'cost'"),
    "missing-stepId": (_del(("steps", 0, "stepId")), "steps[0]", "missing required property 'stepId'"),
    "missing-version": (_del(("version",)), "$", "missing required property 'version'"),
    "unknown-property": (_set(S1 + ("dependson",), ["1"]), "steps[1][0].dependson", "did you mean 'dependsOn'?"),
    "empty-steps": (_set(("steps",), []), "steps", "at least one step"),
    "empty-group": (_set(("steps", 1), []), "steps[1]", "empty parallel group"),
    "nested-group": (_set(("steps", 1, 1), [{}]), "steps[1][1]", "groups do not nest"),
    "stage-not-a-step": (_set(("steps", 1), "x"), "steps[1]", "a stage is a step"),
    "bad-stepId": (_set(("steps", 0, "stepId"), "a b"), "steps[0].stepId", "letters, digits"),
    "unterminated-reference": (
        _set(("steps", 2, "stepModule", "params"), "abc {{stepId:2"),
        "steps[2].stepModule.params",
        "unterminated reference: '{{stepId:' must be followed by a stepId and '}}' at character 4",
    ),
    "duplicate-dependsOn": (_set(S1 + ("dependsOn",), ["1", "1"]), "steps[1][0].dependsOn", "more than once"),
    "bad-output-media-type": (
        _set(S1 + ("outputs",), [{"name": "o", "mediaType": "png"}]),
        "steps[1][0].outputs[0].mediaType",
        "type/subtype",
    ),
    "bad-output-schema": (
        _set(S1 + ("outputs",), [{"name": "o", "mediaType": "a/b", "schema": {"type": "nope"}}]),
        "steps[1][0].outputs[0].schema",
        "not a valid JSON Schema",
    ),
    "cost-trailing-newline": (_set(S1 + ("stepModule", "cost"), "5\n"), "steps[1][0].stepModule.cost", "decimal string"),
    "stepId-trailing-newline": (_set(S1 + ("stepId",), "2\n"), "steps[1][0].stepId", "letters, digits"),
    "module-trailing-newline": (_set(S1 + ("stepModule", "cmd"), "a:b\n"), "steps[1][0].stepModule.cmd", "name:version"),
    "metadata-not-object": (_set(("metadata",), []), "metadata", "must be an object"),
    # Valid JSON, but more than one step may hold on chain (the contract's StepTooLarge).
    "params-too-large-on-chain": (_set(S1 + ("stepModule", "params"), "x" * 30_000),
                                  "steps[1][0].stepModule.params", "a step holds at most 24,575"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_spec(name):
    mutate, path, fragment = BAD[name]
    doc = copy.deepcopy(reference())
    mutate(doc)
    issues = validate_spec(doc)
    assert issues, "expected the spec to be invalid"
    assert all(isinstance(i, SpecIssue) for i in issues)
    matching = [i for i in issues if i.path == path]
    assert matching, f"no issue at {path}: {issues}"
    assert any(fragment in i.message for i in matching), matching
    with pytest.raises(SpecError) as exc:
        compile_spec(doc)
    assert exc.value.issues == issues
    assert path in str(exc.value)


def test_multiple_errors_reported_together():
    doc = reference()
    doc["steps"][0]["stepModule"]["cost"] = "0"
    doc["steps"][1][1]["stepId"] = "2"
    doc["steps"][2]["stepModule"]["params"] = "{{stepId:9}}"
    doc["steps"][2]["retries"] = 999
    doc["steps"][2]["stepModule"]["cmd"] = "bad"
    issues = validate_spec(doc)
    assert [i.path for i in issues] == [
        "steps[0].stepModule.cost",
        "steps[1][1].stepId",
        "steps[2].retries",
        "steps[2].stepModule.cmd",
        "steps[2].stepModule.params",
    ]
    with pytest.raises(SpecError) as exc:
        compile_spec(doc)
    assert len(exc.value.issues) == 5
    assert "5 problems" in str(exc.value)


def test_every_message_says_what_to_do():
    doc = reference()
    doc["steps"][0]["stepModule"]["cost"] = "0"
    doc["steps"][1][0]["dependsOn"] = ["3"]
    doc["steps"][1][1]["dependsOn"] = ["2", "x"]
    for issue in validate_spec(doc):
        assert ":" in issue.message, issue


def test_not_json_reports_line_and_column(tmp_path):
    bad = tmp_path / "bad.thops.json"
    bad.write_text('{\n  "version": "1",\n  "steps": [\n    {"stepId": "a",}\n  ]\n}\n')
    with pytest.raises(SpecError) as exc:
        load_spec(bad)
    [issue] = exc.value.issues
    assert issue.path == "$"
    assert "not valid JSON" in issue.message
    assert "line 4, column 20" in issue.message
    assert exc.value.source == str(bad)
    with pytest.raises(SpecError):
        load_and_compile(bad)


def test_unreadable_file(tmp_path):
    with pytest.raises(SpecError) as exc:
        load_spec(tmp_path / "missing.json")
    assert exc.value.issues[0].path == "$" and "cannot read" in exc.value.issues[0].message
    notutf8 = tmp_path / "x.json"
    notutf8.write_bytes(b'{"version": "\xff"}')
    with pytest.raises(SpecError, match="not UTF-8"):
        load_spec(notutf8)


def test_not_an_object():
    [issue] = validate_spec([1, 2])
    assert issue.path == "$" and "JSON object" in issue.message


def test_integral_float_retries_are_accepted():
    doc = reference()
    doc["steps"][0]["retries"] = 2.0
    wf = compile_spec(doc)
    assert wf.steps[0].retries == 2 and isinstance(wf.steps[0].retries, int)


def test_package_root_is_lazy():
    import tiny_hops

    assert tiny_hops.load_and_compile is load_and_compile
    with pytest.raises(AttributeError):
        tiny_hops.nope  # noqa: B018


def test_more_steps_than_the_contract_takes():
    step = reference()["steps"][0]
    doc = {"version": "1", "steps": [dict(step, stepId=f"s{i}") for i in range(MAX_STEPS + 1)]}
    issues = validate_spec(doc)
    assert [(i.path, "at most 1024 steps" in i.message) for i in issues] == [("steps", True)]
