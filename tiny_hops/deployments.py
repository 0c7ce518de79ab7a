"""The deployments file: which TinyHops (and Lilypad) contract to use on each chain.

A JSON object keyed by chain id (as a string):
`{"31338": {"TinyHops": "0x..", "lilypad": "0x..", "LocalModicum": "0x.." | null,
"resourceProvider": "0x.." | null, "block": 12}}`. Written by `deploy`, read by every other command;
`--address` overrides it.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .atomic import write_json
from .paths import deployments_file


class DeploymentError(Exception):
    """No usable deployment for this chain."""


@dataclass
class Deployment:
    TinyHops: str
    lilypad: str
    LocalModicum: str | None = None
    resourceProvider: str | None = None
    block: int = 0


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise DeploymentError(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno})") from None


def load(chain_id: int, path: Path | None = None) -> Deployment:
    path = path or deployments_file()
    entry = _read(path).get(str(chain_id))
    if not entry:
        raise DeploymentError(
            f"no TinyHops deployment for chain {chain_id} in {path}: run `tiny-hops deploy` "
            "(or `ape run deploy`) on this network first, or pass --address"
        )
    return Deployment(**entry)


def save(chain_id: int, deployment: Deployment, path: Path | None = None) -> Path:
    path = path or deployments_file()
    data = _read(path)
    data[str(chain_id)] = asdict(deployment)
    write_json(path, data)
    return path
