"""Tests of kacspectral.spectral.hermite (multi-indices, tensor Hermite, transforms, Burnett)
and kacspectral.spectral.harmonics."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from numpy.polynomial import hermite_e as npherm
from scipy import special

from kacspectral.spectral.harmonics import solid_harmonics, spherical_harmonics
from kacspectral.spectral.hermite import (
    SEED_TEMPERATURE,
    burnett_functions,
    burnett_indices,
    burnett_to_hermite,
    burnett_to_hermite_exact,
    coefficients_from_values,
    dim_v,
    gauss_hermite_3d,
    hermite_e_3d,
    index_in_degree,
    index_of,
    multi_indices,
    multi_indices_upto,
    values_from_coefficients,
)
from kacspectral.spectral.polynomials import gauss_hermite_e, hermite_e_orthonormal

EPS = float(np.finfo(float).eps)


def _sphere_rule(L):
    """Gauss-Legendre(cos th) x trapezoid(ph): exact for spherical polynomials of degree <= 2L+1."""
    t, wt = special.roots_legendre(L + 1)
    nph = 2 * L + 2
    ph = 2 * np.pi * np.arange(nph) / nph
    tt, pp = np.meshgrid(t, ph, indexing="ij")
    st = np.sqrt(1 - tt**2)
    u = np.stack([st * np.cos(pp), st * np.sin(pp), tt], -1).reshape(-1, 3)
    w = np.repeat(wt / 2 / nph, nph)
    return u, w, tt.ravel(), pp.ravel()


# ---------------------------------------------------------------------- multi-indices
def test_multi_indices_order_count_and_index_maps():
    assert multi_indices(2).tolist() == [
        [2, 0, 0], [1, 1, 0], [1, 0, 1], [0, 2, 0], [0, 1, 1], [0, 0, 2]
    ]
    for m in range(12):
        a = multi_indices(m)
        assert len(a) == dim_v(m) == (m + 1) * (m + 2) // 2
        assert np.all(a.sum(1) == m) and len({tuple(r) for r in a}) == len(a)
        # strictly descending lexicographic
        assert all(tuple(a[i]) > tuple(a[i + 1]) for i in range(len(a) - 1))
        assert np.array_equal(index_in_degree(a), np.arange(len(a)))
    A = multi_indices_upto(12)
    assert np.array_equal(index_of(A), np.arange(len(A)))
    assert len(A) == math.comb(12 + 3, 3)
    with pytest.raises(ValueError, match="m must be a non-negative integer"):
        multi_indices(-1)
    with pytest.raises(ValueError, match="multi-indices"):
        index_of([[1.5, 0, 0]])


# ---------------------------------------------------------------------- Hermite
def test_1d_orthonormal_to_degree_250():
    x, w = gauss_hermite_e(260, 1.0)
    P = hermite_e_orthonormal(250, x)
    G = (P * w) @ P.T
    # measured ~160 eps at degree 200 (the scipy Gauss nodes' own rounding dominates)
    assert np.max(np.abs(G - np.eye(251))) < 2000 * EPS


@pytest.mark.parametrize("T", [1.0, SEED_TEMPERATURE, 3.7])
def test_3d_orthonormal_moderate_degree(T):
    K = 12
    x, w = gauss_hermite_3d(K + 1, T)
    assert abs(w.sum() - 1) < 10 * EPS
    H = hermite_e_3d(multi_indices_upto(K), x, T)
    G = (H * w) @ H.T
    assert np.max(np.abs(G - np.eye(len(H)))) < 200 * EPS


def test_seed_convention_matches_He_at_sqrt_2pi_x():
    """H_n(x) = He_n(sqrt(2 pi) x) (conventions page, section 6), orthonormalised by sqrt(n!)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(7, 3))
    al = multi_indices_upto(6)
    got = hermite_e_3d(al, x, SEED_TEMPERATURE)
    y = math.sqrt(2 * math.pi) * x
    ref = np.ones((len(al), 7))
    for k, a in enumerate(al):
        for d in range(3):
            c = np.zeros(a[d] + 1)
            c[-1] = 1
            ref[k] *= npherm.hermeval(y[:, d], c) / math.sqrt(math.factorial(int(a[d])))
    assert np.max(np.abs(got - ref)) < 100 * EPS * np.max(np.abs(ref))


def test_transforms_roundtrip_and_match_direct_evaluation():
    rng = np.random.default_rng(2)
    K, n, T = 7, 9, 0.4
    al = multi_indices_upto(K)
    c = rng.normal(size=(len(al), 2))
    vals = values_from_coefficients(c, al, n, T)
    nodes, _ = gauss_hermite_3d(n, T)
    direct = hermite_e_3d(al, nodes, T).T @ c
    assert np.max(np.abs(vals - direct)) < 100 * EPS * np.max(np.abs(direct))
    back = coefficients_from_values(vals, al, n, T)
    assert np.max(np.abs(back - c)) < 200 * EPS


def test_coefficients_of_a_monomial_are_exact():
    """v1^2 v2 = sqrt(2) H_(2,1,0) + H_(0,1,0) at T = 1 (He_2 = x^2 - 1)."""
    n = 3
    nodes, _ = gauss_hermite_3d(n, 1.0)
    f = nodes[:, 0] ** 2 * nodes[:, 1]
    al = multi_indices_upto(3)
    c = coefficients_from_values(f, al, n, 1.0)
    ref = np.zeros(len(al))
    ref[index_of(np.array([[2, 1, 0]]))[0]] = math.sqrt(2)
    ref[index_of(np.array([[0, 1, 0]]))[0]] = 1.0
    assert np.max(np.abs(c - ref)) < 20 * EPS


def test_transform_bad_input():
    with pytest.raises(ValueError, match="leading dimension"):
        values_from_coefficients(np.zeros(3), multi_indices(2), 4)
    with pytest.raises(ValueError, match="n\\^3"):
        coefficients_from_values(np.zeros(10), multi_indices(2), 4)
    with pytest.raises(ValueError, match="temperature"):
        hermite_e_3d(multi_indices(1), np.zeros((1, 3)), -1.0)


# ---------------------------------------------------------------------- harmonics
def test_low_order_harmonics_closed_form():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 3))
    X, Y, Z = x.T
    S = solid_harmonics(2, x)
    ref = [
        np.ones(5),
        math.sqrt(3) * Y, math.sqrt(3) * Z, math.sqrt(3) * X,
        math.sqrt(15) * X * Y, math.sqrt(15) * Y * Z,
        math.sqrt(5) * (3 * Z**2 - (X**2 + Y**2 + Z**2)) / 2,
        math.sqrt(15) * X * Z, math.sqrt(15) / 2 * (X**2 - Y**2),
    ]
    assert np.max(np.abs(S - np.array(ref))) < 50 * EPS * np.max(np.abs(S))


def _sph_harm_y(l, m, theta, phi):
    """scipy's complex Y_l^m at polar angle theta and azimuth phi (``sph_harm_y``, scipy >= 1.15,
    the declared floor; the older ``sph_harm(m, l, phi, theta)`` is gone from scipy 1.17)."""
    return special.sph_harm_y(l, m, theta, phi)


def test_harmonics_against_scipy_and_orthonormal():
    L = 30
    u, w, t, ph = _sphere_rule(L)
    Y = spherical_harmonics(L, u)
    G = (Y * w) @ Y.T
    assert np.max(np.abs(G - np.eye(len(Y)))) < 500 * EPS
    th = np.arccos(t)
    for l in (0, 1, 7, 18, 30):
        for m in range(0, l + 1, max(1, l // 4)):
            cy = _sph_harm_y(l, m, th, ph) * math.sqrt(4 * math.pi) * (-1) ** m
            if m == 0:
                ref = [(0, cy.real)]
            else:
                ref = [(m, math.sqrt(2) * cy.real), (-m, math.sqrt(2) * cy.imag)]
            for mm, r in ref:
                # measured against mpmath.spherharm at 30 digits (80 of these nodes): scipy's
                # Y_lm, scaled as here, is off by up to 3.2 l eps, ours by up to 2.7 l eps
                # (l = 7..30, scipy 1.17); 30 l eps leaves a factor ~5 for other versions
                assert np.max(np.abs(Y[l * l + l + mm] - r)) < 30 * EPS * max(1, l)


def test_solid_harmonics_are_homogeneous():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(4, 3))
    a, b = solid_harmonics(9, 2.5 * x), solid_harmonics(9, x)
    for l in range(10):
        rows = slice(l * l, (l + 1) ** 2)
        assert np.allclose(a[rows], 2.5**l * b[rows], rtol=1e-13, atol=0)


# ---------------------------------------------------------------------- Burnett
@pytest.mark.parametrize("T", [1.0, SEED_TEMPERATURE])
def test_burnett_orthonormal_and_orthogonal_to_lower_degree(T):
    K = 10
    x, w = gauss_hermite_3d(K + 1, T)
    psi = np.concatenate([burnett_functions(m, x, T) for m in range(K + 1)])
    G = (psi * w) @ psi.T
    assert np.max(np.abs(G - np.eye(len(psi)))) < 500 * EPS
    # psi of degree m against H_beta of every lower degree
    for m in (3, 6, 10):
        low = hermite_e_3d(multi_indices_upto(m - 1), x, T)
        assert np.max(np.abs((burnett_functions(m, x, T) * w) @ low.T)) < 500 * EPS


def test_burnett_exact_low_degree():
    """psi_100 = (3 - |v|^2)/sqrt 6, psi_110 = z (5 - |v|^2)/sqrt 10 at T = 1 (by hand)."""
    rng = np.random.default_rng(5)
    v = rng.normal(size=(6, 3))
    r2 = np.sum(v**2, 1)
    p2 = burnett_functions([[1, 0, 0]], v, 1.0)[0]
    p3 = burnett_functions([[1, 1, 0]], v, 1.0)[0]
    assert np.allclose(p2, (3 - r2) / math.sqrt(6), rtol=0, atol=20 * EPS)
    assert np.allclose(p3, v[:, 2] * (5 - r2) / math.sqrt(10), rtol=0, atol=50 * EPS)


def test_change_of_basis_exact_entries_m3():
    """z(5 - |v|^2) = -z He_2(x) - z He_2(y) - He_3(z): column (1,1,0) of C is exact."""
    C = burnett_to_hermite(3)
    col = list(map(tuple, burnett_indices(3))).index((1, 1, 0))
    ref = np.zeros(dim_v(3))
    al = list(map(tuple, multi_indices(3)))
    ref[al.index((2, 0, 1))] = -1 / math.sqrt(5)
    ref[al.index((0, 2, 1))] = -1 / math.sqrt(5)
    ref[al.index((0, 0, 3))] = -math.sqrt(sp.Rational(3, 5))
    assert np.max(np.abs(C[:, col] - ref)) < 20 * EPS


@pytest.mark.parametrize("m", [1, 2, 5, 9, 16])
def test_change_of_basis_orthogonal_and_quadrature_exact(m):
    C = burnett_to_hermite(m)
    assert np.max(np.abs(C.T @ C - np.eye(len(C)))) < 100 * EPS * m
    # the (m+1)-node rule is exact: more nodes give the same matrix to rounding
    n = m + 4
    nodes, _ = gauss_hermite_3d(n, 1.0)
    vals = burnett_functions(m, nodes, 1.0)
    C2 = coefficients_from_values(vals.T, multi_indices(m), n, 1.0)
    assert np.max(np.abs(C - C2)) < 100 * EPS * m
    # and psi = sum_i C[i, j] H_alpha_i pointwise, at any temperature
    T = SEED_TEMPERATURE
    v = np.random.default_rng(m).normal(scale=math.sqrt(T), size=(5, 3))
    lhs = burnett_functions(m, v, T)
    rhs = C.T @ hermite_e_3d(multi_indices(m), v, T)
    assert np.max(np.abs(lhs - rhs)) < 1e3 * EPS * m * max(1.0, np.max(np.abs(lhs)))


def test_exact_change_of_basis_is_orthogonal_and_matches_floats():
    for m in range(0, 4):
        E = burnett_to_hermite_exact(m)
        assert sp.simplify(E.T * E - sp.eye(dim_v(m))) == sp.zeros(dim_v(m))
    assert burnett_to_hermite_exact(2)[:, 0].T == sp.Matrix([[-1, 0, 0, -1, 0, -1]]) / sp.sqrt(3)
    for m in range(1, 6):
        Ef = np.array(burnett_to_hermite_exact(m).evalf(30).tolist(), dtype=float)
        assert np.max(np.abs(Ef - burnett_to_hermite(m))) < 50 * EPS


def test_burnett_bad_input():
    with pytest.raises(ValueError, match="\\|mm\\| <= l"):
        burnett_functions([[0, 2, 3]], np.zeros((1, 3)))
    with pytest.raises(TypeError, match="with_gaussian must be a bool"):
        burnett_functions(3, np.zeros((1, 3)), 1.0, [[0, 2, 0]])  # the old index-subset form
    with pytest.raises(ValueError, match="non-zero"):
        spherical_harmonics(2, np.zeros(3))


def test_zonal_harmonics_are_normalised_legendre_polynomials():
    # independent reference: scipy's Legendre polynomials, sqrt(2l+1) P_l (uniform measure on S^2)
    from scipy.special import eval_legendre

    from kacspectral.spectral.harmonics import zonal_harmonics

    mu = np.linspace(-1.0, 1.0, 101)
    z = zonal_harmonics(40, mu)
    for l in range(41):
        ref = np.sqrt(2 * l + 1) * eval_legendre(l, mu)
        assert np.max(np.abs(z[l] - ref)) < 1000 * np.finfo(float).eps * np.sqrt(2 * l + 1)


@pytest.mark.parametrize("n, l", [(0, 180), (2, 200), (0, 240)])
def test_burnett_functions_beyond_gamma_overflow(n, l):
    """Gamma(l + 3/2) overflows for l >= 170; the radial start value now uses lgamma, so
    psi_{n,l,0} is not 0.  Reference: closed form in logarithms (n = 0) and the
    zonal/full implementations against each other (measured relative difference 4e-14)."""
    from kacspectral.spectral.hermite import burnett_norm, zonal_burnett_functions

    m = 2 * n + l
    r = math.sqrt(l)  # |y|^l stays below the float64 overflow up to l ~ 250
    v = np.array([[0.0, 0.0, r], [0.3, -0.2, r], [r / 2, 0.1, -r]])
    z = zonal_burnett_functions(m, v)[(l - m % 2) // 2]
    b = burnett_functions([[n, l, 0]], v)[0]
    assert np.all(np.isfinite(z)) and np.all(np.abs(z) > 1e-100)  # was exactly 0 before
    assert np.max(np.abs(z - b) / np.abs(b)) < 100 * l * EPS
    if n == 0:
        y = np.linalg.norm(v, axis=1)
        log_mag = (math.log(burnett_norm(l)) - 0.5 * math.lgamma(l + 1.5) + l * np.log(y)
                   + 0.5 * math.log(2 * l + 1))
        ref = np.exp(log_mag) * special.eval_legendre(l, v[:, 2] / y)
        assert np.max(np.abs(z - ref) / np.abs(ref)) < 100 * l * EPS


def test_burnett_functions_report_underflow_of_the_radial_normalisation():
    from kacspectral.spectral.hermite import zonal_burnett_functions

    with pytest.raises(ValueError, match=r"alpha = 300.5 too large.*l <= 299"):
        zonal_burnett_functions(300, np.array([[0.0, 0.0, 1.0]]))
