"""3D GTW distance against closed forms for Gaussians and against slow brute-force searches."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, minimize

from kacspectral.boltzmann.gtw import (
    fibonacci_directions,
    gtw_distance,
    small_xi_limit,
)

EPS = np.finfo(float).eps


def gaussian(D, u=(0.0, 0.0, 0.0)):
    """f^ of the Maxwellian with covariance diag(D) and mean u (conventions page, section 1)."""
    D, u = np.asarray(D, float), np.asarray(u, float)
    return lambda xi: np.exp(-1j * (xi @ u) - 0.5 * (xi * xi) @ D)


def moments(D, u=(0.0, 0.0, 0.0), mass=1.0):
    u = np.asarray(u, float)
    return {"mass": mass, "momentum": mass * u, "second": mass * (np.diag(D) + np.outer(u, u))}


def mixture(comps):
    """f^ and moments of sum_a w_a M_{diag(D_a)}."""
    def f(xi):
        return sum(w * gaussian(D)(xi) for w, D in comps)
    second = sum(w * np.diag(D) for w, D in comps)
    return f, {"mass": 1.0, "momentum": np.zeros(3), "second": second}


def test_gaussians_closed_form_limit_at_zero():
    # Along each ray (e^{-a k^2/2} - e^{-b k^2/2})/k^2 is monotone in k, so the supremum is
    # the xi -> 0 limit max_i |D_i - T|/2 = 0.35, also with a common mean (the phase cancels).
    D, T, u = [0.5, 1.7, 1.1], 1.2, [0.3, -0.2, 0.1]
    res = gtw_distance(gaussian(D, u), gaussian([T] * 3, u), moments(D, u), moments([T] * 3, u),
                       require="first")
    assert abs(res.distance - 0.35) <= 16 * EPS
    assert res.xi_max is None and abs(res.small_xi_limit - 0.35) <= 16 * EPS
    assert res.grid_max <= res.distance * (1 + 1e-12)


def _isotropic_reference(w, T1, T2):
    T = w * T1 + (1 - w) * T2
    h = lambda x: (w * np.exp(-T1 * x / 2) + (1 - w) * np.exp(-T2 * x / 2) - np.exp(-T * x / 2)) / x  # noqa: E731,E501
    dh = lambda x: (  # noqa: E731
        (-T1 / 2 * w * np.exp(-T1 * x / 2) - T2 / 2 * (1 - w) * np.exp(-T2 * x / 2)
         + T / 2 * np.exp(-T * x / 2)) * x
        - (w * np.exp(-T1 * x / 2) + (1 - w) * np.exp(-T2 * x / 2) - np.exp(-T * x / 2))
    )
    # h(x) with x = k^2 vanishes at 0 and infinity; its maximum is a root of x h'(x) x = 0
    xs = np.geomspace(1e-3, 1e3, 2000)
    s = np.sign(dh(xs))
    i = int(np.nonzero(s[:-1] != s[1:])[0][0])
    x_star = brentq(dh, xs[i], xs[i + 1], xtol=1e-15, rtol=4 * EPS)
    return abs(h(x_star)), T


def test_isotropic_mixture_interior_supremum():
    w, T1, T2 = 0.3, 0.4, 2.0
    ref, T = _isotropic_reference(w, T1, T2)
    f, mf = mixture([(w, [T1] * 3), (1 - w, [T2] * 3)])
    res = gtw_distance(f, gaussian([T] * 3), mf, moments([T] * 3))
    assert res.small_xi_limit == 0.0 and res.xi_max is not None
    assert abs(res.distance - ref) <= 1e-10 * ref
    # the isotropic path of the same function (radial moments m_0, m_2, m_4)
    m4 = 15 * (w * T1**2 + (1 - w) * T2**2)
    iso = gtw_distance(
        lambda k: w * np.exp(-T1 * k**2 / 2) + (1 - w) * np.exp(-T2 * k**2 / 2),
        lambda k: np.exp(-T * k**2 / 2), [1.0, 3 * T, m4], [1.0, 3 * T, 15 * T**2])
    assert iso.path == "isotropic" and abs(iso.distance - ref) <= 1e-10 * ref
    assert abs(iso.k_star - np.linalg.norm(res.xi_max)) <= 1e-4 * iso.k_star


def test_anisotropic_interior_against_brute_force():
    D1, D2 = np.array([0.3, 1.0, 2.0]), np.array([1.5, 0.6, 0.2])
    f, mf = mixture([(0.5, D1), (0.5, D2)])
    g = gaussian((D1 + D2) / 2)
    res = gtw_distance(f, g, mf, moments((D1 + D2) / 2), require="tensor")
    # slow obvious search: the ratio is even in each xi_i, so an octant grid suffices
    th, ph = np.meshgrid(np.linspace(0, np.pi / 2, 91), np.linspace(0, np.pi / 2, 91))
    dirs = np.stack([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)], -1)
    dirs = dirs.reshape(-1, 3)
    ks = np.linspace(0.01, 8.0, 800)
    pts = ks[None, :, None] * dirs[:, None, :]
    vals = np.abs(f(pts) - g(pts)) / ks[None, :] ** 2
    i, j = np.unravel_index(int(np.argmax(vals)), vals.shape)
    obj = lambda x: -float(np.abs(f(x) - g(x)) / (x @ x))  # noqa: E731
    ref = -minimize(obj, pts[i, j], method="BFGS", options={"gtol": 1e-12}).fun
    assert ref >= vals.max()
    assert abs(res.distance - ref) <= 1e-9 * ref
    assert res.tail_ratio < 1e-3


def test_refuses_unequal_moments():
    a, b = moments([1, 1, 1]), moments([1, 1, 1])
    f = gaussian([1, 1, 1])
    with pytest.raises(ValueError, match="equal masses"):
        gtw_distance(f, f, a, moments([1, 1, 1], mass=2.0))
    with pytest.raises(ValueError, match="equal first moments"):
        gtw_distance(f, f, a, moments([1, 1, 1], u=[0.1, 0, 0]))
    with pytest.raises(ValueError, match="equal energies"):
        gtw_distance(f, f, a, moments([1, 1, 1.5]), require="energy")
    with pytest.raises(ValueError, match="second-moment tensors"):
        gtw_distance(f, f, a, moments([0.5, 1, 1.5]))  # the default: the seed's definition
    # equal energies, different tensors: accepted with require='energy', limit at xi -> 0
    res = gtw_distance(f, gaussian([0.5, 1, 1.5]), a, moments([0.5, 1, 1.5]), require="energy")
    assert abs(res.distance - 0.25) <= 16 * EPS
    with pytest.raises(ValueError, match="require must be one of"):
        gtw_distance(f, f, a, b, require="second")
    with pytest.raises(ValueError, match="'mass'"):
        gtw_distance(f, f, {"mass": 1.0}, b)
    assert gtw_distance(f, f, a, b).distance == 0.0


def test_helpers():
    d = fibonacci_directions(50)
    assert np.allclose(np.linalg.norm(d, axis=1), 1.0) and abs(d.mean(axis=0)).max() < 0.05
    assert small_xi_limit(np.diag([1.0, 2.0, 3.0]), 2 * np.eye(3)) == 0.5
    with pytest.raises(ValueError, match="positive integer"):
        fibonacci_directions(0)
