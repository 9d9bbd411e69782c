"""The Gabetta-Toscani-Wennberg (GTW) distance: one function, a 3D search and an isotropic path.

Definition (seed 003, section 1; conventions page, section 4), with ``f^(xi) = int f e^{-i xi.v}
dv``:

    d(f, g) = sup_{xi in R^3, xi != 0} |f^(xi) - g^(xi)| / |xi|^2.

It is finite exactly when ``f`` and ``g`` have equal mass and equal first moments (then
``f^ - g^ = O(|xi|^2)``).  Along a ray ``xi = k e`` the ratio tends, as ``k -> 0``, to
``L(e) = |e.(S_f - S_g) e| / 2``, ``S = int v v^T f dv``, so the supremum over a punctured
neighbourhood of 0 is ``max |eig(S_f - S_g)| / 2``.  The seed defines ``d`` for states with equal
first and second moments; its contraction estimates (Lemma 1.2, section 2) only use
``|f^| <= 1`` and ``d < inf``, so they also hold when only the first moments agree.

:func:`gtw_distance` is the one entry point.  It takes the path from the form of the moments:

isotropic path (fast)  ``moments_f``, ``moments_g`` are sequences ``[m_0, m_2, m_4, ...]`` of
    radial moments ``m_{2n} = int |v|^(2n) f dv``; ``f^(xi) = phi(|xi|)`` and the callables take
    ``k = |xi|`` (any shape).  The supremum is one-dimensional, over ``k > 0`` of
    ``F(k) = |phi_f(k) - phi_g(k)| / k^2``.  Masses must agree (``rtol``), and energies ``m_2``
    too unless ``require="first"`` (then ``F(0) = |m_2[f] - m_2[g]|/6`` is finite).
3D path  ``moments_f``, ``moments_g`` are mappings with ``'mass'``, ``'momentum'`` (3,) and
    ``'second'`` (3x3) (e.g. :meth:`kacspectral.spectral.hermite_space.HermiteSpace.moments`);
    the callables take ``xi`` of shape ``(..., 3)``.  ``require`` says which moments must agree:
    ``"tensor"`` (default, the seed's definition: mass, momentum and ``S``), ``"energy"``
    (mass, momentum and ``tr S``) or ``"first"`` (mass and momentum only).

States violating the requirement are refused with a ValueError naming the moments (the
distance is infinite or outside the seed's definition).  :func:`gtw_distance_coefficients` is
the isotropic path for two coefficient vectors of the NESS basis (no cancellation of nearly
equal values).

Isotropic path (robust evaluation)
----------------------------------
* ``k -> 0``: with ``phi(k) = sum_n (-1)^n m_{2n} k^(2n)/(2n+1)!`` (conventions page, section 1),
  ``F(k) = |sum_{n>=1} dc_n k^(2n-2)|``, ``dc_n = (-1)^n (m_{2n}[f] - m_{2n}[g])/(2n+1)!``; this
  Taylor form (with all the moments supplied) is used for ``k <= k_taylor = 0.1 k_s``,
  ``k_s = sqrt(3 / m_2)`` the thermal wave number, avoiding the cancellation of ``phi_f - phi_g``
  divided by ``k^2``.  ``F(0) = |m_2[f] - m_2[g]| / 6``.
* a uniform grid on ``[0, 12 k_s]`` (extended by doubling while ``2/k^2`` -- the largest
  possible value of ``F`` beyond ``k`` -- exceeds the best value found);
* local refinement of the best grid maxima by bounded scalar optimisation
  (``scipy.optimize.minimize_scalar(method="bounded")``) on the neighbouring grid cells.

3D path (robust sup over R^3)
-----------------------------
1. The small-``|xi|`` limit from the moments (above), computed exactly from ``S_f - S_g``.
2. A directional grid: ``n_directions`` Fibonacci points on the sphere times a radial grid
   (geometric from ``k_min`` to ``k_max`` in units of ``1/sqrt(T)``, ``T`` the largest principal
   temperature of the two states), ``|f^ - g^|/|xi|^2`` evaluated in one vectorised call.
3. Local refinement: a compass search on the 26-point cube stencil (one vectorised evaluation
   per step, step halved on failure down to ``1e-7/sqrt(T)``) from the best grid points of
   ``n_refine`` different directions.  The search is confined to ``|xi| >= k_min/sqrt(T)``;
   closer to 0 the exact limit of step 1 stands in for the ratio (whose rounding error grows
   like ``eps/|xi|^2``).
4. Tail check: the ratio on the outer radial decade must be below ``tail_fraction`` times the
   supremum found (otherwise ``k_max`` is doubled, up to 8 times, then a RuntimeWarning).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from kacspectral.boltzmann.isotropic.bobylev import coefficients_moments, coefficients_phi
from kacspectral.errors import short
from kacspectral.results import ResultMixin

__all__ = [
    "GTWResult",
    "MOMENT_TOL",
    "REQUIREMENTS",
    "fibonacci_directions",
    "gtw_distance",
    "gtw_distance_coefficients",
    "small_xi_limit",
]

#: Default relative tolerance on the moments that must agree.
MOMENT_TOL = 1e-10
#: Accepted values of ``require`` (3D path).
REQUIREMENTS = ("energy", "tensor", "first")


@dataclass(frozen=True, eq=False)
class GTWResult(ResultMixin):
    """Result of :func:`gtw_distance` (both paths).

    Attributes
    ----------
    distance : float
        ``sup |f^ - g^| / |xi|^2``.
    k_star : float
        ``|xi|`` where the supremum is attained (0 when it is the ``xi -> 0`` limit).
    xi_max : ndarray (3,) or None
        The maximiser in R^3 (3D path; None on the isotropic path or for the ``xi -> 0`` limit).
    small_xi_limit : float
        Supremum of the limits along rays at 0: ``max |eig(S_f - S_g)| / 2`` (3D),
        ``|m_2[f] - m_2[g]| / 6`` (isotropic).
    grid_max : float
        Maximum on the grid before refinement.
    k_max : float
        Largest ``|xi|`` sampled.
    tail_ratio : float
        Largest ratio on the outermost radial decade divided by ``distance`` (0 if it is 0).
    evaluations : int
        Number of points at which ``f^ - g^`` was evaluated.
    path : str
        ``"isotropic"`` or ``"3d"``.
    """

    distance: float
    k_star: float
    xi_max: NDArray | None = None
    small_xi_limit: float = 0.0
    grid_max: float = 0.0
    k_max: float = 0.0
    tail_ratio: float = 0.0
    evaluations: int = 0
    path: str = "isotropic"

    def __float__(self) -> float:
        return self.distance

    def describe(self) -> dict:
        """JSON-ready summary (the fields, without versions; :meth:`to_dict` has everything)."""
        return {
            "distance": self.distance,
            "k_star": self.k_star,
            "xi_max": None if self.xi_max is None else self.xi_max.tolist(),
            "small_xi_limit": self.small_xi_limit,
            "grid_max": self.grid_max,
            "k_max": self.k_max,
            "tail_ratio": self.tail_ratio,
            "evaluations": self.evaluations,
            "path": self.path,
        }


_ISO_OPTIONS = ("n_grid",)
_3D_OPTIONS = ("n_directions", "n_radial", "k_min", "k_max", "tail_fraction")


def gtw_distance(
    f: Callable[[NDArray], NDArray],
    g: Callable[[NDArray], NDArray],
    moments_f: Mapping | Sequence[float] | ArrayLike,
    moments_g: Mapping | Sequence[float] | ArrayLike,
    *,
    rtol: float = MOMENT_TOL,
    n_refine: int = 4,
    n_grid: int | None = None,
    require: str | None = None,
    n_directions: int | None = None,
    n_radial: int | None = None,
    k_min: float | None = None,
    k_max: float | None = None,
    tail_fraction: float | None = None,
    moment_tol: float | None = None,
) -> GTWResult:
    """``sup_{xi != 0} |f^(xi) - g^(xi)| / |xi|^2`` (module docstring), isotropic or 3D.

    Parameters
    ----------
    f, g : callable
        Vectorised Fourier transforms: of ``k = |xi|`` on the isotropic path, of ``xi`` with
        shape ``(..., 3)`` (complex values) on the 3D path.
    moments_f, moments_g : sequence of float, or mapping
        Sequences ``[m_0, m_2, m_4, ...]`` (at least ``m_0, m_2``; ``m_4 .. m_8`` make the
        small-``k`` form accurate) select the isotropic path; mappings with ``'mass'``,
        ``'momentum'``, ``'second'`` select the 3D path.
    rtol : float
        Relative tolerance on the moments that must agree (``moment_tol`` is its old name on
        the isotropic path, accepted).
    n_refine : int
        Number of local refinements started from the best grid points.
    n_grid : int, optional
        Isotropic path: points of the uniform ``k`` grid (default 600).
    require : {'tensor', 'energy', 'first'}, optional
        Which moments must agree: 3D path default ``'tensor'``; isotropic path default
        ``'energy'`` (``'tensor'`` is the same there, ``'first'`` checks the masses only).
    n_directions, n_radial : int, optional
        3D path: directional grid (defaults 200 and 60).
    k_min, k_max : float, optional
        3D path: radial range in units of ``1/sqrt(T)``, ``T`` the largest eigenvalue of ``S_f``,
        ``S_g`` (defaults 0.02 and 12).
    tail_fraction : float, optional
        3D path: required ratio of the outer-decade maximum to the supremum (default 1e-3).

    Returns
    -------
    GTWResult

    Raises
    ------
    ValueError
        For states whose required moments differ, or options of the other path.
    """
    if moment_tol is not None:
        rtol = moment_tol
    iso_f, iso_g = not isinstance(moments_f, Mapping), not isinstance(moments_g, Mapping)
    if iso_f != iso_g:
        raise TypeError(
            "moments_f and moments_g must both be sequences [m_0, m_2, ...] (isotropic) or both "
            f"mappings with 'mass', 'momentum', 'second' (3D), got {type(moments_f).__name__} "
            f"and {type(moments_g).__name__}"
        )
    given = {k: v for k, v in (("n_grid", n_grid), ("require", require),
                               ("n_directions", n_directions), ("n_radial", n_radial),
                               ("k_min", k_min), ("k_max", k_max),
                               ("tail_fraction", tail_fraction)) if v is not None}
    wrong = sorted(set(given) & set(_3D_OPTIONS if iso_f else _ISO_OPTIONS))
    if wrong:
        path = "isotropic (moments given as sequences)" if iso_f else "3D (moments as mappings)"
        raise ValueError(f"option(s) {wrong} do not apply to the {path} path of gtw_distance")
    if iso_f:
        if require is not None and require not in REQUIREMENTS:
            raise ValueError(f"require must be one of {REQUIREMENTS}, got {require!r}")
        mf = np.asarray(moments_f, dtype=float)
        mg = np.asarray(moments_g, dtype=float)
        _check_radial_moments(mf, mg, rtol, energy=require != "first")
        n = min(mf.size, mg.size)
        return _sup_of_difference(
            _Difference(f, g), mf[:n] - mg[:n], mf[1], mg[1],
            600 if n_grid is None else int(n_grid), n_refine,
        )
    return _gtw_3d(
        f, g, cast(Mapping, moments_f), cast(Mapping, moments_g),
        require="tensor" if require is None else require, rtol=rtol,
        n_directions=200 if n_directions is None else n_directions,
        n_radial=60 if n_radial is None else n_radial,
        k_min=0.02 if k_min is None else k_min, k_max=12.0 if k_max is None else k_max,
        n_refine=n_refine, tail_fraction=1e-3 if tail_fraction is None else tail_fraction,
    )


class _Difference:
    """``k -> f(k) - g(k)`` (a class, not a closure: results and their inputs pickle)."""

    def __init__(self, f: Callable[[NDArray], NDArray], g: Callable[[NDArray], NDArray]):
        self.f, self.g = f, g

    def __call__(self, k: NDArray) -> NDArray:
        return np.asarray(self.f(k)) - np.asarray(self.g(k))


def gtw_distance_coefficients(
    a: ArrayLike,
    b: ArrayLike,
    t_ref: float,
    *,
    moment_tol: float = MOMENT_TOL,
    n_moments: int = 6,
    n_grid: int = 600,
    n_refine: int = 4,
) -> GTWResult:
    """GTW distance of two states given by coefficient vectors in the NESS basis (bobylev (B1)).

    The isotropic path of :func:`gtw_distance`, with the difference ``phi_f - phi_g`` evaluated
    from the coefficient difference ``a - b`` (no cancellation of nearly equal values), and its
    moments from the same difference.  Vectors of different lengths are zero-padded.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = max(a.size, b.size)
    a = np.pad(a, (0, n - a.size))
    b = np.pad(b, (0, n - b.size))
    d = a - b
    mf = coefficients_moments(a, t_ref, 1)
    mg = coefficients_moments(b, t_ref, 1)
    _check_radial_moments(mf, mg, moment_tol)
    return _sup_of_difference(
        lambda k: coefficients_phi(d, t_ref, k),
        coefficients_moments(d, t_ref, n_moments), mf[1], mg[1], n_grid, n_refine,
    )


# --------------------------------------------------------------------------- isotropic path
def _check_radial_moments(
    mf: NDArray, mg: NDArray, moment_tol: float, energy: bool = True
) -> None:
    if mf.size < 2 or mg.size < 2:
        raise ValueError(
            "moments must give at least [m_0, m_2] for both states, got "
            f"{mf.size} and {mg.size} values"
        )
    if abs(mf[0] - mg[0]) > moment_tol * max(abs(mf[0]), abs(mg[0]), 1.0):
        raise ValueError(
            f"GTW distance needs equal masses: m_0[f] = {float(mf[0])!r}, "
            f"m_0[g] = {float(mg[0])!r} "
            f"(differ by more than {moment_tol:g} relative)"
        )
    if energy and abs(mf[1] - mg[1]) > moment_tol * max(abs(mf[1]), abs(mg[1]), 1e-300):
        raise ValueError(
            f"GTW distance needs equal second moments: m_2[f] = {float(mf[1])!r}, "
            f"m_2[g] = {float(mg[1])!r} "
            f"(differ by more than {moment_tol:g} relative; pass require='first' to allow it)"
        )


def _taylor_ratio(dm: NDArray, k: NDArray) -> NDArray:
    """``|sum_{n>=1} dc_n k^(2n-2)|`` from moment differences ``dm[n] = dm_{2n}``."""
    out = np.zeros_like(k)
    for n in range(len(dm) - 1, 0, -1):  # Horner in k^2
        dc = (-1) ** n * dm[n] / math.factorial(2 * n + 1)
        out = out * k**2 + dc
    return np.abs(out)


def _sup_of_difference(
    phi_diff: Callable[[NDArray], NDArray],
    dm: NDArray,
    m2_f: float,
    m2_g: float,
    n_grid: int,
    n_refine: int,
) -> GTWResult:
    """``sup_k F(k)`` with ``F = |phi_diff(k)| / k^2`` for ``k > k_taylor`` and the Taylor form
    from the moment differences ``dm`` (``dm[0]`` ignored) below; ``k_s = sqrt(3/m_2)``, ``m_2``
    the mean of the two second moments (module docstring)."""
    dm = np.array(dm, dtype=float)
    dm[0] = 0.0
    m2 = max(0.5 * (float(m2_f) + float(m2_g)), 1e-300)
    k_scale = math.sqrt(3.0 / m2)
    k_t = 0.1 * k_scale
    evals = [0]

    def ratio(k: NDArray) -> NDArray:
        k = np.asarray(k, dtype=float)
        out = np.empty_like(k)
        small = k <= k_t
        out[small] = _taylor_ratio(dm, k[small])
        kb = k[~small]
        if kb.size:
            evals[0] += kb.size
            out[~small] = np.abs(np.asarray(phi_diff(kb))) / kb**2
        return out

    k_hi = 12.0 * k_scale
    grid = np.linspace(0.0, k_hi, n_grid + 1)
    vals = ratio(grid)
    while 2.0 / k_hi**2 > np.max(vals) and k_hi < 1e6 * k_scale:
        ext = np.linspace(k_hi, 2 * k_hi, n_grid + 1)[1:]
        grid = np.concatenate([grid, ext])
        vals = np.concatenate([vals, ratio(ext)])
        k_hi *= 2
    best_i = int(np.argmax(vals))
    grid_max = float(vals[best_i])
    best, k_star = grid_max, float(grid[best_i])
    # local maxima of the grid values, best first
    inner = np.nonzero((vals[1:-1] >= vals[:-2]) & (vals[1:-1] >= vals[2:]))[0] + 1
    cands = sorted(set(inner.tolist()) | {best_i}, key=lambda i: -vals[i])[:n_refine]
    for i in cands:
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
        if hi <= lo:
            continue
        res = optimize.minimize_scalar(
            lambda x: -float(ratio(np.array([x]))[0]),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-12 * k_scale},
        )
        if -res.fun > best:
            best, k_star = float(-res.fun), float(res.x)
    tail = float(np.max(vals[grid >= grid[-1] / 10]))
    return GTWResult(
        distance=best,
        k_star=k_star,
        xi_max=None,
        small_xi_limit=abs(float(dm[1])) / 6.0,
        grid_max=grid_max,
        k_max=float(grid[-1]),
        tail_ratio=tail / best if best > 0 else 0.0,
        evaluations=evals[0],
        path="isotropic",
    )


# --------------------------------------------------------------------------- 3D path
def fibonacci_directions(n: int) -> NDArray:
    """``n`` nearly uniform unit vectors (Fibonacci lattice on S^2), shape ``(n, 3)``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"number of directions must be a positive integer, got {short(n)}")
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    phi = math.pi * (3.0 - math.sqrt(5.0)) * i
    r = np.sqrt(1.0 - z * z)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


def _moment_parts(m: Mapping, name: str) -> tuple[float, NDArray, NDArray]:
    try:
        mass = float(m["mass"])
        mom = np.asarray(m["momentum"], dtype=float).reshape(3)
        sec = np.asarray(m["second"], dtype=float).reshape(3, 3)
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            f"{name} must be a mapping with 'mass', 'momentum' (3,) and 'second' (3x3), "
            f"got {m!r}"
        ) from None
    return mass, mom, sec


def small_xi_limit(second_f: NDArray, second_g: NDArray) -> float:
    """``sup_e |e.(S_f - S_g) e| / 2 = max |eig(S_f - S_g)| / 2`` (limit of the ratio at 0)."""
    d = np.asarray(second_f, dtype=float) - np.asarray(second_g, dtype=float)
    d = 0.5 * (d + d.T)
    return 0.5 * float(np.max(np.abs(np.linalg.eigvalsh(d))))


def _check_moments(moments_f: Mapping, moments_g: Mapping, require: str, rtol: float):
    if require not in REQUIREMENTS:
        raise ValueError(f"require must be one of {REQUIREMENTS}, got {require!r}")
    mf, uf, sf = _moment_parts(moments_f, "moments_f")
    mg, ug, sg = _moment_parts(moments_g, "moments_g")
    scale = max(abs(np.trace(sf)), abs(np.trace(sg)), 1e-300)
    if abs(mf - mg) > rtol * max(abs(mf), abs(mg)):
        raise ValueError(
            f"GTW distance needs equal masses, got {mf!r} and {mg!r} (the distance is infinite)"
        )
    if np.max(np.abs(uf - ug)) > rtol * math.sqrt(scale):
        raise ValueError(
            f"GTW distance needs equal first moments, got {uf.tolist()} and {ug.tolist()} "
            "(the distance is infinite)"
        )
    if require == "energy" and abs(np.trace(sf) - np.trace(sg)) > rtol * scale:
        raise ValueError(
            f"GTW distance with require='energy' needs equal energies int |v|^2 f, got "
            f"{np.trace(sf)!r} and {np.trace(sg)!r}; pass require='first' to allow it"
        )
    if require == "tensor" and np.max(np.abs(sf - sg)) > rtol * scale:
        raise ValueError(
            f"GTW distance with require='tensor' needs equal second-moment tensors, got "
            f"{sf.tolist()} and {sg.tolist()}; pass require='first' to allow it"
        )
    return sf, sg


def _gtw_3d(
    fourier_f: Callable[[NDArray], NDArray],
    fourier_g: Callable[[NDArray], NDArray],
    moments_f: Mapping,
    moments_g: Mapping,
    *,
    require: str,
    rtol: float,
    n_directions: int,
    n_radial: int,
    k_min: float,
    k_max: float,
    n_refine: int,
    tail_fraction: float,
) -> GTWResult:
    """The 3D path of :func:`gtw_distance` (module docstring; parameters there)."""
    sf, sg = _check_moments(moments_f, moments_g, require, rtol)
    lim = small_xi_limit(sf, sg)
    T = max(float(np.max(np.linalg.eigvalsh(sf))), float(np.max(np.linalg.eigvalsh(sg))), 1e-300)
    unit = 1.0 / math.sqrt(T)
    dirs = fibonacci_directions(n_directions)
    evals = 0

    def ratio(xi: NDArray) -> NDArray:
        nonlocal evals
        xi = np.asarray(xi, dtype=float)
        evals += int(np.prod(xi.shape[:-1]))
        diff = np.abs(np.asarray(fourier_f(xi)) - np.asarray(fourier_g(xi)))
        return diff / np.sum(xi * xi, axis=-1)

    kmax = k_max
    for _ in range(9):
        ks = unit * np.geomspace(k_min, kmax, n_radial)
        pts = ks[None, :, None] * dirs[:, None, :]
        vals = ratio(pts)
        grid_max = float(np.max(vals))
        outer = ks >= ks[-1] / 10
        tail = float(np.max(vals[:, outer]))
        if tail <= tail_fraction * max(grid_max, lim) or max(grid_max, lim) == 0:
            break
        kmax *= 2
    else:
        warnings.warn(
            f"GTW distance: the ratio does not decay up to |xi| = {ks[-1]:.3g} "
            f"(outer value {tail:.3g} vs maximum {grid_max:.3g}); the result may be too low",
            RuntimeWarning,
            stacklevel=2,
        )
    best, best_xi = grid_max, None
    order = np.argsort(vals, axis=None)[::-1]
    starts, seen = [], set()
    for flat in order:
        i, j = np.unravel_index(flat, vals.shape)
        if i in seen:
            continue
        seen.add(i)
        starts.append(pts[i, j])
        if len(starts) >= n_refine:
            break
    k_floor = k_min * unit
    for x0 in starts:
        x, val = _pattern_search(ratio, np.asarray(x0, float), 0.05 * float(np.linalg.norm(x0)),
                                 1e-7 * unit, k_floor)
        if val > best:
            best, best_xi = val, x
    if best_xi is None and best == grid_max:
        i, j = np.unravel_index(int(np.argmax(vals)), vals.shape)
        best_xi = pts[i, j]
    distance = max(best, lim)
    xi_max = None if lim >= best else np.asarray(best_xi, dtype=float)
    return GTWResult(
        distance=distance,
        k_star=0.0 if xi_max is None else float(np.linalg.norm(xi_max)),
        xi_max=xi_max,
        small_xi_limit=lim,
        grid_max=grid_max,
        k_max=float(ks[-1]),
        tail_ratio=tail / distance if distance > 0 else 0.0,
        evaluations=evals,
        path="3d",
    )


_STENCIL = np.array(
    [(i, j, k) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)
     if (i, j, k) != (0, 0, 0)],
    dtype=float,
)


def _pattern_search(ratio, x0: NDArray, h: float, h_min: float, k_floor: float):
    """Maximise ``ratio`` from ``x0`` by a compass search on the 26-point cube stencil.

    Each step evaluates the stencil ``x + h d`` in one vectorised call, moves to the best point
    if it improves, else halves ``h``; stops when ``h < h_min``.  Points with
    ``|xi| < k_floor`` are excluded (the exact small-``xi`` limit covers them).
    """
    x = x0.copy()
    val = float(ratio(x[None, :])[0])
    for _ in range(400):
        if h < h_min:
            break
        pts = x[None, :] + h * _STENCIL
        ok = np.sum(pts * pts, axis=1) >= k_floor**2
        if not np.any(ok):
            h *= 0.5
            continue
        vals = ratio(pts[ok])
        i = int(np.argmax(vals))
        if vals[i] > val:
            x, val = pts[ok][i], float(vals[i])
        else:
            h *= 0.5
    return x, val
