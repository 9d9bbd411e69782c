"""Validation of the parameters shared by the grid problems (NESS and DSMC).

Both :class:`kacspectral.grid.ness.GridNessProblem` and
:class:`kacspectral.grid.dsmc.DsmcProblem` describe the model of seed 003, eq. (1.4), with the
bulk kernel ``|v - v_*|^lambda``: ``0 <= lambda <= 1``, ``0 < gamma < 1`` and a reservoir that is
a :class:`kacspectral.physics.reservoirs.MaxwellianMixture`.
"""

from __future__ import annotations

import math

from kacspectral.errors import short
from kacspectral.physics.reservoirs import MaxwellianMixture

__all__ = ["finite_float", "check_reservoir_problem"]


def finite_float(value: object, name: str) -> float:
    """``float(value)``, refusing with a ValueError (naming the value in short form) what is not
    a number, overflows a float (``10**400``) or is not finite (``nan``, ``inf``)."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    try:
        x = float(value)  # type: ignore[arg-type]
    except OverflowError:
        raise ValueError(f"{name} = {short(value)} overflows a float; expected a finite "
                         "number") from None
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number, got {short(value)}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {short(value)}")
    return x


def check_reservoir_problem(lam: object, gamma: object,
                            reservoir: object) -> tuple[float, float]:
    """Check ``0 <= lambda <= 1``, ``0 < gamma < 1`` (finite numbers) and that the reservoir is
    a :class:`MaxwellianMixture`; return ``(lambda, gamma)`` as floats.

    Raises
    ------
    ValueError
        For a value out of range, non-finite or overflowing a float, naming it.
    TypeError
        For a reservoir that is not a :class:`MaxwellianMixture`.
    """
    lam_f = finite_float(lam, "lambda")
    if not 0.0 <= lam_f <= 1.0:
        raise ValueError(f"lambda must be in [0, 1], got {short(lam)}")
    gamma_f = finite_float(gamma, "gamma")
    if not 0.0 < gamma_f < 1.0:
        raise ValueError(f"gamma must be in (0, 1), got {short(gamma)}")
    if not isinstance(reservoir, MaxwellianMixture):
        raise TypeError(f"reservoir must be a MaxwellianMixture, got {short(reservoir)}")
    return lam_f, gamma_f
