"""The node's persistent state: a small JSON file, rewritten atomically after every change.

```json
{
  "version": 1,
  "chain_id": 31338,
  "modicum": "0x...",
  "next_block": 120,                 // the first block not yet scanned for JobCreated
  "seen": {"7": {...}},              // jobs picked up but not posted yet (run again after a crash)
  "posted": [1, 2, 3],               // jobs whose result or failure this node has seen recorded
  "abandoned": {"5": "reason"},      // jobs the node gave up posting (the post kept reverting)
  "advance_pending": [2]             // workflows to check for ready steps at the next poll
}
```
A job moves from `seen` to `posted` only after its post is mined (or `getJob(jobId).done` shows
it was already recorded), and `seen` is written before any module runs, so a crash between the two
re-runs the job instead of losing it, and the `done` check stops it from being posted twice.
"""
from __future__ import annotations

from tiny_hops.atomic import write_json

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["NodeState", "atomic_write_json"]

STATE_VERSION = 1


def atomic_write_json(path: Path, value) -> None:
    """Writes `value` as JSON to `path` through a temporary file, fsync and rename."""
    write_json(path, value, indent=1)


@dataclass
class NodeState:
    path: Path | None
    chain_id: int | None = None
    modicum: str | None = None
    next_block: int = 0
    seen: dict[int, dict] = field(default_factory=dict)
    posted: set[int] = field(default_factory=set)
    abandoned: dict[int, str] = field(default_factory=dict)
    advance_pending: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, path: str | os.PathLike | None) -> "NodeState":
        """Reads the state file; a missing file gives a fresh state. `None` keeps state in memory."""
        if path is None:
            return cls(None)
        p = Path(path).expanduser()
        if not p.exists():
            return cls(p)
        with open(p, encoding="utf-8") as fh:
            raw = json.load(fh)
        if raw.get("version") != STATE_VERSION:
            raise ValueError(f"{p}: unsupported node state version {raw.get('version')!r}")
        return cls(
            p,
            chain_id=raw.get("chain_id"),
            modicum=raw.get("modicum"),
            next_block=int(raw.get("next_block", 0)),
            seen={int(k): v for k, v in raw.get("seen", {}).items()},
            posted={int(j) for j in raw.get("posted", [])},
            abandoned={int(k): str(v) for k, v in raw.get("abandoned", {}).items()},
            advance_pending={int(w) for w in raw.get("advance_pending", [])},
        )

    def to_json(self) -> dict:
        return {
            "version": STATE_VERSION,
            "chain_id": self.chain_id,
            "modicum": self.modicum,
            "next_block": self.next_block,
            "seen": {str(k): v for k, v in sorted(self.seen.items())},
            "posted": sorted(self.posted),
            "abandoned": {str(k): v for k, v in sorted(self.abandoned.items())},
            "advance_pending": sorted(self.advance_pending),
        }

    def save(self) -> None:
        if self.path is not None:
            atomic_write_json(self.path, self.to_json())

    def reset(self, chain_id: int | None, modicum: str | None, start_block: int) -> None:
        """Forgets everything (another chain or another Modicum contract)."""
        self.chain_id, self.modicum, self.next_block = chain_id, modicum, start_block
        self.seen, self.posted, self.abandoned, self.advance_pending = {}, set(), {}, set()

    def is_handled(self, job_id: int) -> bool:
        return job_id in self.posted or job_id in self.abandoned
