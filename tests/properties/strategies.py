"""Hypothesis strategies shared by the property suites."""
import base64
import hashlib

from hypothesis import strategies as st

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def _cidv1(codec: int, digest: bytes) -> str:
    raw = bytes([0x01, codec, 0x12, 0x20]) + digest
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def _cidv0(digest: bytes) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    n = int.from_bytes(bytes([0x12, 0x20]) + digest, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = alphabet[r] + out
    return out


_DIGEST = st.binary(min_size=32, max_size=32) | st.builds(lambda s: hashlib.sha256(s).digest(), st.binary())

#: Result strings as Lilypad returns them: canonical CIDv1 (raw and dag-pb, base32), CIDv0,
#: near-misses of those (a character changed, upper case, truncated), and arbitrary text. The
#: contract stores canonical CIDv1s compactly, so round trips of all of these matter.
CIDS = st.one_of(
    st.builds(_cidv1, st.sampled_from([0x55, 0x70]), _DIGEST),
    st.builds(_cidv0, _DIGEST),
    st.builds(lambda c, k, ch: c[:k] + ch + c[k + 1:], st.builds(_cidv1, st.just(0x55), _DIGEST),
              st.integers(0, 58), st.sampled_from("abz27A=")),
    st.builds(lambda c: c.upper(), st.builds(_cidv1, st.just(0x55), _DIGEST)),
    st.builds(lambda c, k: c[:k], st.builds(_cidv1, st.just(0x70), _DIGEST), st.integers(1, 58)),
    st.from_regex(r"\Abafkrei[a-z2-7]{52}\Z"),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20),
).filter(lambda s: s and not s.startswith("JOB_FAILED:"))
