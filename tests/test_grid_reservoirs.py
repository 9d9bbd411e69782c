"""Reservoir terms on the grid (issue 12, item 5): closed-form heat fluxes and energy laws.

References: for a Maxwellian ``f = M_T`` the Fokker-Planck term gives
``d m_2/dt = -2 sum_a eta_a (m_2 - 3 T_a)`` and ``J_a = eta_a (m_2 - 3 T_a)`` (conventions page,
section 7); a jump reservoir ``L_a f = gamma w_a Q(f, M_{T_a})`` gives, for ``B = |q|^lambda``,
``J_a = -(1/2) gamma w_a (1/2) (T_a - T)/S E|q|^(lambda+2)``, ``q ~ N(0, S I)``, ``S = T + T_a``
(Maxwell molecules: ``gamma w_a (m_2 - 3 T_a)/4``, section 7).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import gamma as gamma_fn

from kacspectral.grid.conservation import grid_moments
from kacspectral.grid.operator import FastSpectralOperator
from kacspectral.grid.reservoirs import DiffusiveReservoirs, JumpReservoirs, maxwellian_on_grid
from kacspectral.physics.reservoirs import MaxwellianMixture

L = 8.83


def test_fokker_planck_energy_law_and_fluxes():
    n = 32
    etas, temps = np.array([0.3, 0.7]), np.array([0.5, 1.0])
    d = DiffusiveReservoirs(n, L, etas, temps)
    f = maxwellian_on_grid(n, L, 0.8, (0.2, 0.0, 0.0))
    m = grid_moments(f, L)
    dm = grid_moments(d(f), L)
    assert abs(dm[0]) < 1e-14  # mass: derivatives have no zero mode
    exact = -2 * np.sum(etas * (m[4] - 3 * temps))
    assert abs(dm[4] / exact - 1) < 5e-4  # measured 1.5e-4 at N = 32
    assert np.allclose(d.heat_fluxes(f), etas * (m[4] - 3 * temps), rtol=5e-4)
    assert np.all(d.entropy_productions(f) > 0)


@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_jump_reservoir_heat_fluxes(lam):
    n, g = 32, 0.5
    res = MaxwellianMixture(["1/2", "1/2"], ["1/2", "1"])
    op = FastSpectralOperator(n, L, lam=lam, sphere_degree=3, radial_nodes=12,
                              effort="FFTW_ESTIMATE")
    jr = JumpReservoirs(op, g, res)
    t = 0.8
    f = maxwellian_on_grid(n, L, t)
    fluxes = jr.heat_fluxes(f)
    for j, w, ta in zip(fluxes, res.w, res.T, strict=True):
        s = t + ta
        e_q = (2 * s) ** ((lam + 2) / 2) * gamma_fn((lam + 5) / 2) / gamma_fn(1.5)
        exact = -0.5 * g * w * 0.5 * (ta - t) / s * e_q
        assert abs(j / exact - 1) < 1e-4  # measured < 1e-5 (N = 32)
    if lam == 0.0:
        assert np.allclose(fluxes, g * res.w * (3 * t - 3 * res.T) / 4, rtol=1e-4)
    assert np.all(jr.entropy_productions(f) > 0)


def _fokker_planck_numpy(f, half_width, eta, temperature):
    """The previous implementation (complex ``numpy.fft``), kept as the reference."""
    n = f.shape[0]
    k = np.fft.fftfreq(n, d=1.0 / n) * (np.pi / half_width)
    k2 = k**2
    k[n // 2] = 0.0
    x = -half_width + 2.0 * half_width * np.arange(n) / n
    lap = -(k2[:, None, None] + k2[None, :, None] + k2[None, None, :])
    spec = temperature * lap * np.fft.fftn(f)
    spec += 1j * k[:, None, None] * np.fft.fftn(x[:, None, None] * f)
    spec += 1j * k[None, :, None] * np.fft.fftn(x[None, :, None] * f)
    spec += 1j * k[None, None, :] * np.fft.fftn(x[None, None, :] * f)
    return eta * np.fft.ifftn(spec).real


@pytest.mark.parametrize("backend", ["pyfftw", "scipy"])
@pytest.mark.parametrize("n", [12, 16])
def test_fokker_planck_real_fft_plans_match_numpy(backend, n):
    # the pyfftw (and scipy fallback) real-FFT version against the complex numpy.fft one,
    # on data without symmetry (shifted Gaussian times a polynomial); even n (the previous version
    # dropped a non-Nyquist mode for odd n, a bug fixed here)
    if backend == "pyfftw":
        pytest.importorskip("pyfftw")
    x = -L + 2 * L * np.arange(n) / n
    f = (maxwellian_on_grid(n, L, 0.9, (0.3, -0.2, 0.5))
         * (1 + 0.1 * x[:, None, None] - 0.05 * x[None, None, :] ** 2 / 4))
    d = DiffusiveReservoirs(n, L, [0.3, 0.7], [0.5, 1.0], backend=backend)
    assert d.fft.backend == backend
    for part, eta, t in zip(d.parts(f), d.etas, d.temperatures, strict=True):
        ref = _fokker_planck_numpy(f, L, eta, t)
        assert np.max(np.abs(part - ref)) <= 1e-14 * np.max(np.abs(ref))
    again = d.parts(f)  # plans reused: same numbers on a second call
    assert all(np.array_equal(a, b) for a, b in zip(again, d.parts(f), strict=True))
