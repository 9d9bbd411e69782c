"""The m = 0 (axisymmetric) collision operator against the full 3D Bobylev tensor and closed forms.

References: the full tensor of :mod:`kacspectral.boltzmann.anisotropic.collision` (the slow,
obvious path: embed the m = 0 coefficients, apply, restrict), the isotropic Bobylev mixture
formula ``Q+(M_Tb, M_Ta) = int M_{Tb (1+s)/2 + Ta (1-s)/2} b(s) ds/2`` (closed form), the
exact coefficients of drifting Maxwellians (``Q(M, M) = 0``), and the conservation laws.
"""

from __future__ import annotations

import numpy as np
import pytest

from kacspectral.boltzmann.anisotropic.axisymmetric import (
    AxisymmetricCollisionOperator,
    axisymmetric_entries,
    axisymmetric_labels,
    estimate_axisymmetric_size,
)
from kacspectral.boltzmann.anisotropic.collision import CollisionOperator, HermiteSpace
from kacspectral.physics.kernels import get_kernel, kernel_from_callable

EPS = float(np.finfo(float).eps)
KERNELS = ["constant", "kac", "3*(1+s)**2/4"]  # even; Kac (singular, odd); odd polynomial
#: not a polynomial, not even: the kernel's 200-node rule (no exact quadrature)
SINE = kernel_from_callable(lambda s: 1 + 0.5 * np.sin(s), name="1+sin(s)/2")


def _m0(space: HermiteSpace, op: AxisymmetricCollisionOperator) -> np.ndarray:
    return np.array([space.index(n, l, 0) for n, l in op.labels])


def _random(op, rng):
    """Random coefficients decaying with the degree, like a smooth state's (mass 1)."""
    deg = np.array([2 * n + l for n, l in op.labels])
    a = rng.standard_normal(op.size) * 0.7**deg
    a[0] = 1.0
    return a


def _rel(x, y):
    return float(np.max(np.abs(x - y)) / np.max(np.abs(y)))


@pytest.mark.parametrize("kernel", [*KERNELS, pytest.param(SINE, id="1+sin(s)/2")])
def test_gain_and_jacobian_equal_the_embedded_full_tensor(kernel):
    """Rounding-level agreement (the same T0 reach both through different sums: the full tensor
    divides by G(l0; l10; l20) and multiplies it back); the full tensor's m != 0 outputs vanish
    for m = 0 inputs, so nothing is lost by the restriction."""
    K = 12
    space = HermiteSpace(K, 1.0)
    full = CollisionOperator(space, kernel)
    op = AxisymmetricCollisionOperator(K, kernel)
    m0 = _m0(space, op)
    rng = np.random.default_rng(12)
    for _ in range(3):
        a, b = _random(op, rng), _random(op, rng)
        A, B = np.zeros(space.size), np.zeros(space.size)
        A[m0], B[m0] = a, b
        gf = full.gain(A, B)
        assert np.max(np.abs(np.delete(gf, m0))) <= 1e-15 * np.max(np.abs(gf))
        assert _rel(op.gain(a, b), gf[m0]) < 1e-13
        assert _rel(op.gain(a, a), full.gain(A, A)[m0]) < 1e-13
        assert _rel(op.collision(a, b), full.collision(A, B)[m0]) < 1e-13
        G = full.gain_matrix(B).toarray()[np.ix_(m0, m0)]
        H = full.gain_matrix_left(A).toarray()[np.ix_(m0, m0)]
        assert _rel(op.gain_matrix(b).toarray(), G) < 1e-13
        assert _rel(op.gain_matrix_left(a).toarray(), H) < 1e-13
        # Jacobian of Q(a, a): (G + H)(a) - nu (a_0 I + a e_0^T)
        jf = (full.gain_matrix(A) + full.gain_matrix_left(A)).toarray()[np.ix_(m0, m0)]
        jf -= full.nu * (a[0] * np.eye(op.size) + np.outer(a, np.eye(op.size)[0]))
        assert _rel(op.collision_jacobian(a).toarray(), jf) < 1e-13
    assert op.nu == pytest.approx(full.nu, abs=1e-15)


def test_odd_kernel_is_not_symmetric_and_jacobian_matches_a_difference():
    """For the odd polynomial kernel Q+(a, b) != Q+(b, a); the Jacobian against a central
    difference of the quadratic map (exact for a quadratic up to rounding)."""
    op = AxisymmetricCollisionOperator(10, "3*(1+s)**2/4")
    rng = np.random.default_rng(5)
    a, b = _random(op, rng), _random(op, rng)
    assert _rel(op.gain(a, b), op.gain(b, a)) > 1e-3
    h = 1e-3
    fd = np.column_stack([(op.collision(a + h * e, a + h * e) - op.collision(a - h * e, a - h * e))
                          / (2 * h) for e in np.eye(op.size)])
    assert _rel(op.collision_jacobian(a).toarray(), fd) < 1e-10


@pytest.mark.parametrize("kernel", KERNELS)
def test_conservation_of_mass_z_momentum_and_energy(kernel):
    """int Q = 0 (coefficient (0, 0)), int v_z Q = 0 ((0, 1): psi_010 = v_z / sqrt(T_ref)),
    int |v|^2 Q = 0 ((1, 0) with (0, 0)), for random states at K = 20."""
    op = AxisymmetricCollisionOperator(20, kernel)
    rng = np.random.default_rng(7)
    for _ in range(3):
        a = _random(op, rng)
        q = op.collision(a, a)
        scale = np.max(np.abs(op.gain(a, a)))
        for n, l in ((0, 0), (0, 1), (1, 0)):
            assert abs(q[op.index(n, l)]) < 20 * EPS * scale


@pytest.mark.parametrize("kernel", KERNELS)
def test_maxwellians_are_equilibria_and_bobylev_mixture(kernel):
    """Q(M, M) = 0 for Maxwellians off T_ref with a drift along z (exact coefficients); and
    Q+(M_Tb, M_Ta) = (1/2) int M_{Tb (1+s)/2 + Ta (1-s)/2} b(s) ds (closed form, isotropic;
    the kernel's weights include the 1/2)."""
    K = 14
    space = HermiteSpace(K, 1.0)
    op = AxisymmetricCollisionOperator(K, kernel)
    m0 = _m0(space, op)
    for m in (space.maxwellian(1.3), space.maxwellian(0.8, [0.0, 0.0, 0.45])):
        a = m[m0]
        assert np.max(np.abs(op.collision(a, a))) < 50 * EPS * np.max(np.abs(a))
    ta, tb = 1.4, 0.7
    s, w = get_kernel(kernel).quadrature(K)
    exact = space.mixture(w, tb * (1 + s) / 2 + ta * (1 - s) / 2)[m0]
    got = op.gain(space.maxwellian(tb)[m0], space.maxwellian(ta)[m0])
    assert np.max(np.abs(got - exact)) < 100 * EPS * np.max(np.abs(exact))


def test_size_estimate_layout_and_budget():
    for K, kern in ((6, "constant"), (9, "kac"), (12, "3*(1+s)**2/4")):
        k = get_kernel(kern)
        est = estimate_axisymmetric_size(K, k.is_even)
        op = AxisymmetricCollisionOperator(K, kern)
        assert est["entries"] == len(axisymmetric_entries(K, k)[3]) == op.reduced_count
        assert est["pairs"] == len(op._tensor.p)
        assert op.memory_bytes < est["bytes"]
    # the layout is the m = 0 subsequence of the full space's
    space = HermiteSpace(11, 1.0)
    assert axisymmetric_labels(11) == [(n, l) for n, l, m in space.labels if m == 0]
    # K^5 growth (pre-asymptotic: K^5/590 at K = 44, K^5/960 as K -> infinity): 2.8e5 entries
    # at K = 44, against the full 3D tensor's 2.1e8 (estimate_tensor_size)
    e44, e88 = (estimate_axisymmetric_size(K)["entries"] for K in (44, 88))
    assert 2.7e5 < e44 < 2.9e5 and 2**4.5 < e88 / e44 < 2**5
    with pytest.raises(ValueError, match=r"degree=60 would need about .* GB .* > the budget"):
        AxisymmetricCollisionOperator(60, "constant", max_bytes=10**6)
    for bad in (-1, 2.5, True, 10**6):
        with pytest.raises(ValueError, match="degree must be an integer"):
            AxisymmetricCollisionOperator(bad)
    with pytest.raises(ValueError, match="must have shape"):
        AxisymmetricCollisionOperator(4).gain(np.ones(3), np.ones(3))
