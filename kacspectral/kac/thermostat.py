"""The thermostat gain operator ``h -> Q+(h M, M)/M`` and its matrices on ``V_m``.

For an angular kernel ``b`` (conventions page, section 2) and the Maxwellian ``M = M_T``, energy
conservation ``M(v')M(v*') = M(v)M(v*)`` turns the gain term into

    G_b[h](v) = int_{R^3} M(x) int_{S^2} b(k.sigma) h(v') dsigma dx,
    v' = (v + x)/2 + |v - x| sigma/2,  k = (v - x)/|v - x|      (conventions page, section 3)

For the ``kac`` kernel ``b(s) = (2(1-s))^(-1/2)`` this is the thermostat of seed 000
(conventions page, section 6):
``T[h](v) = int int Gamma(x) h(v - [(v-x).Omega]Omega) dsigma(Omega) dx``
with ``Omega`` uniform (``sigma`` is the reflection of ``k`` in the plane orthogonal to
``Omega``); for ``b = 1`` it is the classical Maxwell thermostat.  ``G_b`` is self-adjoint in
``L^2(M)``, commutes with rotations and maps ``V_m`` to itself.

Every matrix here is built from these definitions by quadratures that are **exact** for the
polynomial degrees involved (never from the eigenvalue formula of the conventions page, section 6):

``full_matrix_omega`` (kac only, the seed's definition verbatim)
    ``<H_a, T H_b> = E_{v,x ~ M} E_Omega H_a(v) H_b(v - [(v-x).Omega]Omega)``: tensor Gauss-Hermite
    in ``v`` (``m+1`` nodes per axis; degree ``2m``) and ``x`` (``m//2+1``; degree ``m``), and
    Gauss-Legendre(cos) x trapezoid(azimuth) on S^2, exact for spherical polynomials of degree
    ``2m`` (the integrand is a polynomial of degree ``2m`` in ``Omega``).
``full_matrix_sigma`` (any kernel)
    ``<H_a, G_b H_b> = E_{v,x} H_a(v) (1/2)int b(s) ds (1/2pi)int dphi H_b(v')`` with
    ``sigma = s k + sqrt(1-s^2)(cos phi e_1 + sin phi e_2)`` in a frame ``(k, e_1, e_2)``.  The
    azimuthal average of a degree-``m`` polynomial is a polynomial in ``s`` of degree ``<= m``
    and in ``(v, x)`` (odd powers of ``sqrt(1-s^2)`` and of the frame drop out), so the
    ``m+1``-point trapezoid in ``phi`` and the kernel's Gauss-Jacobi rule in ``s``
    (``kernel.nodes_for_degree(m)`` nodes) are exact for polynomial ``p`` in
    ``b = (1-s)^a (1+s)^c p``; ``v, x`` as above.
``zonal_matrix_omega`` (kac, fast; velocity space)
    The matrix on the zonal subspace ``Z_m = span{psi_{n,l,0}}`` (one function per harmonic
    block ``(n, l)``, ``2n + l = m``).  Exactly rewritten: only ``x.Omega ~ N(0, T)`` enters,
    so ``T = E_Omega P_Omega`` with ``P_Omega f(w) = E_a f(w + a Omega)`` the average along
    ``Omega`` (an orthogonal projection), and

        <f, T g> = E_Omega E_w [P_Omega f](w) [P_Omega g](w),   w in Omega^perp.

    For zonal ``f, g`` the ``Omega``-integrand depends only on ``t = Omega_z`` and is an even
    polynomial of degree ``<= 2m`` in ``t``: Gauss-Legendre with ``m+1`` nodes (the
    non-negative half, by evenness).  ``a`` and ``w_1`` by Gauss-Hermite (``m//2+1`` and
    ``m+1`` nodes); ``w_2`` (the coordinate along ``e_y``) enters only through ``w_2^2``: a
    half-range Gauss rule (generalised Gauss-Laguerre, ``alpha = -1/2``) with ``m//2+1`` nodes.
``zonal_matrix_fourier`` (any kernel, fast; Fourier side of the same definition)
    By Bobylev's identity (conventions page, section 3), ``F[h M](xi) = exp(-T|xi|^2/2) P_h(xi)``
    with ``P_h`` homogeneous of degree ``m`` for ``h`` in ``V_m``, and the gain acts as
    ``P -> int P((xi + |xi| sigma)/2) b(xi^.sigma) dsigma``; ``h -> P_h`` is an isometry onto
    homogeneous polynomials with the Fischer product ``<xi^a, xi^b> = a! delta_ab`` (``T = 1``).
    On the zonal basis ``e_l = |xi|^(m-l) |xi|^l Y_l0`` the action is sampled on S^2 at
    Gauss-Legendre nodes (``m+1``, exact for degree ``2m``), with ``sigma`` by the kernel rule in
    ``s`` and ``m+1`` azimuths, and projected on ``Y_l0``; the Fischer norms
    ``|e_l|^2 = 4^n n! Gamma(n+l+3/2)/Gamma(l+3/2) (2l+1)!!`` make it orthonormal.
    (Basis vectors equal ``psi_{n,l,0}`` up to sign.)

Because ``G_b`` commutes with rotations and each ``l`` occurs once in ``V_m``, ``G_b`` is
``lambda_{n,l}`` times the identity on the ``2l+1`` functions ``psi_{n,l,mm}``: the zonal matrix
carries the whole spectrum, with multiplicity ``2l+1``.  This is checked, not assumed: against
the full matrices (no symmetry used) for ``m <= 6``, and pointwise for larger ``m``
(:func:`kacspectral.kac.lemma3.multiplicity_check`: ``T psi_{n,l,mm} = lambda_{n,l} psi_{n,l,mm}``
for non-zonal ``mm``, by :func:`apply_thermostat`; measured relative error <= 5e-15 for
``m <= 40``, ``validation/lemma3.py``).

The kac kernel is recognised by its values, not its name (:func:`is_kac_kernel`); only it may
use the uniform-``Omega`` constructions (``method="omega"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy import special

from kacspectral.errors import short
from kacspectral.physics.kernels import AngularKernel, get_kernel
from kacspectral.spectral.burnett import sphere_quadrature
from kacspectral.spectral.harmonics import zonal_rows
from kacspectral.spectral.hermite import (
    SEED_TEMPERATURE,
    burnett_functions,
    gauss_hermite_3d,
    hermite_e_3d,
    multi_indices,
    zonal_burnett_functions,
)
from kacspectral.spectral.polynomials import gauss_hermite_e, gauss_laguerre

__all__ = [
    "FULL_METHODS",
    "ZONAL_METHODS",
    "apply_gain",
    "apply_thermostat",
    "fischer_norm_sq",
    "full_matrix",
    "full_matrix_omega",
    "full_matrix_sigma",
    "is_kac_kernel",
    "resolve_method",
    "zonal_matrix",
    "zonal_matrix_fourier",
    "zonal_matrix_omega",
]


def _check_degree(m: int) -> int:
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 0:
        raise ValueError(f"degree m must be a non-negative integer, got {short(m)}")
    return int(m)


#: Points of (-1, 1) at which a kernel's smooth part is compared with kac's (1/sqrt 2).
_KAC_PROBE = np.array([-0.93, -0.61, -0.27, 0.0, 0.18, 0.44, 0.71, 0.96])


def is_kac_kernel(kernel: AngularKernel | str) -> bool:
    """True when ``b(s) = (2(1-s))^(-1/2)``, the kac kernel of seed 000, whatever its name.

    Identified by structure, never by name: endpoint exponents ``(a, c) = (-1/2, 0)`` and the
    smooth part ``p(s) = 1/sqrt(2)`` at eight probe points of ``(-1, 1)`` (to 16 ulp).  Only
    such a kernel may use the uniform-``Omega`` (velocity-space) constructions.
    """
    kernel = get_kernel(kernel)
    if tuple(float(e) for e in kernel.exponents) != (-0.5, 0.0):
        return False
    with np.errstate(all="ignore"):
        p = np.asarray(kernel.smooth(_KAC_PROBE.copy()), dtype=float)
    target = 1.0 / math.sqrt(2.0)
    return bool(
        p.shape == _KAC_PROBE.shape
        and np.all(np.abs(p - target) <= 16 * np.finfo(float).eps * target)
    )


def resolve_method(kernel: AngularKernel | str, method: str, registry: dict) -> str:
    """The construction ``method`` resolved against ``registry`` (:data:`ZONAL_METHODS` or
    :data:`FULL_METHODS`): ``"auto"`` is ``omega`` (velocity space, uniform ``Omega``) for the
    kac kernel (:func:`is_kac_kernel`), else the other entry; ``omega`` is refused for any
    other kernel."""
    kernel = get_kernel(kernel)
    kac = is_kac_kernel(kernel)
    if method == "auto":
        method = "omega" if kac else next(k for k in registry if k != "omega")
    if method not in registry:
        raise ValueError(f"method must be 'auto' or one of {sorted(registry)}, got {method!r}")
    if method == "omega" and not kac:
        raise ValueError(
            f"method 'omega' (uniform Omega) is the kac kernel only (b = (2(1-s))^(-1/2)), "
            f"got kernel {kernel.name!r}"
        )
    return method


# ---------------------------------------------------------------------- quadratures
def _basis_values(m: int, points: NDArray, temperature: float, basis: str) -> NDArray:
    if basis == "hermite":
        return hermite_e_3d(multi_indices(m), points, temperature)
    if basis == "burnett":
        return burnett_functions(m, points, temperature)
    raise ValueError(f"basis must be 'hermite' or 'burnett', got {basis!r}")


# ---------------------------------------------------------------------- full matrices
def full_matrix_omega(
    m: int, temperature: float = SEED_TEMPERATURE, basis: str = "hermite"
) -> NDArray:
    """Matrix of the seed 000 thermostat ``T`` on ``V_m`` from its definition (kac kernel).

    ``A[i, j] = E_{v, x ~ M_T} E_{Omega uniform} f_i(v) f_j(v - [(v-x).Omega]Omega)``
    (conventions page, section 6), with ``f`` the orthonormal tensor Hermite basis
    (``basis="hermite"``, order of :func:`kacspectral.spectral.hermite.multi_indices`) or the
    Burnett basis (``basis="burnett"``).  All quadratures exact (module docstring); cost
    ``O(m^3 (m/2)^3 m^2)`` points: meant for ``m <= 6``.
    """
    m = _check_degree(m)
    nv, nx = m + 1, m // 2 + 1
    v, wv = gauss_hermite_3d(nv, temperature)
    x, wx = gauss_hermite_3d(nx, temperature)
    om, wo = sphere_quadrature(2 * m, azimuth_offset=0.0)
    fv = _basis_values(m, v, temperature, basis)  # (N, nv^3)
    A = np.zeros((fv.shape[0], fv.shape[0]))
    for xq, wxq in zip(x, wx, strict=True):
        d = v - xq  # (nv^3, 3)
        proj = d @ om.T  # (nv^3, q): (v - x).Omega
        vstar = v[:, None, :] - proj[:, :, None] * om[None, :, :]
        g = _basis_values(m, vstar, temperature, basis)  # (N, nv^3, q)
        Tg = np.einsum("jvq,q->jv", g, wo)
        A += wxq * (fv * wv) @ Tg.T
    return A


def _perp_frame(k: NDArray) -> tuple[NDArray, NDArray]:
    """Unit vectors ``e1, e2`` with ``(k, e1, e2)`` orthonormal (``k`` unit, shape (..., 3))."""
    helper = np.zeros_like(k)
    use_x = np.abs(k[..., 2]) > 0.9
    helper[..., 2] = np.where(use_x, 0.0, 1.0)
    helper[..., 0] = np.where(use_x, 1.0, 0.0)
    e1 = helper - np.sum(helper * k, axis=-1, keepdims=True) * k
    e1 /= np.linalg.norm(e1, axis=-1, keepdims=True)
    e2 = np.cross(k, e1)
    return e1, e2


def _sigma_rule(kernel: AngularKernel, degree: int) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Directions on S^2 in a local frame ``(k, e1, e2)`` and weights for ``int b(k.sigma) dsigma``.

    ``sigma = c0 k + c1 e1 + c2 e2`` with ``c0 = s`` at the kernel's Gauss-Jacobi nodes
    (``kernel.nodes_for_degree(degree)``) and ``degree + 1`` azimuths; weights sum to 1.
    Exact for polynomials of degree ``<= degree`` in ``sigma`` when ``p`` is a polynomial.
    """
    s, ws = kernel.quadrature(kernel.nodes_for_degree(degree))
    nph = degree + 1
    ph = 2.0 * np.pi * np.arange(nph) / nph
    cs = np.sqrt(np.clip(1.0 - s**2, 0.0, None))
    c0 = np.repeat(s, nph)
    c1 = (cs[:, None] * np.cos(ph)[None, :]).ravel()
    c2 = (cs[:, None] * np.sin(ph)[None, :]).ravel()
    return c0, c1, c2, np.repeat(ws / nph, nph)


def _post_collision(v: NDArray, x: NDArray, rule: tuple[NDArray, ...]) -> NDArray:
    """``v' = (v + x)/2 + |v - x| sigma/2`` for every ``v`` (shape (P, 3)) and every direction
    ``sigma`` of ``rule`` (:func:`_sigma_rule`) around ``k = (v - x)/|v - x|``: shape (P, q, 3)."""
    c0, c1, c2 = rule[:3]
    d = v - x
    rho = np.linalg.norm(d, axis=-1)
    k = np.where(rho[:, None] > 0, d / np.where(rho > 0, rho, 1.0)[:, None], [0.0, 0.0, 1.0])
    e1, e2 = _perp_frame(k)
    sig = (
        c0[None, :, None] * k[:, None, :]
        + c1[None, :, None] * e1[:, None, :]
        + c2[None, :, None] * e2[:, None, :]
    )
    return 0.5 * (v + x)[:, None, :] + 0.5 * rho[:, None, None] * sig


def full_matrix_sigma(
    m: int,
    kernel: AngularKernel | str = "kac",
    temperature: float = SEED_TEMPERATURE,
    basis: str = "hermite",
) -> NDArray:
    """Matrix of the gain ``h -> Q+(h M, M)/M`` on ``V_m`` from the sigma-form definition.

    ``A[i, j] = E_{v, x ~ M_T} f_i(v) int b(k.sigma) f_j((v+x)/2 + |v-x| sigma/2) dsigma``
    (conventions page, section 3), integrated exactly as described in the module docstring for
    kernels ``b = (1-s)^a (1+s)^c p`` with polynomial ``p``; spectrally accurate otherwise.
    Meant for ``m <= 5``.
    """
    m = _check_degree(m)
    kernel = get_kernel(kernel)
    nv, nx = m + 1, m // 2 + 1
    v, wv = gauss_hermite_3d(nv, temperature)
    x, wx = gauss_hermite_3d(nx, temperature)
    rule = _sigma_rule(kernel, m)
    fv = _basis_values(m, v, temperature, basis)
    A = np.zeros((fv.shape[0], fv.shape[0]))
    for xq, wxq in zip(x, wx, strict=True):
        g = _basis_values(m, _post_collision(v, xq, rule), temperature, basis)
        Gg = np.einsum("jvq,q->jv", g, rule[3])
        A += wxq * (fv * wv) @ Gg.T
    return A


#: Full-``V_m`` constructions (slow references), name -> callable(m, kernel, temperature, basis).
FULL_METHODS: dict[str, Callable[..., NDArray]] = {
    "omega": lambda m, kernel, temperature, basis: full_matrix_omega(m, temperature, basis),
    "sigma": full_matrix_sigma,
}


def full_matrix(
    m: int,
    kernel: AngularKernel | str = "kac",
    method: str = "auto",
    temperature: float = SEED_TEMPERATURE,
    basis: str = "hermite",
) -> NDArray:
    """The gain matrix on the whole of ``V_m`` (``dim_v(m)`` square); ``method`` in
    :data:`FULL_METHODS` or ``"auto"`` (``omega`` for kac, else ``sigma``)."""
    kernel = get_kernel(kernel)
    method = resolve_method(kernel, method, FULL_METHODS)
    return FULL_METHODS[method](m, kernel, temperature, basis)


# ---------------------------------------------------------------------- zonal matrices
def zonal_matrix_omega(m: int, temperature: float = SEED_TEMPERATURE) -> NDArray:
    """Kac thermostat matrix on the zonal subspace of ``V_m``, velocity space (module docstring).

    Basis: ``psi_{n,l,0}`` of :func:`kacspectral.spectral.hermite.zonal_burnett_indices` ``(m)``.

    Returns
    -------
    ndarray, shape ``(m//2 + 1, m//2 + 1)``
        ``A[i, j] = <psi_i, T psi_j>_{L^2(M_T)}``.
    """
    m = _check_degree(m)
    T = float(temperature)
    t, wt = special.roots_legendre(m + 1)
    keep = t >= 0
    t, wt = t[keep], np.where(t[keep] > 0, wt[keep], 0.5 * wt[keep])  # even in t: fold
    a, wa = gauss_hermite_e(m // 2 + 1, T)
    w1, ww1 = gauss_hermite_e(m + 1, T)
    u2, wu2 = gauss_laguerre(m // 2 + 1, -0.5)
    w2 = np.sqrt(2.0 * T * u2)  # w_2^2 / (2T) ~ Gamma(1/2): half-range rule in w_2
    ww2 = wu2 / math.gamma(0.5)
    nz = m // 2 + 1
    A = np.zeros((nz, nz))
    # grid over (w1, w2, a)
    W1, W2, AA = np.meshgrid(w1, w2, a, indexing="ij")
    wgrid = (ww1[:, None] * ww2[None, :]).ravel()
    for tq, wtq in zip(t, wt, strict=True):
        st = math.sqrt(max(0.0, 1.0 - tq * tq))
        # Omega = (st, 0, t), e1 = (t, 0, -st), e2 = (0, 1, 0); v = a Omega + w1 e1 + w2 e2
        pts = np.stack([AA * st + W1 * tq, W2, AA * tq - W1 * st], axis=-1)
        vals = zonal_burnett_functions(m, pts, T)  # (nz, n1, n2, na)
        F = (vals @ wa).reshape(nz, -1)  # P_Omega psi_i on the (w1, w2) grid
        A += wtq * (F * wgrid) @ F.T
    return A


def fischer_norm_sq(n: int, l: int) -> float:
    """Squared Fischer norm of ``e = |xi|^(2n) |xi|^l Y_l0(xi^)`` (``Y_l0`` as in hermite).

    ``|e|_F^2 = 4^n n! Gamma(n+l+3/2)/Gamma(l+3/2) (2l+1)!!`` for the Fischer product
    ``<xi^a, xi^b> = a! delta_ab`` (tested against the Hermite coefficients of ``psi_{n,l,0}``).
    """
    return math.exp(
        n * math.log(4.0)
        + math.lgamma(n + 1)
        + math.lgamma(n + l + 1.5)
        - math.lgamma(l + 1.5)
        + (math.lgamma(2 * l + 2) - l * math.log(2.0) - math.lgamma(l + 1))  # (2l+1)!!
    )


_LD = np.longdouble
_PI_LD = _LD("3.14159265358979323846264338327950288")


def _legendre_and_derivative(n: int, t: NDArray) -> tuple[NDArray, NDArray]:
    """``(P_n(t), P_n'(t))`` by the three-term recurrence, in the precision of ``t``."""
    p0, p1 = np.ones_like(t), t.copy()
    for k in range(1, n):
        p0, p1 = p1, ((2 * k + 1) * t * p1 - k * p0) / (k + 1)
    return p1, n * (t * p1 - p0) / (t * t - 1)


def _gauss_legendre(n: int, dtype: type = _LD) -> tuple[NDArray, NDArray]:
    """Gauss-Legendre in precision ``dtype``: scipy's nodes refined by Newton steps in it."""
    t = special.roots_legendre(n)[0].astype(dtype)
    for _ in range(3):
        p, dp = _legendre_and_derivative(n, t)
        t = t - p / dp
    _, dp = _legendre_and_derivative(n, t)
    return t, 2 / ((1 - t * t) * dp * dp)


def _zonal_solid(l_max: int, x: NDArray, parity: int, dtype: type) -> NDArray:
    """:func:`kacspectral.spectral.harmonics.zonal_solid_harmonics` in precision ``dtype``."""
    return zonal_rows(l_max, x[..., 2], np.sum(x * x, axis=-1), parity, dtype)


def zonal_matrix_fourier(m: int, kernel: AngularKernel | str = "kac") -> NDArray:
    """Gain matrix on the zonal subspace of ``V_m`` for any kernel, via Bobylev's identity.

    See the module docstring.  Basis: ``e_l / |e_l|_F`` (``psi_{n,l,0}`` up to sign), ``l``
    ascending with ``l = m mod 2``; temperature-independent.

    Conditioning: the coefficients of ``G e_l'`` are read off samples on S^2 and rescaled by
    ``sqrt(kappa_l / kappa_l')``, which amplifies rounding in the entries below the diagonal
    (by ~1e5 at ``m = 40``).  The sampling and projection therefore run in extended precision
    (``numpy.longdouble``; the Gauss-Legendre nodes are refined by Newton steps in it).
    Measured asymmetry ``max|A - A^T|`` for kac on x86-64 (80-bit long double): 2e-14 at
    ``m = 40``, 8e-12 at ``m = 60``.  Where ``longdouble`` is ``double`` (e.g. aarch64 macOS,
    Windows) the same code runs in float64: measured asymmetry 1.4e-13 at ``m = 25`` and
    3.8e-11 at ``m = 40`` (reproduce with ``_zonal_matrix_fourier(m, kernel, float)``); the
    eigenvalues (diagonal) are not affected by this amplification.  The kernel's own rule in
    ``s`` may stay in double: for each ``s`` the circle average commutes with rotations, so
    node errors in ``s`` move eigenvalues by rounding only, never mix blocks.

    Returns
    -------
    ndarray, shape ``(m//2 + 1, m//2 + 1)``
    """
    m = _check_degree(m)
    return _zonal_matrix_fourier(m, get_kernel(kernel), _LD)


def _zonal_matrix_fourier(m: int, kernel: AngularKernel, dtype: type) -> NDArray:
    """:func:`zonal_matrix_fourier` with sampling and projection in precision ``dtype``."""
    ls = list(range(m % 2, m + 1, 2))
    t, wt = _gauss_legendre(m + 1, dtype)
    pi: np.floating = _PI_LD.astype(dtype)
    s, ws = kernel.quadrature(kernel.nodes_for_degree(m))
    s, ws = s.astype(dtype), ws.astype(dtype)
    nph = m + 1
    ph = 2 * pi * np.arange(nph, dtype=dtype) / nph
    st = np.sqrt(1 - t * t)
    zero = np.zeros_like(t)
    xi = np.stack([st, zero, t], axis=-1)  # (nt, 3) on S^2
    e1 = np.stack([t, zero, -st], axis=-1)
    e2: NDArray = np.array([0, 1, 0], dtype=dtype)
    cs = np.sqrt(np.clip(1 - s * s, 0, None))
    # sigma = s xi + cs (cos ph e1 + sin ph e2): shape (nt, ns, nph, 3)
    sig = (
        s[None, :, None, None] * xi[:, None, None, :]
        + (cs[:, None] * np.cos(ph)[None, :])[None, :, :, None] * e1[:, None, None, :]
        + (cs[:, None] * np.sin(ph)[None, :])[None, :, :, None] * e2[None, None, None, :]
    )
    y = (xi[:, None, None, :] + sig) / 2
    r2 = np.sum(y * y, axis=-1)
    sh = _zonal_solid(m, y, m % 2, dtype)  # (nl, nt, ns, nph)
    vals = np.stack([r2 ** ((m - l) // 2) * sh[k] for k, l in enumerate(ls)])  # e_l at y
    G = np.einsum("lasp,s->la", vals, ws) / nph  # G e_l at the xi nodes, (nl, nt)
    Y = _zonal_solid(m, xi, m % 2, dtype)  # Y_l0(xi), (nl, nt)
    B = (Y * (wt / 2)) @ G.T  # B[l, l'] = <Y_l0, G e_l'>_{S^2}
    kappa = np.array([fischer_norm_sq((m - l) // 2, l) for l in ls])
    return (B * np.sqrt(kappa[:, None] / kappa[None, :])).astype(float)


#: Zonal (fast) constructions, name -> callable(m, kernel, temperature).
ZONAL_METHODS: dict[str, Callable[..., NDArray]] = {
    "omega": lambda m, kernel, temperature: zonal_matrix_omega(m, temperature),
    "fourier": lambda m, kernel, temperature: zonal_matrix_fourier(m, kernel),
}


def zonal_matrix(
    m: int,
    kernel: AngularKernel | str = "kac",
    method: str = "auto",
    temperature: float = SEED_TEMPERATURE,
) -> NDArray:
    """Gain matrix on the zonal subspace of ``V_m``; ``method`` in :data:`ZONAL_METHODS` or
    ``"auto"`` (``omega`` -- velocity space -- for kac, ``fourier`` for other kernels)."""
    kernel = get_kernel(kernel)
    method = resolve_method(kernel, method, ZONAL_METHODS)
    return ZONAL_METHODS[method](m, kernel, temperature)


# ---------------------------------------------------------------------- action on functions
def apply_thermostat(
    h: Callable[[NDArray], NDArray],
    v: NDArray,
    degree: int,
    temperature: float = SEED_TEMPERATURE,
) -> NDArray:
    """``T[h](v)`` for a polynomial ``h`` of the given degree (kac kernel), by exact quadrature.

    ``T[h](v) = E_Omega E_{xi ~ N(0,T)} h(v - (v.Omega) Omega + xi Omega)`` (only ``x.Omega``
    enters the seed's formula); S^2 rule of degree ``2 * degree``, Gauss-Hermite in ``xi``.
    """
    degree = _check_degree(degree)
    v = np.asarray(v, dtype=float)
    om, wo = sphere_quadrature(2 * degree, azimuth_offset=0.0)
    xi, wxi = gauss_hermite_e(degree // 2 + 1, temperature)
    proj = v @ om.T  # (..., q)
    base = v[..., None, :] - proj[..., None] * om  # (..., q, 3)
    pts = base[..., None, :] + xi[:, None] * om[:, None, :]  # (..., q, nxi, 3)
    vals = np.asarray(h(pts))
    return np.einsum("...qx,q,x->...", vals, wo, wxi)


def apply_gain(
    h: Callable[[NDArray], NDArray],
    v: NDArray,
    degree: int,
    kernel: AngularKernel | str = "kac",
    temperature: float = SEED_TEMPERATURE,
) -> NDArray:
    """``Q+(h M, M)/M`` at points ``v`` for a polynomial ``h`` of the given degree, any kernel.

    ``E_{x ~ M_T} int b(k.sigma) h((v+x)/2 + |v-x| sigma/2) dsigma`` with the quadratures of
    :func:`full_matrix_sigma` (exact for polynomial ``p`` in ``b = (1-s)^a (1+s)^c p``).

    Parameters
    ----------
    h : callable
        Vectorised ``h(points)`` for points of shape ``(..., 3)``.
    v : ndarray, shape ``(P, 3)``
    """
    degree = _check_degree(degree)
    kernel = get_kernel(kernel)
    v = np.asarray(v, dtype=float).reshape(-1, 3)
    x, wx = gauss_hermite_3d(degree // 2 + 1, temperature)
    rule = _sigma_rule(kernel, degree)
    out = np.zeros(len(v))
    for xq, wxq in zip(x, wx, strict=True):
        out += wxq * (np.asarray(h(_post_collision(v, xq, rule))) @ rule[3])
    return out
