"""tiny-hops run / monitor / pause / resume / cancel / withdraw / deposit / advance / get / graph,
and the bad input each must refuse with a clear message, a non-zero exit and nothing sent."""
import json
from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parent.parent / "spec" / "reference-example.thops.json"
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample.thops.json"


def drive(node, monitor_json, wf, polls=20):
    for _ in range(polls):
        snap = monitor_json(wf)
        if snap["status"] in ("Completed", "Failed", "Cancelled"):
            return snap
        node.run_once()
    return monitor_json(wf)


def test_reference_example_runs_end_to_end(launch, node, monitor_json, cli):
    wf = launch(REFERENCE)
    snap = monitor_json(wf)
    assert snap["status"] == "Running"
    assert [s["status"] for s in snap["steps"]] == ["Running", "Pending", "Pending", "Pending"]
    assert snap["specURI"].startswith("ipfs://bafkrei")
    # names come from the spec fetched through specURI
    assert [s["stepId"] for s in snap["steps"]] == ["1", "2", "3", "4"]
    snap = drive(node, monitor_json, wf)
    assert snap["status"] == "Completed"
    assert snap["progress"] == {"completed": 4, "total": 4}
    cids = [s["resultCid"] for s in snap["steps"]]
    assert all(c.startswith("bafkrei") for c in cids)
    final = cli("get", cids[3], network=False)
    assert final.exit_code == 0
    assert "We got all the parallel" in final.output
    table = cli("monitor", str(wf))
    assert "Completed" in table.output and "4 of 4 steps done" in table.output


def test_sample_pipeline_fans_out_and_in(launch, node, monitor_json, cli, thops_home):
    put = cli("put", "--wasm-sample", "upper", network=False)
    assert put.exit_code == 0
    wf = launch(SAMPLE)
    snap = drive(node, monitor_json, wf)
    assert snap["status"] == "Completed", snap
    report = cli("get", snap["steps"][-1]["resultCid"], network=False).output
    assert "TINY HOPS CHAINS LILYPAD JOBS" in report and '"words": 20' in report and "(oo)" in report
    svg = thops_home / "graph.svg"
    result = cli("graph", "--workflow", str(wf), "-o", str(svg), "--mermaid")
    assert result.exit_code == 0 and "<svg" in svg.read_text()[:200]
    assert "class s0,s1,s2,s3,s4 completed" in result.output


def test_pause_resume_cancel_refund_withdraw(launch, node, monitor_json, cli, tinyhops):
    wf = launch(REFERENCE, "--deposit", "30")
    assert cli("pause", str(wf)).exit_code == 0
    node.run_once()  # step 1's result is recorded while paused, nothing new launches
    snap = monitor_json(wf)
    assert snap["status"] == "Paused"
    assert [s["status"] for s in snap["steps"]] == ["Completed", "Pending", "Pending", "Pending"]
    assert cli("resume", str(wf)).exit_code == 0
    assert [s["status"] for s in monitor_json(wf)["steps"]][1:3] == ["Running", "Running"]
    balance = tinyhops.getWorkflow(wf).balance
    result = cli("cancel", str(wf))
    assert result.exit_code == 0
    assert f"Refunded {balance / 10**18:g} ETH" in result.output
    assert monitor_json(wf)["status"] == "Cancelled" and tinyhops.getWorkflow(wf).balance == 0
    again = cli("withdraw", str(wf))
    assert again.exit_code == 1 and "nothing left to withdraw" in again.output


def test_stalled_workflow_continues_after_deposit_and_advance(launch, node, monitor_json, cli, deployment):
    # cowsay costs 1 ETH: 2 ETH runs step 1 and one of steps 2/3; the other waits.
    wf = launch(REFERENCE, "--deposit", "2", "--allow-partial")
    node.run_once()
    snap = monitor_json(wf)
    assert snap["readySteps"] == 1 and snap["balanceWei"] == 0
    assert cli("deposit", str(wf), "2").exit_code == 0
    result = cli("advance", str(wf))
    assert result.exit_code == 0 and "1 job(s) launched" in result.output
    assert drive(node, monitor_json, wf)["status"] == "Completed"


@pytest.fixture
def nothing_sent(accounts, chain):
    """Asserts the default account sent no transaction during the test."""
    me = accounts[0]
    before = me.nonce
    yield
    assert me.nonce == before, "a refused command sent a transaction"


def test_missing_spec_file(cli, nothing_sent):
    result = cli("run", "does-not-exist.thops.json")
    assert result.exit_code == 1 and "does-not-exist.thops.json" in result.output


def test_invalid_spec_reports_its_errors(cli, tmp_path, nothing_sent, deployment):
    bad = tmp_path / "bad.thops.json"
    bad.write_text(json.dumps({"version": "1", "steps": [{"stepId": "a", "stepModule": {
        "cmd": "cowsay", "params": "{{stepId:zz}}", "cost": "-1"}}]}))
    result = cli("run", str(bad))
    assert result.exit_code == 1
    assert "steps[0].stepModule.cost" in result.output and "steps[0].stepModule.cmd" in result.output


def test_unknown_workflow(cli, deployment, nothing_sent):
    for args in (["monitor", "999"], ["pause", "999"], ["cancel", "999"], ["advance", "999"]):
        result = cli(*args)
        assert result.exit_code == 1 and "workflow 999 does not exist" in result.output, result.output


def test_another_accounts_workflow(cli, launch, accounts):
    wf = launch(REFERENCE)
    stranger = accounts[3]
    before = stranger.nonce
    for action in ("pause", "cancel"):
        result = cli(action, str(wf), "--account", "TEST::3")
        assert result.exit_code == 1 and "only its owner can" in result.output
    assert stranger.nonce == before


def test_too_small_a_deposit(cli, deployment, nothing_sent):
    result = cli("run", str(REFERENCE), "--deposit", "0.5")
    assert result.exit_code == 1 and "below the 4 ETH needed" in result.output


def test_spec_whose_module_is_not_offered(cli, tmp_path, deployment, nothing_sent):
    spec = tmp_path / "fast.thops.json"
    spec.write_text(json.dumps({"version": "1", "steps": [{"stepId": "a", "stepModule": {
        "cmd": "nosuch:v1", "params": "x", "cost": "1"}}]}))
    result = cli("run", str(spec))
    assert result.exit_code == 1 and "module nosuch:v1 is not offered" in result.output


def test_no_deployment_on_this_chain(cli, tmp_path, monkeypatch, nothing_sent):
    monkeypatch.setenv("THOPS_HOME", str(tmp_path / "empty"))
    result = cli("run", str(REFERENCE))
    assert result.exit_code == 1 and "no TinyHops deployment for chain 31337" in result.output


def test_offline_commands(cli, tmp_path):
    out = tmp_path / "sample.thops.json"
    assert cli("generate-template", "-o", str(out), network=False).exit_code == 0
    assert cli("validate", str(out), network=False).exit_code == 0
    missing = cli("get", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", network=False)
    assert missing.exit_code == 1


def test_private_key_from_the_environment_signs_and_is_never_printed(cli, launch, accounts, monkeypatch, tinyhops):
    # anvil's well-known test key #4 (ape's test mnemonic): a funded account that is not the default
    key = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"
    monkeypatch.setenv("THOPS_PRIVATE_KEY", key)
    result = cli("run", str(REFERENCE))
    assert result.exit_code == 0, result.output
    wf = int(result.output.split("Your workflowId is : ")[1].split()[0])
    assert tinyhops.getWorkflow(wf).owner == accounts[4].address
    refused = cli("pause", str(wf), "--account", "TEST::0")
    assert refused.exit_code == 1
    assert key not in result.output and key[2:] not in result.output and key[2:] not in refused.output
    monkeypatch.setenv("THOPS_PRIVATE_KEY", "0x1234")
    bad = cli("pause", str(wf))
    assert bad.exit_code == 1 and "THOPS_PRIVATE_KEY is not a valid private key" in bad.output
    assert "0x1234" not in bad.output
