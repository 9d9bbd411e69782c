"""Time integrators: orders by fitted slopes, exactness properties, input checks."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from kacspectral.errors import ConvergenceError
from kacspectral.spectral.timesteppers import (
    SCHEME_ORDERS,
    SCHEMES,
    SplitODE,
    get_scheme,
    integrate,
    phi_functions,
)

EPS = np.finfo(float).eps

# y' = -y + e^{-t} y^2 (a Bernoulli equation): with u = 1/y, u' = u - e^{-t}, so
# u = C e^t + e^{-t}/2 and y(0) = y0 gives C = 1/y0 - 1/2.  Non-autonomous and nonlinear.
Y0 = np.array([0.5, 0.25, -0.3])


def _bernoulli() -> SplitODE:
    return SplitODE(-1.0, lambda t, y: math.exp(-t) * y**2)


def _bernoulli_exact(t: float) -> np.ndarray:
    C = 1.0 / Y0 - 0.5
    return 1.0 / (C * math.exp(t) + 0.5 * math.exp(-t))


def _error(scheme: str, n: int, t_end: float = 2.0) -> float:
    y = integrate(_bernoulli(), Y0, [0.0, t_end], t_end / n, scheme)[-1]
    return float(np.max(np.abs(y - _bernoulli_exact(t_end))))


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_order_by_fitted_slope(scheme):
    ns = [8, 16, 32, 64]
    errs = [_error(scheme, n) for n in ns]
    slope = np.polyfit(np.log(2.0 / np.array(ns)), np.log(errs), 1)[0]
    order = SCHEME_ORDERS[scheme]
    assert abs(slope - order) < 0.25, (scheme, slope, errs)
    assert errs[-1] < 1e-3


def test_registry_matches_orders():
    assert set(SCHEMES) == set(SCHEME_ORDERS)
    assert {"rk4", "etdrk4", "lawson-rk4"} <= set(SCHEMES)


@pytest.mark.parametrize("scheme", ["etdrk4", "etdrk2", "lawson-rk4"])
def test_exponential_schemes_exact_for_pure_loss(scheme):
    # y' = -y: the loss is treated exactly, so one huge step is exact.
    ode = SplitODE(-1.0, lambda t, y: np.zeros_like(y))
    y = integrate(ode, np.array([1.0, -2.0]), [0.0, 7.0], 7.0, scheme)[-1]
    ref = np.array([1.0, -2.0]) * math.exp(-7.0)
    assert np.max(np.abs(y - ref)) <= 8 * EPS * np.max(np.abs(ref))


@pytest.mark.parametrize("scheme", ["etdrk4", "etdrk2"])
def test_etd_exact_for_constant_forcing_and_keeps_fixed_points(scheme):
    ode = SplitODE(-1.0, lambda t, y: np.full_like(y, 3.0))
    y = integrate(ode, np.array([0.0]), [0.0, 2.5], 1.25, scheme)[-1]
    assert abs(y[0] - 3.0 * (1 - math.exp(-2.5))) <= 8 * EPS * 3.0
    # the (stable) fixed point y* = 1 of -y + sqrt(y) stays 1 up to rounding with large steps
    ode = SplitODE(-1.0, lambda t, y: np.sqrt(y))
    y = integrate(ode, np.array([1.0]), [0.0, 10.0], 0.5, scheme)[-1]
    assert abs(y[0] - 1.0) <= 64 * EPS


def test_phi_functions_against_mpmath():
    mpmath.mp.dps = 40
    for z in [-3.0, -1.0, -0.5000001, -0.4999999, -0.1, -1e-8, 0.0, 0.3, 2.0]:
        got = phi_functions(z)
        zz = mpmath.mpf(z)
        e = mpmath.exp(zz)
        if z == 0:
            ref = [1, 1, mpmath.mpf(1) / 2, mpmath.mpf(1) / 6]
        else:
            p1 = (e - 1) / zz
            p2 = (p1 - 1) / zz
            p3 = (p2 - mpmath.mpf(1) / 2) / zz
            ref = [e, p1, p2, p3]
        for g, r in zip(got, ref, strict=True):
            assert abs(g - float(r)) <= 64 * EPS * max(1.0, abs(float(r))), (z, got, ref)


def test_rk4_matches_solve_ivp_on_the_same_rhs():
    from scipy.integrate import solve_ivp

    ode = _bernoulli()
    sol = solve_ivp(ode.rhs, (0.0, 2.0), Y0, method="DOP853", rtol=1e-13, atol=1e-15)
    y = integrate(ode, Y0, [0.0, 2.0], 1e-2, "rk4")[-1]
    assert np.max(np.abs(sol.y[:, -1] - _bernoulli_exact(2.0))) < 1e-12
    assert np.max(np.abs(y - sol.y[:, -1])) < 1e-9


def test_outputs_hit_every_time_and_callback():
    seen = []
    out = integrate(
        _bernoulli(), Y0, [0.0, 0.3, 1.0], 0.07, "rk4", callback=lambda i, t, y: seen.append(t)
    )
    assert out.shape == (3, 3)
    assert seen == [0.0, 0.3, 1.0]
    assert np.max(np.abs(out[1] - _bernoulli_exact(0.3))) < 1e-7


def test_bad_input():
    with pytest.raises(ValueError, match="unknown time-stepping scheme 'rk5'"):
        get_scheme("rk5")
    with pytest.raises(ValueError, match="strictly increasing"):
        integrate(_bernoulli(), Y0, [0.0, 0.0], 0.1)
    with pytest.raises(ValueError, match="dt must be a positive number"):
        integrate(_bernoulli(), Y0, [0.0, 1.0], -0.1)
    blow = SplitODE(0.0, lambda t, y: y**2)
    with np.errstate(all="ignore"), pytest.raises(ConvergenceError, match="blew up"):
        integrate(blow, np.array([1.0]), [0.0, 5.0], 0.5, "rk4")
