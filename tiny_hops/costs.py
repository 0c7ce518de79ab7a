"""Ether amounts and workflow costs (standard library only).

A step's ``cost`` in a spec is an ether amount written as a decimal string ("5", "0.25"). It is
converted to wei exactly with :class:`decimal.Decimal`. A step may be attempted ``1 + retries``
times, and every attempt is paid, so a step costs at most ``max_cost * (1 + retries)``.

* :func:`worst_case_cost`: the sum of that over every step, what a workflow may spend in all;
* :func:`critical_path`: the most expensive chain of dependent steps in the compiled DAG.
"""
from __future__ import annotations

import re
from decimal import Decimal, Inexact, InvalidOperation, localcontext
from typing import Iterable, Protocol, Sequence

__all__ = [
    "WEI_PER_ETHER",
    "MAX_DECIMALS",
    "MAX_COST_WEI",
    "EtherAmountError",
    "parse_ether",
    "format_ether",
    "step_worst_case",
    "worst_case_cost",
    "critical_path",
    "critical_path_cost",
]

WEI_PER_ETHER = 10**18
MAX_DECIMALS = 18
#: The contract refuses a maxCost above 2^128 - 1 (InvalidMaxCost).
MAX_COST_WEI = 2**128 - 1

_AMOUNT_RE = re.compile(r"\A[0-9]+(\.[0-9]+)?\Z")


class EtherAmountError(ValueError):
    """An ether amount that cannot be a step cost; the message says what to do."""


def parse_ether(text: str) -> int:
    """Converts a decimal ether amount ("5", "0.25") to wei, exactly.

    Raises :class:`EtherAmountError` unless the amount is a plain decimal string, positive, with
    at most 18 significant decimals (trailing zeros are fine), and at most 2^128 - 1 wei.
    """
    if not isinstance(text, str) or not _AMOUNT_RE.match(text):
        raise EtherAmountError(
            f"{text!r} is not an ether amount: write a positive decimal string such as \"5\" or \"0.25\""
        )
    with localcontext() as ctx:
        ctx.prec = len(text) + 2 * MAX_DECIMALS
        ctx.traps[Inexact] = True
        try:
            wei = Decimal(text).scaleb(MAX_DECIMALS)
        except (InvalidOperation, Inexact):  # pragma: no cover - the precision is ample
            raise EtherAmountError(f"{text!r} cannot be converted to wei exactly") from None
        if wei != wei.to_integral_value():
            raise EtherAmountError(
                f"{text} has more than {MAX_DECIMALS} decimals (finer than 1 wei): "
                f"round it to at most {MAX_DECIMALS} decimals"
            )
        value = int(wei)
    if value <= 0:
        raise EtherAmountError(f"cost must be greater than zero (got {text}): give the most one attempt may cost")
    if value > MAX_COST_WEI:
        raise EtherAmountError(
            f"{text} ether is more than the contract accepts (2^128 - 1 wei): lower it"
        )
    return value


def format_ether(wei: int) -> str:
    """An exact decimal ether string for an amount in wei (no trailing zeros): 250000000000000000 -> "0.25"."""
    if not isinstance(wei, int) or isinstance(wei, bool):
        raise TypeError("wei is an int")
    sign = "-" if wei < 0 else ""
    whole, frac = divmod(abs(wei), WEI_PER_ETHER)
    if not frac:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:018d}".rstrip("0")


class _CostedStep(Protocol):
    index: int
    max_cost: int
    retries: int
    deps: Sequence[int]


def step_worst_case(step: _CostedStep) -> int:
    """What one step may spend: ``max_cost * (1 + retries)`` wei."""
    return step.max_cost * (1 + step.retries)


def worst_case_cost(steps: Iterable[_CostedStep]) -> int:
    """The sum over steps of ``max_cost * (1 + retries)``, in wei."""
    return sum(step_worst_case(s) for s in steps)


def critical_path(steps: Sequence[_CostedStep]) -> tuple[int, tuple[int, ...]]:
    """The most expensive path of the DAG: ``(cost in wei, step indices from root to end)``.

    ``steps`` are in index order, each dep below its own index. A path's cost is the sum of
    ``max_cost * (1 + retries)`` of its steps. Ties go to the path ending at the lowest index,
    reached through the lowest dep.
    """
    best: list[int] = []
    prev: list[int | None] = []
    for pos, s in enumerate(steps):
        if s.index != pos:
            raise ValueError(f"steps must be in index order (step at position {pos} has index {s.index})")
        base, via = 0, None
        for d in s.deps:
            if not 0 <= d < pos:
                raise ValueError(f"step {pos} has dep {d}, not below its own index")
            if via is None or best[d] > base:
                base, via = best[d], d
        best.append(base + step_worst_case(s))
        prev.append(via)
    if not best:
        return 0, ()
    end = max(range(len(best)), key=lambda i: (best[i], -i))
    path = []
    node: int | None = end
    while node is not None:
        path.append(node)
        node = prev[node]
    return best[end], tuple(reversed(path))


def critical_path_cost(steps: Sequence[_CostedStep]) -> int:
    """The cost, in wei, of :func:`critical_path`."""
    return critical_path(steps)[0]
