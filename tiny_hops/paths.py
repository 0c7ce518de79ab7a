"""Where tiny-hops keeps its files: `$THOPS_HOME` (default `~/.tiny-hops`) holds the content store,
the deployments file, the node's state, and the persistent chain's state and pid files."""
from __future__ import annotations

import os
from pathlib import Path

#: The repository root (the ape project that holds the contracts), for an editable install.
PROJECT_ROOT = Path(os.environ.get("THOPS_PROJECT", Path(__file__).resolve().parent.parent))


def home() -> Path:
    value = os.environ.get("THOPS_HOME")
    return Path(value).expanduser() if value else Path.home() / ".tiny-hops"


def deployments_file() -> Path:
    return Path(os.environ.get("THOPS_DEPLOYMENTS") or home() / "deployments.json")
