"""tiny-hops: multi-step Lilypad workflows scheduled by an on-chain contract.

This package root stays tiny (no ape, no web3, no jsonschema): the spec functions are imported
from :mod:`tiny_hops.spec` on first use.
"""
__version__ = "0.1.0"

_LAZY = {
    "SpecError": "spec",
    "SpecIssue": "spec",
    "CompiledStep": "spec",
    "CompiledWorkflow": "spec",
    "load_spec": "spec",
    "validate_spec": "spec",
    "compile_spec": "spec",
    "load_and_compile": "spec",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tiny_hops' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
