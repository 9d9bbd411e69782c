"""Diagnostics: entropy and temperature tensor against closed forms, negativity against BKW."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from kacspectral.boltzmann.anisotropic.collision import HermiteSpace
from kacspectral.boltzmann.anisotropic.diagnostics import (
    entropy,
    evolution_diagnostics,
    gtw_to_reference,
    most_negative_value,
    state_diagnostics,
    temperature_tensor,
)
from kacspectral.boltzmann.anisotropic.evolution import EvolutionProblem, evolve
from kacspectral.errors import NegativeDensityWarning, TruncationWarning
from kacspectral.physics.bkw import BKW
from kacspectral.spectral.hermite import gauss_hermite_3d as gauss_rule_3d

EPS = np.finfo(float).eps


def _h_maxwellian(T):
    """H = int M log M for M = M_{diag(T)}: -(3/2) - (1/2) sum log(2 pi T_i)."""
    return -1.5 - 0.5 * sum(math.log(2 * math.pi * t) for t in T)


def test_gauss_rule_exact_for_polynomials():
    v, w = gauss_rule_3d(4, 1.7)
    assert abs(w.sum() - 1) <= 16 * EPS
    assert abs(w @ (v[:, 0] ** 2 * v[:, 1] ** 4) - 1.7 * 3 * 1.7**2) <= 64 * EPS * 15


def test_entropy_of_maxwellian_exact_when_t_ref_matches():
    space = HermiteSpace(6, 1.3)
    ent = entropy(space, space.maxwellian(1.3))
    assert abs(ent["entropy"] - _h_maxwellian([1.3] * 3)) <= 64 * EPS * 5
    assert ent["negative_mass"] == 0.0


def test_entropy_of_anisotropic_maxwellian_converges():
    T = [1.0, 1.6, 1.3]
    errs = []
    for K in (8, 12, 16, 20):
        space = HermiteSpace(K, 1.3)
        errs.append(abs(entropy(space, space.maxwellian(T))["entropy"] - _h_maxwellian(T)))
    assert errs[-1] < 1e-11
    assert all(b < a for a, b in zip(errs, errs[1:], strict=False))


def test_entropy_error_estimate_tracks_the_true_error():
    # smooth positive integrand: the two-rule difference bounds the error against the closed
    # form (Maxwellian off T_ref, exact coefficients at K = 20 up to ~1e-12)
    T = [1.0, 1.6, 1.3]
    space = HermiteSpace(20, 1.3)
    ent = entropy(space, space.maxwellian(T), n_nodes=8)
    err = abs(ent["entropy"] - _h_maxwellian(T))
    assert err > 1e-7  # 8 nodes are too few (error 1.9e-6, coefficients exact to ~1e-12)...
    assert 0.5 * err <= ent["entropy_error_estimate"] <= 2 * err  # ...and the estimate says so
    # 6 nodes: relative difference 1.5e-5 > ENTROPY_TOL = 1e-6 (the K = 20 truncation estimate
    # 4e-7 is flagged as well)
    with pytest.warns(TruncationWarning) as rec:
        evolution_diagnostics(space, [space.maxwellian(T)], n_nodes=6)
    msgs = [str(w.message) for w in rec]
    assert any("entropy quadrature not converged" in m for m in msgs)
    assert any("truncation estimate 4.17e-07" in m for m in msgs)


def test_no_truncation_warning_for_data_in_the_space():
    space = HermiteSpace(6, 1.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = evolution_diagnostics(space, [space.maxwellian(1.3)])
    assert out["truncation_estimate"] == [0.0]
    assert out["entropy_error_estimate"][0] <= 64 * EPS * 5


def test_temperature_tensor_with_mean():
    space = HermiteSpace(4, 1.0)
    a = space.maxwellian([0.7, 1.1, 1.4], mean=[0.3, -0.2, 0.5])
    m = space.moments(a)
    th = temperature_tensor(m["mass"], m["momentum"], m["second"])
    assert np.max(np.abs(th - np.diag([0.7, 1.1, 1.4]))) <= 64 * EPS
    with pytest.raises(ValueError, match="mass must be > 0"):
        temperature_tensor(0.0, np.zeros(3), np.eye(3))


def test_most_negative_value_is_the_bkw_minimum():
    # BKW with A0 = -1/2 at t = 4 < t_min: f(0) = (2 pi K)^(-3/2) (5K - 3)/(2K) < 0 is the
    # minimum (the bracket increases with |v|); the Hermite coefficients are exact at T_ref = K.
    bkw = BKW(-0.5, "constant")
    with pytest.warns(NegativeDensityWarning):
        K = bkw.K(4.0)
        space = HermiteSpace(2, K, l_max=0)
        a = bkw.coefficients(space, 4.0)
    res = most_negative_value(space, a, n_grid=33)
    exact = (2 * math.pi * K) ** -1.5 * (5 * K - 3) / (2 * K)
    assert exact < 0 and abs(res["value"] - exact) <= 64 * EPS * abs(exact)
    assert res["location"] == [0.0, 0.0, 0.0]
    # degree 2 with the top coefficients O(1): the truncation estimate (0.79) is flagged too
    # and the kink of f_+ log f_+ at the sign change slows the entropy quadrature down
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = evolution_diagnostics(space, [a])
    got = sorted((w.category.__name__, str(w.message)[:32]) for w in rec)
    assert got == [("NegativeDensityWarning", "the truncated density takes nega"),
                   ("TruncationWarning", "entropy quadrature not converged"),
                   ("TruncationWarning", "truncation estimate 0.791 > 1e-0")]
    assert out["negative_mass"][0] > 0 and out["min_density"][0] < 0


def _warned(records, category, needle):
    """Whether ``records`` (from ``warnings.catch_warnings(record=True)``) hold a ``category``
    warning whose message contains ``needle``.  (Nested ``pytest.warns`` blocks need pytest
    >= 8, which re-emits the warnings an inner block does not match; this works on pytest 7.)"""
    return any(issubclass(r.category, category) and needle in str(r.message) for r in records)


def test_h_theorem_along_boltzmann_evolution_and_gtw_to_itself():
    space = HermiteSpace(8, 1.2)
    prob = EvolutionProblem(0, None, "constant", space)
    r = evolve(prob, space.maxwellian([0.9, 1.5, 1.2]), [0.0, 0.5, 1.0, 2.0, 4.0], dt=0.05)
    # the degree-8 truncation of this anisotropic evolution dips below zero (by ~2e-8): the
    # diagnostics must say so, not hide it
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        diag = evolution_diagnostics(space, r.coefficients)
    assert _warned(rec, NegativeDensityWarning, "negative values")
    assert _warned(rec, TruncationWarning, "unreliable")
    assert max(diag["truncation_estimate"]) > 1e-8
    assert -1e-6 < min(diag["min_density"]) < 0
    h = diag["entropy"]
    assert all(b < a for a, b in zip(h, h[1:], strict=False))  # H decreases (gamma = 0)
    assert h[-1] > _h_maxwellian([1.2] * 3)  # and stays above the equilibrium value
    assert max(abs(m - 3.6) for m in diag["m2"]) <= 1e-13
    th = np.array(diag["temperature_tensor"])
    assert np.ptp(np.diag(th[-1])) < np.ptp(np.diag(th[0]))
    m = space.moments(r.final)
    assert gtw_to_reference(space, r.final, lambda xi: space.fourier(r.final, xi), m,
                            require="tensor").distance == 0.0
    row = state_diagnostics(space, r.final)
    assert set(row) >= {"entropy", "min_density", "temperature_tensor", "fourth_moment"}
