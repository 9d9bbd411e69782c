"""The gain term of the grid operator for a non-constant angular kernel ``b`` (Funk-Hecke).

Used by :class:`kacspectral.grid.operator.FastSpectralOperator` when ``b`` is not constant;
the notation is that module's.  The angle is ``s = sigma . q_hat``, ``q = v - v_*``, in the
sigma-representation ``v' = (v + v_*)/2 + |q| sigma/2`` (``docs/conventions.md`` section 3;
Bobylev's formula there has the same ``b`` in ``s = sigma . xi_hat``, which is what the
Hermite-Burnett solver integrates), ``dsigma`` the uniform probability measure on S^2.

Multiplier
----------
The weak form gives, with ``q = rho e`` and ``x = rho |xi| / 2``,

    Q+(f,g)^(xi) = int |q|^lambda m(q, xi) [f(. + q/2) g(. - q/2)]^(xi) dq,
    m(q, xi) = int_{S^2} b(sigma.e) exp(-i x xi_hat.sigma) dsigma
             = sum_n (2n+1) (-i)^n beta_n j_n(x) P_n(xi_hat.e),
    beta_n = (1/2) int_{-1}^{1} b(s) P_n(s) ds,

from the plane-wave expansion ``exp(-i x t) = sum_n (2n+1) (-i)^n j_n(x) P_n(t)`` and the
Funk-Hecke formula ``int b(e.sigma) P_n(xi_hat.sigma) dsigma = beta_n P_n(xi_hat.e)`` (with the
probability measure the constant is ``2n+1``, not ``4 pi``).  ``b = 1``: ``beta_n = delta_n0``,
``m = j_0(x) = sinc(|q||xi|/2)``, the isotropic multiplier of the constant-kernel path.  For
the ``kac`` kernel ``b(s) = (2(1-s))^(-1/2) = sum_n P_n(s)`` (the Legendre generating function
at ``t = 1``), so ``(2n+1) beta_n = 1`` for every ``n``: the series in ``n`` converges only
through ``j_n(x)``, which decays super-exponentially once ``n > x``.  A polynomial ``b`` of
degree ``d`` has ``beta_n = 0`` for ``n > d``: the series is exact at ``n_max = d``.

Since ``m`` depends on ``e``, the sum over directions cannot be done before the FFT: the gain is

    Q+ = IFFT[ sum_r W_r sum_p w_p m(rho_r e_p, xi) FFT(f(. + rho_r e_p/2) g(. - rho_r e_p/2)) ],

one forward FFT per (radius, direction) pair in addition to the two spectral shifts, so
``3 n_r M`` real FFTs (against ``n_r (2M + 1)`` for constant ``b``) and ``O(n_max)``
multiply-adds of half-complex arrays per pair.  For ``f = g`` the centred product is even in
``e`` and ``P_n(-t) = (-1)^n P_n(t)``: only even ``n`` survive, the multiplier is real, and
half of the antipodally symmetric Lebedev rule is used.  For ``f != g`` all ``n`` enter (odd
``n`` give an imaginary multiplier) with the full rule.  (The addition theorem
``P_n(xi_hat.e) = 4 pi/(2n+1) sum_m Y_nm(xi_hat) Y_nm(e)^*`` would trade the ``M`` FFTs per
radius for ``sum_n (2n+1) ~ n_max^2`` FFTs of the projected products, plus ``M n_max^2``
velocity-space multiply-adds: more, for the ``n_max`` the data need, see
``validation/grid_kernels.py``.)

Truncation
----------
The Gaussian decay of smooth data bounds the product's transform at ``(rho, xi)`` by about
``exp(-rho^2/(4T) - T |xi|^2/4) <= exp(-x)``, so only ``x`` up to ~``log(1/eps)`` matters and
``n_max`` of a few tens suffices for non-polynomial kernels.  Measured for ``kac`` on the
bi-Maxwellian ``T = (0.5, 0.5, 0.8)`` at ``N = 32`` (``validation/grid_kernels.py``; change of
``Q(f, f)`` against ``n_max = 40``, ``max |Q| = 6.7e-3``): 1.6e-3 (``n_max = 0``), 2.5e-6 (4),
9.4e-8 (8), 4.6e-9 (16), 2.4e-11 (24), 1.9e-12 (32) -- the default ``n_max = 24`` is below the
grid's own error at every ``N <= 48``.  The sphere rule must integrate ``P_n(xi_hat.e)`` times
the product's dependence on ``e``: its degree must exceed ``n_max`` by the degree the data need
with constant ``b`` (3 for BKW, ~13 for the bi-Maxwellian); the default is the smallest Lebedev
degree ``>= n_max + 9`` (change against degree 47 at ``n_max = 24``: 6e-8 at degree 17, 4e-9
at 29, 1.1e-9 at 35, 1.5e-10 at 41).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import eval_legendre, spherical_jn

from kacspectral.errors import short
from kacspectral.physics.kernels import AngularKernel

__all__ = ["legendre_moments", "is_constant_kernel", "default_legendre_degree",
           "directional_memory", "DirectionalGain", "check_legendre_degree",
           "DEFAULT_NONPOLYNOMIAL_DEGREE", "MAX_LEGENDRE_DEGREE", "lebedev_degree_at_least"]

#: ``n_max`` for a kernel that is not a polynomial in ``s`` (e.g. ``kac``): the truncation
#: changes ``Q`` of the bi-Maxwellian by 2.4e-11 (module docstring).
DEFAULT_NONPOLYNOMIAL_DEGREE = 24

#: ``|beta_n| <=`` this for every ``n >= 1`` counts as a constant kernel.
_CONSTANT_TOL = 1e-14


def legendre_moments(kernel: AngularKernel, n_max: int) -> NDArray:
    """``beta_n = (1/2) int b(s) P_n(s) ds`` for ``n = 0..n_max`` by the kernel's Gauss-Jacobi
    rule (exact for a polynomial smooth part; 200 + n_max nodes otherwise)."""
    n_max = int(n_max)
    nodes = kernel.nodes_for_degree(n_max)
    if kernel.polynomial_degree is None:
        nodes = max(nodes, 200 + n_max)
    s, w = kernel.quadrature(nodes)
    return np.array([float(np.dot(w, eval_legendre(n, s))) for n in range(n_max + 1)])


def is_constant_kernel(kernel: AngularKernel) -> bool:
    """True for ``b = 1`` (no endpoint factor, ``beta_n = 0`` for ``1 <= n <= 8``)."""
    if kernel.exponents != (0.0, 0.0):
        return False
    if kernel.smooth_expr is not None:
        return bool(kernel.smooth_expr == 1)
    beta = legendre_moments(kernel, 8)
    return bool(np.all(np.abs(beta[1:]) <= _CONSTANT_TOL))


def default_legendre_degree(kernel: AngularKernel) -> int:
    """``n_max``: the degree of ``b`` for a polynomial kernel (the series is then exact), else
    :data:`DEFAULT_NONPOLYNOMIAL_DEGREE`."""
    if kernel.exponents == (0.0, 0.0) and kernel.polynomial_degree is not None:
        return int(kernel.polynomial_degree)
    return DEFAULT_NONPOLYNOMIAL_DEGREE


#: Highest accepted ``n_max`` (the j_n tables and the sphere rule grow with it).
MAX_LEGENDRE_DEGREE = 120


def check_legendre_degree(value: object) -> int:
    """``n_max`` as an int in ``[0, MAX_LEGENDRE_DEGREE]``, else a ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
            0 <= value <= MAX_LEGENDRE_DEGREE):
        raise ValueError(f"legendre_degree must be an integer in [0, {MAX_LEGENDRE_DEGREE}], "
                         f"got {short(value)}")
    return int(value)


def directional_memory(n: int, radial_nodes: int, n_max: int) -> int:
    """Bytes of the extra arrays of the directional path on an ``n^3`` grid: the gathered
    ``j_n(rho_r |xi|/2)`` for every radius and ``n <= n_max`` plus ``n_max + 5`` Legendre /
    multiplier arrays, each one half-complex grid of doubles."""
    half_real = 8 * n * n * (n // 2 + 1)
    return int(half_real * (radial_nodes * (n_max + 1) + n_max + 6))


class DirectionalGain:
    """Tables of the Funk-Hecke multiplier and the gain loop (module docstring).

    Parameters
    ----------
    kernel : AngularKernel
    n_max : int
        Highest Legendre degree kept.
    rho, rho_weights : arrays
        The radial rule of the operator.
    kabs : array
        The distinct values of ``|xi|`` on the half-complex grid; ``inv`` maps each grid point
        to its index there.
    k, kr : arrays
        Wave numbers per axis (full and half axis).
    """

    def __init__(self, kernel: AngularKernel, n_max: int, rho: NDArray, rho_weights: NDArray,
                 kabs: NDArray, inv: NDArray, k: NDArray, kr: NDArray):
        self.kernel = kernel
        self.n_max = int(n_max)
        if self.n_max < 0:
            raise ValueError(f"legendre_degree must be >= 0, got {n_max!r}")
        self.beta = legendre_moments(kernel, self.n_max)
        n = np.arange(self.n_max + 1)
        #: ``(2n+1) beta_n`` (the phase ``(-i)^n`` is applied in :meth:`gain`)
        self.coefficients = (2 * n + 1) * self.beta
        x = 0.5 * np.outer(rho, kabs)  # (n_r, n_unique)
        # c_n j_n(rho_r |xi| / 2) gathered onto the half grid: (n_r, n_max+1, *half_shape)
        self._j = np.empty((len(rho), self.n_max + 1) + inv.shape)
        for m in range(self.n_max + 1):
            tab = self.coefficients[m] * spherical_jn(m, x)
            for r in range(len(rho)):
                self._j[r, m] = tab[r][inv]
        self.rho, self.rho_weights = rho, rho_weights
        knorm = np.sqrt(k[:, None, None] ** 2 + k[None, :, None] ** 2 + kr[None, None, :] ** 2)
        self._inv_norm = np.where(knorm > 0, 1.0 / np.where(knorm > 0, knorm, 1.0), 0.0)
        self._k, self._kr = k, kr
        self._p = np.empty((self.n_max + 1,) + inv.shape)

    def _legendre(self, e: NDArray) -> NDArray:
        """``P_n(xi_hat . e)`` for ``n = 0..n_max`` on the half grid (``t = 0`` at ``xi = 0``,
        where ``j_n(0) = 0`` for ``n >= 1``), by the three-term recurrence."""
        p = self._p
        t = (self._k[:, None, None] * e[0] + self._k[None, :, None] * e[1]
             + self._kr[None, None, :] * e[2]) * self._inv_norm
        p[0] = 1.0
        if self.n_max >= 1:
            p[1] = t
        for m in range(1, self.n_max):
            # (m+1) P_{m+1} = (2m+1) t P_m - m P_{m-1}
            np.multiply(t, p[m], out=p[m + 1])
            p[m + 1] *= (2 * m + 1) / (m + 1)
            p[m + 1] -= (m / (m + 1)) * p[m - 1]
        return p

    def gain(self, op, F: NDArray, G: NDArray, same: bool) -> NDArray:
        """``Q+`` on the grid from the real-FFT spectra ``F``, ``G`` of ``f``, ``g``;
        ``same``: ``g = f`` (even ``n``, half sphere rule, real multiplier)."""
        if same:
            dirs, wts = op.half_directions, op.half_weights
            ns = list(range(0, self.n_max + 1, 2))
        else:
            dirs, wts = op.directions, op.direction_weights
            ns = list(range(self.n_max + 1))
        even = [m for m in ns if m % 2 == 0]
        odd = [m for m in ns if m % 2 == 1]
        fft = op.fft
        fs = op._fs
        gs = fft.real_in
        qhat = op._qhat
        qhat[...] = 0.0
        mre = np.empty(qhat.shape)
        mim = np.empty(qhat.shape)
        for e, w in zip(dirs, wts, strict=True):
            p = self._legendre(e)
            for r, rho in enumerate(self.rho):
                s = 0.5 * rho * e
                op._shift(F, s, fs)
                op._shift(G, -s, gs)
                np.multiply(fs, gs, out=gs)
                spec = fft.forward()
                jr = self._j[r]
                # (-i)^n: +1, -1 for n = 0, 2 mod 4; -i, +i for n = 1, 3 mod 4
                mre[...] = 0.0
                for m in even:
                    mre += (1.0 if m % 4 == 0 else -1.0) * jr[m] * p[m]
                mre *= w * self.rho_weights[r]
                if odd:
                    mim[...] = 0.0
                    for m in odd:
                        mim += (-1.0 if m % 4 == 1 else 1.0) * jr[m] * p[m]
                    mim *= w * self.rho_weights[r]
                    qhat += spec * (mre + 1j * mim)
                else:
                    qhat += spec * mre
        return fft.backward(qhat).copy()


def lebedev_degree_at_least(degree: int) -> int:
    """The smallest degree ``>= degree`` that scipy's Lebedev rules provide (odd up to 31,
    then 35, 41, 47, ..., 131)."""
    avail = list(range(3, 32, 2)) + list(range(35, 132, 6))
    for d in avail:
        if d >= degree:
            return d
    raise ValueError(f"no Lebedev rule of degree >= {degree} (the highest is 131)")

