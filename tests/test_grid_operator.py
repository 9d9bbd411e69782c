"""The fast spectral collision operator on the grid (kacspectral.grid.operator), small N only.

References: the BKW closed form ``Q = df/dt`` (Maxwell molecules); ``Q(M, M) = 0``; the exact
energy exchange between two Maxwellians and the exact hard-sphere loss term (closed forms in
erf / Gamma below); exact conservation after the projection; pyfftw against scipy.fft.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import erf, gamma

from kacspectral.grid import fft as grid_fft
from kacspectral.grid.conservation import grid_moments
from kacspectral.grid.operator import FastSpectralOperator, estimate_memory
from kacspectral.physics.bkw import BKW, STANDARD_BOX, standard_grid

FAST = {"effort": "FFTW_ESTIMATE"}


def maxwellian(v: np.ndarray, t: float, u=(0.0, 0.0, 0.0)) -> np.ndarray:
    r2 = np.sum((v - np.asarray(u)) ** 2, axis=-1)
    return (2 * math.pi * t) ** -1.5 * np.exp(-r2 / (2 * t))


def bkw_error(n: int, **kw) -> float:
    b = BKW()
    v = standard_grid(n)
    op = FastSpectralOperator(n, sphere_degree=3, **FAST, **kw)
    q = op.collision(b.density(v, 6.5))
    return float(np.max(np.abs(q - b.density_dt(v, 6.5))))


def test_bkw_converges_spectrally():
    # measured: 2.7e-4 (N=24), 1.0e-5 (N=32), 1.0e-7 (N=40); the BKW closed form is exact
    e24, e32 = bkw_error(24, radial_nodes=12), bkw_error(32, radial_nodes=12)
    assert e24 < 5e-4
    assert e32 < 3e-5
    assert e32 < e24 / 10


def test_maxwellian_is_an_equilibrium_for_every_lambda():
    v = standard_grid(32)
    m = maxwellian(v, 1.0)
    for lam in (0.0, 0.5, 1.0):
        op = FastSpectralOperator(32, lam=lam, sphere_degree=3, conserve=False, **FAST)
        # measured 1.5e-8 (lambda 0), 8.9e-8 (1/2), 1.9e-7 (1) against max M = 0.063
        assert np.max(np.abs(op.collision(m))) < 5e-6 * np.max(m)


@pytest.mark.parametrize("lam", [0.0, 0.5, 1.0])
def test_energy_exchange_between_two_maxwellians(lam):
    # int Q(M_T1, M_T2) |v|^2 = (1/2) (T2 - T1)/S E|q|^(lam+2), q ~ N(0, S I), S = T1 + T2
    t1, t2 = 0.6, 1.0
    s = t1 + t2
    exact = 0.5 * (t2 - t1) / s * (2 * s) ** ((lam + 2) / 2) * gamma((lam + 5) / 2) / gamma(1.5)
    v = standard_grid(32)
    op = FastSpectralOperator(32, lam=lam, sphere_degree=5, conserve=False, **FAST)
    q = op.collision(maxwellian(v, t1), maxwellian(v, t2))
    mom = grid_moments(q, STANDARD_BOX)
    assert abs(mom[4] / exact - 1) < 2e-5  # measured 4e-7 .. 2.4e-6
    assert abs(mom[0]) < 1e-8


def test_hard_sphere_loss_closed_form():
    # Q-(f, M_T) = f(v) int |v - w| M_T(w) dw = f sqrt(T) [(r + 1/r) erf(r/sqrt 2) + sqrt(2/pi)
    # exp(-r^2/2)], r = |v|/sqrt(T)
    v = standard_grid(32)
    t = 1.0
    f, g = maxwellian(v, 0.6), maxwellian(v, t)
    r = np.maximum(np.sqrt(np.sum(v**2, -1) / t), 1e-300)
    exact = f * math.sqrt(t) * ((r + 1 / r) * erf(r / math.sqrt(2))
                                + math.sqrt(2 / math.pi) * np.exp(-r * r / 2))
    op = FastSpectralOperator(32, lam=1.0, sphere_degree=3, **FAST)
    assert np.max(np.abs(op.loss(f, g) - exact)) < 1e-8  # measured 4.9e-10


def test_projection_restores_the_conservation_laws():
    v = standard_grid(24)
    f = 0.2 * maxwellian(v, 0.2, (2, 2, 2)) + 0.8 * maxwellian(v, 0.5, (-0.5, -0.5, -0.5))
    op = FastSpectralOperator(24, lam=1.0, sphere_degree=5, **FAST)
    raw = op.collision(f, conserve=False)
    q = op.collision(f)
    scale = np.max(np.abs(q))
    mom = grid_moments(q, STANDARD_BOX)
    assert np.max(np.abs(mom)) < 1e-13 * scale * 100
    assert np.max(np.abs(grid_moments(raw, STANDARD_BOX))) > 1e3 * np.max(np.abs(mom))
    assert op.last_correction == pytest.approx(np.max(np.abs(q - raw)))
    assert 0 < op.last_correction < 5e-2 * scale  # N = 24 under-resolves T = 0.2


def test_scipy_fallback_agrees_with_pyfftw(monkeypatch):
    v = standard_grid(16)
    f = maxwellian(v, 0.8, (0.3, 0, 0))
    q1 = FastSpectralOperator(16, lam=1.0, sphere_degree=3, **FAST).collision(f)
    monkeypatch.setattr(grid_fft, "pyfftw_available", lambda: False)
    op = FastSpectralOperator(16, lam=1.0, sphere_degree=3, **FAST)
    assert op.fft.backend == "scipy"
    q2 = op.collision(f)
    assert np.max(np.abs(q1 - q2)) < 1e-14


def test_refuses_a_grid_over_budget_before_allocating():
    assert estimate_memory(512) > 8 * 2**30
    with pytest.raises(ValueError, match="GiB"):
        FastSpectralOperator(512)
    with pytest.raises(ValueError, match="budget"):
        FastSpectralOperator(16, max_bytes=1000)


@pytest.mark.parametrize("bad", [{"n": 15}, {"n": 4}, {"lam": 1.5}, {"sphere_degree": 4},
                                 {"radial_nodes": 0}, {"half_width": -1.0}])
def test_bad_input(bad):
    kw = {"n": 16} | bad
    with pytest.raises(ValueError):
        FastSpectralOperator(**kw)
