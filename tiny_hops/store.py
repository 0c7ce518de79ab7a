"""A content-addressed directory store: content is filed under the CID `ipfs add
--cid-version 1 --raw-leaves` gives it, and verified against that CID whenever it is read.

Layout: `<root>/<last two characters of the CID>/<CID>`, each file the whole content (not the
individual IPFS blocks). Writes go to a temporary file in the same directory, are fsynced and
renamed into place, so a reader never sees a partial file and a crash leaves no corrupt entry.
"""
from __future__ import annotations

import os
from pathlib import Path

from tiny_hops.atomic import write_bytes
from tiny_hops.cid import cid_of, parse_cid

from .paths import home as default_home

__all__ = ["ContentStore", "StoreError", "CorruptContent", "NotInStore", "default_home", "default_store_root"]


class StoreError(Exception):
    """Base class of the store's errors."""


class NotInStore(StoreError, KeyError):
    """The CID is not in the store."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "not in store"


class CorruptContent(StoreError):
    """The file stored under a CID does not hash to that CID."""


def default_store_root() -> Path:
    """`$THOPS_HOME/store`."""
    return default_home() / "store"


class ContentStore:
    """Content-addressed files under `root` (default `$THOPS_HOME/store`)."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root).expanduser() if root is not None else default_store_root()
        self.root.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"ContentStore({str(self.root)!r})"

    @staticmethod
    def _check_cid(cid: str) -> str:
        if not isinstance(cid, str):
            raise ValueError(f"not a CID: {cid!r}")
        cid = cid.strip()
        parse_cid(cid)  # raises ValueError
        if not cid.isalnum():  # never a path separator or '..' in a file name
            raise ValueError(f"not a CID: {cid!r}")
        return cid

    def path(self, cid: str) -> Path:
        """Where the content of `cid` is (or would be) stored."""
        cid = self._check_cid(cid)
        return self.root / cid[-2:] / cid

    def has(self, cid: str) -> bool:
        """True when content for `cid` is stored (it is not verified; `get` verifies)."""
        try:
            return self.path(cid).is_file()
        except ValueError:
            return False

    def put(self, data: bytes) -> str:
        """Stores `data` and returns its CID. Storing the same content again is a no-op."""
        if isinstance(data, str):
            raise TypeError("ContentStore.put takes bytes; encode text first")
        data = bytes(data)
        cid = cid_of(data)
        target = self.path(cid)
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return cid  # already stored intact (a damaged copy is rewritten below)
        except FileNotFoundError:
            pass
        write_bytes(target, data)
        return cid

    def put_text(self, text: str) -> str:
        """Stores `text` as UTF-8 and returns its CID."""
        return self.put(text.encode("utf-8"))

    def get(self, cid: str) -> bytes:
        """The content of `cid`; raises NotInStore, or CorruptContent if it does not hash to `cid`."""
        target = self.path(cid)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise NotInStore(f"{cid} is not in the store {self.root}") from None
        actual = cid_of(data)
        if actual != cid.strip():
            raise CorruptContent(f"content stored under {cid} hashes to {actual}")
        return data

    def get_text(self, cid: str) -> str:
        """The content of `cid` decoded as UTF-8 (invalid bytes replaced)."""
        return self.get(cid).decode("utf-8", errors="replace")

    def __contains__(self, cid: object) -> bool:
        return isinstance(cid, str) and self.has(cid)
