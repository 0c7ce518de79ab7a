"""Ether amounts and workflow costs."""
from types import SimpleNamespace as NS

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiny_hops.costs import (
    MAX_COST_WEI,
    EtherAmountError,
    critical_path,
    format_ether,
    parse_ether,
    worst_case_cost,
)


@pytest.mark.parametrize(
    "text, wei",
    [
        ("5", 5 * 10**18),
        ("0.25", 25 * 10**16),
        ("0.000000000000000001", 1),
        ("1.500000000000000000000", 15 * 10**17),  # trailing zeros beyond 18 decimals are exact
        ("123456789012345678901.123456789012345678", 123456789012345678901123456789012345678),
        ("007", 7 * 10**18),
    ],
)
def test_parse_ether_exact(text, wei):
    assert parse_ether(text) == wei


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("0", "greater than zero"),
        ("0.0", "greater than zero"),
        ("-1", "not an ether amount"),
        ("1e3", "not an ether amount"),
        (".5", "not an ether amount"),
        ("5.", "not an ether amount"),
        (" 5", "not an ether amount"),
        ("0.0000000000000000001", "more than 18 decimals"),
        (str(2**128), "2^128 - 1 wei"),
    ],
)
def test_parse_ether_rejects(text, fragment):
    with pytest.raises(EtherAmountError, match=fragment.replace("^", r"\^")):
        parse_ether(text)


@given(st.integers(1, MAX_COST_WEI))
def test_format_parse_roundtrip(wei):
    assert parse_ether(format_ether(wei)) == wei


def test_format_ether():
    assert format_ether(0) == "0"
    assert format_ether(10**18) == "1"
    assert format_ether(25 * 10**16) == "0.25"
    assert format_ether(1) == "0.000000000000000001"


def test_costs_of_a_small_dag():
    steps = [
        NS(index=0, max_cost=10, retries=0, deps=()),
        NS(index=1, max_cost=1, retries=4, deps=(0,)),  # 5
        NS(index=2, max_cost=7, retries=0, deps=(0,)),  # 7
        NS(index=3, max_cost=1, retries=0, deps=(1, 2)),
        NS(index=4, max_cost=30, retries=0, deps=()),
    ]
    assert worst_case_cost(steps) == 10 + 5 + 7 + 1 + 30
    assert critical_path(steps) == (30, (4,))
    steps[4].max_cost = 3
    assert critical_path(steps) == (18, (0, 2, 3))
    assert critical_path([]) == (0, ())
    with pytest.raises(ValueError):
        critical_path([NS(index=0, max_cost=1, retries=0, deps=(0,))])
