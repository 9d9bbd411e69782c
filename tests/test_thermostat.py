"""Tests of kacspectral.kac.thermostat: the gain matrices on V_m built from the definition."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kacspectral.kac.lemma3 import exact_eigenvalue
from kacspectral.kac.thermostat import (
    _zonal_matrix_fourier,
    apply_gain,
    apply_thermostat,
    fischer_norm_sq,
    full_matrix,
    full_matrix_omega,
    full_matrix_sigma,
    is_kac_kernel,
    zonal_matrix,
    zonal_matrix_fourier,
    zonal_matrix_omega,
)
from kacspectral.physics.kernels import get_kernel, kernel_from_callable
from kacspectral.spectral.burnett import sphere_quadrature
from kacspectral.spectral.hermite import (
    SEED_TEMPERATURE,
    burnett_indices,
    burnett_to_hermite,
    dim_v,
    multi_indices,
    zonal_burnett_indices,
)

EPS = float(np.finfo(float).eps)
POLY = "3*(1+s)**2/4"  # a normalised polynomial kernel, not even


def _exact_diag(m, kernel, idx):
    return np.array([float(exact_eigenvalue(int(n), int(l), kernel)) for n, l, _ in idx])


def _double_factorial(k):
    return math.prod(range(k, 0, -2)) if k > 0 else 1


def test_sphere_rule_exact_for_monomials():
    om, w = sphere_quadrature(10, azimuth_offset=0.0)
    assert abs(w.sum() - 1) < 10 * EPS
    for d in [(0, 0, 0), (2, 0, 0), (2, 4, 4), (6, 2, 2), (1, 2, 0), (0, 0, 10), (3, 3, 4)]:
        got = np.dot(w, np.prod(om ** np.array(d), axis=1))
        if any(k % 2 for k in d):
            ref = 0.0
        else:
            ref = math.prod(_double_factorial(k - 1) for k in d) / _double_factorial(sum(d) + 1)
        assert abs(got - ref) < 20 * EPS


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_full_omega_matrix_symmetric_with_exact_spectrum(m):
    A = full_matrix_omega(m)
    assert A.shape == (dim_v(m),) * 2
    assert np.max(np.abs(A - A.T)) < 1e-13
    ev = np.sort(np.linalg.eigvalsh(A))[::-1]
    idx = burnett_indices(m)
    ex = np.sort(_exact_diag(m, "kac", idx))[::-1]
    assert np.max(np.abs(ev - ex)) < 100 * EPS


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_omega_and_sigma_forms_of_the_definition_agree(m):
    """Uniform Omega (seed 000) and sigma weighted by the kac kernel (conventions page,
    section 3): same matrix."""
    A = full_matrix_omega(m)
    B = full_matrix_sigma(m, "kac")
    assert np.max(np.abs(A - B)) < 200 * EPS


def test_matrix_is_temperature_independent():
    A = full_matrix_omega(3, temperature=1.0)
    B = full_matrix_omega(3, temperature=SEED_TEMPERATURE)
    assert np.max(np.abs(A - B)) < 100 * EPS


@pytest.mark.parametrize("kernel", ["kac", "constant", POLY])
@pytest.mark.parametrize("m", [2, 3, 4])
def test_burnett_basis_diagonalises_full_matrix(kernel, m):
    """C^T A C = diag(lambda_{n,l}) with multiplicity 2l+1 (rotation invariance, tested)."""
    A = full_matrix(m, kernel)
    assert np.max(np.abs(A - A.T)) < 1e-13
    C = burnett_to_hermite(m)
    D = C.T @ A @ C
    idx = burnett_indices(m)
    assert np.max(np.abs(D - np.diag(_exact_diag(m, kernel, idx)))) < 200 * EPS


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5])
def test_zonal_matrix_equals_zonal_block_of_full_matrix(m):
    """The fast zonal constructions against the full-V_m definition in the Burnett basis."""
    full = full_matrix_omega(m, basis="burnett")
    idx = list(map(tuple, burnett_indices(m)))
    sel = [idx.index(tuple(r)) for r in zonal_burnett_indices(m)]
    block = full[np.ix_(sel, sel)]
    Z = zonal_matrix_omega(m)
    assert np.max(np.abs(Z - block)) < 200 * EPS
    # the Fourier basis is psi_{n,l,0} up to sign: compare up to a diagonal sign change
    F = zonal_matrix_fourier(m, "kac")
    assert np.max(np.abs(np.abs(F) - np.abs(block))) < 200 * EPS


@pytest.mark.parametrize("kernel", ["constant", POLY])
def test_fourier_zonal_matches_sigma_definition(kernel):
    m = 4
    full = full_matrix_sigma(m, kernel, basis="burnett")
    idx = list(map(tuple, burnett_indices(m)))
    sel = [idx.index(tuple(r)) for r in zonal_burnett_indices(m)]
    F = zonal_matrix_fourier(m, kernel)
    assert np.max(np.abs(np.abs(F) - np.abs(full[np.ix_(sel, sel)]))) < 200 * EPS


def _fourier_asymmetry_bound(m, dtype):
    """8 eps(dtype) sqrt(max kappa / min kappa): the rescaling of zonal_matrix_fourier amplifies
    rounding by the Fischer-norm ratio; measured asymmetry / (eps * ratio) in 0.16..2.5 for
    kac and constant, m = 10..60, in float64 and 80-bit long double."""
    kappa = [fischer_norm_sq((m - l) // 2, l) for l in range(m % 2, m + 1, 2)]
    return 8 * float(np.finfo(dtype).eps) * math.sqrt(max(kappa) / min(kappa))


@pytest.mark.parametrize("m", [10, 25, 40])
def test_fast_zonal_matrices_symmetric_and_exact(m):
    Z = zonal_matrix(m, "kac")
    assert np.max(np.abs(Z - Z.T)) < 1e-13
    idx = zonal_burnett_indices(m)
    assert np.max(np.abs(np.diag(Z) - _exact_diag(m, "kac", idx))) < 1e-13
    assert np.max(np.abs(Z - np.diag(np.diag(Z)))) < 1e-13
    F = zonal_matrix(m, "constant")
    # Fourier side: asymmetry depends on the platform's long double (== double on some);
    # on x86-64 (80-bit) the bound is 1.6e-17, 2.3e-15, 3.8e-13 for m = 10, 25, 40
    assert np.max(np.abs(F - F.T)) < max(100 * EPS, _fourier_asymmetry_bound(m, np.longdouble))
    assert np.max(np.abs(np.diag(F) - _exact_diag(m, "constant", idx))) < 1e-13


@pytest.mark.parametrize("kernel", ["kac", "constant"])
def test_fourier_zonal_in_float64_as_on_platforms_without_long_double(kernel):
    """The float64 fallback (measured asymmetry 5e-13 at m = 25, 2e-10 at m = 40 for kac):
    within the amplification bound, and its diagonal still exact to rounding."""
    m = 25
    k = get_kernel(kernel)
    F64 = _zonal_matrix_fourier(m, k, float)
    asym = np.max(np.abs(F64 - F64.T))
    assert asym < _fourier_asymmetry_bound(m, float)
    idx = zonal_burnett_indices(m)
    assert np.max(np.abs(np.diag(F64) - _exact_diag(m, kernel, idx))) < 1e-13
    if np.finfo(np.longdouble).eps < np.finfo(float).eps:  # extended precision is better
        FLD = zonal_matrix_fourier(m, k)
        assert np.max(np.abs(FLD - FLD.T)) < asym / 10


def test_kac_recognised_by_values_not_by_name():
    assert is_kac_kernel("kac") and is_kac_kernel("1/sqrt(2*(1-s))")
    assert is_kac_kernel(
        kernel_from_callable(lambda s: (2 * (1 - s)) ** -0.5, endpoint_exponents=(-0.5, 0))
    )
    fake = kernel_from_callable(lambda s: np.ones_like(s), name="kac")
    assert not is_kac_kernel(fake) and not is_kac_kernel("constant")
    other = get_kernel("(3+s)/sqrt(1-s)", normalize=True)  # same exponents, p not constant
    assert other.exponents == (-0.5, 0.0) and not is_kac_kernel(other)
    # the fake "kac" goes through the Fourier (general kernel) path and gives b = 1's matrix
    F = zonal_matrix(4, fake)
    assert np.max(np.abs(F - zonal_matrix(4, "constant"))) < 100 * EPS
    with pytest.raises(ValueError, match="kac kernel only"):
        zonal_matrix(4, fake, method="omega")
    # a kac kernel given as an expression uses the velocity-space construction
    assert np.max(np.abs(zonal_matrix(6, "1/sqrt(2*(1-s))") - zonal_matrix_omega(6))) == 0


def test_fourier_kac_agrees_with_velocity_space_at_m30():
    Z = zonal_matrix_omega(30)
    F = zonal_matrix_fourier(30, "kac")
    assert np.max(np.abs(np.diag(Z) - np.diag(F))) < 1e-13


def test_non_polynomial_kernel_float_path():
    """b ~ exp(s): no exact rule; the 200-node Gauss rule is spectrally accurate."""
    k = get_kernel("exp(s)", normalize=True)
    A = full_matrix_sigma(2, k)
    F = zonal_matrix_fourier(2, k)
    C = burnett_to_hermite(2)
    D = np.diag(C.T @ A @ C)
    # zonal (n,l) = (1,0) and (0,2) entries in the same order as zonal_burnett_indices
    idx = list(map(tuple, burnett_indices(2)))
    assert abs(D[idx.index((1, 0, 0))] - F[0, 0]) < 1e-13
    assert abs(D[idx.index((0, 2, 0))] - F[1, 1]) < 1e-13


def test_fischer_norms_against_hermite_coefficients():
    """|C[(0,0,m), psi_{n,l,0}]| / sqrt(m!) = sqrt(2l+1) / |e_l|_F (T = 1)."""
    for m in range(1, 11):
        C = burnett_to_hermite(m)
        assert tuple(multi_indices(m)[-1]) == (0, 0, m)
        for j, (n, l, mm) in enumerate(burnett_indices(m)):
            if mm == 0:
                lhs = abs(C[-1, j]) / math.sqrt(math.factorial(m))
                rhs = math.sqrt(2 * l + 1) / math.sqrt(fischer_norm_sq(int(n), int(l)))
                assert abs(lhs - rhs) < 50 * EPS * rhs


def test_apply_thermostat_energy_and_momentum():
    """T[|v|^2] = (2/3)|v|^2 + T and T[v_1] = (2/3) v_1 (conventions page, section 6)."""
    T = SEED_TEMPERATURE
    v = np.random.default_rng(0).normal(size=(5, 3))
    e = apply_thermostat(lambda p: np.sum(p**2, axis=-1), v, 2, T)
    assert np.allclose(e, (2 / 3) * np.sum(v**2, 1) + T, rtol=0, atol=50 * EPS)
    p = apply_thermostat(lambda q: q[..., 0], v, 1, T)
    assert np.allclose(p, (2 / 3) * v[:, 0], rtol=0, atol=50 * EPS)


def test_apply_gain_energy_for_kac_and_constant():
    """Gain of |v|^2: (2/3)|v|^2 + T for kac (= T above), |v|^2/2 + 3T/2 for b = 1 (by hand)."""
    T = 0.7
    v = np.random.default_rng(1).normal(size=(4, 3))
    r2 = np.sum(v**2, 1)
    e = lambda p: np.sum(p**2, axis=-1)  # noqa: E731
    assert np.allclose(apply_gain(e, v, 2, "kac", T), (2 / 3) * r2 + T, rtol=0, atol=50 * EPS)
    assert np.allclose(apply_gain(e, v, 2, "constant", T), r2 / 2 + 1.5 * T, rtol=0, atol=50 * EPS)
    # a degree-4 polynomial: both forms of the kac definition agree pointwise
    f = lambda p: p[..., 0] ** 3 * p[..., 2] - 2 * p[..., 1] ** 2  # noqa: E731
    a = apply_gain(f, v, 4, "kac", T)
    b = apply_thermostat(f, v, 4, T)
    assert np.max(np.abs(a - b)) < 200 * EPS * max(1.0, np.max(np.abs(b)))


def test_bad_input():
    with pytest.raises(ValueError, match="degree m"):
        zonal_matrix(-1)
    with pytest.raises(ValueError, match="method must be"):
        zonal_matrix(3, "kac", method="nope")
    with pytest.raises(ValueError, match="kac kernel only"):
        zonal_matrix(3, "constant", method="omega")
    with pytest.raises(ValueError, match="kac kernel only"):
        full_matrix(2, "constant", method="omega")
    with pytest.raises(ValueError, match="basis must be"):
        full_matrix_omega(1, basis="legendre")
