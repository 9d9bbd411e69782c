"""Tests of the Hermite/Burnett discretisation and the Bobylev collision tensor.

References used: exact closed forms (Gaussian moments, Maxwellian transforms), sympy/mpmath
integrals of the kernel constants, a direct quadrature of Bobylev's formula over sigma in S^2
(issue 4c), a 3D Gauss-Hermite quadrature, and an FFT (pyfftw) of the density.
"""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from kacspectral.boltzmann.anisotropic.collision import (
    CollisionOperator,
    HermiteSpace,
    clear_operator_cache,
    reduced_coefficients,
)
from kacspectral.errors import TruncationWarning
from kacspectral.physics.kernels import S, get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture
from kacspectral.spectral.burnett import (
    basis_labels,
    burnett_functions,
    fischer_norm,
    harmonic_index,
    project_homogeneous,
    real_solid_harmonics,
    sphere_quadrature,
)
from kacspectral.spectral.polynomials import gauss_hermite_e

EPS = float(np.finfo(float).eps)
KERNELS = ["constant", "kac", "3*(1+s)**2/4"]  # even; Kac (singular, odd); odd polynomial


# ---------------------------------------------------------------------- reference helpers
def bobylev_direct(fhat_a, fhat_b, xi, kernel, ns=40, nphi=64):
    """Slow direct Bobylev: int_{S^2} f^(xi+) g^(xi-) b(sigma.xi/|xi|) dsigma by quadrature.

    sigma = s n + sqrt(1-s^2)(cos p e1 + sin p e2) about n = xi/|xi|; Gauss-Jacobi in s (the
    kernel's rule) and the trapezoid rule in p.
    """
    k = get_kernel(kernel)
    s, w = k.quadrature(ns)
    out = []
    for x in np.atleast_2d(xi):
        r = np.linalg.norm(x)
        n = x / r
        t = np.array([1.0, 0, 0]) if abs(n[0]) < 0.9 else np.array([0, 1.0, 0])
        e1 = t - n * (t @ n)
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(n, e1)
        p = 2 * np.pi * np.arange(nphi) / nphi
        ss, pp = np.meshgrid(s, p, indexing="ij")
        sig = (ss[..., None] * n + np.sqrt(1 - ss**2)[..., None]
               * (np.cos(pp)[..., None] * e1 + np.sin(pp)[..., None] * e2))
        val = fhat_a((x + r * sig) / 2) * fhat_b((x - r * sig) / 2)
        out.append(np.sum(w[:, None] * val) / nphi)
    return np.array(out)


def random_low_degree(space, rng, max_degree, scale=0.3):
    a = np.zeros(space.size)
    low = space.degrees <= max_degree
    a[low] = scale * rng.normal(size=int(low.sum()))
    a[0] = 1.0
    return a


def gauss_hermite_3d(n, temperature):
    x, w = gauss_hermite_e(n, temperature)
    pts = np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1).reshape(-1, 3)
    ww = np.einsum("i,j,k->ijk", w, w, w).ravel()
    return pts, ww


# ---------------------------------------------------------------------- basis
def test_solid_harmonics_orthonormal_and_addition_theorem():
    lmax = 7
    pts, w = sphere_quadrature(2 * lmax)
    ys = real_solid_harmonics(lmax, pts)
    gram = (ys * w) @ ys.T
    assert np.max(np.abs(gram - np.eye(len(ys)))) < 50 * EPS
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 3))
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    ya, yb = real_solid_harmonics(lmax, a), real_solid_harmonics(lmax, b)
    for l in range(lmax + 1):
        rows = [harmonic_index(l, m) for m in range(-l, l + 1)]
        lhs = float(np.sum(ya[rows] * yb[rows]))
        rhs = (2 * l + 1) * float(sp.legendre(l, sp.Float(float(a @ b), 30)))
        assert abs(lhs - rhs) < 100 * EPS * (2 * l + 1)
    # homogeneity of degree l and the l = 1 convention sqrt(3) (x, y, z)
    y2 = real_solid_harmonics(lmax, 2.5 * a)
    for l in range(lmax + 1):
        rows = [harmonic_index(l, m) for m in range(-l, l + 1)]
        assert np.allclose(y2[rows], 2.5**l * ya[rows], rtol=0, atol=1e-13 * 2.5**l)
    assert np.allclose(ya[[3, 1, 2]], math.sqrt(3) * a, atol=10 * EPS)


@pytest.mark.parametrize("temperature", [1.0, 0.7])
def test_burnett_functions_orthonormal_in_L2_of_maxwellian(temperature):
    labels = basis_labels(6)
    pts, w = gauss_hermite_3d(8, temperature)  # exact for degree <= 15 per axis
    psi = burnett_functions(labels, pts, temperature, with_gaussian=False)
    gram = (psi * w) @ psi.T
    assert np.max(np.abs(gram - np.eye(len(labels)))) < 200 * EPS


def test_burnett_functions_mixed_labels_per_degree_and_with_gaussian():
    """The one burnett_functions: mixed-degree labels (table recurrence) against one degree at a
    time (single-row recurrence), and the Gaussian-weighted form against psi times M_T."""
    from kacspectral.spectral import hermite

    v = np.random.default_rng(14).normal(size=(7, 3)) * 1.5
    labels = basis_labels(7)
    mine = burnett_functions(labels, v, 0.8, with_gaussian=False)
    for d in range(8):
        theirs = hermite.burnett_functions(d, v, 0.8)
        rows = [k for k, (n, l, _) in enumerate(labels) if 2 * n + l == d]
        assert [tuple(r) for r in hermite.burnett_indices(d)] == [labels[k] for k in rows]
        assert np.max(np.abs(mine[rows] - theirs)) < 1e-12 * max(1.0, np.max(np.abs(theirs)))
    gauss = (2 * np.pi * 0.8) ** -1.5 * np.exp(-0.5 * np.sum(v * v, axis=-1) / 0.8)
    weighted = burnett_functions(labels, v, 0.8, with_gaussian=True)
    assert np.max(np.abs(weighted - mine * gauss)) < 1e-14 * np.max(np.abs(mine * gauss))


def test_fischer_norm_closed_form():
    # || |eta|^(2n) Ys_lm ||_F^2 = 2^n n! (2n+2l+1)!! : check with sympy's Fischer product
    x, y, z = sp.symbols("x y z")
    r2 = x**2 + y**2 + z**2
    for n, l, poly in [(1, 0, sp.Integer(1)), (2, 0, sp.Integer(1)), (1, 1, z), (1, 2, x * y)]:
        p = sp.Poly(sp.expand(r2**n * poly), x, y, z)
        fischer = sum(c**2 * math.prod(math.factorial(e) for e in mon)
                      for mon, c in zip(p.monoms(), p.coeffs(), strict=True))
        ys_norm2 = {0: 1, 1: sp.Rational(1, 3), 2: sp.Rational(1, 15)}[l]  # int poly^2 dsigma
        assert abs(fischer / ys_norm2 - fischer_norm(n, l) ** 2) < 1e-12 * fischer_norm(n, l) ** 2


def test_fourier_matches_gauss_hermite_transform_of_density():
    space = HermiteSpace(6, 0.8)
    rng = np.random.default_rng(1)
    a = random_low_degree(space, rng, 6)
    pts, w = gauss_hermite_3d(40, space.temperature)
    psi = burnett_functions(space.labels, pts, space.temperature, with_gaussian=False)
    vals = a @ psi  # f / M_T at the nodes
    xi = rng.normal(size=(4, 3))
    direct = np.array([np.sum(w * vals * np.exp(-1j * pts @ x)) for x in xi])
    assert np.max(np.abs(space.fourier(a, xi) - direct)) < 1e-13


def test_fourier_at_origin_and_far_out_is_finite_and_exact():
    space = HermiteSpace(30, 1.0, l_max=2)
    with pytest.warns(TruncationWarning, match="l_max=2 drops"):  # l = 4, 6, ... parts
        a = space.maxwellian([0.95, 1.0, 1.05])
    xi = np.array([[0.0, 0.0, 0.0], [30.0, 5.0, -2.0], [0.0, 0.0, 200.0]])
    got = space.fourier(a, xi)
    assert np.all(np.isfinite(got))
    assert abs(got[0] - 1) < 10 * EPS and np.max(np.abs(got[1:])) < 1e-100


def test_density_fft_pyfftw_matches_fourier():
    """Independent check: 3D FFT (pyfftw) of the density on the standard 32^3 grid."""
    import pyfftw.interfaces.numpy_fft as fftw

    space = HermiteSpace(6, 0.9)
    rng = np.random.default_rng(2)
    a = random_low_degree(space, rng, 6, scale=0.2)
    n, half = 32, 8.83
    h = 2 * half / n
    x = -half + h * np.arange(n)
    grid = np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1)
    f = space.density(a, grid)
    # int f e^{-i xi.v} ~ h^3 sum_j f(v_j) e^{-i xi.v_j}, v_j = -L + j h, xi = 2 pi k/(n h)
    fhat = h**3 * fftw.fftn(f)
    k = np.fft.fftfreq(n, d=h) * 2 * np.pi
    shift = np.exp(1j * k * half)  # e^{-i xi (-L)}
    fhat = fhat * shift[:, None, None] * shift[None, :, None] * shift[None, None, :]
    kk = np.stack(np.meshgrid(k, k, k, indexing="ij"), axis=-1)
    # all frequencies with |xi| <= 2 (positive and negative): the aliasing partners sit at
    # |xi_i| >= 2 pi/h - 2 = 9.4 where |f^| <~ exp(-0.9 * 9.4^2/2) |eta|^6 / N_30 ~ 1e-14
    ball = np.linalg.norm(kk, axis=-1) <= 2.0
    assert ball.sum() > 500
    assert np.max(np.abs(fhat[ball] - space.fourier(a, kk[ball]))) < 1e-13


# ---------------------------------------------------------------------- data
def test_maxwellian_coefficients_density_fourier_moments():
    temps, mean = np.array([0.8, 1.0, 1.25]), np.array([0.2, -0.1, 0.15])
    space = HermiteSpace(20, HermiteSpace.choose_temperature(temps), l_max=None)
    a = space.maxwellian(temps, mean)
    rng = np.random.default_rng(3)
    xi = rng.normal(size=(6, 3))
    exact = np.exp(-1j * xi @ mean - 0.5 * (xi**2) @ temps)
    assert np.max(np.abs(space.fourier(a, xi) - exact)) < 1e-8  # truncation: ratio 0.22^10
    v = rng.normal(size=(6, 3))
    dens = np.prod((2 * np.pi * temps) ** -0.5 * np.exp(-((v - mean) ** 2) / (2 * temps)), axis=1)
    assert np.max(np.abs(space.density(a, v) - dens)) < 1e-8
    mom = space.moments(a)
    tol = 20 * EPS
    assert abs(mom["mass"] - 1) < tol
    assert np.max(np.abs(mom["momentum"] - mean)) < tol
    assert np.max(np.abs(mom["second"] - (np.diag(temps) + np.outer(mean, mean)))) < tol
    m2 = float(np.sum(temps) + mean @ mean)
    m4 = m2**2 + float(np.sum(2 * temps**2 + 4 * mean**2 * temps))  # (E|v|^2)^2 + Var|v|^2
    assert abs(mom["m2"] - m2) < tol and abs(mom["energy"] - m2 / 2) < tol
    assert abs(mom["fourth"] - m4) < 100 * EPS


def test_mixture_coefficients_exact_and_moments():
    res = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    space = HermiteSpace(8, HermiteSpace.choose_temperature(res.T))
    a = space.reservoir(res)
    mom = space.moments(a)
    assert abs(mom["m2"] - float(res.moment_exact(1))) < 20 * EPS
    assert abs(mom["fourth"] - float(res.moment_exact(2))) < 20 * EPS
    # the mixture of Maxwellians equals the sum of the single Maxwellians' coefficients
    single = sum(w * space.maxwellian(t) for w, t in zip(res.w, res.T, strict=True))
    assert np.max(np.abs(a - single)) < 50 * EPS


def test_project_homogeneous_reproduces_basis_polynomials():
    labels = basis_labels(5)
    for j, (n, l, m) in enumerate(labels):
        def e_j(d, u, n=n, l=l, m=m):
            # e_nlm = (-1)^n |eta|^(2n) Ys_lm / N_nl (here |u| = 1)
            return ((-1) ** n * real_solid_harmonics(l, u)[harmonic_index(l, m)]
                    / fischer_norm(n, l) if d == 2 * n + l else np.zeros(len(u)))
        c = project_homogeneous(e_j, labels)
        assert np.max(np.abs(c - np.eye(len(labels))[j])) < 100 * EPS


# ---------------------------------------------------------------------- the tensor
def test_isotropic_reduced_coefficients_equal_exact_B_ij():
    """l1 = l2 = l = 0: Q+(|eta|^(2i), |eta|^(2j)) = B_ij |eta|^(2(i+j)) (conventions page,
    section 3)."""
    for name in KERNELS:
        kern = get_kernel(name)
        t = reduced_coefficients(8, 8, kern)[(0, 0, 0)]
        for i in range(5):
            for j in range(5 - i):
                exact = float(kern.B_exact(i, j))
                scale = fischer_norm(i + j, 0) / (fischer_norm(i, 0) * fischer_norm(j, 0))
                assert abs(t[i, j] - scale * exact) < 50 * EPS * scale


def test_linear_gain_eigenvalues_match_formula_of_math_section_6():
    """h -> Q+(h M, M)/M on block (n,l) has eigenvalue lambda_nl = (1/2) int b c^(2n+l) P_l(c),
    c = sqrt((1+s)/2); here evaluated independently by mpmath.
    """
    for name in ["kac", "3*(1+s)**2/4"]:
        kern = get_kernel(name)
        red = reduced_coefficients(6, 6, kern)
        expr = sp.lambdify(S, kern.expr, "mpmath")
        for n, l in [(0, 1), (1, 0), (0, 2), (1, 1), (2, 0), (0, 3), (1, 2), (0, 4), (2, 1)]:
            def integrand(s, n=n, l=l, expr=expr):
                c = mpmath.sqrt((1 + s) / 2)
                return expr(s) * c ** (2 * n + l) * mpmath.legendre(l, c) / 2
            with mpmath.workdps(30):
                exact = float(mpmath.quad(integrand, [-1, 0, 1]))
            assert abs(red[(l, 0, l)][n, 0] - exact) < 100 * EPS
    kac = reduced_coefficients(4, 4, get_kernel("kac"))
    assert abs(kac[(1, 0, 1)][0, 0] - 2 / 3) < 10 * EPS  # Lemma 3 of seed 000: (n,l) = (0,1)
    assert abs(kac[(0, 0, 0)][1, 0] - 2 / 3) < 10 * EPS  # and (1,0)


def test_tensor_matches_brute_force_projection_without_symmetry_reduction():
    """Slow obvious path: T[j,i,k] = <e_j, int e_i(eta+) e_k(eta-) b>_F by sphere quadrature."""
    space = HermiteSpace(4, 1.0)
    kern = "3*(1+s)**2/4"
    op = CollisionOperator(space, kern)
    labels = space.labels
    rng = np.random.default_rng(4)
    pairs = [(i, k) for i in range(space.size) for k in range(space.size)
             if space.degrees[i] + space.degrees[k] <= 4]
    chosen = [pairs[q] for q in rng.choice(len(pairs), size=25, replace=False)]
    for i, k in chosen:
        (n1, l1, m1), (n2, l2, m2) = labels[i], labels[k]

        def e(n, l, m, x):
            r2 = np.sum(x * x, axis=-1)
            return ((-1) ** n * r2**n * real_solid_harmonics(l, x)[harmonic_index(l, m)]
                    / fischer_norm(n, l))

        def hom(d, u, n1=n1, l1=l1, m1=m1, n2=n2, l2=l2, m2=m2):
            if d != 2 * (n1 + n2) + l1 + l2:
                return np.zeros(len(u))
            return bobylev_direct(lambda z: e(n1, l1, m1, z), lambda z: e(n2, l2, m2, z),
                                  u, kern, ns=8, nphi=12).real
        brute = project_homogeneous(hom, labels)
        ei, ek = np.eye(space.size)[i], np.eye(space.size)[k]
        assert np.max(np.abs(op.gain(ei, ek) - brute)) < 100 * EPS


@pytest.mark.parametrize("kernel", KERNELS)
def test_gain_against_direct_bobylev_quadrature(kernel):
    """Issue 4c: anisotropic f, g of degree <= 4 in a degree-8 space: Q+ is exact."""
    space = HermiteSpace(8, 0.9)
    op = CollisionOperator(space, kernel)
    rng = np.random.default_rng(5)
    a = random_low_degree(space, rng, 4)
    b = random_low_degree(space, rng, 4)
    b[:] += space.maxwellian([0.8, 0.9, 1.05], [0.1, 0.0, -0.2]) * (space.degrees <= 4)
    xi = rng.normal(size=(6, 3)) * 1.3
    direct = bobylev_direct(lambda z: space.fourier(a, z), lambda z: space.fourier(b, z), xi,
                            kernel)
    assert np.max(np.abs(space.fourier(op.gain(a, b), xi) - direct)) < 100 * EPS


def test_gain_against_direct_bobylev_for_a_non_polynomial_callable_kernel():
    """b(s) = 1 + sin(s)/2: no exact rule; the tensor uses the 200-node Gauss rule."""
    from kacspectral.physics.kernels import kernel_from_callable

    kern = kernel_from_callable(lambda s: 1 + 0.5 * np.sin(s), name="1+sin(s)/2")
    space = HermiteSpace(6, 1.1)
    op = CollisionOperator(space, kern)
    rng = np.random.default_rng(13)
    a, b = random_low_degree(space, rng, 3), random_low_degree(space, rng, 3)
    xi = rng.normal(size=(5, 3))
    direct = bobylev_direct(lambda z: space.fourier(a, z), lambda z: space.fourier(b, z), xi,
                            kern, ns=60)
    assert np.max(np.abs(space.fourier(op.gain(a, b), xi) - direct)) < 100 * EPS
    q = op.collision(a, a)
    assert abs(space.moments(q)["m2"]) < 20 * EPS and abs(q[0]) < 4 * EPS


@pytest.mark.parametrize("kernel", KERNELS)
def test_collision_of_exact_maxwellians_against_direct_bobylev(kernel):
    """Anisotropic Maxwellians (exact transforms, not truncated): convergence in the degree."""
    temps_a, temps_b = [0.85, 0.95, 1.1], [1.0, 0.9, 0.95]
    space = HermiteSpace(18, 0.95, l_max=None)
    op = CollisionOperator(space, kernel)
    a, b = space.maxwellian(temps_a), space.maxwellian(temps_b)
    xi = np.random.default_rng(6).normal(size=(4, 3))
    def exact(tt):
        return lambda z: np.exp(-0.5 * (z**2) @ np.asarray(tt))
    direct = bobylev_direct(exact(temps_a), exact(temps_b), xi, kernel)
    q = space.fourier(op.collision(a, b), xi)
    assert np.max(np.abs(q - (direct - space.fourier(a, xi)))) < 1e-11  # tail ~ 1e-12 at K=18


@pytest.mark.parametrize("kernel", KERNELS)
def test_conservation_and_maxwellian_equilibria(kernel):
    space = HermiteSpace(8, 1.0)
    op = CollisionOperator(space, kernel)
    rng = np.random.default_rng(7)
    a = random_low_degree(space, rng, 8, scale=0.2)
    q = op.collision(a, a)
    mom = space.moments(q)
    scale = np.max(np.abs(a)) ** 2
    assert abs(mom["mass"]) < 4 * EPS * scale
    assert np.max(np.abs(mom["momentum"])) < 8 * EPS * scale
    assert abs(mom["m2"]) < 16 * EPS * scale
    # Q(M, M) = 0 for Maxwellians off T_ref and with a drift (Galilean invariance)
    for m in (space.maxwellian(1.3), space.maxwellian(0.8, [0.3, -0.2, 0.1])):
        assert np.max(np.abs(op.collision(m, m))) < 50 * EPS


def test_reservoir_gain_matrix_exact_for_maxwellian_inputs():
    """Q+(M_Tb, M_Ta) = mixture over s of M_{Tb (1+s)/2 + Ta (1-s)/2} (Bobylev, isotropic)."""
    res = MaxwellianMixture(["1/3", "2/3"], ["1/2", "3/2"])
    for name in ["constant", "kac"]:
        space = HermiteSpace(10, 1.0, l_max=2)
        op = CollisionOperator(space, name)
        g = op.reservoir_gain_matrix(res)
        tb = 0.7
        s, w = get_kernel(name).quadrature(12)
        exact = sum(wa * space.mixture(w, tb * (1 + s) / 2 + ta * (1 - s) / 2)
                    for wa, ta in zip(res.w, res.T, strict=True))
        assert np.max(np.abs(g @ space.maxwellian(tb) - exact)) < 100 * EPS
        a = random_low_degree(space, np.random.default_rng(8), 10)
        assert np.max(np.abs(g @ a - op.gain(a, space.reservoir(res)))) < 100 * EPS


def test_reservoir_gain_matrix_is_sparse_and_couples_equal_l_m_only():
    # R is isotropic: Q+(psi_{n1 l m}, R) only has psi_{n l m} components (Wigner-Eckart with
    # l2 = 0), so G is kept as CSR (0.17% non-zeros at K = 16), never densified
    import scipy.sparse as sps

    res = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    space = HermiteSpace(8, 1 / 3)
    g = CollisionOperator(space, "kac").reservoir_gain_matrix(res)
    assert sps.issparse(g) and g.format == "csr"
    rows, cols = g.nonzero()
    lab = np.array(space.labels)
    assert np.all(lab[rows, 1:] == lab[cols, 1:])
    assert np.all(space.degrees[rows] >= space.degrees[cols])
    a = random_low_degree(space, np.random.default_rng(3), 8)
    assert np.max(np.abs(g @ a - CollisionOperator(space, "kac").gain(a, space.reservoir(res)))) \
        <= 64 * EPS * np.max(np.abs(a))


def test_reservoir_needs_no_convergent_series():
    """A reservoir with T_a >= 2 T_ref is accepted: the degree-d output of Q+(., R) needs only
    R's exact coefficients of degree <= d.  Reference: the isotropic Bobylev mixture formula
    of the previous test, coefficient by coefficient (closed form, no series)."""
    res = MaxwellianMixture(["1/2", "1/2"], ["1/2", "3"])
    space = HermiteSpace(8, 1.0, l_max=0)
    g = CollisionOperator(space, "constant").reservoir_gain_matrix(res)
    tb = 0.7
    s, w = get_kernel("constant").quadrature(10)
    exact = sum(wa * space._mixture_coefficients(w, tb * (1 + s) / 2 + ta * (1 - s) / 2)
                for wa, ta in zip(res.w, res.T, strict=True))
    assert np.max(np.abs(g @ space.maxwellian(tb) - exact)) < 100 * EPS * np.max(np.abs(exact))


def test_tensor_size_estimate_and_budget():
    from kacspectral.boltzmann.anisotropic.collision_tensor import (
        BobylevTensor,
        estimate_tensor_size,
        tensor_entries,
    )

    for K, L, kern in ((6, None, "constant"), (8, None, "kac"), (10, 2, "constant")):
        space = HermiteSpace(K, 1.0, L)
        k = get_kernel(kern)
        entries = len(tensor_entries(space, k)[3])
        est = estimate_tensor_size(K, L, k.is_even)
        assert entries <= est["entries"] <= 1.02 * entries  # upper bound, tight
        assert est["pairs"] == len(BobylevTensor(space, k).p)
    # K^6 growth: 1.1e8 entries at K = 40 in full 3D; the operator refuses before building
    assert estimate_tensor_size(40, None)["entries"] > 1e8
    with pytest.raises(ValueError, match=r"degree=40, l_max=None would need about 5.\d GB"):
        CollisionOperator(HermiteSpace(40, 1.0), "constant")
    with pytest.raises(ValueError, match="l_max"):
        CollisionOperator(HermiteSpace(8, 1.0), "constant", max_bytes=1e5)


def test_moments_above_the_degree_are_nan():
    # the fourth moment needs the degree-4 coefficients: below that it is not determined
    # (treating the missing coefficients as 0 gave 1.6667 instead of 1.6944 for the CLI data)
    cases = ((0, {"momentum", "second", "m2", "fourth"}), (1, {"second", "m2", "fourth"}),
             (3, {"fourth"}), (4, set()))
    for K, nan_keys in cases:
        space = HermiteSpace(K, 1.0)
        mom = space.moments(space.maxwellian(1.2))
        for key in ("momentum", "second", "m2", "fourth"):
            assert bool(np.all(np.isnan(mom[key]))) == (key in nan_keys), (K, key)
    mom = HermiteSpace(4, 1.0).moments(HermiteSpace(4, 1.0).maxwellian([0.8, 1.0, 1.2]))
    assert abs(mom["fourth"] - (3 * (0.64 + 1 + 1.44) + 2 * (0.8 + 0.96 + 1.2))) <= 64 * EPS * 10


def test_reservoir_gain_against_direct_bobylev_for_anisotropic_data():
    res = MaxwellianMixture([0.5, 0.5], [0.9, 1.1])
    space = HermiteSpace(24, 1.0, l_max=4)  # Q+(f, R) keeps the l-content of f (R isotropic)
    op = CollisionOperator(space, "kac")
    a = random_low_degree(space, np.random.default_rng(9), 4)
    xi = np.random.default_rng(10).normal(size=(4, 3))
    direct = bobylev_direct(lambda z: space.fourier(a, z),
                            lambda z: res.fourier(np.linalg.norm(z, axis=-1)), xi, "kac")
    got = space.fourier(op.reservoir_gain_matrix(res) @ a, xi)
    assert np.max(np.abs(got - direct)) < 1e-13


def test_isotropic_truncation_is_the_restriction_of_the_full_operator():
    full, iso = HermiteSpace(8, 1.0), HermiteSpace(8, 1.0, l_max=0)
    rng = np.random.default_rng(11)
    ai = random_low_degree(iso, rng, 8, scale=0.2)
    bi = random_low_degree(iso, rng, 8, scale=0.2)
    emb = np.array([full.index(*lab) for lab in iso.labels])
    af, bf = np.zeros(full.size), np.zeros(full.size)
    af[emb], bf[emb] = ai, bi
    qf = CollisionOperator(full, "kac").collision(af, bf)
    qi = CollisionOperator(iso, "kac").collision(ai, bi)
    assert np.max(np.abs(qf[emb] - qi)) < 20 * EPS
    assert np.max(np.abs(np.delete(qf, emb))) < 20 * EPS


def test_gain_matrices_and_cache():
    clear_operator_cache()
    s1, s2 = HermiteSpace(6, 1.0), HermiteSpace(6, 0.5)
    op1 = CollisionOperator(s1, "constant")
    op2 = CollisionOperator(s2, get_kernel("constant"))
    assert op1._tensor is op2._tensor  # the tensor does not depend on T_ref
    rng = np.random.default_rng(12)
    a, b = rng.normal(size=(2, s1.size))
    q = op1.gain(a, b)
    assert np.max(np.abs(op1.gain_matrix(b) @ a - q)) < 50 * EPS
    assert np.max(np.abs(op1.gain_matrix_left(a) @ b - q)) < 50 * EPS
    both = op1.gain(np.stack([a, b], 1), np.stack([b, a], 1))
    assert np.max(np.abs(both[:, 0] - q)) < 10 * EPS
    for kern in ("kac", "constant"):  # quadratic fast path (b is a) against the general path
        op = CollisionOperator(s1, kern)
        assert np.max(np.abs(op.collision(a, a) - op.collision(a, a.copy()))) < 50 * EPS
        gm, gl = op.gain_matrix(b), op.gain_matrix_left(a)
        assert np.max(np.abs(gm @ a - op.gain(a, b))) < 50 * EPS
        assert np.max(np.abs(gl @ b - op.gain(a, b))) < 50 * EPS
    assert op1.nnz > 0 and op1.memory_bytes > 0 and abs(op1.nu - 1) < 10 * EPS
    assert 0 < op1.reduced_count < op1.nnz


def test_l_max_truncation_warns_when_it_drops_data():
    space = HermiteSpace(6, 1.0, l_max=0)
    with pytest.warns(TruncationWarning):
        space.maxwellian([0.8, 1.0, 1.2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        space.maxwellian(0.8)


def test_choose_temperature_rule():
    assert HermiteSpace.choose_temperature([1 / 6, 1 / 2]) == pytest.approx(1 / 3, abs=EPS)
    assert HermiteSpace.choose_temperature(2.0) == 2.0
    ratio = HermiteSpace.convergence_ratio([1 / 6, 1 / 2], 1 / 3)
    assert ratio == pytest.approx(0.5, abs=4 * EPS)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: HermiteSpace(-1, 1.0), "degree"),
        (lambda: HermiteSpace(2.5, 1.0), "degree"),
        (lambda: HermiteSpace(4, 0.0), "temperature"),
        (lambda: HermiteSpace(4, float("nan")), "temperature"),
        (lambda: HermiteSpace(4, 1.0, l_max=-1), "l_max"),
        (lambda: HermiteSpace(4, 1.0).maxwellian([1.0, 2.0]), "temperatures"),
        (lambda: HermiteSpace(4, 1.0).maxwellian(1.0, [0, 0]), "mean"),
        (lambda: HermiteSpace(4, 1.0).mixture([0.5, 0.5], [1.0]), "equal-length"),
        (lambda: HermiteSpace(4, 1.0).mixture([1.5, -0.5], [1.0, 1.2]), "weights must be"),
        # the Hermite series of M_T diverges for T >= 2 T_ref
        (lambda: HermiteSpace(4, 1.0).maxwellian([1.0, 1.0, 2.0]), "T_a = 2 >= 2 T_ref = 2"),
        (lambda: HermiteSpace(4, 0.5).maxwellian(1.5), r"T_a = 1.5 >= 2 T_ref = 1 \(T_ref = 0.5"),
        (lambda: HermiteSpace(4, 1.0).mixture([0.5, 0.5], [1.0, 2.5]), "T_a = 2.5 >= 2 T_ref"),
        (lambda: HermiteSpace(4, 1.0).density(np.zeros(3), np.zeros(3)), "shape"),
        (lambda: HermiteSpace(4, 1.0).density(np.zeros(35), np.zeros(2)), "shape"),
        (lambda: HermiteSpace(4, 1.0).index(3, 0, 0), "truncation"),
        (lambda: HermiteSpace.choose_temperature([]), "at least one"),
        (lambda: CollisionOperator(HermiteSpace(2, 1.0)).gain(np.zeros(3), np.zeros(10)), "shape"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_types():
    with pytest.raises(TypeError, match="HermiteSpace"):
        CollisionOperator("space", "constant")
    with pytest.raises(TypeError, match="MaxwellianMixture"):
        HermiteSpace(2, 1.0).reservoir([0.5, 0.5])
