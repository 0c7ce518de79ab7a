"""Wall-clock figures for the local stack (reported, never asserted: these machines are shared).

- launch to completion of the reference example and of a 16-step chain, on a fresh local chain with
  the local node polling continuously (each job in its own process, as `tiny-hops node` runs it);
- the node's overhead per step: from seeing a job's event to its result posted, minus the module;
- the time of `tiny-hops --help` and `tiny-hops validate` (commands that must not import ape).
Run with `make bench`.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "spec" / "reference-example.thops.json"


def chain_spec(n: int) -> dict:
    steps = [{"stepId": "s0", "stepModule": {"cmd": "text_transform:v0.0.1",
                                              "params": '{"op": "upper", "text": "hop"}', "cost": "0.01"}}]
    for i in range(1, n):
        steps.append({"stepId": f"s{i}", "stepModule": {
            "cmd": "text_transform:v0.0.1",
            "params": '{"op": "reverse", "inputs": ["{{stepId:s%d}}"]}' % (i - 1), "cost": "0.01"}})
    return {"version": "v0.0.1", "name": f"chain of {n}", "steps": steps}


def cli_timings(runs: int = 5) -> dict:
    exe = str(Path(sys.executable).parent / "tiny-hops")
    out = {}
    for name, args in (("tiny-hops --help", ["--help"]), ("tiny-hops validate", ["validate", str(REFERENCE)])):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([exe, *args], check=True, capture_output=True)
            times.append(time.perf_counter() - t)
        out[name] = statistics.median(times)
    return out


def run_stack() -> dict:
    from ape import accounts, networks

    from tiny_hops.client import TinyHopsClient
    from tiny_hops.deploy import NODE_ACCOUNT_INDEX, deploy
    from tiny_hops.network import quiet_ape
    from tiny_hops.node.runner import LocalNode
    from tiny_hops.spec import compile_spec, load_and_compile
    from tiny_hops.store import ContentStore

    quiet_ape()
    results = {}
    with networks.parse_network_choice("ethereum:local:foundry"):
        owner = accounts.test_accounts[0]
        dep = deploy(owner, log=lambda *_: None)
        client = TinyHopsClient.connect(owner, dep.TinyHops)
        store = ContentStore()
        node = LocalNode(client.lilypad(), accounts.test_accounts[NODE_ACCOUNT_INDEX], store,
                         tinyhops=client.contract, start_block=dep.block, isolation="process")
        stop = threading.Event()
        overheads: list[float] = []

        def poll():
            while not stop.is_set():
                overheads.extend(node.run_once().overheads)
                time.sleep(0.05)

        worker = threading.Thread(target=poll, daemon=True)
        worker.start()
        try:
            for name, workflow in (("reference example (4 steps, cowsay)", load_and_compile(REFERENCE)),
                                   ("16-step chain (text_transform)", compile_spec(chain_spec(16)))):
                before = len(overheads)
                t = time.perf_counter()
                wf, _ = client.launch(workflow, workflow.worst_case_cost)
                while not client.workflow(wf, with_steps=False).finished:
                    time.sleep(0.05)
                wall = time.perf_counter() - t
                status = client.workflow(wf, with_steps=False).status
                mine = overheads[before:]
                results[name] = {"status": status, "wall_s": wall, "steps": len(workflow.steps),
                                 "per_step_s": wall / len(workflow.steps),
                                 "node_overhead_median_s": statistics.median(mine) if mine else None,
                                 "node_overhead_max_s": max(mine) if mine else None}
        finally:
            stop.set()
            worker.join(timeout=30)
    return results


def main(out: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["THOPS_HOME"] = home
        stack = run_stack()
    cli = cli_timings()
    print(f"{'workflow':<40}{'status':>11}{'wall (s)':>10}{'per step':>10}{'node overhead median/max (s)':>32}")
    for name, r in stack.items():
        print(f"{name:<40}{r['status']:>11}{r['wall_s']:>10.2f}{r['per_step_s']:>10.2f}"
              f"{r['node_overhead_median_s']:>20.3f} / {r['node_overhead_max_s']:.3f}")
    for name, t in cli.items():
        print(f"{name:<40}{t:>21.3f} s (median of 5)")
    print(f"  [{'met' if all(r['node_overhead_median_s'] < 0.5 for r in stack.values()) else 'MISSED'}] "
          "node overhead under 0.5 s per step (median)")
    print(f"  [{'met' if all(t < 0.5 for t in cli.values()) else 'MISSED'}] offline commands under 0.5 s")
    if out:
        previous = json.loads(out.read_text()) if out.exists() else None
        current = {"stack": stack, "cli": cli}
        if previous:
            print("  ratio to the previous run:")
            for name, r in stack.items():
                if name in previous.get("stack", {}):
                    print(f"    {name:<40}{r['wall_s'] / previous['stack'][name]['wall_s']:.2f}x wall")
            for name, t in cli.items():
                if name in previous.get("cli", {}):
                    print(f"    {name:<40}{t / previous['cli'][name]:.2f}x")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(current, indent=2))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
