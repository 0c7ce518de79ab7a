"""Sample WebAssembly modules for `deterministic_wasm:v0.0.1`, kept as WAT text.

Each follows the tiny-hops wasm ABI (docs/node.md): it exports `memory`, `alloc(len: i32) -> i32`
and entrypoints `(ptr: i32, len: i32) -> i64` returning `(out_ptr << 32) | out_len`.

| sample      | entrypoints      | output                                   |
|-------------|------------------|------------------------------------------|
| `reverse`   | `reverse`        | the input bytes in reverse order          |
| `upper`     | `upper`, `lower` | the input with ASCII letters re-cased     |
| `wordcount` | `wordcount`      | the number of whitespace-separated words |
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["SAMPLES", "wat_path", "wat_source", "compile_wat", "sample_wasm", "put_sample"]

_HERE = Path(__file__).resolve().parent

#: sample name -> its entrypoints
SAMPLES: dict[str, tuple[str, ...]] = {
    "reverse": ("reverse",),
    "upper": ("upper", "lower"),
    "wordcount": ("wordcount",),
}


def wat_path(name: str) -> Path:
    """The WAT file of sample `name`."""
    if name not in SAMPLES:
        raise KeyError(f"no sample wasm module {name!r}; samples: {', '.join(sorted(SAMPLES))}")
    return _HERE / f"{name}.wat"


def wat_source(name: str) -> str:
    return wat_path(name).read_text(encoding="utf-8")


def compile_wat(wat: str) -> bytes:
    """Compiles WAT text to a wasm binary with `wasmtime.wat2wasm`."""
    import wasmtime

    return bytes(wasmtime.wat2wasm(wat))


def sample_wasm(name: str) -> bytes:
    """The wasm binary of sample `name`."""
    return compile_wat(wat_source(name))


def put_sample(store, name: str) -> str:
    """Compiles sample `name`, puts the wasm binary in `store` and returns its CID."""
    return store.put(sample_wasm(name))
