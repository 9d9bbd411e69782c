"""Exceptions, warnings and work budgets of kacspectral.

Bad input raises :class:`ValueError` (or :class:`TypeError`) with a message naming the bad
value and what was expected.  Numerical trouble is never hidden: it raises
:class:`ConvergenceError` or emits :class:`TruncationWarning` / :class:`NegativeDensityWarning`.

Work that would not fit in memory or would run for hours is refused before it starts:
:func:`check_budget` compares an estimate (from the ``estimate_*`` function next to the code it
describes) with :data:`MEMORY_BUDGET_BYTES` and :data:`TIME_BUDGET_SECONDS` and raises
:class:`BudgetError` (a :class:`ValueError`: the command line exits with status 2) naming the
argument, the limit and the estimate.
"""

from __future__ import annotations

import decimal
import math
from fractions import Fraction

__all__ = [
    "BudgetError",
    "ConvergenceError",
    "MEMORY_BUDGET_BYTES",
    "NegativeDensityWarning",
    "OPERATIONS_PER_SECOND",
    "TIME_BUDGET_SECONDS",
    "TruncationWarning",
    "check_budget",
    "format_bytes",
    "format_seconds",
    "short",
]


class ConvergenceError(RuntimeError):
    """An iteration did not reach its tolerance; the message gives the residual reached."""


class TruncationWarning(RuntimeWarning):
    """The truncation is too low for the data (the discarded tail is above the tolerance)."""


class NegativeDensityWarning(RuntimeWarning):
    """A truncated expansion of a density takes negative values."""


class BudgetError(ValueError):
    """Work refused up front: its estimated memory or run time exceeds the budget."""


#: Memory one computation may allocate: 8 GiB, a third of the reference machine's 24 GiB.
MEMORY_BUDGET_BYTES = 8 * 2**30
#: Longest run accepted without an explicit override (``force=True`` / ``--force``): 1 hour.
TIME_BUDGET_SECONDS = 3600.0
#: Nominal throughput used to turn operation counts into seconds: 1e9 floating-point
#: multiply-adds per second in vectorised numpy on one core (the reference machine reaches
#: 1-3e9 in the dense kernels measured by validation/cli_limits.py; the estimates are meant to
#: be right within a factor of a few, enough to tell seconds from hours).
OPERATIONS_PER_SECOND = 1e9


def short(value: object) -> str:
    """A number in short form for messages: ``1e+308`` rather than its 309 digits.

    Integers below 1e12 and fractions with numerator and denominator below 1e6 stay exact
    (``1/6``); other numbers get 6 significant digits (exact rationals of any size through
    :mod:`decimal`, so ``10**400`` and ``1/10**320`` print as ``1e+400`` and ``1e-320``);
    anything else its ``repr`` cut to 40 characters.
    """
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int) and abs(value) < 10**12:
        return str(value)
    if isinstance(value, (int, Fraction)):
        value = Fraction(value)
        if abs(value.numerator) < 10**6 and value.denominator < 10**6:
            return str(value)
        with decimal.localcontext() as ctx:
            ctx.prec, ctx.Emax, ctx.Emin = 6, 10**9, -(10**9)
            d = decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)
            return f"{d.normalize():.6g}".replace("E", "e")
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    return f"{x:.6g}"


def format_bytes(n: float) -> str:
    """``10.4 GB`` (decimal units)."""
    n = float(n)
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"


def format_seconds(s: float) -> str:
    """``3.2 hours``, ``45 s``, ``2.1e+05 years``."""
    s = float(s)
    if not math.isfinite(s):
        return "forever"
    for unit, size in (("years", 3.15e7), ("days", 86400.0), ("hours", 3600.0),
                       ("minutes", 60.0)):
        if s >= size:
            return f"{s / size:.3g} {unit[:-1] if s == size else unit}"
    return f"{s:.2g} s"


def check_budget(
    what: str,
    *,
    nbytes: float | None = None,
    seconds: float | None = None,
    hint: str = "",
    force: bool = False,
    memory_budget: float | None = None,
    time_budget: float | None = None,
) -> None:
    """Refuse work whose estimate exceeds the budget: raise :class:`BudgetError`.

    ``what`` names the arguments (``"bkw --grid 600"``); ``nbytes`` and ``seconds`` are the
    estimates.  Memory is always enforced (it cannot be overridden: the machine would swap or
    kill the process); time only when ``force`` is false.  The budgets default to the module
    constants :data:`MEMORY_BUDGET_BYTES` and :data:`TIME_BUDGET_SECONDS`, read at call time
    (the property tests lower the time budget to keep every example short).
    """
    memory_budget = MEMORY_BUDGET_BYTES if memory_budget is None else memory_budget
    time_budget = TIME_BUDGET_SECONDS if time_budget is None else time_budget
    if nbytes is not None and not nbytes <= memory_budget:
        raise BudgetError(
            f"{what} would need about {format_bytes(nbytes)} of memory, above the budget "
            f"{format_bytes(memory_budget)}{'; ' + hint if hint else ''}")
    if seconds is not None and not force and not seconds <= time_budget:
        raise BudgetError(
            f"{what} would run for about {format_seconds(seconds)}, above the limit "
            f"{format_seconds(time_budget)}{'; ' + hint if hint else ''}")
