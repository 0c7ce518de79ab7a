"""The node driving a real TinyHops workflow: a fan-out and fan-in over stored data, a stall on
a short balance, and the node's `advance` after the deposit."""
import json

import pytest

from tiny_hops.node.runner import LocalNode
from tiny_hops.store import ContentStore
from tiny_hops.wasm import put_sample

COMPLETED = 4


def lit(text: str) -> bytes:
    data = text.encode()
    return b"\x00" + len(data).to_bytes(2, "big") + data


def ref(index: int) -> bytes:
    return b"\x01" + index.to_bytes(2, "big")


@pytest.fixture(scope="module")
def tinyhops(project, owner, modicum):
    if not hasattr(project, "TinyHops"):
        pytest.skip("no TinyHops contract in this tree")
    return project.TinyHops.deploy(modicum.address, sender=owner)


def test_workflow_fan_out_fan_in_with_stall(tinyhops, modicum, provider_account, user, costs, tmp_path):
    store = ContentStore(tmp_path / "store")
    upper = put_sample(store, "upper")
    steps = [
        ("cowsay:v0.0.1", lit("tiny hops on a local node"), costs["cowsay:v0.0.1"], [], 0, 0),
        ("deterministic_wasm:v0.0.1",
         lit(json.dumps({"wasm_cid": upper, "wasm_entrypoint": "upper"})[:-1] + ', "input_cid": "') + ref(0) + lit('"}'),
         costs["deterministic_wasm:v0.0.1"], [0], 0, 0),
        ("text_transform:v0.0.1", lit('{"op": "stats", "inputs": ["') + ref(0) + lit('"]}'),
         costs["text_transform:v0.0.1"], [0], 0, 0),
        ("json_merge:v0.0.1",
         lit('{"inputs": {"shout": "') + ref(1) + lit('", "stats": "') + ref(2) + lit('"}}'),
         costs["json_merge:v0.0.1"], [1, 2], 0, 0),
    ]
    short = sum(s[2] for s in steps[:3])  # enough for all but the last step
    tinyhops.createAndStartWorkflow(steps, "", value=short, sender=user)
    wf = tinyhops.workflowCount()

    node = LocalNode(modicum, provider_account, store, tinyhops=tinyhops, state_file=tmp_path / "state.json")
    polls = [node.run_once() for _ in range(3)]
    # the merge step stalled inside the node's own post: no advance is tried before a deposit
    assert all(p.advanced == {} for p in polls)
    assert tinyhops.getWorkflow(wf)[1] != COMPLETED
    assert tinyhops.readyCount(wf) == 1  # the merge step waits for money

    tinyhops.deposit(wf, value=costs["json_merge:v0.0.1"], sender=user)
    advanced = {}
    for _ in range(4):
        advanced.update(node.run_once().advanced)
        if tinyhops.getWorkflow(wf)[1] == COMPLETED:
            break
    assert tinyhops.getWorkflow(wf)[1] == COMPLETED
    statuses, job_ids, cids = tinyhops.getResults(wf)
    merged = json.loads(store.get(cids[3]))
    assert "TINY HOPS ON A LOCAL NODE" in merged["shout"]
    assert merged["stats"]["words"] == len(store.get(cids[0]).decode().split())
    if tinyhops.getStep(wf, 3).attempts == 1 and advanced:
        # the deposit did not launch the step itself: the node advanced it, exactly once
        assert advanced == {wf: 1}
