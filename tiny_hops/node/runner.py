"""The local Lilypad node: follows LocalModicum's `JobCreated` events, runs each job's module and
posts the result CID (or a failure) back, and nudges TinyHops workflows whose ready steps wait.

One poll cycle (`LocalNode.run_once`):
1. read `JobCreated` logs from the first unscanned block to the chain head (and TinyHops'
   `WorkflowStalled`/`Deposited` logs over the same blocks);
2. record the new jobs as *seen* and the scanned range in the state file (atomically);
3. for every seen job not yet recorded on chain (`getJob(jobId).done` is checked first), run the
   module in a child process with a time limit (`job_timeout`), several jobs in parallel;
4. store the output and post `postResult(jobId, cid)`, or `postFailure(jobId, reason)`; then move the
   job from *seen* to *posted* in the state file;
5. for each workflow touched (a handled job's `jobStep`, a `WorkflowStalled` or `Deposited` event
   not caused by this node's own `advance`), call `advance(workflowId)` once if `readyCount > 0`.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tiny_hops.node.state import NodeState
from tiny_hops.node.worker import JobOutcome, run_in_subprocess, run_inline
from tiny_hops.store import ContentStore, default_home

__all__ = ["LocalNode", "JobReport", "PollReport", "main", "DEFAULT_JOB_TIMEOUT", "DEFAULT_POLL_INTERVAL"]

log = logging.getLogger("tiny_hops.node")

DEFAULT_JOB_TIMEOUT = 60.0
DEFAULT_POLL_INTERVAL = 2.0
LOG_CHUNK = 5_000  # blocks per eth_getLogs call


@dataclass
class JobReport:
    """What the node did with one job in one poll.

    `status`: "result" (a CID was posted), "failure" (a failure was posted), "already_done" (the job
    was recorded on chain before this node posted; nothing sent), "retry" (posting failed, the job
    stays seen and is posted at a later poll), "abandoned" (posting kept reverting; given up).
    Times are seconds: `module_seconds` is the module itself, `run_seconds` the whole child process,
    `total_seconds` from the moment the node saw the event to the post being mined, and
    `overhead_seconds = total_seconds - module_seconds`.
    """

    job_id: int
    module: str
    status: str
    cid: str | None = None
    reason: str | None = None
    tx: str | None = None
    module_seconds: float = 0.0
    run_seconds: float = 0.0
    total_seconds: float = 0.0
    overhead_seconds: float = 0.0
    workflow_id: int | None = None


@dataclass
class PollReport:
    """What one `run_once` did."""

    from_block: int
    to_block: int
    new_jobs: list[int] = field(default_factory=list)
    jobs: list[JobReport] = field(default_factory=list)
    advanced: dict[int, int] = field(default_factory=dict)  # workflow id -> readyCount when advanced
    checked_workflows: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def posted(self) -> list[JobReport]:
        return [j for j in self.jobs if j.status in ("result", "failure")]

    @property
    def overheads(self) -> list[float]:
        """Per posted job: seconds from seeing the event to the post mined, minus the module's time."""
        return [j.overhead_seconds for j in self.posted]


def _hex(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    text = str(value).lower()
    return text if text.startswith("0x") else "0x" + text


def _arg(log_entry, name: str):
    args = getattr(log_entry, "event_arguments", None)
    if isinstance(args, dict) and name in args:
        return args[name]
    return getattr(log_entry, name)


class LocalNode:
    """A Lilypad resource provider for LocalModicum, running jobs on this machine.

    Args:
        modicum: the LocalModicum contract instance (ape).
        account: the resource-provider account (ape); it must be registered with
            `setResourceProvider` and able to sign.
        store: the ContentStore outputs go to and inputs come from (or its root path).
        tinyhops: optionally the TinyHops contract instance, for `advance` of waiting workflows.
        state_file: JSON state path (None: in memory only, nothing survives a restart).
        job_timeout: seconds a module may run before it is killed and the job failed.
        max_workers: jobs run in parallel within one poll.
        start_block: the first block scanned when the state is fresh.
        provider: the ape provider (default: the connected one).
        isolation: "process" (each job in a child process, killed at the timeout) or "inline"
            (in this process, no time limit; for benchmarks of the chain overhead).
        max_post_attempts: polls at which a reverting post is retried before the job is abandoned.
    """

    def __init__(
        self,
        modicum,
        account,
        store: ContentStore | str | Path | None = None,
        *,
        tinyhops=None,
        state_file: str | Path | None = None,
        job_timeout: float = DEFAULT_JOB_TIMEOUT,
        max_workers: int = 4,
        start_block: int = 0,
        provider=None,
        isolation: str = "process",
        max_post_attempts: int = 5,
    ):
        if isolation not in ("process", "inline"):
            raise ValueError("isolation must be 'process' or 'inline'")
        self.modicum = modicum
        self.account = account
        self.store = store if isinstance(store, ContentStore) else ContentStore(store)
        self.tinyhops = tinyhops
        self.job_timeout = float(job_timeout)
        self.max_workers = max(1, int(max_workers))
        self.start_block = int(start_block)
        self.isolation = isolation
        self.max_post_attempts = max(1, int(max_post_attempts))
        if provider is None:
            from ape import chain

            provider = chain.provider
        self.provider = provider
        self._own_txs: deque[str] = deque(maxlen=1000)  # posts and advances sent by this node
        self._stalled_this_poll: set[int] = set()
        self.state = NodeState.load(state_file)
        chain_id = int(provider.chain_id)
        address = str(modicum.address)
        if self.state.modicum is None:
            self.state.reset(chain_id, address, self.start_block)
            self.state.save()
        elif self.state.modicum.lower() != address.lower() or self.state.chain_id != chain_id:
            log.warning("state file %s is for Modicum %s on chain %s; starting afresh for %s on chain %s",
                        self.state.path, self.state.modicum, self.state.chain_id, address, chain_id)
            self.state.reset(chain_id, address, self.start_block)
            self.state.save()

    # ------------------------------------------------------------------ chain reads

    def _head(self) -> int:
        return int(self.provider.get_block("latest").number)

    def _logs(self, contract, event_name: str, start: int, stop: int) -> list:
        event = getattr(contract, event_name, None)
        if event is None or start > stop:
            return []
        from ape.types import LogFilter

        out: list = []
        for lo in range(start, stop + 1, LOG_CHUNK):
            hi = min(stop, lo + LOG_CHUNK - 1)
            flt = LogFilter.from_event(event=event, addresses=[contract.address], start_block=lo, stop_block=hi)
            out.extend(self.provider.get_contract_logs(flt))
        return out

    def _job_done(self, job_id: int) -> bool:
        job = self.modicum.getJob(job_id)
        done = getattr(job, "done", None)
        if done is None:
            done = job[3]
        return bool(done)

    # ------------------------------------------------------------------ one poll

    def run_once(self) -> PollReport:
        """One poll cycle; returns what it did (see PollReport)."""
        state = self.state
        head = self._head()
        if state.next_block > head + 1:
            log.warning("chain head %d is behind the state's next block %d (chain reset?); starting afresh",
                        head, state.next_block)
            state.reset(state.chain_id, state.modicum, self.start_block)
        start = state.next_block
        report = PollReport(from_block=start, to_block=head)
        seen_at = time.perf_counter()

        for entry in self._logs(self.modicum, "JobCreated", start, head):
            job_id = int(_arg(entry, "jobId"))
            if state.is_handled(job_id) or job_id in state.seen:
                continue
            state.seen[job_id] = {
                "module": str(_arg(entry, "module")),
                "params": str(_arg(entry, "params")),
                "client": str(_arg(entry, "client")),
                "block": int(entry.block_number),
            }
            report.new_jobs.append(job_id)
        if self.tinyhops is not None:
            own = set(self._own_txs)
            for name in ("WorkflowStalled", "Deposited"):
                try:
                    entries = self._logs(self.tinyhops, name, start, head)
                except Exception as exc:  # an ABI without the event, or a log query failure
                    report.errors.append(f"{name} logs: {exc}")
                    continue
                for entry in entries:
                    if _hex(entry.transaction_hash) not in own:
                        state.advance_pending.add(int(_arg(entry, "workflowId")))
        state.next_block = head + 1
        state.save()  # the jobs are now seen: a crash from here on runs them again
        self._stalled_this_poll: set[int] = set()

        self._handle_jobs(report, seen_at)
        self._advance_workflows(report)
        return report

    def _handle_jobs(self, report: PollReport, seen_at: float) -> None:
        state = self.state
        to_run: list[int] = []
        to_post: list[tuple[int, JobOutcome]] = []
        fresh = set(report.new_jobs)
        for job_id in sorted(state.seen):
            entry = state.seen[job_id]
            # A job first seen in this poll cannot have been posted by us; one left from an earlier
            # poll or run may have been (a crash after the post): ask the chain before running it.
            # (If another provider posts a fresh job first, our post reverts and _post checks then.)
            try:
                done = False if job_id in fresh else self._job_done(job_id)
            except Exception as exc:
                report.errors.append(f"getJob({job_id}): {exc}")
                continue
            if done:
                self._mark_posted(job_id)
                report.jobs.append(JobReport(job_id, entry["module"], "already_done"))
                log.info("job %d %s: already recorded on chain, not posting", job_id, entry["module"])
                continue
            cached = entry.get("outcome")
            if cached and (not cached["ok"] or self.store.has(cached["cid"])):
                to_post.append((job_id, JobOutcome.from_json(cached)))
            else:
                to_run.append(job_id)

        for job_id, outcome in to_post:
            self._post(report, job_id, outcome, seen_at)
        if not to_run:
            return
        with ThreadPoolExecutor(max_workers=min(self.max_workers, len(to_run)),
                                thread_name_prefix="thops-job") as pool:
            futures = {pool.submit(self._execute, job_id, state.seen[job_id]): job_id for job_id in to_run}
            for future in as_completed(futures):
                job_id = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # the runner itself failed (not the module)
                    report.errors.append(f"job {job_id}: {exc}")
                    log.exception("job %d: could not run", job_id)
                    continue
                state.seen[job_id]["outcome"] = outcome.to_json()
                state.save()
                self._post(report, job_id, outcome, seen_at)

    def _execute(self, job_id: int, entry: dict) -> JobOutcome:
        if self.isolation == "inline":
            return run_inline(entry["module"], entry["params"], self.store.root)
        return run_in_subprocess(entry["module"], entry["params"], self.store.root, self.job_timeout)

    def _post(self, report: PollReport, job_id: int, outcome: JobOutcome, seen_at: float) -> None:
        from ape.exceptions import ContractLogicError

        state = self.state
        entry = state.seen[job_id]
        module = entry["module"]
        try:
            if outcome.ok:
                receipt = self.modicum.postResult(job_id, outcome.cid, sender=self.account)
            else:
                receipt = self.modicum.postFailure(job_id, outcome.reason or "failed", sender=self.account)
            if getattr(receipt, "failed", False):
                raise ContractLogicError(f"post of job {job_id} failed in transaction {receipt.txn_hash}")
        except Exception as exc:
            try:
                done = self._job_done(job_id)
            except Exception:
                done = False
            if done:  # someone (or an earlier attempt of ours) recorded it meanwhile
                self._mark_posted(job_id)
                report.jobs.append(JobReport(job_id, module, "already_done"))
                log.info("job %d %s: recorded on chain meanwhile, not posting", job_id, module)
                return
            if isinstance(exc, ContractLogicError):
                attempts = int(entry.get("post_attempts", 0)) + 1
                entry["post_attempts"] = attempts
                if attempts >= self.max_post_attempts:
                    del state.seen[job_id]
                    state.abandoned[job_id] = f"post reverted {attempts} times: {exc}"[:300]
                    state.save()
                    report.jobs.append(JobReport(job_id, module, "abandoned", outcome.cid, str(exc)))
                    log.error("job %d %s: post reverted %d times, giving up: %s", job_id, module, attempts, exc)
                    return
            state.save()
            report.jobs.append(JobReport(job_id, module, "retry", outcome.cid, str(exc)))
            report.errors.append(f"post job {job_id}: {exc}")
            log.warning("job %d %s: post failed, will retry: %s", job_id, module, exc)
            return

        total = time.perf_counter() - seen_at
        wf = None
        if self.tinyhops is not None and entry.get("client", "").lower() == str(self.tinyhops.address).lower():
            try:
                wf = int(self.tinyhops.jobStep(job_id)[0]) or None
            except Exception as exc:
                report.errors.append(f"jobStep({job_id}): {exc}")
            if wf:
                state.advance_pending.add(wf)
                # A stall inside this post means the callback tried to launch and the balance was
                # short; only a deposit can change that, so no advance this poll (a later Deposited
                # event brings the workflow back).
                if self._stalled_in(receipt, wf):
                    self._stalled_this_poll.add(wf)
        self._own_txs.append(_hex(getattr(receipt, "txn_hash", None)))
        self._mark_posted(job_id)
        job = JobReport(
            job_id, module, "result" if outcome.ok else "failure", outcome.cid, outcome.reason,
            _hex(getattr(receipt, "txn_hash", None)), outcome.module_seconds, outcome.run_seconds, total,
            total - outcome.module_seconds, wf,
        )
        report.jobs.append(job)
        if outcome.ok:
            log.info("job %d %s: result %s (%d bytes) in %.3f s: module %.3f s, overhead %.3f s",
                     job_id, module, outcome.cid, outcome.size, total, outcome.module_seconds, job.overhead_seconds)
        else:
            log.info("job %d %s: failure %r in %.3f s: module %.3f s, overhead %.3f s",
                     job_id, module, outcome.reason, total, outcome.module_seconds, job.overhead_seconds)

    def _stalled_in(self, receipt, workflow_id: int) -> bool:
        event = getattr(self.tinyhops, "WorkflowStalled", None)
        if event is None:
            return False
        try:
            return any(int(_arg(e, "workflowId")) == workflow_id for e in receipt.decode_logs(event))
        except Exception:
            return False

    def _mark_posted(self, job_id: int) -> None:
        self.state.seen.pop(job_id, None)
        self.state.posted.add(job_id)
        self.state.save()

    def _advance_workflows(self, report: PollReport) -> None:
        state = self.state
        if self.tinyhops is None or not state.advance_pending:
            state.advance_pending.clear()
            return
        for wf in sorted(state.advance_pending):
            if wf in self._stalled_this_poll:
                continue
            report.checked_workflows.append(wf)
            try:
                ready = int(self.tinyhops.readyCount(wf))
                if ready > 0:
                    receipt = self.tinyhops.advance(wf, sender=self.account)
                    self._own_txs.append(_hex(receipt.txn_hash))
                    report.advanced[wf] = ready
                    log.info("workflow %d: advance (%d ready steps) in %s", wf, ready, _hex(receipt.txn_hash))
            except Exception as exc:
                report.errors.append(f"advance({wf}): {exc}")
                log.warning("workflow %d: advance failed: %s", wf, exc)
        state.advance_pending.clear()
        state.save()

    # ------------------------------------------------------------------ loop

    def run_forever(self, poll_interval: float = DEFAULT_POLL_INTERVAL,
                    stop_event: threading.Event | None = None) -> None:
        """Polls every `poll_interval` seconds until `stop_event` is set. A failing poll (e.g. the
        chain is unreachable) is logged and retried at the next interval."""
        stop_event = stop_event or threading.Event()
        log.info("node for Modicum %s as %s, store %s, state %s, from block %d",
                 self.modicum.address, self.account.address, self.store.root, self.state.path,
                 self.state.next_block)
        while not stop_event.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("poll failed; retrying in %.1f s", poll_interval)
            stop_event.wait(poll_interval)


def _contract_at(address: str, names: tuple[str, ...], project=None):
    from ape import chain

    if project is None:
        from ape import project as ape_project

        project = ape_project
    for name in names:
        try:
            container = getattr(project, name)
        except Exception:
            continue
        return container.at(address)
    return chain.contracts.instance_at(address)


def main(
    modicum_address: str,
    account,
    *,
    tinyhops_address: str | None = None,
    store_root: str | Path | None = None,
    state_file: str | Path | None = None,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
    job_timeout: float = DEFAULT_JOB_TIMEOUT,
    max_workers: int = 4,
    start_block: int = 0,
    once: bool = False,
    stop_event: threading.Event | None = None,
    project=None,
) -> int:
    """Runs the node on the network ape is connected to (the caller connects, e.g. with
    `networks.parse_network_choice(...)`). `account` is an ape account able to sign (a test account,
    or a keyfile account with autosign enabled). The state file defaults to
    `$THOPS_HOME/node-state.json`, the store to `$THOPS_HOME/store`. With `once`, one poll and
    return. Returns 0; Ctrl-C stops the loop cleanly."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    modicum = _contract_at(modicum_address, ("LocalModicum",), project)
    tinyhops = _contract_at(tinyhops_address, ("TinyHops", "ITinyHops"), project) if tinyhops_address else None
    node = LocalNode(
        modicum, account, ContentStore(store_root), tinyhops=tinyhops,
        state_file=state_file if state_file is not None else default_home() / "node-state.json",
        job_timeout=job_timeout, max_workers=max_workers, start_block=start_block,
    )
    if once:
        node.run_once()
        return 0
    try:
        node.run_forever(poll_interval, stop_event)
    except KeyboardInterrupt:
        log.info("node stopped")
    return 0
