"""The Lilypad modules the local node really runs.

A module is a function `(params: str, store: ContentStore) -> bytes`. It returns the job's output
(the node stores it and posts its CID) or raises `ModuleError(reason)` for a clean failure (the
node posts `postFailure(jobId, reason)`). See docs/node.md for every module's params.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

from tiny_hops.cid import parse_cid
from tiny_hops.store import ContentStore, CorruptContent, NotInStore

__all__ = [
    "ModuleError",
    "Module",
    "MODULES",
    "run_module",
    "module_names",
    "load_module_config",
    "module_costs_wei",
    "run_wasm",
    "DEFAULT_FUEL",
    "MAX_FUEL",
]

DEFAULT_FUEL = 100_000_000
MAX_FUEL = 10_000_000_000
MAX_WASM_MEMORY = 256 * 1024 * 1024
MAX_OUTPUT = 64 * 1024 * 1024
MAX_INPUTS = 64


class ModuleError(Exception):
    """A clean failure of a job; `reason` is posted on chain as `JOB_FAILED:<reason>`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Module:
    name: str
    run: Callable[[str, ContentStore], bytes]
    description: str


# ------------------------------------------------------------------ helpers


def _json_params(module: str, params: str) -> dict:
    try:
        value = json.loads(params)
    except (json.JSONDecodeError, TypeError) as exc:
        raise ModuleError(f"{module} params must be JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ModuleError(f"{module} params must be a JSON object")
    return value


def _read_cid(store: ContentStore, cid: object, what: str) -> bytes:
    if not isinstance(cid, str) or not cid.strip():
        raise ModuleError(f"{what} must be a CID string, got {cid!r}")
    try:
        parse_cid(cid)
    except ValueError:
        raise ModuleError(f"{what} is not a CID: {cid!r}") from None
    try:
        return store.get(cid.strip())
    except NotInStore:
        raise ModuleError(f"{what} {cid} is not in the node's store") from None
    except CorruptContent as exc:
        raise ModuleError(f"{what}: {exc}") from None


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ModuleError(f"{what} is not UTF-8 text") from None


# ------------------------------------------------------------------ cowsay


def cowsay_module(params: str, store: ContentStore) -> bytes:
    """`cowsay:v0.0.1`: the cow says `params`, as given."""
    import cowsay

    if not params.strip():
        raise ModuleError("cowsay needs some text to say")
    try:
        return cowsay.get_output_string("cow", params).encode("utf-8")
    except cowsay.CowsayError as exc:
        raise ModuleError(f"cowsay: {exc}") from None


# ------------------------------------------------------------------ deterministic_wasm


def run_wasm(wasm: bytes, entrypoint: str, data: bytes, fuel: int = DEFAULT_FUEL) -> tuple[bytes, int]:
    """Runs `entrypoint` of the wasm binary `wasm` on `data` under the tiny-hops wasm ABI.

    Deterministic: no imports are provided (no WASI, so no clock, randomness or I/O), NaNs are
    canonicalized, threads and relaxed SIMD are off. Fuel-limited. Returns (output, fuel used).
    Raises ModuleError on any failure.
    """
    import wasmtime

    config = wasmtime.Config()
    config.consume_fuel = True
    config.cranelift_nan_canonicalization = True
    config.wasm_threads = False
    config.wasm_relaxed_simd = False
    config.parallel_compilation = False
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    store.set_limits(memory_size=MAX_WASM_MEMORY, instances=1, tables=4, memories=1)
    store.set_fuel(fuel)
    if wasm[:4] != b"\0asm":
        raise ModuleError("wasm_cid content is not a WebAssembly binary")
    try:
        module = wasmtime.Module(engine, wasm)
    except wasmtime.WasmtimeError as exc:
        raise ModuleError(f"invalid wasm module: {_first_line(exc)}") from None
    if module.imports:
        names = ", ".join(f"{i.module}.{i.name}" for i in module.imports)
        raise ModuleError(f"wasm module imports {names}; deterministic_wasm provides no imports")
    try:
        instance = wasmtime.Instance(store, module, [])
    except (wasmtime.WasmtimeError, wasmtime.Trap) as exc:
        raise ModuleError(f"wasm module failed to start: {_trap_reason(exc)}") from None
    exports = instance.exports(store)

    def export(name: str, kind):
        try:
            item = exports[name]
        except KeyError:
            item = None
        if not isinstance(item, kind):
            raise ModuleError(f"wasm module does not export {kind.__name__.lower()} {name!r}")
        return item

    memory = export("memory", wasmtime.Memory)
    alloc = export("alloc", wasmtime.Func)
    entry = export(entrypoint, wasmtime.Func)
    try:
        if len(data) > 0xFFFFFFFF:
            raise ModuleError("input too large for a 32-bit wasm module")
        ptr = alloc(store, len(data))
        if not isinstance(ptr, int):
            raise ModuleError("alloc must return one i32")
        ptr &= 0xFFFFFFFF
        if ptr + len(data) > memory.data_len(store):
            raise ModuleError("alloc returned a buffer outside memory")
        if data:
            memory.write(store, data, ptr)
        packed = entry(store, ptr, len(data))
        if not isinstance(packed, int):
            raise ModuleError(f"entrypoint {entrypoint!r} must return one i64")
        packed &= 0xFFFFFFFFFFFFFFFF
        out_ptr, out_len = packed >> 32, packed & 0xFFFFFFFF
        if out_len > MAX_OUTPUT:
            raise ModuleError(f"wasm output of {out_len} bytes exceeds {MAX_OUTPUT}")
        if out_ptr + out_len > memory.data_len(store):
            raise ModuleError("wasm output lies outside memory")
        output = bytes(memory.read(store, out_ptr, out_ptr + out_len))
    except wasmtime.Trap as exc:
        raise ModuleError(_trap_reason(exc)) from None
    except wasmtime.WasmtimeError as exc:
        raise ModuleError(f"wasm error: {_first_line(exc)}") from None
    except TypeError as exc:  # wrong entrypoint signature
        raise ModuleError(f"entrypoint {entrypoint!r} must take (i32 ptr, i32 len): {exc}") from None
    used = fuel - store.get_fuel()
    return output, used


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _trap_reason(exc: BaseException) -> str:
    import wasmtime

    code = getattr(exc, "trap_code", None)
    if code == wasmtime.TrapCode.OUT_OF_FUEL:
        return "wasm ran out of fuel"
    if isinstance(exc, wasmtime.Trap):
        return f"wasm trap: {getattr(exc, 'message', None) or _first_line(exc)}"
    return _first_line(exc)


def deterministic_wasm_module(params: str, store: ContentStore) -> bytes:
    """`deterministic_wasm:v0.0.1`: params JSON `{"wasm_cid", "wasm_entrypoint", "input" |
    "input_cid", "fuel"}`."""
    p = _json_params("deterministic_wasm", params)
    wasm = _read_cid(store, p.get("wasm_cid"), "wasm_cid")
    entrypoint = p.get("wasm_entrypoint")
    if not isinstance(entrypoint, str) or not entrypoint:
        raise ModuleError("wasm_entrypoint must be a non-empty string")
    if entrypoint in ("memory", "alloc"):
        raise ModuleError(f"wasm_entrypoint cannot be {entrypoint!r}")
    if "input" in p and "input_cid" in p:
        raise ModuleError("give input or input_cid, not both")
    if "input_cid" in p:
        data = _read_cid(store, p["input_cid"], "input_cid")
    else:
        text = p.get("input", "")
        if not isinstance(text, str):
            raise ModuleError("input must be a string")
        data = text.encode("utf-8")
    fuel = p.get("fuel", DEFAULT_FUEL)
    if not isinstance(fuel, int) or isinstance(fuel, bool) or not 0 < fuel <= MAX_FUEL:
        raise ModuleError(f"fuel must be an integer in 1..{MAX_FUEL}")
    output, _ = run_wasm(wasm, entrypoint, data, fuel)
    return output


# ------------------------------------------------------------------ text_transform


def _title(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def _uniq(text: str) -> str:
    seen: set[str] = set()
    out = []
    for line in text.splitlines():
        if line not in seen:
            seen.add(line)
            out.append(line)
    return "\n".join(out) + ("\n" if out else "")


def _stats(text: str) -> str:
    return json.dumps(
        {
            "bytes": len(text.encode("utf-8")),
            "chars": len(text),
            "words": len(text.split()),
            "lines": len(text.splitlines()),
        },
        sort_keys=True,
    )


TEXT_OPS: dict[str, Callable[[str], str]] = {
    "concat": lambda t: t,
    "upper": str.upper,
    "lower": str.lower,
    "title": _title,
    "reverse": lambda t: t[::-1],
    "sort_lines": lambda t: "\n".join(sorted(t.splitlines())) + ("\n" if t.splitlines() else ""),
    "uniq_lines": _uniq,
    "wordcount": lambda t: f"{len(t.split())}\n",
    "stats": _stats,
}


def text_transform_module(params: str, store: ContentStore) -> bytes:
    """`text_transform:v0.0.1`: params JSON `{"op", "inputs": [cid, ...], "text", "separator"}`.

    The input text is `text` (if given) followed by the content of each input CID, joined with
    `separator` (default ""); `op` is applied to it.
    """
    p = _json_params("text_transform", params)
    op = p.get("op")
    if op not in TEXT_OPS:
        raise ModuleError(f"unknown op {op!r}; ops: {', '.join(sorted(TEXT_OPS))}")
    inputs = p.get("inputs", [])
    if not isinstance(inputs, list) or len(inputs) > MAX_INPUTS:
        raise ModuleError(f"inputs must be a list of at most {MAX_INPUTS} CIDs")
    separator = p.get("separator", "")
    if not isinstance(separator, str):
        raise ModuleError("separator must be a string")
    parts: list[str] = []
    if "text" in p:
        if not isinstance(p["text"], str):
            raise ModuleError("text must be a string")
        parts.append(p["text"])
    for i, cid in enumerate(inputs):
        parts.append(_utf8(_read_cid(store, cid, f"inputs[{i}]"), f"inputs[{i}]"))
    if not parts:
        raise ModuleError("text_transform needs inputs or text")
    return TEXT_OPS[op](separator.join(parts)).encode("utf-8")


# ------------------------------------------------------------------ json_merge


def _as_json_or_text(data: bytes, what: str):
    text = _utf8(data, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def json_merge_module(params: str, store: ContentStore) -> bytes:
    """`json_merge:v0.0.1`: `{"inputs": {name: cid}}` -> `{name: content}` (content parsed as JSON
    when it is JSON, else kept as text); `{"inputs": [cid, ...]}` -> the JSON objects merged left
    to right (later keys win). `extra` (an object) is merged in last. Output: sorted-key JSON."""
    p = _json_params("json_merge", params)
    inputs = p.get("inputs")
    if isinstance(inputs, dict):
        if len(inputs) > MAX_INPUTS:
            raise ModuleError(f"at most {MAX_INPUTS} inputs")
        result = {name: _as_json_or_text(_read_cid(store, cid, f"inputs.{name}"), f"inputs.{name}")
                  for name, cid in inputs.items()}
    elif isinstance(inputs, list):
        if len(inputs) > MAX_INPUTS:
            raise ModuleError(f"at most {MAX_INPUTS} inputs")
        result = {}
        for i, cid in enumerate(inputs):
            value = _as_json_or_text(_read_cid(store, cid, f"inputs[{i}]"), f"inputs[{i}]")
            if not isinstance(value, dict):
                raise ModuleError(f"inputs[{i}] ({cid}) is not a JSON object")
            result.update(value)
    else:
        raise ModuleError("inputs must be an object {name: cid} or a list of CIDs")
    extra = p.get("extra", {})
    if not isinstance(extra, dict):
        raise ModuleError("extra must be a JSON object")
    result.update(extra)
    return (json.dumps(result, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# ------------------------------------------------------------------ registry

MODULES: dict[str, Module] = {
    m.name: m
    for m in (
        Module("cowsay:v0.0.1", cowsay_module, "the cow says the params text"),
        Module("deterministic_wasm:v0.0.1", deterministic_wasm_module,
               "a WebAssembly module from the store, fuel-limited and deterministic"),
        Module("text_transform:v0.0.1", text_transform_module, "text operations on stored inputs"),
        Module("json_merge:v0.0.1", json_merge_module, "collects or merges stored JSON results"),
    )
}


def module_names() -> list[str]:
    """The modules this node can run."""
    return sorted(MODULES)


def run_module(name: str, params: str, store: ContentStore) -> bytes:
    """Runs module `name`; raises ModuleError for a clean failure, including unknown modules."""
    module = MODULES.get(name)
    if module is None:
        raise ModuleError(f"module {name} cannot run on this local node")
    if not isinstance(params, str):
        raise ModuleError("params must be a string")
    output = module.run(params, store)
    if not isinstance(output, (bytes, bytearray)):
        raise ModuleError(f"module {name} produced no bytes")
    return bytes(output)


def timed_run(name: str, params: str, store: ContentStore) -> tuple[bytes, float]:
    """`run_module` and the seconds it took."""
    start = time.perf_counter()
    output = run_module(name, params, store)
    return output, time.perf_counter() - start


# ------------------------------------------------------------------ config/modules.json

_CONFIG_PATH = Path(__file__).resolve().parents[2] / "config" / "modules.json"


def load_module_config(path: str | Path | None = None) -> dict[str, dict]:
    """`config/modules.json`'s `modules` table: name -> {"cost": ether string, "description"}."""
    with open(path or _CONFIG_PATH, encoding="utf-8") as fh:
        return json.load(fh)["modules"]


def module_costs_wei(path: str | Path | None = None) -> dict[str, int]:
    """Module costs from `config/modules.json`, converted from ether strings to wei."""
    costs = {}
    for name, entry in load_module_config(path).items():
        wei = Decimal(str(entry["cost"])) * 10**18
        if wei != wei.to_integral_value() or wei <= 0:
            raise ValueError(f"{name}: cost {entry['cost']!r} is not a positive whole number of wei")
        costs[name] = int(wei)
    return costs
