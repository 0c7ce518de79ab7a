"""The compiled contracts of this repository, wherever the command runs from."""
from __future__ import annotations

from functools import lru_cache

from .paths import PROJECT_ROOT


@lru_cache(maxsize=1)
def project():
    """The ape project holding contracts/ (compiled on first use if needed)."""
    from ape import Project

    return Project(PROJECT_ROOT)


def tinyhops_at(address: str):
    return project().TinyHops.at(address)


def lilypad_at(address: str):
    """The Lilypad contract, typed as LocalModicum (a superset of Lilypad v1's client interface)."""
    return project().LocalModicum.at(address)
