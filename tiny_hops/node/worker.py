"""Runs one job's module in a child process, so the node can kill it when it overruns.

Protocol: the node writes one JSON object `{"module", "params", "store"}` to the child's stdin;
the child runs the module, puts its output in the store and writes one JSON line to stdout:
`{"ok": true, "cid": ..., "size": ..., "seconds": ...}` or
`{"ok": false, "reason": ..., "seconds": ...}`. Anything the module prints goes to stderr.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JobOutcome", "run_in_subprocess", "run_inline"]

MAX_REASON = 240
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class JobOutcome:
    """What running one job produced: a CID (ok) or a failure reason."""

    ok: bool
    cid: str | None
    reason: str | None
    module_seconds: float  # the module itself, measured inside the worker
    run_seconds: float  # wall clock of the whole run, process start-up included
    size: int = 0

    def to_json(self) -> dict:
        return {"ok": self.ok, "cid": self.cid, "reason": self.reason,
                "module_seconds": self.module_seconds, "run_seconds": self.run_seconds, "size": self.size}

    @classmethod
    def from_json(cls, d: dict) -> "JobOutcome":
        return cls(bool(d["ok"]), d.get("cid"), d.get("reason"), float(d.get("module_seconds", 0.0)),
                   float(d.get("run_seconds", 0.0)), int(d.get("size", 0)))


def _short(reason: str) -> str:
    reason = " ".join(str(reason).split())
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 3] + "..."


def _execute(module: str, params: str, store_root: str) -> dict:
    from tiny_hops.node.modules import ModuleError, run_module
    from tiny_hops.store import ContentStore

    store = ContentStore(store_root)
    start = time.perf_counter()
    try:
        output = run_module(module, params, store)
    except ModuleError as exc:
        return {"ok": False, "reason": _short(exc.reason), "seconds": time.perf_counter() - start}
    except Exception as exc:  # a module bug: still a clean failure for the job
        return {"ok": False, "reason": _short(f"module {module} crashed: {type(exc).__name__}: {exc}"),
                "seconds": time.perf_counter() - start}
    seconds = time.perf_counter() - start
    cid = store.put(output)
    return {"ok": True, "cid": cid, "size": len(output), "seconds": seconds}


def run_inline(module: str, params: str, store_root: str | os.PathLike) -> JobOutcome:
    """Runs the module in this process (no time limit). For tools and tests."""
    start = time.perf_counter()
    r = _execute(module, params, str(store_root))
    return JobOutcome(r["ok"], r.get("cid"), r.get("reason"), r["seconds"], time.perf_counter() - start,
                      r.get("size", 0))


def run_in_subprocess(module: str, params: str, store_root: str | os.PathLike, timeout: float) -> JobOutcome:
    """Runs the module in a fresh Python process, killed after `timeout` seconds."""
    request = json.dumps({"module": module, "params": params, "store": str(store_root)})
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_PARENT, env.get("PYTHONPATH")) if p)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tiny_hops.node.worker"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, start_new_session=True,
    )
    try:
        out, err = proc.communicate(request.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        elapsed = time.perf_counter() - start
        return JobOutcome(False, None, f"timed out after {timeout:g} s", elapsed, elapsed)
    elapsed = time.perf_counter() - start
    try:
        r = json.loads(out.decode("utf-8").strip().splitlines()[-1])
    except (IndexError, ValueError, UnicodeDecodeError):
        tail = err.decode("utf-8", "replace").strip().splitlines()
        detail = tail[-1] if tail else f"exit status {proc.returncode}"
        return JobOutcome(False, None, _short(f"module {module} crashed: {detail}"), elapsed, elapsed)
    return JobOutcome(bool(r["ok"]), r.get("cid"), r.get("reason"), float(r.get("seconds", elapsed)), elapsed,
                      int(r.get("size", 0)))


def _main() -> int:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # keep module prints off the result channel
    try:
        result = _execute(request["module"], request["params"], request["store"])
    finally:
        sys.stdout = real_stdout
    real_stdout.write(json.dumps(result) + "\n")
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
