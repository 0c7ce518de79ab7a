"""IPFS content identifiers, computed exactly as `ipfs add --cid-version 1 --raw-leaves` does.

Content is split into fixed-size chunks (default 262144 bytes, kubo's `size-262144` chunker).
Each chunk is a *raw* block (CIDv1, codec 0x55, sha2-256). Content that fits in one chunk is
identified by that raw block alone (`bafkrei...`). Longer content gets a *balanced* tree of
dag-pb nodes (codec 0x70, `bafybei...`) with at most 174 links per node; every internal node
holds a UnixFS `Data` message (Type=File, filesize, one blocksize per child).

The dag-pb and UnixFS protobufs are encoded by hand here, in the canonical dag-pb form: the
`Links` (field 2) come before `Data` (field 1); each `PBLink` has `Hash` (1), `Name` (2, always
present, empty) and `Tsize` (3); UnixFS `Data` has `Type` (1), `filesize` (3) and the repeated,
non-packed `blocksizes` (4). See docs/node.md for the vectors this is checked against.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from multiformats import CID, multihash

__all__ = [
    "CHUNK_SIZE",
    "MAX_LINKS",
    "RAW",
    "DAG_PB",
    "Block",
    "Dag",
    "build_dag",
    "cid_of",
    "raw_cid",
    "parse_cid",
    "is_cid",
    "find_cids",
]

CHUNK_SIZE = 262_144
MAX_LINKS = 174
RAW = 0x55
DAG_PB = 0x70
_UNIXFS_FILE = 2


def _varint(n: int) -> bytes:
    if n < 0:
        raise ValueError("varint of a negative number")
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return _varint(field << 3 | wire_type)


def _len_delimited(field: int, payload: bytes) -> bytes:
    return _key(field, 2) + _varint(len(payload)) + payload


def _make_cid(codec: str, block: bytes) -> CID:
    return CID("base32", 1, codec, multihash.digest(block, "sha2-256"))


def raw_cid(data: bytes) -> str:
    """The CIDv1 (raw codec, sha2-256, base32) of `data` as one block: `bafkrei...`."""
    return str(_make_cid("raw", bytes(data)))


@dataclass(frozen=True)
class Block:
    """One block of a DAG: its CID string, codec and encoded bytes."""

    cid: str
    codec: int
    data: bytes


@dataclass(frozen=True)
class _Node:
    cid: CID
    file_size: int  # bytes of file content below this node
    tsize: int  # encoded bytes of this node and everything below it


@dataclass(frozen=True)
class Dag:
    """The result of importing content: its root CID and every block, root last."""

    root: str
    blocks: tuple[Block, ...]
    size: int


def _unixfs_file_data(file_size: int, block_sizes: list[int]) -> bytes:
    out = _key(1, 0) + _varint(_UNIXFS_FILE)
    out += _key(3, 0) + _varint(file_size)
    for size in block_sizes:
        out += _key(4, 0) + _varint(size)
    return out


def _dag_pb_node(children: list[_Node]) -> bytes:
    out = bytearray()
    for child in children:
        link = _len_delimited(1, bytes(child.cid))  # Hash
        link += _len_delimited(2, b"")  # Name: present and empty, as kubo writes it
        link += _key(3, 0) + _varint(child.tsize)  # Tsize
        out += _len_delimited(2, link)
    data = _unixfs_file_data(sum(c.file_size for c in children), [c.file_size for c in children])
    out += _len_delimited(1, data)
    return bytes(out)


def build_dag(data: bytes, chunk_size: int = CHUNK_SIZE, max_links: int = MAX_LINKS) -> Dag:
    """Import `data` as `ipfs add --cid-version 1 --raw-leaves --chunker=size-<chunk_size>` does.

    Returns the root CID and all blocks. `max_links` is the balanced layout's maximum number of
    children per node (174 in kubo and js-ipfs-unixfs-importer).
    """
    if chunk_size <= 0 or max_links < 2:
        raise ValueError("chunk_size must be positive and max_links at least 2")
    data = bytes(data)
    blocks: list[Block] = []
    level: list[_Node] = []
    view = memoryview(data)
    offsets = range(0, len(data), chunk_size) if data else [0]
    for start in offsets:
        chunk = bytes(view[start : start + chunk_size])
        cid = _make_cid("raw", chunk)
        blocks.append(Block(str(cid), RAW, chunk))
        level.append(_Node(cid, len(chunk), len(chunk)))
    # A single leaf is the file itself ("reduce single leaf to self").
    while len(level) > 1:
        parents: list[_Node] = []
        for i in range(0, len(level), max_links):
            children = level[i : i + max_links]
            encoded = _dag_pb_node(children)
            cid = _make_cid("dag-pb", encoded)
            blocks.append(Block(str(cid), DAG_PB, encoded))
            parents.append(
                _Node(cid, sum(c.file_size for c in children), len(encoded) + sum(c.tsize for c in children))
            )
        level = parents
    return Dag(str(level[0].cid), tuple(blocks), len(data))


def cid_of(data: bytes, chunk_size: int = CHUNK_SIZE) -> str:
    """The CID `ipfs add --cid-version 1 --raw-leaves` prints for `data` (base32 CIDv1)."""
    if len(data) <= chunk_size:
        return raw_cid(data)
    return build_dag(data, chunk_size).root


def parse_cid(text: str) -> CID:
    """Parses a CID string; raises ValueError if it is not a CID."""
    if not isinstance(text, str):
        raise ValueError(f"not a CID: {text!r}")
    try:
        return CID.decode(text.strip())
    except Exception as exc:  # multiformats raises several exception types
        raise ValueError(f"not a CID: {text!r} ({exc})") from None


def is_cid(text: str) -> bool:
    """True when `text` parses as a CID (any version, codec or base)."""
    try:
        parse_cid(text)
    except ValueError:
        return False
    return True


def find_cids(text: str) -> list[str]:
    """The base32 CIDv1 strings (`baf...`) appearing as words in `text`, in order, deduplicated."""
    import re

    seen: list[str] = []
    for match in re.finditer(r"\bbaf[a-z2-7]{50,}\b", text):
        word = match.group(0)
        if word not in seen and is_cid(word):
            seen.append(word)
    return seen


def sha256_hex(data: bytes) -> str:
    """Hex sha2-256 of `data` (handy in logs)."""
    return hashlib.sha256(data).hexdigest()
