"""The params template: text form (``{{stepId:ID}}`` references) and byte form.

The byte format is specified in docs/params-format.md and checked on chain by
``contracts/libraries/ParamsTemplate.sol``. Two segment kinds, each starting with a one-byte tag,
with big-endian ``uint16`` lengths and indices:

* ``00 LL LL <LL LL bytes>``: literal bytes (1..65535 of them), copied byte for byte;
* ``01 II II``: the result CID of step index ``IIII``.

Three representations are used here:

* text: the ``params`` string of a spec, e.g. ``"We got {{stepId:2}}!"``;
* text segments (:func:`parse_template`): a list of ``str`` literals and :class:`StepRef`
  (a reference by stepId);
* index segments (:func:`bind`, :func:`decode`): a list of ``str`` literals and :class:`Ref`
  (a reference by step index), which :func:`encode` turns into bytes.

:func:`resolve` (and :func:`resolve_bytes`) is the reference implementation of the contract's
resolution: the on-chain ``resolvedParams`` must return exactly what it returns.

This module only uses the standard library.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Sequence, Union

__all__ = [
    "LITERAL",
    "REFERENCE",
    "HEADER",
    "MAX_LITERAL",
    "MAX_INDEX",
    "STEP_ID_PATTERN",
    "TemplateError",
    "TemplateSyntaxError",
    "MalformedParams",
    "ReferenceNotADependency",
    "StepRef",
    "Ref",
    "parse_template",
    "format_template",
    "normalize",
    "bind",
    "encode",
    "encode_text",
    "decode_raw",
    "decode",
    "references",
    "check",
    "resolve_bytes",
    "resolve",
]

LITERAL = 0x00
REFERENCE = 0x01
HEADER = 3
MAX_LITERAL = 0xFFFF
MAX_INDEX = 0xFFFF

#: What a stepId may contain (also the pattern of the JSON schema's stepId).
STEP_ID_PATTERN = r"[A-Za-z0-9_.\-]+"
_STEP_ID_RE = re.compile(rf"\A{STEP_ID_PATTERN}\Z")
_REF_OPEN = "{{stepId:"
# A reference: "{{stepId:" then anything without braces, then "}}".
_REF_RE = re.compile(r"\{\{stepId:([^{}]*)\}\}")


# ---------------------------------------------------------------------------------------- errors


class TemplateError(ValueError):
    """Base class of every template error."""


class TemplateSyntaxError(TemplateError):
    """A text template is not well formed; ``position`` is the character index of the problem."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} (at character {position})")
        self.reason = message
        self.position = position


class MalformedParams(TemplateError):
    """A byte template cannot be decoded; ``offset`` is the start of the segment that failed.

    Mirrors the contract's ``MalformedParams(stepIndex, offset)``: the offset is always that of
    the tag byte of the segment that could not be decoded (unknown tag, truncated header,
    empty or truncated literal).
    """

    def __init__(self, offset: int, reason: str):
        super().__init__(f"malformed params template at byte {offset}: {reason}")
        self.offset = offset
        self.reason = reason


class ReferenceNotADependency(TemplateError):
    """A reference names a step index that is not among the step's deps (contract rule)."""

    def __init__(self, referenced: int, offset: int):
        super().__init__(
            f"the reference at byte {offset} names step index {referenced}, "
            "which is not one of the step's dependencies"
        )
        self.referenced = referenced
        self.offset = offset


# -------------------------------------------------------------------------------------- segments


@dataclass(frozen=True)
class StepRef:
    """A reference to a step's result by stepId (text form ``{{stepId:ID}}``)."""

    step_id: str

    def __str__(self) -> str:
        return f"{{{{stepId:{self.step_id}}}}}"


@dataclass(frozen=True)
class Ref:
    """A reference to a step's result by step index (byte form ``01 II II``)."""

    index: int

    def __post_init__(self) -> None:
        if not isinstance(self.index, int) or isinstance(self.index, bool):
            raise TypeError(f"a step index is an int, not {type(self.index).__name__}")
        if not 0 <= self.index <= MAX_INDEX:
            raise ValueError(f"step index {self.index} does not fit in a uint16 (0..{MAX_INDEX})")


TextSegment = Union[str, StepRef]
IndexSegment = Union[str, Ref]


# ------------------------------------------------------------------------------------ text form


def parse_template(text: str) -> list[TextSegment]:
    """Splits a params text into literals and :class:`StepRef` references, in order.

    The result is normalized: no empty literal, never two literals in a row. Every ``{`` and ``}``
    that is not part of a ``{{stepId:ID}}`` reference is literal text. A ``{{stepId:`` that is not
    closed by ``}}``, or whose ID is not a valid stepId, raises :class:`TemplateSyntaxError`
    (there is no escape for the literal text ``{{stepId:...}}``).
    """
    if not isinstance(text, str):
        raise TypeError(f"a params template is a str, not {type(text).__name__}")
    out: list[TextSegment] = []
    pos = 0
    while True:
        start = text.find(_REF_OPEN, pos)
        if start < 0:
            break
        m = _REF_RE.match(text, start)
        if m is None:
            raise TemplateSyntaxError(
                "unterminated reference: '{{stepId:' must be followed by a stepId and '}}'", start
            )
        step_id = m.group(1)
        if not _STEP_ID_RE.match(step_id):
            raise TemplateSyntaxError(
                f"invalid stepId {step_id!r} in reference {m.group(0)!r}: a stepId is made of "
                "letters, digits, '_', '.' and '-' (no spaces)",
                start,
            )
        if start > pos:
            out.append(text[pos:start])
        out.append(StepRef(step_id))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def format_template(segments: Iterable[TextSegment]) -> str:
    """The text form of text segments (the inverse of :func:`parse_template`)."""
    return "".join(str(s) if isinstance(s, StepRef) else s for s in segments)


def normalize(segments: Iterable) -> list:
    """Drops empty literals and joins adjacent literals (references are kept as they are)."""
    out: list = []
    for seg in segments:
        if isinstance(seg, str):
            if not seg:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + seg
                continue
        out.append(seg)
    return out


def bind(segments: Iterable[TextSegment], index_of: Mapping[str, int]) -> list[IndexSegment]:
    """Replaces every :class:`StepRef` by the :class:`Ref` of ``index_of[step_id]``."""
    out: list[IndexSegment] = []
    for seg in segments:
        if isinstance(seg, StepRef):
            if seg.step_id not in index_of:
                raise TemplateError(f"reference to unknown stepId {seg.step_id!r}")
            out.append(Ref(index_of[seg.step_id]))
        else:
            out.append(seg)
    return out


# ------------------------------------------------------------------------------------ byte form


def encode(segments: Iterable[IndexSegment]) -> bytes:
    """Encodes index segments to the byte format.

    Adjacent literals are joined, empty literals dropped, and a literal longer than 65535 UTF-8
    bytes is split into 65535-byte chunks (possibly inside a multi-byte character: the contract
    copies bytes, so the resolved text is unchanged). Every template therefore has exactly one
    encoding.
    """
    out = bytearray()
    for seg in normalize(segments):
        if isinstance(seg, Ref):
            out += bytes((REFERENCE,)) + seg.index.to_bytes(2, "big")
        elif isinstance(seg, str):
            raw = seg.encode("utf-8")
            for i in range(0, len(raw), MAX_LITERAL):
                chunk = raw[i : i + MAX_LITERAL]
                out += bytes((LITERAL,)) + len(chunk).to_bytes(2, "big") + chunk
        else:
            raise TypeError(f"a segment is a str or a Ref, not {type(seg).__name__}")
    return bytes(out)


def encode_text(text: str, index_of: Mapping[str, int]) -> bytes:
    """``encode(bind(parse_template(text), index_of))``."""
    return encode(bind(parse_template(text), index_of))


def decode_raw(data: bytes) -> list[tuple[int, bytes | Ref]]:
    """Decodes the byte format segment by segment, exactly as the contract does.

    Returns ``(offset, literal bytes or Ref)`` pairs. Raises :class:`MalformedParams` with the
    offset of the failing segment, following the contract's rules in its order: a header needs
    3 bytes, a literal is 1..65535 bytes that must all be present, the tag is 0x00 or 0x01.
    """
    return list(_iter_segments(data))


def _iter_segments(data: bytes) -> Iterator[tuple[int, bytes | Ref]]:
    """The segments of ``data`` one at a time (a failure is raised when the scan reaches it)."""
    data = bytes(data)
    n = len(data)
    pos = 0
    while pos < n:
        if pos + HEADER > n:
            raise MalformedParams(pos, f"truncated segment header ({n - pos} of 3 bytes)")
        tag = data[pos]
        value = (data[pos + 1] << 8) | data[pos + 2]
        if tag == LITERAL:
            if value == 0:
                raise MalformedParams(pos, "empty literal (a literal has 1 to 65535 bytes)")
            if pos + HEADER + value > n:
                raise MalformedParams(
                    pos, f"truncated literal ({n - pos - HEADER} of {value} bytes present)"
                )
            yield pos, data[pos + HEADER : pos + HEADER + value]
            pos += HEADER + value
        elif tag == REFERENCE:
            yield pos, Ref(value)
            pos += HEADER
        else:
            raise MalformedParams(pos, f"unknown segment tag 0x{tag:02x} (expected 0x00 or 0x01)")


def decode(data: bytes) -> list[IndexSegment]:
    """Decodes the byte format to normalized index segments (the inverse of :func:`encode`).

    Adjacent literal segments are joined before UTF-8 decoding (a split may fall inside a
    character). Raises :class:`MalformedParams` on a malformed stream or on literal bytes that
    are not UTF-8 (offset: the literal segment where the bad byte is).
    """
    out: list[IndexSegment] = []
    run: list[tuple[int, bytes]] = []

    def flush() -> None:
        if not run:
            return
        raw = b"".join(chunk for _, chunk in run)
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            # Find the segment holding the bad byte.
            seen = 0
            for off, chunk in run:
                if exc.start < seen + len(chunk):
                    raise MalformedParams(off, f"literal is not valid UTF-8 ({exc.reason})") from None
                seen += len(chunk)
            raise MalformedParams(run[-1][0], f"literal is not valid UTF-8 ({exc.reason})") from None
        run.clear()

    for off, seg in decode_raw(data):
        if isinstance(seg, Ref):
            flush()
            out.append(seg)
        else:
            run.append((off, seg))
    flush()
    return out


def references(data: bytes) -> list[int]:
    """The step indices a byte template references, in order, with repeats."""
    return [seg.index for _, seg in decode_raw(data) if isinstance(seg, Ref)]


def check(data: bytes, deps: Sequence[int]) -> None:
    """The contract's creation-time check: well formed, and every reference is among ``deps``.

    Errors are raised in the order the contract finds them (a scan from the start).
    """
    allowed = set(deps)
    for off, seg in _iter_segments(data):
        if isinstance(seg, Ref) and seg.index not in allowed:
            raise ReferenceNotADependency(seg.index, off)


def resolve_bytes(data: bytes, cids: Mapping[int, str] | Sequence[str]) -> bytes:
    """The resolved params as bytes: literals byte for byte, references replaced by their CID.

    ``cids`` maps a step index to its result CID (a mapping, or a sequence indexed by step). A
    reference without a CID raises :class:`TemplateError` (never an empty string).
    """
    out = bytearray()
    for off, seg in decode_raw(data):
        if isinstance(seg, Ref):
            try:
                cid = cids[seg.index]
            except (KeyError, IndexError):
                cid = None
            if cid is None:
                raise TemplateError(
                    f"the reference at byte {off} names step index {seg.index}, which has no result"
                )
            out += cid.encode("utf-8") if isinstance(cid, str) else bytes(cid)
        else:
            out += seg
    return bytes(out)


def resolve(data: bytes, cids: Mapping[int, str] | Sequence[str]) -> str:
    """The params string a step is launched with (see :func:`resolve_bytes`), decoded as UTF-8."""
    raw = resolve_bytes(data, cids)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(f"the resolved params are not valid UTF-8 at byte {exc.start}") from None
