"""Step and params builders for the contract suites."""

COWSAY = "cowsay:v0.0.1"
COST = 10**15  # 0.001 ether a cowsay job in these tests


def lit(text: str | bytes) -> bytes:
    """A literal segment of the params format (docs/params-format.md), written independently of
    tiny_hops.template so the contract is checked against the document, not against our encoder."""
    data = text.encode() if isinstance(text, str) else text
    out = b""
    for i in range(0, len(data), 0xFFFF):
        chunk = data[i : i + 0xFFFF]
        out += b"\x00" + len(chunk).to_bytes(2, "big") + chunk
    return out


def ref(index: int) -> bytes:
    return b"\x01" + index.to_bytes(2, "big")


def step(module=COWSAY, params=b"", max_cost=COST, deps=(), retries=0, timeout=0):
    return (module, params, max_cost, list(deps), retries, timeout)




def reverts(contract, error: str, *args):
    """`ape.reverts` for custom error `error` of `contract` with exactly these arguments."""
    import ape

    abi = next(e for e in contract.contract_type.errors if e.name == error)
    # Solidity lists an interface error twice in the ABI when a library also raises it: look it up
    # by signature rather than by name.
    err = contract.get_error_by_signature(abi.signature)
    return ape.reverts(err, **{i.name: a for i, a in zip(abi.inputs, args)})


def deploy_modicum(project, admin, provider, costs: dict):
    """A LocalModicum with `costs` (module -> wei) set and `provider` registered."""
    m = project.LocalModicum.deploy(sender=admin)
    for module, cost in costs.items():
        m.setModuleCost(module, cost, sender=admin)
    m.setResourceProvider(provider, True, sender=admin)
    return m
