"""The params template: text parsing, byte encoding/decoding, resolution (docs/params-format.md)."""
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tiny_hops.template import (
    MAX_LITERAL,
    MalformedParams,
    Ref,
    ReferenceNotADependency,
    StepRef,
    TemplateError,
    TemplateSyntaxError,
    bind,
    check,
    decode,
    decode_raw,
    encode,
    encode_text,
    format_template,
    normalize,
    parse_template,
    references,
    resolve,
    resolve_bytes,
)

# Text with plenty of braces, colons and non-ASCII characters.
texts = st.text(
    alphabet=st.one_of(
        st.sampled_from("{}:stepId \"\\\n"),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
)
refs = st.builds(Ref, st.integers(0, 0xFFFF))
index_segments = st.lists(st.one_of(texts, refs), max_size=12)
step_ids = st.from_regex(r"[A-Za-z0-9_.\-]{1,8}", fullmatch=True)
text_segments = st.lists(st.one_of(texts, st.builds(StepRef, step_ids)), max_size=12)


def _rendered(segments, cids):
    return "".join(cids[s.index] if isinstance(s, Ref) else s for s in segments)


# ----------------------------------------------------------------------------------- the example


def test_docs_example_encoding():
    data = encode_text("We got {{stepId:2}}!", {"2": 1})
    assert data == b"\x00\x00\x07We got " + b"\x01\x00\x01" + b"\x00\x00\x01!"
    assert decode(data) == ["We got ", Ref(1), "!"]
    assert resolve(data, {1: "QmCid"}) == "We got QmCid!"


def test_empty_template():
    assert encode([]) == b""
    assert encode([""]) == b""
    assert decode(b"") == []
    assert resolve(b"", {}) == ""
    assert parse_template("") == []


def test_braces_and_json_survive():
    text = '{"lora_cid": "{{stepId:train}}", "prompt": "a {cat}}", "seed": 7}'
    segs = parse_template(text)
    assert segs == ['{"lora_cid": "', StepRef("train"), '", "prompt": "a {cat}}", "seed": 7}']
    data = encode(bind(segs, {"train": 0}))
    assert resolve(data, ["QmLora"]) == '{"lora_cid": "QmLora", "prompt": "a {cat}}", "seed": 7}'


def test_adjacent_and_brace_wrapped_references():
    segs = parse_template("{{{stepId:a}}{{stepId:b}}}}")
    assert segs == ["{", StepRef("a"), StepRef("b"), "}}"]
    assert format_template(segs) == "{{{stepId:a}}{{stepId:b}}}}"
    data = encode(bind(segs, {"a": 3, "b": 7}))
    assert data == b"\x00\x00\x01{\x01\x00\x03\x01\x00\x07\x00\x00\x02}}"
    assert references(data) == [3, 7]


@pytest.mark.parametrize(
    "text, position, fragment",
    [
        ("x {{stepId:1", 2, "unterminated"),
        ("{{stepId:}}", 0, "invalid stepId"),
        ("a{{stepId: 1}}", 1, "invalid stepId"),
        ("{{stepId:{x}}", 0, "unterminated"),
    ],
)
def test_bad_text_references(text, position, fragment):
    with pytest.raises(TemplateSyntaxError) as exc:
        parse_template(text)
    assert exc.value.position == position
    assert fragment in str(exc.value)


def test_bind_unknown_step():
    with pytest.raises(TemplateError, match="unknown stepId 'x'"):
        bind([StepRef("x")], {})


def test_long_literal_split_at_65535_bytes():
    text = "é" * 40000  # 80000 bytes: the split falls inside a character
    data = encode([text, Ref(2), "z"])
    raw = decode_raw(data)
    lits = [seg for _, seg in raw if isinstance(seg, bytes)]
    assert [len(x) for x in lits] == [MAX_LITERAL, 80000 - MAX_LITERAL, 1]
    assert decode(data) == [text, Ref(2), "z"]
    assert resolve(data, {2: "Qm"}) == text + "Qmz"


def test_literal_of_exactly_65535_bytes_is_one_segment():
    data = encode(["a" * MAX_LITERAL])
    assert data[:3] == b"\x00\xff\xff" and len(data) == 3 + MAX_LITERAL


def test_ref_index_range():
    with pytest.raises(ValueError):
        Ref(0x10000)
    with pytest.raises(ValueError):
        Ref(-1)
    with pytest.raises(TypeError):
        Ref(True)


# ---------------------------------------------------------------------------- malformed streams


@pytest.mark.parametrize(
    "data, offset, reason",
    [
        (b"\x00", 0, "truncated segment header"),
        (b"\x01\x00", 0, "truncated segment header"),
        (b"\x00\x00\x01a\x01\x00", 4, "truncated segment header"),
        (b"\x00\x00\x00", 0, "empty literal"),
        (b"\x00\x00\x05abc", 0, "truncated literal"),
        (b"\x01\x00\x00\x00\x00\x03ab", 3, "truncated literal"),
        (b"\x02\x00\x00", 0, "unknown segment tag 0x02"),
        (b"\x00\x00\x01a\xff\x00\x01", 4, "unknown segment tag 0xff"),
        (b"\xff", 0, "truncated segment header"),
    ],
)
def test_malformed_offsets(data, offset, reason):
    """Offsets are those of the contract's MalformedParams: the start of the failing segment."""
    for fn in (decode_raw, decode, references):
        with pytest.raises(MalformedParams) as exc:
            fn(data)
        assert exc.value.offset == offset
        assert reason in str(exc.value)
        assert f"at byte {offset}" in str(exc.value)


def test_invalid_utf8_literal():
    with pytest.raises(MalformedParams) as exc:
        decode(b"\x00\x00\x01a\x01\x00\x00\x00\x00\x02\xc3(")
    assert exc.value.offset == 7


def test_check_mirrors_contract_order():
    data = encode(["a", Ref(1), Ref(4)])
    check(data, [1, 4])
    with pytest.raises(ReferenceNotADependency) as exc:
        check(data, [1])
    assert exc.value.referenced == 4 and exc.value.offset == 7
    # A reference error before a malformed segment is reported first, as the contract's scan does.
    with pytest.raises(ReferenceNotADependency):
        check(b"\x01\x00\x09\x07", [])
    with pytest.raises(MalformedParams):
        check(b"\x07\x01\x00\x09", [])


def test_resolve_missing_cid_is_an_error():
    data = encode(["x", Ref(3)])
    with pytest.raises(TemplateError, match="step index 3, which has no result"):
        resolve(data, {0: "Qm"})
    with pytest.raises(TemplateError):
        resolve(data, ["a", "b"])
    assert resolve_bytes(data, {3: b"\xff"}) == b"x\xff"
    with pytest.raises(TemplateError, match="not valid UTF-8"):
        resolve(data, {3: b"\xff"})


# ------------------------------------------------------------------------------------ properties


@given(index_segments)
def test_decode_encode_roundtrip(segments):
    data = encode(segments)
    assert decode(data) == normalize(segments)
    # The encoding is canonical: encoding the decoded form gives the same bytes.
    assert encode(decode(data)) == data
    for _, seg in decode_raw(data):
        if isinstance(seg, bytes):
            assert 1 <= len(seg) <= MAX_LITERAL


@given(index_segments, st.data())
def test_resolve_matches_concatenation(segments, data):
    idx = {s.index for s in segments if isinstance(s, Ref)}
    cids = {i: data.draw(st.text(max_size=10), label=f"cid{i}") for i in idx}
    encoded = encode(segments)
    assert resolve(encoded, cids) == _rendered(segments, cids)
    assert references(encoded) == [s.index for s in segments if isinstance(s, Ref)]
    check(encoded, sorted(idx))


@given(text_segments)
def test_text_roundtrip(segments):
    norm = normalize(segments)
    assume(all("{{stepId:" not in s for s in norm if isinstance(s, str)))
    text = format_template(segments)
    assert parse_template(text) == norm
    assert format_template(parse_template(text)) == text


@given(st.binary(max_size=40))
def test_arbitrary_bytes_decode_or_fail_at_a_segment_boundary(data):
    try:
        raw = decode_raw(data)
    except MalformedParams as exc:
        assert 0 <= exc.offset < len(data)
        # Everything before the offset decodes, and re-serializes to exactly those bytes.
        prefix = data[: exc.offset]
        assert _reserialize(decode_raw(prefix)) == prefix
    else:
        assert _reserialize(raw) == data


def _reserialize(raw):
    out = b""
    for _, seg in raw:
        if isinstance(seg, Ref):
            out += b"\x01" + seg.index.to_bytes(2, "big")
        else:
            out += b"\x00" + len(seg).to_bytes(2, "big") + seg
    return out
