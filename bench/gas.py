"""Gas figures for TinyHops, measured against BenchLilypad (a backend that only hands out job ids),
so that the numbers are TinyHops's own. Run with `make bench`.

Workloads: the reference example (1 -> {2, 3} -> 4), linear chains of 8, 32 and 64 steps, fan-outs of
8 and 32 steps from one root followed by one join step, and a 256-step chain created in one
transaction. Columns: create, start, callbacks (count, max, sum), advance (sum), total, per step.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ape import accounts, networks, project

CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"  # a real 59-char CIDv1
ROOT = Path(__file__).resolve().parent
BASELINE = ROOT / "baseline.json"


def lit(text: str) -> bytes:
    data = text.encode()
    return b"\x00" + len(data).to_bytes(2, "big") + data


def ref(i: int) -> bytes:
    return b"\x01" + i.to_bytes(2, "big")


def step(params: bytes, deps=()):
    return ("cowsay:v0.0.1", params, 10**18, list(deps), 0, 0)


def reference_example():
    return [
        step(lit("hello world")),
        step(lit("parallel job 0 hello parallel world ") + ref(0), [0]),
        step(lit("parallel job 1 hello parallel world ") + ref(0), [0]),
        step(lit("We got all the parallel ") + ref(1) + lit(", ") + ref(2) + lit(" worlds "), [1, 2]),
    ]


def chain(n: int):
    return [step(lit("hello world"))] + [step(lit("next ") + ref(i - 1), [i - 1]) for i in range(1, n)]


def fan_out(n: int):
    root = [step(lit("hello world"))]
    middle = [step(lit(f"branch {i} ") + ref(0), [0]) for i in range(n)]
    join = [step(lit("join"), list(range(1, n + 1)))]
    return root + middle + join


def run_workload(tinyhops, backend, sender, steps) -> dict:
    """Creates and starts the workflow, then delivers every launched job's result (in launch order)
    and calls `advance` whenever ready steps wait, until the workflow completes."""
    n = len(steps)
    create = tinyhops.createWorkflow(steps, "", sender=sender)
    wf = tinyhops.workflowCount()
    start = tinyhops.startWorkflow(wf, value=n, sender=sender)
    running = [e.jobId for e in start.events.filter(tinyhops.StepStarted)]
    callbacks: list[int] = []
    advances: list[int] = []
    while running or tinyhops.readyCount(wf) > 0:
        if running:
            tx = backend.deliver(tinyhops.address, running.pop(0), CID, sender=sender)
            callbacks.append(tx.gas_used)
        else:
            tx = tinyhops.advance(wf, sender=sender)
            advances.append(tx.gas_used)
        running += [e.jobId for e in tx.events.filter(tinyhops.StepStarted)]
    status = tinyhops.getWorkflow(wf).status
    if status != 4:  # Completed
        raise RuntimeError(f"workflow {wf} ended in status {status}")
    total = create.gas_used + start.gas_used + sum(callbacks) + sum(advances)
    return {
        "steps": n,
        "create": create.gas_used,
        "start": start.gas_used,
        "callbacks": len(callbacks),
        "callback_max": max(callbacks),
        "callback_sum": sum(callbacks),
        "advance_sum": sum(advances),
        "total": total,
        "per_step": total // n,
    }


def main(out: Path | None = None) -> dict:
    with networks.parse_network_choice("ethereum:local:foundry"):
        sender = accounts.test_accounts[0]
        backend = project.BenchLilypad.deploy(sender=sender)
        tinyhops = project.TinyHops.deploy(backend.address, sender=sender)
        # Steady state: a contract in use already has workflows, so the id counter's first write
        # (0 -> 1, 17,100 gas more than later ones) is paid by a warm-up workflow, not measured.
        tinyhops.createWorkflow(chain(1), "", sender=sender)
        workloads = {
            "reference-example": reference_example(),
            "chain-8": chain(8),
            "chain-32": chain(32),
            "chain-64": chain(64),
            "fan-out-8": fan_out(8),
            "fan-out-32": fan_out(32),
        }
        results = {name: run_workload(tinyhops, backend, sender, steps) for name, steps in workloads.items()}
        big = tinyhops.createWorkflow(chain(256), "", sender=sender)
        results["create-chain-256"] = {"steps": 256, "create": big.gas_used, "per_step": big.gas_used // 256}

    baseline = json.loads(BASELINE.read_text())
    header = f"{'workload':<18}{'create':>10}{'start':>9}{'cb n':>6}{'cb max':>10}{'cb sum':>11}{'advance':>10}{'total':>11}{'/step':>9}{'orig /step':>12}"
    print(header)
    for name, r in results.items():
        orig = baseline.get(name, {}).get("per_step")
        ratio = f"{orig:>9} ({r['per_step'] / orig:.2f}x)" if orig else ""
        if "total" in r:
            print(f"{name:<18}{r['create']:>10}{r['start']:>9}{r['callbacks']:>6}{r['callback_max']:>10}"
                  f"{r['callback_sum']:>11}{r['advance_sum']:>10}{r['total']:>11}{r['per_step']:>9}  {ratio}")
        else:
            print(f"{name:<18}{r['create']:>10}{'':>9}{'':>6}{'':>10}{'':>11}{'':>10}{r['create']:>11}{r['per_step']:>9}")
    c8, c64 = results["chain-8"]["per_step"], results["chain-64"]["per_step"]
    checks = {
        "reference example <= 220,000 gas per step": results["reference-example"]["per_step"] <= 220_000,
        "64-chain per step within 10% of 8-chain": abs(c64 - c8) <= 0.10 * c8,
        "no callback above 1,000,000 gas": max(r.get("callback_max", 0) for r in results.values()) <= 1_000_000,
        "256-step workflow created in one transaction": results["create-chain-256"]["create"] > 0,
    }
    for text, ok in checks.items():
        print(f"  [{'met' if ok else 'MISSED'}] {text}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        previous = json.loads(out.read_text()) if out.exists() else None
        if previous:
            print("  ratio to the previous run (total gas):")
            for name, r in results.items():
                key = "total" if "total" in r else "create"
                if name in previous and previous[name].get(key):
                    print(f"    {name:<18}{r[key] / previous[name][key]:.3f}x")
        out.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
