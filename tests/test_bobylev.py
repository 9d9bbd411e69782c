"""The Gaussian-Laguerre basis and the Galerkin gain tensor
(kacspectral.boltzmann.isotropic.bobylev).

References: closed forms (Maxwellians, Q+ of two Maxwellians for b = 1), the slow direct
Bobylev integral by adaptive quadrature, direct radial quadrature of densities.
"""

import math

import numpy as np
import pytest
from scipy import integrate

from kacspectral.boltzmann.isotropic.bobylev import (
    basis_moments,
    coefficients_density,
    coefficients_moments,
    coefficients_phi,
    direct_gain_phi,
    gain,
    gain_jacobian,
    laguerre_gain_tensor,
    maxwellian_coefficients,
    mixture_coefficients,
)
from kacspectral.physics.kernels import get_kernel

EPS = float(np.finfo(float).eps)
KERNELS = ["constant", "kac", "3*(1+s)**2/4"]


@pytest.mark.parametrize("T", [0.1, 0.3, 1.0, 2.5])
def test_maxwellian_coefficients_closed_form(T):
    """(B3) reproduces exp(-T k^2/2) and M_T(v) (eigenfunction normalisation (B2))."""
    t_ref = 0.5
    rho = abs(T - t_ref) / (T + t_ref)
    K = int(math.log(1e-19) / math.log(rho)) + 10 if rho > 0 else 2
    a = maxwellian_coefficients(T, t_ref, K)
    k = np.linspace(0.0, 8.0 / math.sqrt(T), 101)
    assert np.max(np.abs(coefficients_phi(a, t_ref, k) - np.exp(-0.5 * T * k**2))) < 64 * EPS
    v = np.linspace(0.0, 7.0 * math.sqrt(T), 101)
    dens = (2 * math.pi * T) ** -1.5 * np.exp(-0.5 * v**2 / T)
    err = np.max(np.abs(coefficients_density(a, t_ref, v) - dens))
    assert err < 256 * EPS * dens[0]


def test_basis_moments_against_radial_quadrature():
    """(B5) against int 4 pi r^2 r^(2n) f_j(r) dr of the basis densities (B2), by scipy quad."""
    t_ref, K = 0.7, 6
    mu = basis_moments(4, t_ref, K)
    for j in range(K + 1):
        e = np.zeros(K + 1)
        e[j] = 1.0
        for n in range(5):
            val, _ = integrate.quad(
                lambda r, e=e, n=n: 4 * math.pi * r ** (2 * n + 2)
                * float(coefficients_density(e, t_ref, r)),
                0.0, np.inf, epsabs=0.0, epsrel=1e-13, limit=200,
            )
            assert abs(mu[n, j] - val) <= 1e-11 * max(1.0, abs(val)), (n, j, mu[n, j], val)


def test_mixture_moments_exact():
    w, T = [0.2, 0.5, 0.3], [0.25, 0.5, 1.0]
    a = mixture_coefficients(w, T, math.sqrt(0.25), 80)
    m = coefficients_moments(a, 0.5, 6)
    ref = [sum(wa * Ta**n for wa, Ta in zip(w, T, strict=True)) * math.prod(range(1, 2 * n + 2, 2))
           for n in range(7)]
    np.testing.assert_allclose(m, ref, rtol=64 * EPS, atol=0)


@pytest.mark.parametrize("kernel", KERNELS)
def test_tensor_against_direct_bobylev_integral(kernel):
    """Fast tensor vs slow adaptive quadrature of the isotropic Bobylev integral.

    Inputs with i, j <= K/2 so that the gain has degree <= K and the projection is exact.
    """
    kern = get_kernel(kernel)
    K, t_ref = 8, 0.6
    G = laguerre_gain_tensor(K, kern)
    rng = np.random.default_rng(20261121)
    a = np.zeros(K + 1)
    b = np.zeros(K + 1)
    a[: K // 2 + 1] = rng.normal(size=K // 2 + 1)
    b[: K // 2 + 1] = rng.normal(size=K // 2 + 1)
    k = np.array([0.3, 1.0, 2.2, 3.7, 6.0])
    fast = coefficients_phi(gain(a, b, G), t_ref, k)
    epsabs, epsrel = 1e-14, 1e-13  # quad's requested accuracy for the slow reference
    slow = direct_gain_phi(
        lambda x: coefficients_phi(a, t_ref, x), lambda x: coefficients_phi(b, t_ref, x), kern, k,
        epsabs=epsabs, epsrel=epsrel,
    )
    # allowed: the reference's requested error plus rounding of the fast sum (64 eps per unit
    # of sum |a_i| |b_j|, the size of the products entering it)
    scale = np.sum(np.abs(a)) * np.sum(np.abs(b))
    allowed = epsabs + epsrel * np.abs(slow) + 64 * EPS * scale
    assert np.all(np.abs(fast - slow) <= allowed), (np.abs(fast - slow), allowed)


def test_tensor_structure_m_greater_than_i_plus_j_vanishes():
    """G[m,i,j] = 0 for m > i + j (orthogonality); computed, not imposed."""
    K = 14
    for kernel in KERNELS:
        G = laguerre_gain_tensor(K, get_kernel(kernel), enforce_structure=False)
        idx = np.arange(K + 1)
        mask = idx[:, None, None] > idx[None, :, None] + idx[None, None, :]
        assert np.max(np.abs(G[mask])) < 1e3 * EPS
        # ... but the converse fails: outputs m <= K receive inputs with i + j > K, so the
        # truncation is a Galerkin approximation, not an exact closure (see module docstring).
        high = idx[None, :, None] + idx[None, None, :] > K
        assert np.max(np.abs(G[np.broadcast_to(high, G.shape)])) > 1e-3


@pytest.mark.parametrize("kernel", KERNELS)
def test_gain_reproduces_maxwellian(kernel):
    """Q+(M_T, M_T) = M_T: exactly at T = T_ref, to the truncation tail otherwise."""
    kern = get_kernel(kernel)
    K = 40
    G = laguerre_gain_tensor(K, kern)
    e0 = maxwellian_coefficients(0.5, 0.5, K)
    assert np.max(np.abs(gain(e0, e0, G) - e0)) < 16 * EPS
    a = maxwellian_coefficients(0.8, 0.5, K)  # t = 3/13, tail ~ (3/13)^40
    assert np.max(np.abs(gain(a, a, G) - a)) < 64 * EPS


def test_gain_of_two_maxwellians_closed_form():
    """b = 1: Q+(M_T1, M_T2)^(k) = exp(-k^2 (T1+T2)/4) sinh(x)/x, x = k^2 (T1-T2)/4."""
    K, t_ref, T1, T2 = 60, 0.4, 0.3, 0.55
    G = laguerre_gain_tensor(K, get_kernel("constant"))
    c = gain(maxwellian_coefficients(T1, t_ref, K), maxwellian_coefficients(T2, t_ref, K), G)
    k = np.linspace(0.05, 10.0, 60)
    x = k**2 * (T1 - T2) / 4
    ref = np.exp(-(k**2) * (T1 + T2) / 4) * np.sinh(x) / x
    assert np.max(np.abs(coefficients_phi(c, t_ref, k) - ref)) < 64 * EPS


def test_gain_jacobian_matches_finite_differences():
    K = 10
    G = laguerre_gain_tensor(K, get_kernel("kac"))
    rng = np.random.default_rng(7)
    a, h = rng.normal(size=K + 1), rng.normal(size=K + 1)
    J = gain_jacobian(a, G, "both")
    eps = 1e-6
    fd = (gain(a + eps * h, a + eps * h, G) - gain(a - eps * h, a - eps * h, G)) / (2 * eps)
    np.testing.assert_allclose(J @ h, fd, rtol=1e-8, atol=1e-9)
    J1, J2 = gain_jacobian(a, G, "first"), gain_jacobian(a, G, "second")
    b = rng.normal(size=K + 1)
    np.testing.assert_allclose(J1 @ b, gain(b, a, G), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(J2 @ b, gain(a, b, G), rtol=1e-13, atol=1e-13)
    with pytest.raises(ValueError, match="wrt"):
        gain_jacobian(a, G, "third")


def test_tensor_is_cached_and_read_only():
    kern = get_kernel("constant")
    G1 = laguerre_gain_tensor(6, kern)
    G2 = laguerre_gain_tensor(6, get_kernel("constant"))
    assert G1 is G2
    with pytest.raises(ValueError):
        G1[0, 0, 0] = 1.0


@pytest.mark.parametrize("collide_ids", [False, True])
def test_tensor_cache_never_returns_a_stale_tensor_for_callable_kernels(monkeypatch, collide_ids):
    """Regression: non-exact kernels were cached by id(kernel); after garbage collection a new
    kernel could reuse the id and receive another kernel's tensor.  Alternate two callable
    kernels (creating and dropping them) and compare with fresh, uncached builds; with
    ``collide_ids`` every kernel gets the same id (the reuse made deterministic)."""
    import gc

    from kacspectral.boltzmann.isotropic import bobylev
    from kacspectral.physics.kernels import kernel_from_callable

    funcs = [lambda s: 0.75 * (1 + s**2), lambda s: 1.0 + s]
    K = 6
    fresh = []
    for f in funcs:
        saved = dict(bobylev._TENSOR_CACHE)
        bobylev._TENSOR_CACHE.clear()
        fresh.append(np.array(laguerre_gain_tensor(K, kernel_from_callable(f))))
        bobylev._TENSOR_CACHE.clear()
        bobylev._TENSOR_CACHE.update(saved)
    assert np.max(np.abs(fresh[0] - fresh[1])) > 1e-2  # the two kernels really differ
    if collide_ids:
        monkeypatch.setattr(bobylev, "id", lambda obj: 12345, raising=False)
    for n in range(8):
        kern = kernel_from_callable(funcs[n % 2])
        G = laguerre_gain_tensor(K, kern)
        np.testing.assert_array_equal(G, fresh[n % 2])
        del kern, G
        gc.collect()


def test_bad_inputs():
    with pytest.raises(ValueError, match="truncation K"):
        laguerre_gain_tensor(-1, get_kernel("constant"))
    with pytest.raises(TypeError, match="AngularKernel"):
        laguerre_gain_tensor(3, "constant")
    with pytest.raises(ValueError, match="T_ref"):
        maxwellian_coefficients(1.0, 0.0, 3)
    with pytest.raises(ValueError, match="shape"):
        gain(np.ones(3), np.ones(4), laguerre_gain_tensor(3, get_kernel("constant")))
