"""Spectrum of the thermostat on ``V_m`` and the check of Lemma 3 of seed 000 (the 2/3 bound).

Exact eigenvalues (conventions page, section 6): on the harmonic block ``(n, l)``, ``2n + l = m``,

    lambda_{n,l}[b] = (1/2) int_{-1}^{1} b(s) u^{n + l/2} P_l(sqrt u) ds,   u = (1+s)/2.

Since ``P_l`` has the parity of ``l``, ``u^(l/2) P_l(sqrt u) = sum_k c_{l,k} u^(l-k)`` with
``c_{l,k} = (-1)^k (2l-2k)! / (2^l k! (l-k)! (l-2k)!)``, so

    lambda_{n,l} = sum_k c_{l,k} B_{n+l-k, 0}      (B_ij of the conventions page, section 2),

exact (a Fraction) for the ``kac`` kernel and polynomial kernels (:func:`exact_eigenvalue`).
Floats for any kernel come from the kernel's Gauss-Jacobi rule applied to the stable form
``u^{n+l/2} P_l(sqrt u)`` (:func:`eigenvalue`).  For ``kac``: 2/3 on ``V_1``, 2/3 and 7/15 on
``V_2``.

Lemma 3 (seed 000): for mean-zero ``u``, ``<u, T u> <= (2/3)<u, u>``; equivalently the top
eigenvalue of ``T`` on ``V_m`` is ``<= 2/3`` for every ``m >= 1``, with equality at
``(n, l) = (0, 1)`` and ``(1, 0)``.  :func:`lemma3_check` computes the numerical spectrum of the
matrix built from the definition (:mod:`kacspectral.kac.thermostat`) and compares it with the
exact one.  Beside it:

* :func:`tensor_average` -- the last step of the seed's proof: the top eigenvalue of
  ``int A_Omega^{(x)m} dsigma(Omega)``, ``A_Omega = I - Omega Omega^T``, on the full tensor space
  ``(R^3)^{(x)m}`` (and on its symmetric part, which carries the spectrum of ``T`` on ``V_m``);
* Lemma 2's constant ``l^2 = sup (<u, T u> - <T u, T u>)`` over unit mean-zero ``u``, i.e. the
  largest ``lambda (1 - lambda)`` over the spectrum (:func:`lemma2_constant`);
* :func:`multiplicity_check` -- the multiplicity ``2l + 1`` with which the spectra list each
  zonal eigenvalue is rotation invariance; it is verified pointwise on non-zonal Burnett
  functions (``T psi_{n,l,mm} = lambda_{n,l} psi_{n,l,mm}``, ``mm != 0``).

For kernels without an exact form the reference ``lambda_{n,l}`` is a quadrature float
(``Lemma3Result.reference_kind == "quadrature"``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import reduce

import numpy as np
import sympy as sp
from numpy.typing import NDArray
from scipy import special

from kacspectral.errors import check_budget, format_seconds, short
from kacspectral.kac.thermostat import (
    ZONAL_METHODS,
    apply_gain,
    apply_thermostat,
    is_kac_kernel,
    resolve_method,
    zonal_matrix,
)
from kacspectral.physics.kernels import AngularKernel, get_kernel
from kacspectral.results import ResultMixin
from kacspectral.spectral.burnett import sphere_quadrature
from kacspectral.spectral.hermite import SEED_TEMPERATURE, burnett_functions, dim_v
from kacspectral.spectral.polynomials import legendre_coefficients

__all__ = [
    "Lemma3Result",
    "Lemma3Row",
    "MAX_M",
    "eigenvalue",
    "estimate_lemma3",
    "exact_eigenvalue",
    "exact_spectrum",
    "lemma2_constant",
    "lemma3_check",
    "multiplicity_check",
    "numerical_spectrum",
    "tensor_average",
    "tensor_top_eigenvalue",
    "zonal_evaluations",
]

#: The bound of Lemma 3 (seed 000) for the kac kernel.
KAC_BOUND = Fraction(2, 3)

# exact values keyed by the kernel's exact expression (kernels are rebuilt by get_kernel)
_EXACT_CACHE: dict[tuple[str, int, int], Fraction] = {}
_B_CACHE: dict[tuple[str, int], sp.Expr] = {}


def _check_nl(n: int, l: int) -> tuple[int, int]:
    for name, val in (("n", n), ("l", l)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {short(val)}")
    return int(n), int(l)


def exact_eigenvalue(n: int, l: int, kernel: AngularKernel | str = "kac") -> Fraction:
    """``lambda_{n,l}[b]`` exactly: ``sum_k c_{l,k} B_{n+l-k,0}`` (module docstring).

    A :class:`fractions.Fraction` (the package's one exact type; before 0.2 this returned a
    sympy ``Rational``, which compares equal) for ``kac`` and for polynomial kernels with
    rational coefficients (``kernel.is_exact``).

    Parameters
    ----------
    n, l : int
        The harmonic block ``(n, l)`` of ``V_m``, ``m = 2n + l``: non-negative integers (``n``
        the radial, ``l`` the angular degree).
    kernel : AngularKernel or str
        The angular kernel ``b(s)``, normalised to ``(1/2) int b ds = 1`` (conventions page,
        section 2), or a specification for :func:`kacspectral.physics.kernels.get_kernel`
        (default ``"kac"``, ``b(s) = (2(1-s))^(-1/2)``).

    Returns
    -------
    Fraction
        ``lambda_{n,l}[b]`` in ``[-1, 1]``: the eigenvalue of the thermostat's gain on the
        block (``lambda_{0,0} = 1``; 2/3 at ``(0, 1)`` and ``(1, 0)`` for ``kac``).

    Raises
    ------
    ValueError
        If ``n`` or ``l`` is not a non-negative integer, the kernel has no exact form, or its
        eigenvalue is not rational (use :func:`eigenvalue` for a float).
    """
    n, l = _check_nl(n, l)
    kernel = get_kernel(kernel)
    if not kernel.is_exact:
        raise ValueError(
            f"kernel {kernel.name!r} has no exact form; use eigenvalue() for a float"
        )
    ident = str(kernel.expr)
    key = (ident, n, l)
    if key not in _EXACT_CACHE:
        total = sp.Integer(0)
        coeffs = legendre_coefficients(l)  # P_l(s) = sum_k c_k s^k, only k = l - 2j non-zero
        for j in range(l // 2 + 1):
            c, p = coeffs[l - 2 * j], l - j  # u^(l/2) P_l(sqrt u) = sum_j c_{l-2j} u^(l-j)
            bkey = (ident, n + p)
            if bkey not in _B_CACHE:
                _B_CACHE[bkey] = kernel.B_exact(n + p, 0)
            total += sp.Rational(c.numerator, c.denominator) * _B_CACHE[bkey]
        value = sp.simplify(total)
        if not isinstance(value, sp.Rational):
            raise ValueError(
                f"lambda_({n},{l}) of kernel {kernel.name!r} is {value}, not rational; use "
                "eigenvalue() for a float"
            )
        _EXACT_CACHE[key] = Fraction(int(value.p), int(value.q))
    return _EXACT_CACHE[key]


def eigenvalue(n: int, l: int, kernel: AngularKernel | str = "kac") -> float:
    """``lambda_{n,l}[b]`` as a float for any kernel.

    Exact kernels: the exact rational rounded to float.  Others: the kernel's Gauss-Jacobi
    rule applied to ``u^{n+l/2} P_l(sqrt u)`` (stable; exact when ``p`` is a polynomial).
    """
    n, l = _check_nl(n, l)
    kernel = get_kernel(kernel)
    if kernel.is_exact:
        return float(exact_eigenvalue(n, l, kernel))
    s, w = kernel.quadrature(kernel.nodes_for_degree(2 * n + l))
    u = 0.5 * (1.0 + s)
    return float(np.dot(w, u**n * u ** (0.5 * l) * special.eval_legendre(l, np.sqrt(u))))


def _check_m(m: int, name: str = "m", minimum: int = 0) -> int:
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {short(m)}")
    return int(m)


def exact_spectrum(m: int, kernel: AngularKernel | str = "kac") -> list[tuple[float, int, int]]:
    """``(lambda_{n,l}, n, l)`` for ``2n + l = m``, each listed ``2l + 1`` times, descending.

    The multiplicity ``2l + 1`` is rotation invariance (``G_b`` commutes with rotations and each
    ``l`` occurs once in ``V_m``); :func:`multiplicity_check` verifies it pointwise.
    """
    m = _check_m(m)
    kernel = get_kernel(kernel)
    out = []
    for l in range(m % 2, m + 1, 2):
        lam = eigenvalue((m - l) // 2, l, kernel)
        out += [(lam, (m - l) // 2, l)] * (2 * l + 1)
    return sorted(out, key=lambda r: (-r[0], r[2]))


def numerical_spectrum(
    m: int, kernel: AngularKernel | str = "kac", method: str = "auto"
) -> tuple[list[tuple[float, int, int]], NDArray]:
    """Eigenvalues of the gain on ``V_m`` from the matrix built by quadrature.

    The zonal matrix (one function per block ``(n, l)``) is diagonalised; each eigenvalue is
    attributed to the block ``(n, l)`` on which its eigenvector has its largest component, and
    listed ``2l + 1`` times.  The multiplicity is *not* computed here: it is rotation
    invariance (see :mod:`kacspectral.kac.thermostat`), verified separately by
    :func:`multiplicity_check` (``G psi_{n,l,mm} = lambda_{n,l} psi_{n,l,mm}`` pointwise for
    non-zonal ``mm``) and, for ``m <= 6``, by the full ``V_m`` matrices in the tests.

    Returns
    -------
    spectrum : list of ``(lambda, n, l)``, descending, ``dim_v(m)`` entries
    matrix : the zonal matrix
    """
    m = _check_m(m)
    A = zonal_matrix(m, kernel, method)
    vals, vecs = np.linalg.eigh(0.5 * (A + A.T))
    ls = list(range(m % 2, m + 1, 2))
    out = []
    for k in range(len(vals)):
        l = ls[int(np.argmax(np.abs(vecs[:, k])))]
        out += [(float(vals[k]), (m - l) // 2, l)] * (2 * l + 1)
    return sorted(out, key=lambda r: (-r[0], r[2])), A


# ---------------------------------------------------------------------- Lemma 3 check
@dataclass(frozen=True)
class Lemma3Row(ResultMixin):
    """One degree ``m``: spectra (descending, with multiplicity) and the top mean-zero value."""

    m: int
    eigenvalues: list[float]
    exact: list[float]
    max_abs_error: float
    top: float
    top_exact: str
    top_nl: tuple[int, int]
    symmetry_error: float
    seconds: float
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class Lemma3Result(ResultMixin):
    """Outcome of :func:`lemma3_check`.

    Exact values (``top_exact``, ``sup_exact``, ``bound``, ``lemma2_l2_exact``) are strings:
    ``"p/q"`` (read with ``fractions.Fraction``) when ``reference_kind == "exact"``, the
    float's ``repr`` for a quadrature reference.
    """

    kernel: str
    rows: list[Lemma3Row]
    sup: float
    sup_exact: str
    sup_at: list[dict]
    bound: str
    holds: bool
    max_abs_error: float
    lemma2_l2: float
    lemma2_l2_exact: str
    lemma2_at: list[tuple[int, int]]
    lemma2_l2_matrix: float
    method: str
    tolerance: float = 1e-11
    reference_kind: str = "exact"
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """:meth:`ResultMixin.to_dict` (every field; :func:`kacspectral.load` reads it back)
        plus the ``lemma2`` block of the ``kacspectral lemma3 --json`` output (``l2``,
        ``l2_exact``, ``at_nl``, ``l2_from_matrices``; ignored when loading)."""
        out = super().to_dict()
        out["lemma2"] = {
            "l2": self.lemma2_l2,
            "l2_exact": self.lemma2_l2_exact,
            "at_nl": [list(nl) for nl in self.lemma2_at],
            "l2_from_matrices": self.lemma2_l2_matrix,
        }
        return out


def _exact_str(n: int, l: int, kernel: AngularKernel) -> str:
    if kernel.is_exact:
        return str(exact_eigenvalue(n, l, kernel))
    return repr(eigenvalue(n, l, kernel))


#: Largest ``m_max`` of :func:`lemma3_check`: the range validated by validation/lemma3.py,
#: about a minute (:func:`estimate_lemma3`).  Beyond it the work grows like ``m_max^6``
#: (about 4 minutes at 80, 40 at 120) and the Fourier construction's rounding (8e-12 at
#: ``m = 60``) reaches the default tolerance 1e-11.
MAX_M = 60
#: Seconds per basis-function evaluation of the zonal constructions, measured at ``m = 30..60``
#: with one thread (validation/cli_limits.py: 5.6-8.7e-8 and 1.5-1.8e-6): velocity space
#: (float64) and Fourier (``numpy.longdouble``).
SECONDS_PER_EVALUATION = {"omega": 8e-8, "fourier": 1.8e-6}


def zonal_evaluations(m: int, method: str) -> int:
    """Basis-function evaluations of the zonal matrix on ``V_m`` (:mod:`kacspectral.kac.
    thermostat`): ``omega``: ``ceil((m+1)/2)`` folded Legendre nodes times ``m//2 + 1``
    functions on ``(m+1) (m//2+1)^2`` points; ``fourier``: ``m//2 + 1`` functions on
    ``(m+1)^2 (m//2+1)`` points of ``S^2 x`` the kernel rule (degree-``m`` Gauss-Jacobi,
    ``m//2 + 1`` nodes)."""
    h = m // 2 + 1
    if method == "omega":
        return ((m + 2) // 2) * h * (m + 1) * h * h
    return h * (m + 1) * h * (m + 1)


def estimate_lemma3(m_max: int, method: str) -> dict:
    """Work of :func:`lemma3_check` up to ``m_max`` with a resolved ``method``:
    ``{"evaluations": sum_m zonal_evaluations(m), "seconds"}`` (the exact reference and the
    eigensolvers add a few percent)."""
    m_max = int(m_max)
    if m_max > 1000:  # the sum grows like m_max^6 (omega) or m_max^5 (fourier)
        power = 6 if method == "omega" else 5
        ev = estimate_lemma3(1000, method)["evaluations"] * (m_max / 1000) ** power
    else:
        ev = sum(zonal_evaluations(m, method) for m in range(1, m_max + 1))
    return {"evaluations": ev, "seconds": ev * SECONDS_PER_EVALUATION[method]}


def lemma3_check(
    m_max: int,
    kernel: AngularKernel | str = "kac",
    method: str = "auto",
    tolerance: float = 1e-11,
    progress: Callable[[int, int], None] | None = None,
) -> Lemma3Result:
    """Check Lemma 3 for ``m = 1..m_max``: numerical spectra of the gain on ``V_m`` (matrices
    from the definition) against ``lambda_{n,l}[b]``, the top eigenvalue on mean-zero functions,
    its ``(n, l)``, the supremum over ``m`` and Lemma 2's constant.

    The reference ``lambda_{n,l}[b]`` is exact (sympy, ``reference_kind = "exact"``) for the
    kac kernel and polynomial kernels, else the kernel's Gauss-Jacobi quadrature
    (``reference_kind = "quadrature"``; the JSON key stays ``exact``).

    The kac kernel is recognised by its values (:func:`kacspectral.kac.thermostat.is_kac_kernel`),
    not its name; its bound is ``2/3`` and ``holds`` means: every error ``<= tolerance``, the
    numerical supremum equals ``2/3`` to ``tolerance``, and the exact supremum is reached
    exactly at those of ``(0,1)``, ``(1,0)`` with ``2n + l <= m_max`` (only ``(0,1)`` when
    ``m_max = 1``).  For another kernel the "bound" is the exact supremum over ``m <= m_max``
    (``1/2`` for ``constant``) and ``holds`` means the numerical supremum matches it.

    ``progress(done, total)`` is called after each ``m`` with the work done so far
    (:func:`zonal_evaluations`).

    Parameters
    ----------
    m_max : int
        Highest degree ``m`` of the spaces ``V_m`` checked, an integer in ``1..MAX_M``.
    kernel : AngularKernel or str
        The angular kernel ``b(s)`` (``(1/2) int b ds = 1``) or a specification for
        :func:`kacspectral.physics.kernels.get_kernel` (default ``"kac"``).
    method : str
        How the matrices on ``V_m`` are built (:data:`kacspectral.kac.thermostat.ZONAL_METHODS`):
        ``"omega"`` (velocity space, uniform ``Omega``; the kac kernel only), ``"fourier"``
        (any kernel), or ``"auto"`` (default: ``omega`` for kac, else ``fourier``).
    tolerance : float
        Finite and ``> 0``: the largest accepted absolute error of a numerical eigenvalue and of
        the supremum (default ``1e-11``).
    progress : callable, optional
        ``progress(done, total)``, called after each ``m``.

    Returns
    -------
    Lemma3Result
        One row per ``m`` (numerical and reference spectra, their largest difference, the top
        eigenvalue and its ``(n, l)``, timing), the supremum over ``m`` (numerical, exact string
        and where it is reached), the bound, the verdict ``holds``, and Lemma 2's constant
        (exact and from the matrices).

    Raises
    ------
    ValueError
        ``m_max`` not an integer in ``1..MAX_M`` (the message gives the estimated run time),
        ``tolerance`` not a finite number ``> 0``, or an unknown ``method`` (or ``"omega"`` for
        another kernel than kac).
    BudgetError
        (a ValueError) If the estimated run time exceeds the time budget.
    """
    m_max = _check_m(m_max, "m_max", 1)
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, (int, float, np.floating, np.integer))
        or not math.isfinite(tolerance)
        or tolerance <= 0
    ):
        raise ValueError(f"tolerance must be a finite number > 0, got {tolerance!r}")
    kernel = get_kernel(kernel)
    kac = is_kac_kernel(kernel)
    # reference values: the exact kac kernel whenever b is kac (e.g. given as a callable)
    ref = get_kernel("kac") if kac and not kernel.is_exact else kernel
    used = resolve_method(kernel, method, ZONAL_METHODS)
    if m_max > MAX_M:
        est = estimate_lemma3(m_max, used)
        raise ValueError(
            f"m_max = {short(m_max)} is beyond the maximum {MAX_M}: about {est['evaluations']:.3g} "
            f"basis evaluations ({used}), {format_seconds(est['seconds'])} (the work per degree "
            f"grows like m^5; {MAX_M} takes about "
            f"{format_seconds(estimate_lemma3(MAX_M, used)['seconds'])})")
    est = estimate_lemma3(m_max, used)
    check_budget(f"lemma3_check(m_max={m_max}, method={used!r})", seconds=est["seconds"])
    total = est["evaluations"]
    done = 0
    rows = []
    l2_matrix = 0.0
    for m in range(1, m_max + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        num, A = numerical_spectrum(m, kernel, used)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        ex = exact_spectrum(m, ref)
        ev = np.array([r[0] for r in num])
        exv = np.array([r[0] for r in ex])
        err = float(np.max(np.abs(ev - exv)))
        top, tn, tl = ex[0]
        S = 0.5 * (A + A.T)
        l2_matrix = max(l2_matrix, float(np.max(np.linalg.eigvalsh(S - S @ S))))
        rows.append(
            Lemma3Row(
                m=m,
                eigenvalues=ev.tolist(),
                exact=exv.tolist(),
                max_abs_error=err,
                top=float(ev[0]),
                top_exact=_exact_str(tn, tl, ref),
                top_nl=(num[0][1], num[0][2]),
                symmetry_error=float(np.max(np.abs(A - A.T))),
                seconds=secs,
                cpu_seconds=cpu,
            )
        )
        done += zonal_evaluations(m, used)
        if progress is not None:
            progress(done, total)
    max_err = max(r.max_abs_error for r in rows)
    sup = max(r.top for r in rows)
    # exact supremum and where it is reached (over all blocks with 2n + l <= m_max)
    blocks = [((m - l) // 2, l) for m in range(1, m_max + 1) for l in range(m % 2, m + 1, 2)]
    exact_vals = {nl: eigenvalue(*nl, ref) for nl in blocks}
    sup_float = max(exact_vals.values())
    at = [nl for nl, v in exact_vals.items() if abs(v - sup_float) <= tolerance]
    sup_exact = _exact_str(*at[0], ref)
    l2_value, l2_at = lemma2_constant(m_max, ref)
    l2_exact = str(l2_value) if ref.is_exact else repr(l2_value)
    if kac:
        bound = str(KAC_BOUND)
        expected_at = [nl for nl in [(0, 1), (1, 0)] if 2 * nl[0] + nl[1] <= m_max]
        holds = (
            max_err <= tolerance
            and abs(sup - float(KAC_BOUND)) <= tolerance
            and sorted(at) == expected_at
            and Fraction(sup_exact) == KAC_BOUND
        )
    else:
        bound = sup_exact
        holds = max_err <= tolerance and abs(sup - sup_float) <= tolerance
    return Lemma3Result(
        kernel=kernel.name,
        rows=rows,
        sup=sup,
        sup_exact=sup_exact,
        sup_at=[{"n": n, "l": l, "m": 2 * n + l} for n, l in sorted(at)],
        bound=bound,
        holds=bool(holds),
        max_abs_error=max_err,
        lemma2_l2=float(l2_value),
        lemma2_l2_exact=l2_exact,
        lemma2_at=l2_at,
        lemma2_l2_matrix=l2_matrix,
        method=used,
        tolerance=float(tolerance),
        reference_kind="exact" if ref.is_exact else "quadrature",
    )


# ---------------------------------------------------------------------- multiplicities
def multiplicity_check(
    m: int,
    blocks: list[tuple[int, int, int]] | None = None,
    kernel: AngularKernel | str = "kac",
    n_points: int = 6,
    seed: int = 0,
    temperature: float = SEED_TEMPERATURE,
) -> list[dict]:
    """Check ``G psi_{n,l,mm} = lambda_{n,l}[b] psi_{n,l,mm}`` pointwise for given ``(n, l, mm)``.

    This is what the multiplicity ``2l + 1`` of :func:`exact_spectrum` rests on (rotation
    invariance): the gain, applied by exact quadrature to a (typically non-zonal, ``mm != 0``)
    Burnett function, returns the same function times the zonal block's eigenvalue.  ``G`` is
    :func:`kacspectral.kac.thermostat.apply_thermostat` (uniform ``Omega``) for the kac kernel and
    :func:`kacspectral.kac.thermostat.apply_gain` (sigma form, slower) otherwise; the points are
    ``n_points`` draws of ``N(0, (1 + m/3) T I)`` (``numpy.random.default_rng(seed)``; the
    widened spread keeps high-``l`` functions away from their zero at ``v = 0``).

    Parameters
    ----------
    blocks : list of ``(n, l, mm)`` with ``2n + l = m``, ``|mm| <= l``; default: for every
        ``l >= 1`` of the parity of ``m``, the non-zonal orders ``mm = l`` and, when
        ``l >= 2``, ``mm = -(l // 2) - 1``.

    Returns
    -------
    list of dict
        ``n, l, mm, lambda``, ``max_abs_error = max |G psi - lambda psi|`` and ``scale =
        max |psi|`` over the points.
    """
    m = _check_m(m)
    n_points = _check_m(n_points, "n_points", 1)
    kernel = get_kernel(kernel)
    if blocks is None:
        blocks = []
        for l in range(2 - m % 2, m + 1, 2):  # l >= 1 of the parity of m
            blocks.append(((m - l) // 2, l, l))
            if l >= 2:
                blocks.append(((m - l) // 2, l, -(l // 2) - 1))
    blocks = [(int(n), int(l), int(mm)) for n, l, mm in blocks]
    for n, l, mm in blocks:
        if 2 * n + l != m or abs(mm) > l or n < 0 or l < 0:
            raise ValueError(
                f"blocks must be (n, l, mm) with 2n + l = {m}, |mm| <= l, got {(n, l, mm)}"
            )
    rng = np.random.default_rng(seed)
    # N(0, (1 + m/3) T I): E|v|^2 = (m + 3) T, where degree-m Burnett functions are not small
    v = rng.normal(scale=math.sqrt(float(temperature) * (1 + m / 3)), size=(n_points, 3))
    kac = is_kac_kernel(kernel)
    ref = get_kernel("kac") if kac and not kernel.is_exact else kernel
    out = []
    for n, l, mm in blocks:
        idx = [[n, l, mm]]

        def psi(p: NDArray, idx: list = idx) -> NDArray:
            return burnett_functions(idx, p, temperature)[0]

        if kac:
            g = apply_thermostat(psi, v, m, temperature)
        else:
            g = apply_gain(psi, v, m, kernel, temperature)
        lam = eigenvalue(n, l, ref)
        p0 = psi(v)
        out.append({
            "n": n, "l": l, "mm": mm, "lambda": lam,
            "max_abs_error": float(np.max(np.abs(g - lam * p0))),
            "scale": float(np.max(np.abs(p0))),
        })
    return out


def lemma2_constant(
    m_max: int, kernel: AngularKernel | str = "kac", tolerance: float = 1e-14
) -> tuple[Fraction | float, list[tuple[int, int]]]:
    """``l^2 = max lambda (1 - lambda)`` over the blocks ``(n, l)`` with ``1 <= 2n + l <= m_max``.

    ``<u, T u> - <T u, T u> = sum_k lambda_k (1 - lambda_k) |u_k|^2`` in the eigenbasis, so the
    supremum over unit mean-zero ``u`` of degree ``<= m_max`` is this maximum (Lemma 2, seed 000).

    Returns
    -------
    (value, maximisers)
        ``value`` exact (a Fraction) for exact kernels, else a float; ``maximisers`` the blocks
        ``(n, l)`` reaching it (exactly, or to ``tolerance`` for float kernels), sorted.
    """
    m_max = _check_m(m_max, "m_max", 1)
    if not (isinstance(tolerance, (int, float)) and math.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    kernel = get_kernel(kernel)
    blocks = [((m - l) // 2, l) for m in range(1, m_max + 1) for l in range(m % 2, m + 1, 2)]
    if kernel.is_exact:
        vals = {nl: exact_eigenvalue(*nl, kernel) * (1 - exact_eigenvalue(*nl, kernel))
                for nl in blocks}
        top = max(vals.values())
        return top, sorted(nl for nl, v in vals.items() if v == top)
    fvals = {nl: eigenvalue(*nl, kernel) * (1 - eigenvalue(*nl, kernel)) for nl in blocks}
    best = max(fvals.values())
    return best, sorted(nl for nl, v in fvals.items() if abs(v - best) <= tolerance)


# ---------------------------------------------------------------------- the tensor step
def tensor_average(m: int) -> NDArray:
    """``int_{S^2} A_Omega^{(x)m} dsigma(Omega)`` on ``(R^3)^{(x)m}`` (``3^m`` square), seed 000.

    ``A_Omega = I - Omega Omega^T``; the entries are polynomials of degree ``2m`` in ``Omega``,
    integrated exactly by :func:`kacspectral.spectral.burnett.sphere_quadrature` ``(2m)``.
    ``m <= 6`` (``729``-square, 4 MB; ``m = 8`` would need 344 MB per matrix).
    """
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or not 1 <= m <= 6:
        raise ValueError(
            f"m must be an integer in 1..6 (3^m-square dense matrices), got {short(m)}"
        )
    om, w = sphere_quadrature(2 * m, azimuth_offset=0.0)
    out = np.zeros((3**m, 3**m))
    eye = np.eye(3)
    for o, wq in zip(om, w, strict=True):
        A: NDArray = eye - np.outer(o, o)
        out += wq * reduce(np.kron, [A] * m)
    return out


def _symmetric_projector(m: int) -> NDArray:
    """Orthonormal basis (columns) of the symmetric tensors in ``(R^3)^{(x)m}``."""
    from itertools import permutations, product

    idx = list(product(range(3), repeat=m))
    pos = {t: i for i, t in enumerate(idx)}
    cols = []
    seen = set()
    for t in idx:
        key = tuple(sorted(t))
        if key in seen:
            continue
        seen.add(key)
        col = np.zeros(3**m)
        for p in set(permutations(key)):
            col[pos[p]] = 1.0
        cols.append(col / np.linalg.norm(col))
    return np.array(cols).T


def tensor_top_eigenvalue(m: int) -> dict:
    """Top eigenvalues of :func:`tensor_average` ``(m)`` on the full tensor space and on the
    symmetric tensors (the latter is the top of ``T`` on ``V_m``; seed 000's proof of Lemma 3).
    """
    S = tensor_average(m)
    full = np.linalg.eigvalsh(0.5 * (S + S.T))
    P = _symmetric_projector(m)
    sym = np.linalg.eigvalsh(P.T @ S @ P)
    return {
        "m": int(m),
        "dimension": 3**m,
        "top_full": float(full[-1]),
        "top_symmetric": float(sym[-1]),
        "symmetric_dimension": int(P.shape[1]),
        "expected_symmetric_dimension": dim_v(m),
    }
