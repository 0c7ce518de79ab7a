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
