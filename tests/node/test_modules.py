import json

import pytest

from tiny_hops.node.modules import MODULES, ModuleError, module_costs_wei, load_module_config, run_module, run_wasm
from tiny_hops.node.worker import run_in_subprocess
from tiny_hops.store import ContentStore
from tiny_hops.wasm import SAMPLES, compile_wat, put_sample, sample_wasm

SPIN_WAT = """
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) i32.const 0)
  (func (export "spin") (param i32 i32) (result i64) (loop $l br $l) i64.const 0))
"""


@pytest.fixture
def store(tmp_path):
    return ContentStore(tmp_path / "store")


def wasm(store, cid, entry, **extra):
    return run_module("deterministic_wasm:v0.0.1", json.dumps({"wasm_cid": cid, "wasm_entrypoint": entry, **extra}), store)


def test_cowsay(store):
    out = run_module("cowsay:v0.0.1", "hello from tiny-hops", store).decode()
    assert "hello from tiny-hops" in out and "(oo)" in out
    with pytest.raises(ModuleError):
        run_module("cowsay:v0.0.1", "   ", store)


def test_wasm_samples(store):
    rev, up, wc = (put_sample(store, n) for n in ("reverse", "upper", "wordcount"))
    assert wasm(store, rev, "reverse", input="hello wasm") == b"msaw olleh"
    assert wasm(store, up, "upper", input="Hello, wörld!") == "HELLO, WöRLD!".encode()
    assert wasm(store, up, "lower", input="ABC def") == b"abc def"
    assert wasm(store, wc, "wordcount", input="  one two\tthree\nfour ") == b"4"
    assert wasm(store, wc, "wordcount") == b"0"
    # input from the store, larger than one page of wasm memory and one IPFS chunk
    big = store.put(b"ab " * 200_000)
    assert wasm(store, wc, "wordcount", input_cid=big) == b"200000"
    assert wasm(store, rev, "reverse", input_cid=big) == (b"ab " * 200_000)[::-1]
    assert set(SAMPLES) == {"reverse", "upper", "wordcount"}
    assert sample_wasm("reverse")[:4] == b"\0asm"


def test_wasm_is_deterministic(store):
    cid = put_sample(store, "reverse")
    outs = {run_wasm(store.get(cid), "reverse", b"same input")[0] for _ in range(3)}
    fuels = {run_wasm(store.get(cid), "reverse", b"same input")[1] for _ in range(3)}
    assert outs == {b"tupni emas"} and len(fuels) == 1


def test_wasm_fuel_exhaustion(store):
    spin = store.put(compile_wat(SPIN_WAT))
    with pytest.raises(ModuleError, match="out of fuel"):
        wasm(store, spin, "spin", input="x", fuel=1_000_000)
    rev = put_sample(store, "reverse")
    with pytest.raises(ModuleError, match="out of fuel"):
        wasm(store, rev, "reverse", input="x" * 100_000, fuel=1_000)


@pytest.mark.parametrize(
    "params,match",
    [
        ("not json", "must be JSON"),
        ({"wasm_entrypoint": "reverse"}, "wasm_cid"),
        ({"wasm_cid": "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", "wasm_entrypoint": "x"}, "not in"),
        ({"wasm_cid": "REV", "wasm_entrypoint": "nope"}, "does not export"),
        ({"wasm_cid": "REV", "wasm_entrypoint": "reverse", "input": "a", "input_cid": "REV"}, "not both"),
        ({"wasm_cid": "TEXT", "wasm_entrypoint": "reverse"}, "not a WebAssembly binary"),
        ({"wasm_cid": "IMPORTS", "wasm_entrypoint": "f"}, "imports"),
        ({"wasm_cid": "REV", "wasm_entrypoint": "reverse", "fuel": 0}, "fuel"),
    ],
)
def test_wasm_clean_failures(store, params, match):
    subst = {
        "REV": put_sample(store, "reverse"),
        "TEXT": store.put(b"plain text"),
        "IMPORTS": store.put(compile_wat('(module (import "wasi_snapshot_preview1" "clock_time_get" (func)))')),
    }
    text = params if isinstance(params, str) else json.dumps({k: subst.get(v, v) for k, v in params.items()})
    with pytest.raises(ModuleError, match=match):
        run_module("deterministic_wasm:v0.0.1", text, store)


def test_text_transform_reads_inputs(store):
    a = store.put(b"banana\napple\n")
    b = store.put(b"cherry\napple\n")
    tt = lambda **p: run_module("text_transform:v0.0.1", json.dumps(p), store).decode()
    assert tt(op="upper", inputs=[a]) == "BANANA\nAPPLE\n"
    assert tt(op="concat", inputs=[a, b], separator="--\n") == "banana\napple\n--\ncherry\napple\n"
    assert tt(op="sort_lines", inputs=[a, b]) == "apple\napple\nbanana\ncherry\n"
    assert tt(op="uniq_lines", inputs=[a, b]) == "banana\napple\ncherry\n"
    assert tt(op="wordcount", inputs=[a, b]) == "4\n"
    assert tt(op="reverse", text="abc") == "cba"
    assert json.loads(tt(op="stats", inputs=[a])) == {"bytes": 13, "chars": 13, "words": 2, "lines": 2}
    missing = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    with pytest.raises(ModuleError, match="not in the node's store"):
        tt(op="upper", inputs=[missing])
    with pytest.raises(ModuleError, match="not a CID"):
        tt(op="upper", inputs=["hello"])
    with pytest.raises(ModuleError, match="unknown op"):
        tt(op="explode", inputs=[a])
    with pytest.raises(ModuleError, match="not UTF-8"):
        tt(op="upper", inputs=[store.put(b"\xff\xfe")])


def test_json_merge(store):
    stats = store.put(b'{"words": 2}')
    text = store.put(b"HELLO")
    out = json.loads(run_module("json_merge:v0.0.1", json.dumps({"inputs": {"stats": stats, "text": text}}), store))
    assert out == {"stats": {"words": 2}, "text": "HELLO"}
    x = store.put(b'{"a": 1, "b": 1}')
    y = store.put(b'{"b": 2}')
    merged = run_module("json_merge:v0.0.1", json.dumps({"inputs": [x, y], "extra": {"c": 3}}), store)
    assert json.loads(merged) == {"a": 1, "b": 2, "c": 3}
    with pytest.raises(ModuleError, match="not a JSON object"):
        run_module("json_merge:v0.0.1", json.dumps({"inputs": [x, text]}), store)


@pytest.mark.parametrize("name", ["sdxl:v0.9-lilypad1", "fastchat:v0.0.1", "nonsense"])
def test_unknown_module_fails_cleanly(store, name):
    with pytest.raises(ModuleError) as info:
        run_module(name, "{}", store)
    assert info.value.reason == f"module {name} cannot run on this local node"


def test_config_costs():
    config = load_module_config()
    costs = module_costs_wei()
    assert costs["cowsay:v0.0.1"] == 10**18
    assert costs["deterministic_wasm:v0.0.1"] == 2 * 10**18
    assert costs["sdxl:v0.9-lilypad1"] == 4 * 10**18
    assert costs["filecoin_data_prep:v0.0.1"] == 100 * 10**18
    assert set(MODULES) <= set(config)
    assert all(entry["description"] for entry in config.values())


def test_subprocess_runner(store):
    ok = run_in_subprocess("cowsay:v0.0.1", "moo", store.root, timeout=30)
    assert ok.ok and "moo" in store.get(ok.cid).decode() and ok.module_seconds <= ok.run_seconds
    bad = run_in_subprocess("fastchat:v0.0.1", "hi", store.root, timeout=30)
    assert not bad.ok and bad.reason == "module fastchat:v0.0.1 cannot run on this local node"


def test_subprocess_timeout_kills_runaway(store):
    spin = store.put(compile_wat(SPIN_WAT))
    params = json.dumps({"wasm_cid": spin, "wasm_entrypoint": "spin", "fuel": 10_000_000_000})
    out = run_in_subprocess("deterministic_wasm:v0.0.1", params, store.root, timeout=1.0)
    assert not out.ok and out.reason == "timed out after 1 s"
    assert out.run_seconds < 5
