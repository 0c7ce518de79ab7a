import os

import pytest

from tiny_hops.cid import cid_of
from tiny_hops.store import ContentStore, CorruptContent, NotInStore, default_store_root


def test_round_trip(tmp_path):
    store = ContentStore(tmp_path / "s")
    for data in (b"", b"hello world", os.urandom(300_000)):
        cid = store.put(data)
        assert cid == cid_of(data)
        assert store.has(cid) and cid in store
        assert store.get(cid) == data
        assert store.path(cid).read_bytes() == data
    assert store.put(b"hello world") == "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
    assert not [p for p in (tmp_path / "s").rglob(".tmp-*")]


def test_missing_and_invalid(tmp_path):
    store = ContentStore(tmp_path)
    missing = cid_of(b"never stored")
    assert not store.has(missing)
    with pytest.raises(NotInStore):
        store.get(missing)
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")
    assert not store.has("not a cid")
    with pytest.raises(TypeError):
        store.put("text")  # type: ignore[arg-type]


def test_corruption_detected(tmp_path):
    store = ContentStore(tmp_path)
    small = store.put(b"precious data")
    big = store.put(os.urandom(262_145))
    store.path(small).write_bytes(b"precious dat4")
    with pytest.raises(CorruptContent):
        store.get(small)
    data = bytearray(store.path(big).read_bytes())
    data[-1] ^= 1
    store.path(big).write_bytes(bytes(data))
    with pytest.raises(CorruptContent):
        store.get(big)
    # putting the right content again repairs the entry
    store.put(b"precious data")
    assert store.get(small) == b"precious data"


def test_default_root(monkeypatch, tmp_path):
    monkeypatch.setenv("THOPS_HOME", str(tmp_path / "home"))
    assert default_store_root() == tmp_path / "home" / "store"
    assert ContentStore().root == tmp_path / "home" / "store"
    monkeypatch.delenv("THOPS_HOME")
    assert str(default_store_root()) == os.path.join(os.path.expanduser("~"), ".tiny-hops", "store")
