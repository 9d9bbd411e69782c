"""The 2-Wasserstein distance between velocity distributions (seed 003, section 3).

``W2(f, g)^2 = inf over couplings pi of int |v - w|^2 dpi(v, w)``.

Isotropic states (exact)
------------------------
For isotropic ``f, g`` the map ``v -> T(|v|) v/|v|`` with ``T = F_g^{-1} o F_f`` (``F`` the
distribution function of ``|v|``) is the gradient of the convex radial function
``int_0^{|v|} T``, hence optimal (Brenier), and

    W2^2 = int_0^1 (F_f^{-1}(q) - F_g^{-1}(q))^2 dq = int_0^inf (r - T(r))^2 dF_f(r).      (W1)

:func:`w2_isotropic` evaluates the last integral with composite Gauss-Legendre in ``r``;
``F`` and the survival function ``1 - F`` are accumulated panel by panel from both ends (so the
tails keep relative accuracy), and ``T(r)`` solves ``F_g(T) = F_f(r)`` (or the survival
equation above the median) by a safeguarded Newton iteration.  Closed form for Maxwellians
(Gaussians: the Bures/Frechet formula below): ``W2^2(M_{u1,T1}, M_{u2,T2}) = |u1-u2|^2 +
3 (sqrt T1 - sqrt T2)^2``; for centred Maxwellians it is (W1) with ``F^{-1}_T = sqrt(T) F^{-1}_1``.

Anisotropic states (POT)
------------------------
:func:`w2_densities` discretises each density by the tensor Gauss-Hermite rule of its own
Gaussian part (mean and temperature tensor; weights ``w_i f(v_i)/N(v_i)``) and solves the
discrete transport problem exactly with the network simplex of POT (``ot.emd2``, Flamary et al.,
JMLR 2021).  (One common grid for both, :func:`w2_discrete`, is far worse: the transport inside
grid cells leaves an O(h) error, 0.09 at 18^3 points for the Gaussians of the tests.)  The
discretisation error is measured against the Gaussian closed form

    W2^2(N(m1, S1), N(m2, S2)) = |m1 - m2|^2 + tr(S1 + S2 - 2 (S2^{1/2} S1 S2^{1/2})^{1/2})

(:func:`w2_gaussian`) in the tests and in ``validation/entropy_budget.py``.  **Accuracy (measured
in review, ``tests/test_wasserstein.py``)**: exact (to rounding) when the two covariances
commute; otherwise the discrete optimum of two affine images of one tensor grid is *not* the
Bures value and converges slowly in ``n``.  For mildly non-commuting covariances it equals the
cost of the node-to-node matching, ``|m1-m2|^2 + tr(S1 + S2 - 2 S1^{1/2} S2^{1/2})``, for every
``n`` tried (4 to 12: relative error 3.2e-4 in the validation case, not decreasing); for
strongly non-commuting ones (``diag(1, 0.02, 0.5)`` rotated by pi/4 against
``diag(0.02, 1, 0.5)``) the relative error is 0.100, 0.057, 0.040 at ``n = 4, 8, 12``
(about ``n^{-0.85}``).  So :func:`w2_densities` is an indicator with an error of that size,
not a spectrally accurate value; rotating one grid or using ``n`` and ``n+1`` nodes was tried
and is worse.

Contraction (seed 003, eq. (3.3); Otto; Tanaka).  Along ``df/dt = eta FP_T f`` (and along eq.
(3.2)), ``W2(f(t), M_T) <= e^{-eta t} W2(f(0), M_T)``.  Equality holds for a shifted Maxwellian
``M_{u,T}`` (``u(t) = u e^{-eta t}``), so the rate ``eta`` is sharp and the seed's printed
``e^{-(n/T) t}`` (read ``eta/T``) is a misprint: for ``T < 1`` it would claim a faster decay
than the exact solution has.  The last member of (3.3), ``e^{-(n/T)t} ((1/2) int v^2 f(0) + T)``,
also has the wrong constant: for ``f(0) = M_eps`` (``eps -> 0``) and ``T = 1`` at ``t = 0``,
``W2 = sqrt(3)(1 - sqrt(eps)) > 1 + 3 eps/2``.  A correct bound is
``W2(f(0), M_T)^2 <= m_2[f(0)] + 3T`` (the product coupling; centred data), so
``W2(f(t), M_T) <= e^{-eta t} (m_2[f(0)] + 3T)^{1/2}``; both failures of the printed form are
tests in ``tests/test_wasserstein.py``.

Reference: "seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, *Exponential approach to,
and properties of, a non-equilibrium steady state in a dilute gas* (2014); the normalisations
(Fourier transform, Maxwellians, kernels with ``(1/2) int b ds = 1``) are those of the
conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg, special

from kacspectral.physics.reservoirs import MaxwellianMixture

__all__ = [
    "gaussian_adapted_rule",
    "maxwellian_speed_density",
    "maxwellian_speed_quantile",
    "w2_densities",
    "w2_discrete",
    "w2_gaussian",
    "w2_isotropic",
    "w2_maxwellians",
]


def w2_gaussian(m1: ArrayLike, S1: ArrayLike, m2: ArrayLike, S2: ArrayLike) -> float:
    """Bures/Frechet closed form for Gaussians ``N(m, S)`` (module docstring)."""
    m1, m2 = np.asarray(m1, float), np.asarray(m2, float)
    S1, S2 = np.asarray(S1, float), np.asarray(S2, float)
    r2 = linalg.sqrtm(S2)
    cross = linalg.sqrtm(r2 @ S1 @ r2)
    val = float(np.sum((m1 - m2) ** 2) + np.trace(S1 + S2 - 2 * np.real(cross)))
    return math.sqrt(max(val, 0.0))


def w2_maxwellians(u1: ArrayLike, T1: float, u2: ArrayLike, T2: float) -> float:
    """``sqrt(|u1-u2|^2 + 3 (sqrt T1 - sqrt T2)^2)``."""
    du = np.asarray(u1, float) - np.asarray(u2, float)
    return math.sqrt(float(du @ du) + 3.0 * (math.sqrt(T1) - math.sqrt(T2)) ** 2)


class _RadialLaw:
    """Distribution and survival functions of ``|v|`` for an isotropic density ``f(|v|)``."""

    def __init__(self, density: Callable[[NDArray], NDArray], r_max: float, panels: int,
                 nodes: int = 10):
        self.f = density
        self.edges = np.linspace(0.0, r_max, panels + 1)
        self.x, self.w = np.polynomial.legendre.leggauss(nodes)
        mass = np.array([self._panel(a, b) for a, b in zip(self.edges[:-1], self.edges[1:],
                                                              strict=True)])
        self.F = np.concatenate([[0.0], np.cumsum(mass)])
        self.S = np.concatenate([np.cumsum(mass[::-1])[::-1], [0.0]])
        self.total = self.F[-1]

    def pdf(self, r: NDArray) -> NDArray:
        # clipped at 0: truncated spectral densities may dip below 0 by rounding in the tails
        return 4 * np.pi * r**2 * np.clip(self.f(r), 0.0, None)

    def _panel(self, a, b) -> NDArray:
        a, b = np.asarray(a, float), np.asarray(b, float)
        r = 0.5 * (b - a)[..., None] * (self.x + 1.0) + a[..., None]
        return 0.5 * (b - a) * np.sum(self.w * self.pdf(r), axis=-1)

    def cdf(self, r: NDArray) -> tuple[NDArray, NDArray]:
        """``(F(r), 1 - F(r))``, each accumulated from its own end."""
        r = np.asarray(r, float)
        i = np.clip(np.searchsorted(self.edges, r, side="right") - 1, 0, len(self.edges) - 2)
        part = self._panel(self.edges[i], r)
        return self.F[i] + part, self.S[i] - part

    def inverse(self, q: NDArray, upper: NDArray) -> NDArray:
        """``r`` with ``F(r) = q`` (``upper`` False) or ``1 - F(r) = q`` (``upper`` True)."""
        q = np.asarray(q, float)
        lo_edge = np.where(upper, np.searchsorted(-self.S, -q, side="right") - 1,
                           np.searchsorted(self.F, q, side="right") - 1)
        i = np.clip(lo_edge, 0, len(self.edges) - 2)
        lo, hi = self.edges[i].copy(), self.edges[i + 1].copy()
        r = 0.5 * (lo + hi)
        for _ in range(60):
            F, S = self.cdf(r)
            g = np.where(upper, q - S, F - q)  # increasing in r
            lo = np.where(g < 0, r, lo)
            hi = np.where(g > 0, r, hi)
            d = self.pdf(r)
            step = np.where(d > 0, g / np.where(d > 0, d, 1.0), 0.0)
            rn = r - step
            bad = (rn <= lo) | (rn >= hi) | ~np.isfinite(rn)
            rn = np.where(bad, 0.5 * (lo + hi), rn)
            if np.max(np.abs(rn - r)) <= 1e-15 * max(1.0, float(np.max(np.abs(r)))):
                r = rn
                break
            r = rn
        return r


def w2_isotropic(
    density_f: Callable[[NDArray], NDArray],
    density_g: Callable[[NDArray], NDArray],
    temperature: float,
    *,
    extent: float = 40.0,
    panels: int = 200,
) -> float:
    """Exact ``W2`` (W1) between isotropic densities given as functions of ``|v|``.

    ``temperature`` is the largest temperature of the data (the radial range is
    ``[0, sqrt(2 T extent)]``, beyond which a Maxwellian tail is ``< e^{-extent}``).

    Parameters
    ----------
    density_f, density_g : callable
        Vectorised ``r -> f(v)`` at ``|v| = r``: the 3D velocity densities (not the densities of
        ``|v|``), each normalised to ``int f dv = int_0^inf 4 pi r^2 f(r) dr = 1``, e.g.
        :func:`maxwellian_speed_density`.  Negative values (rounding in the tails of a truncated
        spectral density) are clipped at 0.
    temperature : float
        The largest temperature of the data, ``> 0`` (sets the radial range above).
    extent : float
        Positive: the radial range is ``[0, sqrt(2 temperature extent)]`` (default 40).
    panels : int
        Positive number of Gauss-Legendre panels (10 nodes each) on that range (default 200).

    Returns
    -------
    float
        ``W2(f, g) >= 0``, in units of velocity.

    Raises
    ------
    ValueError
        If ``temperature`` is not positive and finite, or a density's mass on the radial range
        differs from 1 by more than ``1e-8``.
    """
    T = float(temperature)
    if not (math.isfinite(T) and T > 0):
        raise ValueError(f"temperature must be positive and finite, got {temperature!r}")
    r_max = math.sqrt(2.0 * T * extent)
    lf = _RadialLaw(density_f, r_max, panels)
    lg = _RadialLaw(density_g, r_max, panels)
    for law, name in ((lf, "f"), (lg, "g")):
        if abs(law.total - 1.0) > 1e-8:
            raise ValueError(f"density {name} has mass {law.total:.12g} on [0, {r_max:.4g}], "
                             "expected 1 (a probability density)")
    edges = lf.edges
    r = (0.5 * (edges[1:] - edges[:-1])[:, None] * (lf.x + 1.0) + edges[:-1, None]).ravel()
    wr = (0.5 * (edges[1:] - edges[:-1])[:, None] * lf.w).ravel()
    F, S = lf.cdf(r)
    upper = F > 0.5
    q = np.where(upper, S, F)
    tr = lg.inverse(q * lg.total, upper)
    val = float(np.sum(wr * lf.pdf(r) * (r - tr) ** 2))
    return math.sqrt(max(val, 0.0))


def maxwellian_speed_density(T: float) -> Callable[[NDArray], NDArray]:
    """``r -> M_T`` at ``|v| = r`` (:meth:`MaxwellianMixture.density
    <kacspectral.physics.reservoirs.MaxwellianMixture.density>` of the one-component mixture)."""
    return MaxwellianMixture([1], [T]).density


def maxwellian_speed_quantile(q: ArrayLike, T: float) -> NDArray:
    """Quantile of ``|v|`` under ``M_T``: ``sqrt(2 T P^{-1}(3/2, q))`` (``P`` the regularised
    incomplete gamma function; ``|v|^2/(2T)`` is Gamma(3/2))."""
    return np.sqrt(2 * T * special.gammaincinv(1.5, np.asarray(q, float)))


def w2_discrete(
    points: ArrayLike, weights_f: ArrayLike, weights_g: ArrayLike
) -> float:
    """``W2`` between two discrete measures on the same ``points`` (shape ``(n, 3)``) by
    POT's exact network simplex (``ot.emd2``); weights are clipped at 0 and renormalised."""
    import ot  # optional dependency (extra "ot"): POT >= 0.9

    x = np.asarray(points, float)
    a = np.clip(np.asarray(weights_f, float), 0, None)
    b = np.clip(np.asarray(weights_g, float), 0, None)
    a, b = a / a.sum(), b / b.sum()
    M = ot.dist(x, x, metric="sqeuclidean")
    return math.sqrt(max(float(ot.emd2(a, b, M, numItermax=10_000_000)), 0.0))


def gaussian_adapted_rule(mean: ArrayLike, cov: ArrayLike, n: int) -> tuple[NDArray, NDArray]:
    """Tensor Gauss-Hermite rule of ``N(mean, cov)``: nodes ``mean + cov^{1/2} x`` and the
    product weights (summing to 1)."""
    x, w = np.polynomial.hermite_e.hermegauss(int(n))
    w = w / w.sum()
    g = np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1).reshape(-1, 3)
    wt = (w[:, None, None] * w[None, :, None] * w[None, None, :]).reshape(-1)
    L = np.real(linalg.sqrtm(np.asarray(cov, float)))
    return np.asarray(mean, float) + g @ L.T, wt


def _gauss_density(v: NDArray, mean: NDArray, cov: NDArray) -> NDArray:
    d = v - mean
    inv = np.linalg.inv(cov)
    return np.exp(-0.5 * np.einsum("ni,ij,nj->n", d, inv, d)) / math.sqrt(
        (2 * math.pi) ** 3 * np.linalg.det(cov))


def w2_densities(
    density_f: Callable[[NDArray], NDArray],
    density_g: Callable[[NDArray], NDArray],
    moments_f: dict,
    moments_g: dict,
    n: int = 10,
) -> float:
    """``W2`` between two 3D densities (callables on points ``(..., 3)``) by POT.

    Each density is discretised by the Gauss-Hermite rule of its own Gaussian part
    (:func:`gaussian_adapted_rule` with its mean and temperature tensor from ``moments``:
    ``mass``, ``momentum``, ``second``), with weights ``w_i f(v_i)/N(v_i)``; the discrete problem
    is solved exactly by :func:`ot.emd2`.  For Gaussians with commuting covariances the optimal
    map is linear and maps node to node, so the result is the Bures value to rounding; in
    general the discretisation error is measured in the tests and the validation script.
    """
    import ot  # optional dependency (extra "ot"): POT >= 0.9

    clouds = []
    for dens, m in ((density_f, moments_f), (density_g, moments_g)):
        u = np.asarray(m["momentum"], float) / float(m["mass"])
        cov = np.asarray(m["second"], float) / float(m["mass"]) - np.outer(u, u)
        x, w = gaussian_adapted_rule(u, cov, n)
        wt = np.clip(w * np.asarray(dens(x), float) / _gauss_density(x, u, cov), 0, None)
        clouds.append((x, wt / wt.sum()))
    (x, a), (y, b) = clouds
    M = ot.dist(x, y, metric="sqeuclidean")
    return math.sqrt(max(float(ot.emd2(a, b, M, numItermax=10_000_000)), 0.0))
