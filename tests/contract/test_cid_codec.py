"""CidCodec: canonical CIDv1 strings (as `ipfs add --cid-version 1` prints them) round-trip through
their 32-byte digest; every other string is refused, so the contract stores it as text."""
import hashlib

import pytest
from hypothesis import given, strategies as st
from multiformats import CID

from tiny_hops.cid import cid_of

RAW, DAG_PB = 1, 2


@pytest.fixture(scope="module")
def codec(project, accounts):
    return project.CidCodecHarness.deploy(sender=accounts[0])


def v1(codec_name: str, data: bytes) -> str:
    return str(CID("base32", 1, codec_name, ("sha2-256", hashlib.sha256(data).digest())))


@given(data=st.binary(max_size=64), codec_name=st.sampled_from(["raw", "dag-pb"]))
def test_canonical_cids_round_trip(codec, data, codec_name):
    cid = v1(codec_name, data)
    ok, digest, form = codec.compress(cid)
    assert ok and bytes(digest) == hashlib.sha256(data).digest()
    assert form == (RAW if codec_name == "raw" else DAG_PB)
    assert codec.expand(digest, form) == cid


def test_the_nodes_cids_are_compact(codec):
    cid = cid_of(b"hello world")
    assert cid == "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
    ok, digest, form = codec.compress(cid)
    assert ok and codec.expand(digest, form) == cid


@pytest.mark.parametrize("text", [
    "",
    "bafkreione",
    "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",  # CIDv0: kept as text
    "BAFKREIFZJUT3TE2NHYEKKLSS27NH3K72YSCO7Y32KOAO5EEI66WOF36N5E",  # upper case
    "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5f",  # non-zero padding bits
    "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n51",  # '1' is not base32
    str(CID("base32", 1, "dag-cbor", ("sha2-256", b"\x00" * 32))),  # another codec
    "JOB_FAILED:" + "x" * 48,
])
def test_other_strings_are_not_compressed(codec, text):
    ok, _, _ = codec.compress(text)
    assert not ok


BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def reference_compress(text: str):
    """The codec's contract, written plainly: (digest, form) for a canonical sha2-256 CIDv1 of the raw
    or dag-pb codec in lower-case base32, else None."""
    data = text.encode()
    if len(data) != 59 or data[:1] != b"b" or any(chr(c) not in BASE32 for c in data[1:]):
        return None
    value = 0
    for c in data[1:]:
        value = value << 5 | BASE32.index(chr(c))
    if value & 3:
        return None
    form = {0x01551220: RAW, 0x01701220: DAG_PB}.get(value >> 258)
    return ((value >> 2) & (2**256 - 1), form) if form else None


# Every printable ASCII character (both sides of each range the codec accepts), and UTF-8 characters
# whose every byte is base32 once its high bit is dropped: U+1CB2 is e1 b2 b2 ("a22" + 0x80 each),
# U+32CB2 is f0 b2 b2 b2.
TOKENS = [chr(c) for c in range(0x20, 0x7f)] + ["\u00e9", "\u1100", "\u1cb2", "\U00032cb2"]


@given(
    data=st.binary(max_size=32),
    codec_name=st.sampled_from(["raw", "dag-pb", "dag-cbor"]),
    edits=st.lists(st.tuples(st.integers(0, 58), st.sampled_from(TOKENS)), max_size=3),
)
def test_compress_agrees_with_a_plain_decoder(codec, data, codec_name, edits):
    # Every character position is processed in its own lane: a valid CID with a few characters
    # replaced must be refused or accepted exactly as a character-by-character decoder would.
    text = v1(codec_name, data)
    for pos, token in edits:
        width = len(token.encode())
        text = text[:pos] + token + text[pos + width:]
    ok, digest, form = codec.compress(text)
    expected = reference_compress(text)
    assert ok == (expected is not None)
    if ok:
        assert (int.from_bytes(bytes(digest), "big"), form) == expected
        assert codec.expand(digest, form) == text


def test_every_character_is_checked_in_every_group(codec):
    # Positions at the edges of the two 32-lane groups (1, 26 | 27, 58) and one inside each.
    text = v1("raw", b"lanes")
    for pos in (1, 13, 26, 27, 40, 58):
        for token in TOKENS:
            width = len(token.encode())
            if pos + width > 59:
                continue
            edited = text[:pos] + token + text[pos + width:]
            ok, digest, form = codec.compress(edited)
            expected = reference_compress(edited)
            assert ok == (expected is not None), (pos, token)
            if ok:
                assert (int.from_bytes(bytes(digest), "big"), form) == expected, (pos, token)
