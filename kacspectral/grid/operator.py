"""The Boltzmann collision operator on a periodic 3D velocity grid by a fast spectral method.

Kernel ``B = |v - v_*|^lambda b(s)``, ``0 <= lambda <= 1``, ``s = sigma . q_hat`` (normalised as
in ``docs/conventions.md`` section 2: ``b dsigma`` a probability measure): ``lambda = 0`` Maxwell
molecules, ``lambda = 1`` hard spheres, in between variable hard spheres.  Constant ``b`` (the
default) takes the fast isotropic path below; any other kernel of the package
(:func:`kacspectral.physics.kernels.get_kernel`: ``kac``, an expression, a callable) takes the
directional (Funk-Hecke) path of :mod:`kacspectral.grid.kernel_gain`, whose multiplier depends
on the direction of ``q``.  The loss term only needs ``int b dsigma = 1``.

Method
------
The weak form of the gain term (Gamba, Haack, Hauck and Hu, "A fast spectral method for the
Boltzmann collision operator with general collision kernels", SIAM J. Sci. Comput. 39, 2017),
``v' = v - q/2 + |q| sigma/2``, ``q = v - v_*``, truncated to ``|q| <= R``, gives

    Q+(f,g)^(xi) = int_{|q|<=R} |q|^lambda sinc(|q||xi|/2) [f(. + q/2) g(. - q/2)]^(xi) dq

(``int b(sigma.q_hat) exp(-i |q| xi.sigma/2) dsigma = sinc(|q||xi|/2)`` for constant ``b``).
Writing the product centred at ``v`` (our variant: the phase ``exp(i xi.q/2)`` of the original
scheme is absorbed into the two shifts) makes the multiplier real and isotropic, so the sum over
directions is done in velocity space before one FFT per radius:

    Q+ = IFFT[sum_r W_r sinc(rho_r |xi|/2) FFT(sum_p w_p f(v + rho_r e_p/2) g(v - rho_r e_p/2))],

with ``q = rho e``: Gauss-Jacobi in ``rho in [0, R]`` for the weight ``rho^(2+lambda)`` (``n_r``
nodes) and a Lebedev rule on S^2 (``M`` points, ``scipy.integrate.lebedev_rule``).  Shifts are
spectral (phases ``exp(+-i eta.q/2)`` on the real FFT), so the cost is
``n_r (M + 1)`` real FFTs, ``O(n_r M N^3 log N)``; for ``f = g`` the product is even in ``q`` and
only half of the (antipodally symmetric) Lebedev rule is used.  The loss term is
``Q-(f,g) = f (g * |q|^lambda 1_{|q|<=R})``, its kernel transform
``4 pi int_0^R rho^(2+lambda) sinc(rho |eta|) d rho`` by a 4N-node Gauss-Jacobi rule.

Sphere rule and data.  For ``f = g`` a Maxwellian the centred product is independent of the
direction ``e`` (exact with one direction), for BKW it is a low-degree polynomial in ``e``
(Lebedev degree 3 is exact); anisotropic or separated data need more points.  For ``f != g`` of
different temperatures ``T_f, T_g`` the product carries the factor
``exp(-(1/T_f - 1/T_g) v.q/2)``, strongly direction-dependent at large ``|v| |q|``: reservoir terms
``Q(f, M_T)`` need Lebedev degree ~11 (measured: with degree 3 the energy of the Maxwell NESS
drifts by 1e-2, with degree 11 by < 1e-5 at N = 32).

Truncation (Pareschi-Russo / Mouhot-Pareschi): for ``f`` supported in the ball ``|v| <= S``,
``R = 2 S`` and no aliasing when ``L >= (3 + sqrt 2) S / 2``; the default ``R = 4 L/(3+sqrt 2)``.

The grid is ``v_j = -L + 2 L j / N`` per axis (:func:`kacspectral.physics.bkw.standard_grid`).
"""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import NDArray

from kacspectral.errors import short
from kacspectral.grid.conservation import ConservationProjector
from kacspectral.grid.fft import RealFFT3
from kacspectral.grid.kernel_gain import (
    DirectionalGain,
    check_legendre_degree,
    default_legendre_degree,
    directional_memory,
    is_constant_kernel,
    lebedev_degree_at_least,
)
from kacspectral.physics.kernels import KernelSpec, get_kernel
from kacspectral.spectral.polynomials import gauss_jacobi

__all__ = ["FastSpectralOperator", "estimate_memory", "sphere_rule", "DEFAULT_MAX_BYTES"]

#: Default memory budget (bytes) of one operator: 8 GiB of the machine's 24 GiB.
DEFAULT_MAX_BYTES = 8 * 1024**3


def sphere_rule(degree: int, half: bool = False) -> tuple[NDArray, NDArray]:
    """Lebedev rule of the given odd degree on S^2: points ``(M, 3)`` and weights summing to
    ``4 pi``; ``half=True`` keeps one point of each antipodal pair with doubled weight (exact
    for even integrands)."""
    from scipy.integrate import lebedev_rule

    x, w = lebedev_rule(int(degree))
    x = x.T
    if half:
        key = np.where(np.abs(x[:, 0]) > 1e-12, x[:, 0],
                       np.where(np.abs(x[:, 1]) > 1e-12, x[:, 1], x[:, 2]))
        keep = key > 0
        x, w = x[keep], 2.0 * w[keep]
    return x, w


def estimate_memory(n: int, radial_nodes: int | None = None,
                    legendre_degree: int | None = None) -> int:
    """Bytes of the work arrays of one operator on an ``n^3`` grid: seven real and seven
    half-complex arrays of ``n^3`` doubles (``8 n^3`` and ``8 n^2 (n/2+1) 2`` bytes), plus
    the integer index of ``|xi|^2`` (8 bytes per half-complex entry); for a non-constant kernel
    (``legendre_degree`` given) also
    :func:`kacspectral.grid.kernel_gain.directional_memory`."""
    n = int(n)
    real = 8 * n**3
    half = 16 * n * n * (n // 2 + 1)
    base = 7 * real + 7 * half + half // 2
    if legendre_degree is None:
        return base
    nr = math.ceil(n / 3) + 4 if radial_nodes is None else int(radial_nodes)
    return base + 2 * half + directional_memory(n, nr, int(legendre_degree))


class FastSpectralOperator:
    """``Q(f, g)`` on the grid ``N^3`` of ``[-L, L)^3`` (module docstring).

    Parameters
    ----------
    n : int
        Points per axis (even, >= 8).
    half_width : float
        ``L``.
    lam : float
        ``lambda`` in ``B = |q|^lambda``, ``0 <= lambda <= 1``.
    radial_nodes : int or None
        ``n_r``; default ``ceil(n/3) + 4`` (measured on BKW: the error then no longer falls
        with ``n_r``, see ``validation/bench_grid.py``).
    sphere_degree : int or None
        Odd degree of the Lebedev rule; default 9 (38 points, 19 used for ``Q(f,f)``); degree 3
        (6 points) is exact for isotropic data such as BKW up to rounding, anisotropic data need
        more (the bi-Maxwellian ``T = (0.5, 0.5, 0.8)`` reaches ``1e-8`` at degree 13).
    cutoff : float or None
        ``R``; default ``4 L / (3 + sqrt 2)``.
    kernel : str, AngularKernel, expression or callable
        The angular kernel ``b`` (:func:`kacspectral.physics.kernels.get_kernel`); default
        ``"constant"``.  A non-constant kernel uses the directional path
        (:mod:`kacspectral.grid.kernel_gain`), whose default sphere degree is the smallest
        Lebedev degree ``>= legendre_degree + 9``.
    legendre_degree : int or None
        ``n_max`` of the Funk-Hecke series of a non-constant kernel; default
        :func:`kacspectral.grid.kernel_gain.default_legendre_degree` (the degree of a
        polynomial ``b``, exact; 24 otherwise).
    directional : bool or None
        Force the directional path (also for ``b = 1``, where it reduces to the isotropic one;
        for tests) or, with False, refuse a non-constant kernel; default: by the kernel.
    threads, backend, effort
        Passed to :class:`kacspectral.grid.fft.RealFFT3`.
    conserve : bool
        Apply :class:`kacspectral.grid.conservation.ConservationProjector` after each evaluation.
    max_bytes : int or None
        Memory budget; a grid whose :func:`estimate_memory` exceeds it is refused before any
        allocation (ValueError with the estimate).
    """

    def __init__(self, n: int, half_width: float = 8.83, lam: float = 0.0,
                 radial_nodes: int | None = None, sphere_degree: int | None = None,
                 cutoff: float | None = None, threads: int = 1, backend: str = "auto",
                 effort: str = "FFTW_MEASURE", conserve: bool = True,
                 max_bytes: int | None = None, kernel: KernelSpec = "constant",
                 legendre_degree: int | None = None, directional: bool | None = None):
        t0 = time.perf_counter()
        c0 = time.process_time()
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 8 or n % 2:
            raise ValueError(f"grid points per axis must be an even integer >= 8, got {short(n)}")
        half_width = float(half_width)
        if not (math.isfinite(half_width) and half_width > 0):
            raise ValueError(f"half_width must be a positive number, got {half_width!r}")
        lam = float(lam)
        if not (0.0 <= lam <= 1.0):
            raise ValueError(f"lambda must be in [0, 1] (Maxwell 0, hard spheres 1), got {lam!r}")
        self.kernel = get_kernel(kernel)
        constant = is_constant_kernel(self.kernel)
        if directional is False and not constant:
            raise ValueError(f"kernel {short(self.kernel.name)} is not constant: it needs the "
                             "directional path (directional=None or True)")
        self.directional = (not constant) if directional is None else bool(directional)
        self.radial_nodes = (int(radial_nodes) if radial_nodes is not None
                             else math.ceil(int(n) / 3) + 4)
        if self.radial_nodes < 1:
            raise ValueError(f"radial_nodes must be >= 1, got {radial_nodes!r}")
        self.legendre_degree: int | None = None
        if self.directional:
            self.legendre_degree = check_legendre_degree(
                default_legendre_degree(self.kernel) if legendre_degree is None
                else legendre_degree)
        elif legendre_degree is not None:
            raise ValueError("legendre_degree applies to a non-constant kernel only "
                             "(b = 1 has the exact isotropic multiplier sinc)")
        if sphere_degree is None:
            self.sphere_degree = (9 if self.legendre_degree is None
                                  else lebedev_degree_at_least(self.legendre_degree + 9))
        else:
            self.sphere_degree = int(sphere_degree)
        if self.sphere_degree % 2 == 0 or self.sphere_degree < 3:
            raise ValueError(
                f"sphere_degree must be an odd integer >= 3, got {short(sphere_degree)}")
        budget = DEFAULT_MAX_BYTES if max_bytes is None else int(max_bytes)
        need = estimate_memory(int(n), self.radial_nodes, self.legendre_degree)
        if need > budget:
            raise ValueError(
                f"grid n = {n} needs about {need / 2**30:.2f} GiB of work arrays, over the "
                f"budget of {budget / 2**30:.2f} GiB; use a smaller grid"
                + ("" if self.legendre_degree is None else
                   f" or a lower legendre_degree (now {self.legendre_degree})"))
        self.n = int(n)
        self.half_width = half_width
        self.lam = lam
        self.cutoff = 4.0 * half_width / (3.0 + math.sqrt(2.0)) if cutoff is None else float(
            cutoff)
        if not (0 < self.cutoff <= 2 * half_width):
            raise ValueError(f"cutoff R must be in (0, 2L], got {cutoff!r}")
        self.conserve = bool(conserve)
        self.fft = RealFFT3(self.n, threads=threads, backend=backend, effort=effort)
        n1 = self.n
        # wave numbers eta_k = pi k / L
        k = np.fft.fftfreq(n1, d=1.0 / n1) * (math.pi / half_width)
        kr = np.fft.rfftfreq(n1, d=1.0 / n1) * (math.pi / half_width)
        self._k, self._kr = k, kr
        # radial rule on [0, R] for rho^(2+lambda)
        x, w = gauss_jacobi(self.radial_nodes, 0.0, 2.0 + lam)
        half_r = 0.5 * self.cutoff
        self.rho = half_r * (1.0 + x)
        self.rho_weights = w * half_r ** (3.0 + lam)
        self.directions, self.direction_weights = sphere_rule(self.sphere_degree)
        self.half_directions, self.half_weights = sphere_rule(self.sphere_degree, half=True)
        # |xi|^2 on the half-complex grid through its distinct values
        k2 = (k[:, None, None] ** 2 + k[None, :, None] ** 2 + kr[None, None, :] ** 2)
        uniq, inv = np.unique(np.round(k2 * (half_width / math.pi) ** 2).astype(np.int64),
                              return_inverse=True)
        self._inv = inv.reshape(k2.shape)
        kabs = np.sqrt(uniq.astype(float)) * (math.pi / half_width)
        # gain multipliers sinc(rho |xi| / 2) per radius (on distinct |xi|)
        self._sinc = np.sinc(np.outer(self.rho, kabs) / (2 * math.pi))  # (n_r, n_unique)
        # loss kernel 4 pi int_0^R rho^(2+lambda) sinc(rho |eta|) d rho
        xl, wl = gauss_jacobi(4 * n1 + 16, 0.0, 2.0 + lam)
        rl = half_r * (1.0 + xl)
        wl = wl * half_r ** (3.0 + lam)
        self._loss_kernel = (4 * math.pi * (wl @ np.sinc(np.outer(rl, kabs) / math.pi)))[
            self._inv]
        self._directional: DirectionalGain | None = None
        if self.legendre_degree is not None:
            self._directional = DirectionalGain(self.kernel, self.legendre_degree, self.rho,
                                                self.rho_weights, kabs, self._inv, k, kr)
        self.projector = ConservationProjector(self.n, half_width)
        # work arrays
        self._acc = np.empty(self.fft.shape)
        self._qhat = np.empty(self.fft.half_shape, dtype=complex)
        self._F = np.empty(self.fft.half_shape, dtype=complex)
        self._G = np.empty(self.fft.half_shape, dtype=complex)
        self._fs = np.empty(self.fft.shape)
        self.last_correction = 0.0
        self.setup_seconds = time.perf_counter() - t0
        self.setup_cpu_seconds = time.process_time() - c0

    # ------------------------------------------------------------------ helpers
    @property
    def velocities(self) -> NDArray:
        """Grid points per axis ``v_j = -L + 2 L j / N``."""
        return -self.half_width + 2.0 * self.half_width * np.arange(self.n) / self.n

    @property
    def cell_volume(self) -> float:
        """``h^3 = (2L/N)^3``."""
        return (2.0 * self.half_width / self.n) ** 3

    @property
    def sphere_points(self) -> int:
        """``M``, the number of points of the Lebedev rule."""
        return int(self.directions.shape[0])

    def describe(self) -> dict:
        """JSON-ready parameters of the discretisation."""
        return {"n": self.n, "half_width": self.half_width, "lambda": self.lam,
                "cutoff_R": self.cutoff, "radial_nodes": self.radial_nodes,
                "sphere_rule": f"Lebedev degree {self.sphere_degree}",
                "sphere_points": self.sphere_points, "fft_backend": self.fft.backend,
                "threads": self.fft.threads, "conserve": self.conserve,
                "kernel": self.kernel.name, "directional": self.directional,
                "legendre_degree": self.legendre_degree,
                "memory_estimate_bytes": estimate_memory(self.n, self.radial_nodes,
                                                         self.legendre_degree)}

    def _shift(self, spec: NDArray, s: NDArray, out: NDArray) -> NDArray:
        """``out[v] = h(v + s)`` for ``h`` of real-FFT ``spec`` (spectral interpolation)."""
        buf = self.fft.complex_in
        np.multiply(spec, np.exp(1j * self._k * s[0])[:, None, None], out=buf)
        buf *= np.exp(1j * self._k * s[1])[None, :, None]
        buf *= np.exp(1j * self._kr * s[2])[None, None, :]
        out[...] = self.fft.backward()
        return out

    def _check(self, f: NDArray, name: str) -> NDArray:
        f = np.asarray(f, dtype=float)
        if f.shape != self.fft.shape:
            raise ValueError(f"{name} must have shape {self.fft.shape}, got {f.shape}")
        return f

    # ------------------------------------------------------------------ operator
    def gain(self, f: NDArray, g: NDArray | None = None) -> NDArray:
        """``Q+(f, g)`` on the grid (``g = f`` when omitted)."""
        f = self._check(f, "f")
        self._F[...] = self.fft.forward(f)
        if self._directional is not None:
            if g is None:
                return self._directional.gain(self, self._F, self._F, same=True)
            self._G[...] = self.fft.forward(self._check(g, "g"))
            return self._directional.gain(self, self._F, self._G, same=False)
        if g is None:  # g = f
            dirs, wts = self.half_directions, self.half_weights
            G = self._F
        else:
            g = self._check(g, "g")
            self._G[...] = self.fft.forward(g)
            dirs, wts = self.directions, self.direction_weights
            G = self._G
        gs = self.fft.real_in  # the product is written straight into the forward FFT input
        self._qhat[...] = 0.0
        fs = self._fs
        for r, rho in enumerate(self.rho):
            acc = self._acc
            acc[...] = 0.0
            for e, w in zip(dirs, wts, strict=True):
                s = 0.5 * rho * e
                self._shift(self._F, s, fs)
                self._shift(G, -s, gs)
                fs *= gs
                fs *= w
                acc += fs
            spec = self.fft.forward(acc)
            self._qhat += (self.rho_weights[r] * self._sinc[r])[self._inv] * spec
        return self.fft.backward(self._qhat).copy()

    def loss(self, f: NDArray, g: NDArray | None = None) -> NDArray:
        """``Q-(f, g) = f (g * |q|^lambda 1_{|q|<=R})``."""
        f = self._check(f, "f")
        g = f if g is None else self._check(g, "g")
        spec = self.fft.forward(g)
        conv = self.fft.backward(spec * self._loss_kernel)
        return f * conv

    def collision(self, f: NDArray, g: NDArray | None = None, conserve: bool | None = None
                  ) -> NDArray:
        """``Q(f, g) = Q+(f, g) - Q-(f, g)``, projected onto the conservative subspace when
        ``conserve`` (default: the operator's setting): mass, momentum and energy for
        ``Q(f, f)`` (``g`` omitted) by the standard L2 projection; mass only for ``g`` given
        (``Q(f, g)`` exchanges momentum and energy), by the projection weighted with ``|f|``
        (:meth:`ConservationProjector.weighted_correction`: a uniform correction would put a
        constant density over the whole box, where ``f`` is ~0).  The size
        ``max |correction|`` is stored in :attr:`last_correction`."""
        q = self.gain(f, g) - self.loss(f, g)
        if self.conserve if conserve is None else conserve:
            if g is None:
                q, self.last_correction = self.projector.project(q, 5)
            else:
                q, self.last_correction = self.projector.project(q, 1, weight=np.abs(f))
        else:
            self.last_correction = 0.0
        return q
