"""The offline commands: generate-template and validate (click's CliRunner), and import hygiene."""
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tiny_hops.cli import main
from tiny_hops.spec import load_and_compile, validate_spec

REFERENCE = Path(__file__).parent / "reference-example.thops.json"


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_lists_commands():
    result = run("--help")
    assert result.exit_code == 0
    assert "generate-template" in result.output and "validate" in result.output


def test_generate_template_writes_a_valid_self_describing_sample(tmp_path):
    out = tmp_path / "wf.thops.json"
    result = run("generate-template", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    doc = json.loads(out.read_text())
    assert validate_spec(doc) == []
    assert doc["description"] and all(
        s.get("stepDesc") for stage in doc["steps"] for s in (stage if isinstance(stage, list) else [stage])
    )
    wf = load_and_compile(out)
    assert wf.stage_count == 3
    # And `validate` agrees.
    assert run("validate", str(out)).exit_code == 0


def test_generate_template_refuses_to_overwrite(tmp_path):
    out = tmp_path / "wf.thops.json"
    out.write_text("keep me")
    result = run("generate-template", "-o", str(out))
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert out.read_text() == "keep me"
    result = run("generate-template", "-o", str(out), "--force")
    assert result.exit_code == 0
    assert validate_spec(json.loads(out.read_text())) == []


def test_generate_template_default_name_and_stdout(tmp_path):
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path):
        result = runner.invoke(main, ["generate-template"])
        assert result.exit_code == 0, result.output
        assert validate_spec(json.loads(Path("sample.thops.json").read_text())) == []
    result = run("generate-template", "-o", "-")
    assert result.exit_code == 0
    assert validate_spec(json.loads(result.output)) == []


def test_generate_template_schema_reference_inside_project():
    project = Path(__file__).resolve().parents[2]
    runner = CliRunner()
    result = runner.invoke(main, ["generate-template", "-o", str(project / "tests" / "spec" / "_tmp.thops.json")])
    try:
        assert result.exit_code == 0, result.output
        doc = json.loads((project / "tests" / "spec" / "_tmp.thops.json").read_text())
        assert doc["$schema"] == "../../schemas/thops.schema.json"
    finally:
        (project / "tests" / "spec" / "_tmp.thops.json").unlink(missing_ok=True)


def test_validate_summary():
    result = run("validate", str(REFERENCE))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "valid, 3 stages, 4 steps" in out
    assert "cowsay:v0.0.1" in out
    assert "[1, 2]" in out and "[0]" in out
    assert "worst-case cost: 20 ETH (20000000000000000000 wei)" in out
    assert "most expensive path: 15 ETH (15000000000000000000 wei) via 1 -> 2 -> 4" in out


def test_validate_json():
    result = run("validate", str(REFERENCE), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["valid"] is True and data["stages"] == 3
    assert [s["deps"] for s in data["steps"]] == [[], [0], [0], [1, 2]]
    assert [s["stepId"] for s in data["steps"]] == ["1", "2", "3", "4"]
    assert data["steps"][1]["paramsHex"].endswith("010000")
    assert data["steps"][0]["cost"] == "5" and data["steps"][0]["costWei"] == 5 * 10**18
    assert data["worstCaseCostWei"] == 20 * 10**18 and data["criticalPathCost"] == "15"
    assert data["criticalPath"] == ["1", "2", "4"]


def _bad_spec(tmp_path):
    doc = json.loads(REFERENCE.read_text())
    doc["steps"][0]["stepModule"]["cost"] = "0"
    doc["steps"][2]["stepModule"]["params"] = "{{stepId:nope}}"
    path = tmp_path / "bad.thops.json"
    path.write_text(json.dumps(doc))
    return path


def test_validate_reports_every_error(tmp_path):
    result = run("validate", str(_bad_spec(tmp_path)))
    assert result.exit_code == 1
    assert "2 problems" in result.output
    assert "steps[0].stepModule.cost: cost must be greater than zero" in result.output
    assert "steps[2].stepModule.params: the reference {{stepId:nope}} names no step" in result.output


def test_validate_errors_as_json(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(_bad_spec(tmp_path)), "--json"])
    assert result.exit_code == 1
    # Errors go to stdout as JSON with --json (stderr may be mixed into output by CliRunner; it is empty here).
    data = json.loads(result.output)
    assert data["valid"] is False
    assert [e["path"] for e in data["errors"]] == ["steps[0].stepModule.cost", "steps[2].stepModule.params"]


def test_validate_not_json(tmp_path):
    path = tmp_path / "x.thops.json"
    path.write_text('{"version": "1",\n "steps": [}\n')
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert "$: not valid JSON" in result.output and "line 2, column 12" in result.output


def test_validate_usage_errors_exit_2(tmp_path):
    assert run("validate").exit_code == 2
    assert run("validate", str(tmp_path / "missing.json")).exit_code == 2
    assert run("validate", str(REFERENCE), "--nope").exit_code == 2
    assert run("no-such-command").exit_code == 2


def _fresh_python(code):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_cli_does_not_import_ape_or_web3():
    out = _fresh_python(
        "import sys\n"
        "import tiny_hops.cli\n"
        "heavy = [m for m in ('ape', 'web3', 'jsonschema', 'rich') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "print('ok')\n"
    )
    assert out.strip() == "ok"


def test_validate_and_generate_do_not_import_ape_or_web3(tmp_path):
    out = _fresh_python(
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tiny_hops.cli import main\n"
        f"r = CliRunner().invoke(main, ['validate', {str(REFERENCE)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        f"r = CliRunner().invoke(main, ['generate-template', '-o', {str(tmp_path / 's.json')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = [m for m in ('ape', 'web3', 'eth_ape') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "print('ok')\n"
    )
    assert out.strip() == "ok"


def test_help_is_fast_and_light():
    out = _fresh_python(
        "import sys\n"
        "from tiny_hops.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0\n"
        "assert 'jsonschema' not in sys.modules and 'rich' not in sys.modules\n"
    )
    assert "Commands:" in out


def test_package_root_imports_nothing_heavy():
    out = _fresh_python("import sys, tiny_hops\nprint(sorted(m for m in sys.modules if m.startswith('tiny_hops')))")
    assert out.strip() == "['tiny_hops']"
