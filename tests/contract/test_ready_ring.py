"""ReadyRing, the ready queue's storage: a FIFO of step indices whose 16-bit positions wrap. Checked
against a Python deque from starting positions on both sides of the counters' wrap (65,535 -> 0)
and of the ring's own turn (every 1,024 entries)."""
from collections import deque

import pytest
from hypothesis import given, settings, strategies as st

SIZE = 1024


@pytest.fixture(scope="module")
def ring(project, accounts):
    return project.ReadyRingHarness.deploy(sender=accounts[0])


operations = st.lists(
    st.one_of(
        st.tuples(st.just("push"), st.lists(st.integers(0, SIZE - 1), min_size=1, max_size=40)),
        st.tuples(st.just("pop"), st.integers(1, 40)),
    ),
    max_size=12,
)


@settings(max_examples=40)
@given(start=st.sampled_from([0, 1000, 1023, 65_500, 65_535]), ops=operations)
def test_ring_is_a_fifo_across_the_wrap(ring, accounts, start, ops):
    sender = accounts[0]
    ring.reset(start, sender=sender)
    model: deque[int] = deque()
    for op, arg in ops:
        if op == "push":
            if len(model) + len(arg) > SIZE:
                continue  # never more entries than a workflow has steps (see ReadyRing)
            ring.push(arg, sender=sender)
            model.extend(arg)
        else:
            count = min(arg, len(model))
            if count == 0:
                continue
            tx = ring.pop(count, sender=sender)
            assert list(tx.return_value) == [model.popleft() for _ in range(count)]
        assert ring.length() == len(model)


def test_a_full_ring_holds_every_step(ring, accounts):
    sender = accounts[0]
    ring.reset(65_000, sender=sender)  # wraps the 16-bit counters while full
    indices = list(range(SIZE))[::-1]
    for k in range(0, SIZE, 256):
        ring.push(indices[k:k + 256], sender=sender)
    assert ring.length() == SIZE
    out = []
    for _ in range(4):
        out += list(ring.pop(256, sender=sender).return_value)
    assert out == indices and ring.length() == 0
