"""The electric-field equation (seed 003, eq. (5.1)) on the 3D periodic velocity grid.

    df/dt = (1/epsilon) Q(f, f) - E d_z f + nu (f~ - f) + div[ D(|v|) (grad f + v f / T0) ]

(``D M grad(f/M) = D (grad f + v f/T0)`` for ``M = M_{T0}``), on the grid ``N^3`` of
``[-L, L)^3``, ``v_j = -L + 2 L j / N`` (``docs/conventions.md``, sections 1-2):

* ``Q``: Maxwell molecules with constant ``b`` (``b dsigma`` a probability measure) by the fast
  spectral operator :class:`kacspectral.grid.operator.FastSpectralOperator`, its kernel cut off
  at ``|q| <= R``; mass, momentum and energy are restored by the projection weighted with
  ``|f|`` (:meth:`ConservationProjector.weighted_correction`).  The cut-off kernel keeps every
  Maxwellian in the null space (``M(v')M(v'_*) = M(v)M(v_*)`` for each ``q``), so as
  ``epsilon -> 0`` it changes ``(u, T)`` at ``O(epsilon)`` times the relative cut-off error.
* field and diffusion: spectral derivatives (real FFTs through the pyfftw plans of
  :class:`kacspectral.grid.fft.RealFFT3`); the diffusion is in flux form
  ``sum_i d_i [D (d_i f + v_i f/T0)]`` (the Nyquist mode of odd derivatives dropped).
* the spherical average about the origin, exactly for the trigonometric interpolant of ``f``:
  with ``F_k`` the DFT, ``eta_k = pi k / L``,

      f~(v) = N^-3 sum_k F_k (-1)^(k_1+k_2+k_3) j0(|eta_k| |v|)

  (the phase ``exp(i eta_k . (L, L, L)) = (-1)^(k_1+k_2+k_3)`` moves the origin to the box
  centre); modes are grouped by the integer ``|k|^2`` and points by ``|v|^2/h^2``, so it is one
  dense product ``J G`` with ``J[p, m] = j0(pi sqrt(m) r_p / L)`` (a few thousand rows and
  columns at ``N = 64``).

The state lives on the ball ``|v| <= L`` (inside it the spheres of the average stay in the box);
``f = 0`` outside.  The right-hand side is restricted to the ball and its mass removed by the
projection weighted with ``|f|``.  Steady states: Newton's method with GMRES
(``scipy.sparse.linalg.gmres``) on ``G(f) = F(f) + (1 - mass(f)) f_0 / epsilon`` (the last term
fixes the mass to 1 and makes the Jacobian regular), Jacobian-vector products by a forward
difference (``F`` is quadratic: the difference error is ``s Q(h, h)/epsilon``), right
preconditioner the Fourier multiplier ``-(1/epsilon + nu + D_bar |eta|^2 + i E eta_z)^-1``
(the loss rate of Maxwell molecules is the mass, 1, times ``f``) on the complement of the five
hydrodynamic directions ``(1, v, |v|^2) f`` (rates O(1), scaled by -1 instead): without that
deflation GMRES needed 2-2.4 times more products (cold state, N = 32).  Leading eigenvalues
of the linearisation: ARPACK (``scipy.sparse.linalg.eigs``) on the same products
(:func:`leading_eigenvalues`).

Choice of the grid (measured by ``validation/electric_field_grid.py``).  ``L``: the ball
``|v| <= L`` must hold the state (for ``M_{1.2 e_z, 8.4}`` the truncation moves ``T`` by 2e-4 at
``L = 16``, 5e-6 at ``L = 18``).  ``R``: the raw ``Q(M, M)`` (zero for the exact cut-off
operator) measures the aliasing of ``(L, R)``; for the hot Maxwellian its energy defect is
1e-8 at ``(L, R) = (20, 12)``, 3e-6 at ``(20, 15)``, 6e-6 at ``(18, 12)``, 4e-5 at
``(16, 10)``, but 3e-4 at the default ``R = 18.1`` of ``L = 20``.  The Lebedev degree of the gain
matters for states far from a Maxwellian: 3 is exact for Maxwellians only (the cold state of the
example moves by 1e-3 in ``T`` from degree 3 to 5, by 2e-5 from 5 to 7).  Spacing: the width-1
structure of ``D`` needs ``h <~ 0.45`` (cold state: ``T`` moves by 9e-3 from ``h = 0.625`` to
0.417 and by 9e-5 from 0.417 to 0.357).

Measured on the example of issue 11 (``D = 0.05 + 5 exp(-r^2/2)``, ``nu = 1``, ``E = 1.3``,
``epsilon = 0.01``; Lebedev degree 5): the cold state agrees with the Hermite solver (K = 24) to
4e-6 in ``u`` and 2e-5 in ``T`` at ``N = 56, L = 10, R = 7``; the hot state, which the Hermite
expansion does not resolve (``T`` drifts by ~0.01 per 4 degrees up to K = 32), converges on the
grid to ``T = 8.401 +- 0.003``, ``u = 1.1987 +- 2e-4`` (six grids with ``h <= 0.65``,
``L = 16-20``, ``R = 10-15``; at ``h = 0.83`` it is still off by 0.4), at 40-100 CPU seconds per
state at ``N = 64``.

Reference: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and properties of, a
non-equilibrium steady state in a dilute gas" (2014), section 5 ("seed 003" in the project's
notes); conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.special import spherical_jn

from kacspectral.efield.problem import Diffusion, EFieldProblem
from kacspectral.errors import ConvergenceError
from kacspectral.grid.conservation import grid_moments
from kacspectral.grid.fft import RealFFT3
from kacspectral.grid.operator import FastSpectralOperator
from kacspectral.grid.reservoirs import maxwellian_on_grid
from kacspectral.physics.kernels import get_kernel
from kacspectral.results import ResultMixin

__all__ = ["GridEField", "GridEFieldState", "solve_grid_steady"]


class GridEField:
    """The right-hand side of (5.1) on the grid (module docstring).

    Parameters
    ----------
    problem : EFieldProblem
        Its kernel must be ``"constant"`` (the grid operator's ``b``).
    n : int
        Points per axis (even).
    half_width : float
        ``L``.
    cutoff : float or None
        Kernel cut-off ``R`` (default: the operator's anti-aliasing value ``4L/(3+sqrt 2)``).
    sphere_degree : int
        Lebedev degree of the gain term, default 5 (3 is exact for Maxwellians only: for the
        cold state of issue 11 at epsilon = 0.01 it is off by 1e-3 in ``T``; 5 -> 7 moves
        ``T`` by 2e-5).
    radial_nodes : int or None
        Radial nodes of the gain term (operator default ``ceil(N/3) + 4``).
    """

    def __init__(self, problem: EFieldProblem, n: int, half_width: float,
                 cutoff: float | None = None, sphere_degree: int = 5,
                 radial_nodes: int | None = None, effort: str = "FFTW_ESTIMATE"):
        if not isinstance(problem, EFieldProblem):
            raise TypeError(f"problem must be an EFieldProblem, got {problem!r}")
        if get_kernel(problem.kernel).name != "constant":
            raise ValueError("the grid solver has the constant angular kernel only, got kernel "
                             f"{get_kernel(problem.kernel).name!r}")
        self.problem = problem
        self.op = FastSpectralOperator(n, half_width, lam=0.0, radial_nodes=radial_nodes,
                                       sphere_degree=sphere_degree, cutoff=cutoff,
                                       effort=effort, conserve=False)
        self.n, self.half_width = self.op.n, self.op.half_width
        self.fft = RealFFT3(self.n, effort=effort)
        N, L = self.n, self.half_width
        x = self.op.velocities
        self.x = x
        self._xs = (x[:, None, None], x[None, :, None], x[None, None, :])
        r2 = self._xs[0] ** 2 + self._xs[1] ** 2 + self._xs[2] ** 2
        self.ball = r2 <= L * L
        self.r = np.sqrt(r2)
        assert isinstance(problem.diffusion, Diffusion)
        self.d_values = np.real(problem.diffusion(self.r)).astype(float)
        ki = np.fft.fftfreq(N, d=1.0 / N).round().astype(np.int64)
        kzi = np.arange(N // 2 + 1, dtype=np.int64)
        scale = math.pi / L
        k, kr = ki * scale, kzi * scale
        self._eta2 = k[:, None, None] ** 2 + k[None, :, None] ** 2 + kr[None, None, :] ** 2
        ko, kro = k.copy(), kr.copy()
        ko[N // 2] = 0.0  # odd derivatives: no Nyquist mode
        kro[-1] = 0.0
        self._ik = (1j * ko[:, None, None], 1j * ko[None, :, None], 1j * kro[None, None, :])
        # spherical average: modes grouped by |k|^2, points (in the ball) by |v|^2 / h^2
        m = ki[:, None, None] ** 2 + ki[None, :, None] ** 2 + kzi[None, None, :] ** 2
        w = np.where((kzi == 0) | (kzi == N // 2), 1.0, 2.0)[None, None, :]
        sign = (-1.0) ** ((ki[:, None, None] + ki[None, :, None] + kzi[None, None, :]) % 2)
        self._mode_w = (w * sign).ravel()
        m_uniq, self._m_inv = np.unique(m.ravel(), return_inverse=True)
        h = 2.0 * L / N
        jj = np.rint((x / h) * 2).astype(np.int64)  # 2 v / h, integers (N even)
        p2 = (jj[:, None, None] ** 2 + jj[None, :, None] ** 2 + jj[None, None, :] ** 2)[
            self.ball]
        p_uniq, self._p_inv = np.unique(p2, return_inverse=True)
        r_uniq = 0.5 * h * np.sqrt(p_uniq.astype(float))
        self._j0 = spherical_jn(0, np.outer(r_uniq, np.sqrt(m_uniq.astype(float)) * scale))
        self._n_modes = int(m_uniq.size)

    # ------------------------------------------------------------------ pieces
    def spherical_average(self, f: NDArray) -> NDArray:
        """``f~`` on the ball (0 outside), exact for the trigonometric interpolant of ``f``."""
        spec = self.fft.forward(f)
        g = np.bincount(self._m_inv, weights=self._mode_w * spec.real.ravel(),
                        minlength=self._n_modes)
        out = np.zeros(self.fft.shape)
        out[self.ball] = (self._j0 @ g)[self._p_inv] / self.n**3
        return out

    def transport(self, f: NDArray) -> NDArray:
        """``-E d_z f + div[D (grad f + v f/T0)]`` (spectral derivatives)."""
        p = self.problem
        fft = self.fft
        spec = fft.forward(f).copy()
        acc = (-p.field) * self._ik[2] * spec
        for ik, xs in zip(self._ik, self._xs, strict=True):
            d = fft.backward(ik * spec)
            flux = self.d_values * (d + xs * f / p.t0)
            acc += ik * fft.forward(flux)
        return fft.backward(acc).copy()

    def collision(self, f: NDArray) -> NDArray:
        """``Q(f, f)`` restricted to the ball, mass, momentum and energy restored (weight |f|)."""
        q = self.op.collision(f, conserve=False) * self.ball
        q, self.last_correction = self.op.projector.project(q, 5, weight=np.abs(f) * self.ball)
        return q

    def rhs(self, f: NDArray) -> NDArray:
        """The right-hand side of (5.1) on the ball, its mass removed (weight ``|f|``)."""
        p = self.problem
        out = self.collision(f) / p.epsilon + self.transport(f)
        if p.nu:
            out += p.nu * (self.spherical_average(f) - f)
        out *= self.ball
        out, _ = self.op.projector.project(out, 1, weight=np.abs(f) * self.ball)
        return out

    # ------------------------------------------------------------------ data
    def maxwellian(self, u: float, T: float) -> NDArray:
        """``M_{u e_z, T}`` on the ball (0 outside)."""
        return maxwellian_on_grid(self.n, self.half_width, T, (0.0, 0.0, u)) * self.ball

    def fluid(self, f: NDArray) -> dict:
        """``mass``, ``j``, ``u = j/mass``, ``m2``, ``T = (m2/mass - u^2)/3`` (rectangle rule)."""
        m = grid_moments(f, self.half_width)
        u = m[3] / m[0]
        return {"mass": float(m[0]), "j": float(m[3]), "u": float(u), "m2": float(m[4]),
                "T": float((m[4] / m[0] - u * u) / 3.0),
                "u_perp": [float(m[1] / m[0]), float(m[2] / m[0])]}

    def describe(self) -> dict:
        d = self.op.describe()
        d["spherical_average_matrix"] = list(self._j0.shape)
        return d


@dataclass(frozen=True)
class GridEFieldState(ResultMixin):
    """A steady state of (5.1) on the grid (from :func:`solve_grid_steady`).

    Attributes
    ----------
    problem : EFieldProblem
        The equation solved.
    n, half_width : int, float
        The grid: ``n^3`` points of ``[-L, L)^3``, ``L = half_width``.
    cutoff : float
        ``R``, the collision kernel's cut-off ``|q| <= R``.
    sphere_degree : int
        Lebedev degree of the collision operator's sphere rule.
    f : ndarray
        The density on the grid, shape ``(n, n, n)``, mass 1.
    residual : float
        ``max |F(f)| / max |f|``, ``F`` the right-hand side of (5.1).
    newton_steps, gmres_iterations : int
        Newton steps and GMRES iterations taken.
    cpu_seconds : float
        CPU time of the solve.
    """

    problem: EFieldProblem
    n: int
    half_width: float
    cutoff: float
    sphere_degree: int
    f: NDArray = field(repr=False)
    residual: float
    newton_steps: int
    gmres_iterations: int
    cpu_seconds: float

    def fluid(self) -> dict:
        """``mass``, drift ``u`` along ``e_z``, ``m2`` and temperature ``T`` of ``f``."""
        m = grid_moments(self.f, self.half_width)
        u = m[3] / m[0]
        return {"mass": float(m[0]), "u": float(u), "m2": float(m[4]),
                "T": float((m[4] / m[0] - u * u) / 3.0)}

    def moments(self) -> dict:
        """The same as :meth:`fluid` (the package's verb)."""
        return self.fluid()

    @property
    def u(self) -> float:
        return self.fluid()["u"]

    @property
    def T(self) -> float:
        return self.fluid()["T"]

    def summary(self) -> dict:
        mom = self.fluid()
        return {"E": self.problem.field, "epsilon": self.problem.epsilon, "u": mom["u"],
                "T": mom["T"], "m2": mom["m2"], "mass": mom["mass"], "model": "kinetic-grid",
                "residual": self.residual, "n": self.n, "half_width": self.half_width,
                "cutoff_R": self.cutoff, "sphere_degree": self.sphere_degree,
                "newton_steps": self.newton_steps, "gmres_iterations": self.gmres_iterations,
                "cpu_seconds": self.cpu_seconds}


def preconditioner_symbol(model: GridEField, f: NDArray) -> NDArray:
    """``-(1/epsilon + nu + D_bar |eta|^2 + i E eta_z)`` on the half spectrum, ``D_bar`` the
    mean of ``D`` weighted by ``f``."""
    p = model.problem
    dbar = float(np.sum(model.d_values * np.abs(f)) / np.sum(np.abs(f)))
    return -(1.0 / p.epsilon + p.nu + dbar * model._eta2 + p.field * model._ik[2])


def solve_grid_steady(model: GridEField, f0: NDArray, tol: float = 1e-10,
                      max_steps: int = 30, gmres_rtol: float = 1e-2, restart: int = 60,
                      slow_rate: float = 1.0, callback=None) -> GridEFieldState:
    """Steady state of (5.1) by Newton-GMRES from ``f0`` (module docstring), normalised to mass
    1, until ``max |F(f)| / max |f| <= tol``.

    Inexact Newton: each GMRES solve to relative residual ``gmres_rtol`` (the Newton residual
    then falls by about that factor per step), backtracking on ``|G|_2``.  Right preconditioner
    (rebuilt at each step): the collision invariants times ``f`` (the slow, hydrodynamic
    directions, rates O(1)) are scaled by ``-1/slow_rate``; the rest by the Fourier multiplier
    :func:`preconditioner_symbol`.  Raises ConvergenceError after ``max_steps``.
    """
    from scipy.sparse.linalg import LinearOperator, gmres

    c0 = time.process_time()
    p = model.problem
    ball = model.ball
    f = np.where(ball, np.asarray(f0, dtype=float), 0.0)
    f /= grid_moments(f, model.half_width)[0]
    w0 = f[ball] / p.epsilon
    h3 = model.op.cell_volume
    fft = model.fft
    xb = [xs * np.ones(ball.shape) for xs in model._xs]
    phis = np.stack([np.ones(ball.shape)[ball], xb[0][ball], xb[1][ball], xb[2][ball],
                     (xb[0] ** 2 + xb[1] ** 2 + xb[2] ** 2)[ball]])

    def G(x: NDArray) -> tuple[NDArray, NDArray]:
        r = model.rhs(_embed(x, ball))
        return r[ball] + (1.0 - h3 * np.sum(x)) * w0, r

    x = f[ball].copy()
    gx, r = G(x)
    scale = float(np.max(np.abs(x)))
    res = float(np.max(np.abs(r[ball]))) / scale
    iters = 0
    for step in range(max_steps + 1):
        if callback is not None:
            callback(step, res, model.fluid(_embed(x, ball)))
        if res <= tol and abs(1.0 - h3 * np.sum(x)) < 1e-12:
            return GridEFieldState(p, model.n, model.half_width, model.op.cutoff,
                                   model.op.sphere_degree, _embed(x, ball), res, step, iters,
                                   time.process_time() - c0)
        if step == max_steps:
            break
        gnorm = float(np.linalg.norm(gx))
        fx = np.abs(x)
        symbol = preconditioner_symbol(model, _embed(fx, ball))
        basis = phis * fx
        gram_inv = np.linalg.inv(phis @ basis.T)

        def precond(y: NDArray, symbol=symbol, basis=basis, gram_inv=gram_inv) -> NDArray:
            c = gram_inv @ (phis @ y)
            slow = c @ basis
            spec = fft.forward(_embed(y - slow, ball)) / symbol
            return fft.backward(spec)[ball] - slow / slow_rate

        count = [0]

        def a_op(y: NDArray, x=x, gx=gx, scale=scale, count=count, precond=precond
                 ) -> NDArray:
            count[0] += 1
            v = precond(y)
            nv = float(np.max(np.abs(v)))
            if nv == 0:
                return np.zeros_like(v)
            s = 1e-7 * scale / nv
            return (G(x + s * v)[0] - gx) / s

        A = LinearOperator((x.size, x.size), matvec=a_op, dtype=float)
        y, _info = gmres(A, -gx, rtol=gmres_rtol, restart=restart, maxiter=5, atol=0.0)
        iters += count[0]
        dx = precond(y)
        lam = 1.0
        for _ in range(12):  # backtracking on the 2-norm of G
            trial = x + lam * dx
            gt, rt = G(trial)
            if np.all(np.isfinite(gt)) and np.linalg.norm(gt) < (1 - 1e-4 * lam) * gnorm:
                break
            lam /= 2
        x, gx, r = trial, gt, rt
        scale = float(np.max(np.abs(x)))
        res = float(np.max(np.abs(r[ball]))) / scale
    raise ConvergenceError(f"grid Newton stopped at residual {res:.3g} after {max_steps} steps "
                           f"(N = {model.n}, L = {model.half_width:g})")


def _embed(x: NDArray, ball: NDArray) -> NDArray:
    g = np.zeros(ball.shape)
    g[ball] = x
    return g


def from_hermite(model: GridEField, state) -> NDArray:
    """A Hermite state (:class:`kacspectral.efield.kinetic.KineticState`) on the grid's ball:
    ``M_ref sum_j a_j phi_j`` (:meth:`AxisymmetricBasis.density`), set to 0 where negative."""
    x = model._xs
    shape = model.fft.shape
    vz = np.broadcast_to(x[2], shape)[model.ball]
    rho2 = np.broadcast_to(x[0] ** 2 + x[1] ** 2, shape)[model.ball]
    out = np.zeros(shape)
    out[model.ball] = np.maximum(state.basis.density(state.coeffs, vz, rho2), 0.0)
    return out


def leading_eigenvalues(model: GridEField, f: NDArray, count: int = 4, ncv: int = 40,
                        tol: float = 1e-6) -> NDArray:
    """The ``count`` eigenvalues of largest real part of the linearisation of (5.1) at ``f``
    (on the ball, in the mass-zero directions: the mass is pinned by the term
    ``-mass(h) f / epsilon``, which moves the mass mode's zero eigenvalue to about
    ``-1/epsilon``), by ARPACK (``scipy.sparse.linalg.eigs``, ``which="LR"``) on
    Jacobian-vector products by forward differences; largest real part first."""
    from scipy.sparse.linalg import LinearOperator, eigs

    ball = model.ball
    eps = model.problem.epsilon
    h3 = model.op.cell_volume
    x0 = np.asarray(f, dtype=float)[ball]
    r0 = model.rhs(_embed(x0, ball))[ball]
    scale = float(np.max(np.abs(x0)))

    def jvp(v: NDArray) -> NDArray:
        nv = float(np.max(np.abs(v)))
        if nv == 0:
            return np.zeros_like(v)
        s = 1e-7 * scale / nv
        r = model.rhs(_embed(x0 + s * v, ball))[ball]
        return (r - r0) / s - h3 * np.sum(v) * x0 / eps

    A = LinearOperator((x0.size, x0.size), matvec=jvp, dtype=float)
    rng = np.random.default_rng(0)
    v0 = x0 * (1.0 + 0.1 * rng.standard_normal(x0.size))
    vals = eigs(A, k=count, which="LR", ncv=ncv, tol=tol, v0=v0, return_eigenvectors=False)
    return vals[np.argsort(-vals.real)]
