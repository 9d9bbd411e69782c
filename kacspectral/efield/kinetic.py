"""Kinetic solver of the electric-field equation (seed 003, section 5, eq. (5.1)).

    df/dt = (1/epsilon) Q(f, f) - E . grad_v f + nu (f~ - f) + div_v[ D(|v|) M grad_v(f/M) ]

Galerkin discretisation in the axisymmetric basis ``phi_j`` about ``M_ref = M_{u_ref e_z, T_ref}``
(:mod:`kacspectral.efield.basis`), ``a_j = int phi_j f``, ``f = M_ref sum a_j phi_j``:

* collisions: the exact Hermite-Bobylev tensor of Maxwell molecules restricted to axisymmetric
  states (the ``m = m1 = m2 = 0`` entries only:
  :class:`kacspectral.boltzmann.anisotropic.axisymmetric.AxisymmetricCollisionOperator`, ~K^5
  entries instead of the full tensor's ~K^6), independent of the reference and Galilean
  invariant, through the orthogonal map to the Burnett coefficients ``psi_{nl0}``;
* field (``E = E e_z``): ``int phi_i (-E d_z f) = E int f d_z phi_i`` and
  ``d_z phi_{pk} = sqrt(p/T_ref) phi_{p-1,k}``: a sparse matrix, exact;
* isotropisation: ``int phi_i (f~ - f) = int (phi_i~ - phi_i) f`` (the spherical average about
  the ORIGIN is self-adjoint), ``phi_i~(|v|)`` by a Gauss-Legendre rule in ``cos(theta)``
  exact for degree ``K``, then the product quadrature (exact);
* diffusion, weak form: ``int phi_i div[D M grad(f/M)] = -int D f grad(phi_i) . grad log(f/M)``
  with ``f = M_ref P``, ``grad log(f/M) = grad P / P + v/T0 - (v - u_ref)/T_ref``, i.e.
  ``-int D M_ref grad phi_i . [grad phi_j + phi_j (v/T0 - (v - u_ref)/T_ref)]`` by the product
  quadrature (exact for constant ``D``; convergent in ``nodes`` otherwise).

Mass is conserved by every term (the ``phi_00`` row of the operator vanishes); the stationary
equation replaces it by ``a_00 = 1`` and is solved by Newton with the exact Jacobian
(dense, ``size ~ K^2/4``).  The reference is moved to the state's own drift and temperature
(``recenter``), so that the expansion converges fast for the far-from-M states of the branches.

Limits (measured by ``validation/electric_field.py``): a state much wider than the scale on which
``D`` varies converges slowly in ``K`` -- for ``D = 0.05 + 5 exp(-r^2/2)`` the hot state
(``T ~ 8.3``, width ~2.9) keeps a narrow structure at ``|v| <~ 1`` and its temperature moves by
~1e-2 between ``K = 16`` and ``K = 20``, while the cold state (``T ~ 1.4``) moves by ~2e-4.
The cold stable state of that example at ``E = 1.3`` exists only for ``epsilon < eps_f``:
continued in epsilon through the fold (:func:`kacspectral.efield.sweep.epsilon_branch`) it
meets the saddle at ``eps_f = 0.0262 / 0.0247 / 0.0245`` (``K = 12 / 16 / 20``; there
``(u, T) = (0.778, 1.874)`` and the leading eigenvalue crosses zero), so at ``epsilon = 0.05``
the kinetic equation has only the hot state at ``E = 1.3`` -- a property of (5.1), not of the
truncation or of Newton's start (``validation/electric_field_eps_fold.py``).
For that ``D`` at ``E = 1.3`` and ``epsilon >= 1`` Newton finds no state (the steady state, if
any, is not representable about one Maxwellian); with constant ``D`` states with ``u = 2``,
``T = 20 T0`` at ``epsilon = 10`` have moments exact to 1e-12.

Reference: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and properties of, a
non-equilibrium steady state in a dilute gas" (2014), section 5 ("seed 003" in the
project's notes); conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp
from scipy.special import roots_legendre

from kacspectral.boltzmann.anisotropic.axisymmetric import AxisymmetricCollisionOperator
from kacspectral.efield.basis import AxisymmetricBasis
from kacspectral.efield.problem import Diffusion, EFieldProblem
from kacspectral.errors import ConvergenceError
from kacspectral.results import ResultMixin

__all__ = ["KineticOperator", "KineticState", "evolve", "solve_steady", "truncation_error"]


class KineticOperator:
    """Right-hand side ``a' = (1/epsilon) C(a) + L a`` of (5.1) on an :class:`AxisymmetricBasis`.

    Parameters
    ----------
    problem : EFieldProblem
        The equation.
    basis : AxisymmetricBasis
        The truncation and reference Maxwellian.
    max_bytes : int or None
        Memory budget of the Maxwell-molecule collision tensor
        (:class:`kacspectral.boltzmann.anisotropic.axisymmetric.AxisymmetricCollisionOperator`;
        None: its default, 2 GiB; ``K = 60`` needs 52 MB).
    """

    def __init__(self, problem: EFieldProblem, basis: AxisymmetricBasis,
                 max_bytes: int | None = None):
        if not isinstance(problem, EFieldProblem):
            raise TypeError(f"problem must be an EFieldProblem, got {problem!r}")
        self.problem = problem
        self.basis = basis
        self._coll = AxisymmetricCollisionOperator(basis.degree, problem.kernel,
                                                   max_bytes=max_bytes)
        # same layout: the m = 0 Burnett labels by degree, then l
        assert [(n, l) for n, l, _ in basis.burnett_labels] == self._coll.labels
        self._U = basis.to_burnett

    # ------------------------------------------------------------------ linear parts
    @cached_property
    def field_matrix(self) -> NDArray:
        """``F`` with ``F a`` = coefficients of ``-d_z f`` (exact, sparse pattern)."""
        b = self.basis
        F = np.zeros((b.size, b.size))
        for i, (p, k) in enumerate(b.labels):
            if p >= 1:
                F[i, b.index(p - 1, k)] = math.sqrt(p / b.t_ref)
        return F

    @cached_property
    def isotropise_matrix(self) -> NDArray:
        """``A`` with ``A a`` = coefficients of ``f~ - f`` (spherical average about 0)."""
        b = self.basis
        q = b.quadrature
        mu, wmu = roots_legendre(b.degree // 2 + 2)
        r2 = q["vz"] ** 2 + q["rho2"]
        r = np.sqrt(r2)
        avg = np.zeros((b.size, r.size))
        for m, wm in zip(mu, wmu, strict=True):
            avg += 0.5 * wm * b.values(r * m, r2 * (1 - m * m))
        return (avg * q["w"]) @ q["phi"].T - np.eye(b.size)

    @cached_property
    def diffusion_matrix(self) -> NDArray:
        """``B`` with ``B a`` = coefficients of ``div[D M grad(f/M)]`` (weak form)."""
        b, p = self.basis, self.problem
        assert isinstance(p.diffusion, Diffusion)
        q = b.quadrature
        rho2, vz = q["rho2"], q["vz"]
        d = np.real(p.diffusion(np.sqrt(vz**2 + rho2))) * q["w"]
        gz = vz / p.t0 - (vz - b.u_ref) / b.t_ref
        gr = 1.0 / p.t0 - 1.0 / b.t_ref  # radial part over rho
        phi, dz, dr = q["phi"], q["dz"], q["dr"]
        # grad phi_i . (grad phi_j + phi_j g): two products of (size, nodes^2) matrices
        return -((dz * d) @ (dz + gz * phi).T + (dr * (d * rho2)) @ (dr + gr * phi).T)

    @cached_property
    def linear(self) -> NDArray:
        p = self.problem
        return p.field * self.field_matrix + p.nu * self.isotropise_matrix + self.diffusion_matrix

    # ------------------------------------------------------------------ collisions
    def collision(self, a: NDArray) -> NDArray:
        """Coefficients of ``Q(f, f)``."""
        x = self._U.T @ a
        return self._U @ self._coll.collision(x, x)

    def collision_jacobian(self, a: NDArray) -> NDArray:
        """Jacobian of :meth:`collision` (dense)."""
        J = self._coll.collision_jacobian(self._U.T @ a)
        return self._U @ (J @ self._U.T)

    # ------------------------------------------------------------------ full
    def rhs(self, a: NDArray) -> NDArray:
        return self.collision(a) / self.problem.epsilon + self.linear @ a

    def jacobian(self, a: NDArray) -> NDArray:
        return self.collision_jacobian(a) / self.problem.epsilon + self.linear

    def eigenvalues(self, a: NDArray, count: int = 6) -> NDArray:
        """The ``count`` eigenvalues of the linearisation (mass-zero subspace) with the largest
        real parts, largest first."""
        ev = np.linalg.eigvals(self.jacobian(a)[1:, 1:])
        return ev[np.argsort(-ev.real)][:count]


@dataclass(frozen=True)
class KineticState(ResultMixin):
    """A steady state of (5.1) (from :func:`solve_steady`); a ``ResultMixin`` result
    (``to_dict``, ``save``, ``kacspectral.load``).

    ``residual``: max-norm of the Galerkin right-hand side at the solution; ``eigenvalues``: the
    leading eigenvalues of the linearised operator; ``stable``: their real parts are < 0.
    :meth:`fluid` gives mass, current, drift, ``m2`` and temperature; :meth:`moments` the
    package's radial moments; :meth:`summary` the flat record of the CLI's ``states``.

    Attributes
    ----------
    problem : EFieldProblem
        The problem solved.
    basis : AxisymmetricBasis
        The truncation ``K`` and the reference Maxwellian ``M_{u_ref e_z, T_ref}`` of the
        expansion.
    coeffs : ndarray
        The coefficients ``a_j = int phi_j f dv`` in ``basis``.
    residual : float
        Max-norm of the Galerkin right-hand side at ``coeffs``.
    eigenvalues : tuple of complex
        Leading eigenvalues (largest real parts) of the linearised Galerkin operator.
    newton_steps : int
        Newton steps taken (over all re-centrings of the reference Maxwellian).
    """

    problem: EFieldProblem
    basis: AxisymmetricBasis
    coeffs: NDArray = field(repr=False)
    residual: float
    eigenvalues: tuple
    newton_steps: int

    def fluid(self) -> dict:
        """``mass``, ``j``, ``u``, ``m2``, ``T`` (:meth:`AxisymmetricBasis.fluid`)."""
        return self.basis.fluid(self.coeffs)

    def moments(self, n_max: int) -> NDArray:
        """Radial moments ``[m_0, m_2, ..., m_{2 n_max}]``, ``m_{2n} = int |v|^(2n) f dv``
        (the package's meaning, conventions page ``docs/conventions.md``): by the basis's
        product Gauss rule, exact for the truncated expansion while ``2n + K < 2 nodes``;
        NaN for ``2n`` above the truncation degree ``K``, as elsewhere in the package."""
        n_max = int(n_max)
        if n_max < 0:
            raise ValueError(f"n_max must be >= 0, got {n_max}")
        q = self.basis.quadrature
        P = np.asarray(self.coeffs) @ q["phi"]
        r2 = q["vz"] ** 2 + q["rho2"]
        out = np.array([float(np.sum(q["w"] * P * r2**n)) for n in range(n_max + 1)])
        out[2 * np.arange(n_max + 1) > self.basis.degree] = np.nan
        return out

    @property
    def u(self) -> float:
        return self.fluid()["u"]

    @property
    def T(self) -> float:
        return self.fluid()["T"]

    @property
    def m2(self) -> float:
        return self.fluid()["m2"]

    @property
    def stable(self) -> bool:
        return bool(np.real(self.eigenvalues[0]) < 0)

    def summary(self) -> dict:
        """Flat JSON-ready record (the CLI's ``states`` entries)."""
        mom = self.fluid()
        return {"E": self.problem.field, "epsilon": self.problem.epsilon, "u": mom["u"],
                "T": mom["T"], "m2": mom["m2"], "stable": self.stable, "model": "kinetic",
                "residual": self.residual, "degree": self.basis.degree,
                "reference": [self.basis.u_ref, self.basis.t_ref],
                "tail": self.basis.tail(self.coeffs),
                "eigenvalues": [[complex(e).real, complex(e).imag] for e in self.eigenvalues]}


def _newton(op: KineticOperator, a: NDArray, tol: float, max_steps: int) -> tuple:
    a = a.copy()
    a[0] = 1.0
    res = math.inf
    for step in range(max_steps + 1):
        r = op.rhs(a)
        r[0] = 0.0
        res = float(np.max(np.abs(r)))
        if res <= tol:
            return a, res, step
        J = op.jacobian(a)
        J[0, :] = 0.0
        J[0, 0] = 1.0
        da = np.linalg.solve(J, -r)
        lam = 1.0
        for _ in range(20):  # backtracking on the residual
            trial = a + lam * da
            rt = op.rhs(trial)
            rt[0] = 0.0
            if np.all(np.isfinite(rt)) and np.max(np.abs(rt)) < (1 - 1e-4 * lam) * res:
                break
            lam /= 2
        a = trial
    raise ConvergenceError(f"kinetic Newton stopped at residual {res:.3g} after {max_steps} "
                           f"steps (degree {op.basis.degree}); try another initial guess")


def solve_steady(problem: EFieldProblem, guess: tuple | KineticState, degree: int = 16,
                 nodes: int | None = None, recenter: int = 3, tol: float = 1e-11,
                 max_steps: int = 40, eig_count: int = 6,
                 t_ref_factor: float = 1.0, max_bytes: int | None = None) -> KineticState:
    """Steady state of (5.1) by Newton from the Maxwellian ``M_{u e_z, T}``, ``guess = (u, T)``,
    or from a previous :class:`KineticState` (its coefficients, e.g. along a sweep in E).

    The reference Maxwellian starts at the guess and is moved to the solution's own ``(u, T)``
    up to ``recenter`` times (until it moves by less than 1e-9); ``t_ref = t_ref_factor * T``
    (a factor > 1 suits states whose tails are hotter than their bulk).  ``tol``: max-norm of the
    Galerkin residual.  ``max_bytes``: memory budget of the collision tensor
    (:class:`KineticOperator`).  Raises ConvergenceError when Newton fails.
    """
    if isinstance(guess, KineticState):
        mom = guess.fluid()
        basis = AxisymmetricBasis(degree, mom["u"], mom["T"], nodes)
        a = basis.project(guess.coeffs, guess.basis)
    else:
        u, T = float(guess[0]), float(guess[1])
        if not T > 0:
            raise ValueError(f"the temperature guess must be > 0, got {T!r}")
        basis = AxisymmetricBasis(degree, u, T, nodes)
        a = np.zeros(basis.size)
        a[0] = 1.0
    steps = 0
    for it in range(recenter + 1):
        op = KineticOperator(problem, basis, max_bytes)
        a, res, n = _newton(op, a, tol, max_steps)
        steps += n
        mom = basis.fluid(a)
        if not (math.isfinite(mom["u"]) and math.isfinite(mom["T"]) and mom["T"] > 0):
            raise ConvergenceError(f"kinetic Newton reached a state with (u, T) = "
                                   f"({mom['u']:.6g}, {mom['T']:.6g}) (degree {degree}): not a "
                                   f"density; try another initial guess or a higher degree")
        t_new = t_ref_factor * mom["T"]
        moved = abs(mom["u"] - basis.u_ref) + abs(t_new - basis.t_ref)
        if it == recenter or moved < 1e-9 * (1 + mom["T"]):
            break
        new = AxisymmetricBasis(degree, mom["u"], t_new, nodes)
        a = new.project(a, basis)
        basis = new
    ev = op.eigenvalues(a, eig_count)
    return KineticState(problem, basis, a, res, tuple(complex(e) for e in ev), steps)


def truncation_error(state: KineticState, step: int = 2,
                     count: int = 4) -> tuple[float | None, bool]:
    """Estimated error of ``state``'s temperature due to the truncation ``K``.

    The state is solved again (Newton from ``state``) at ``K - step, ..., K - count step``
    (down to degree 2).  Returns ``(error, settled)``:

    * ``settled = True`` when the differences ``d_i`` of ``T`` along these degrees have one
      sign and strictly decreasing magnitudes with ratios ``r_i < 0.9``; ``error`` is then the
      geometric tail ``|d_last| / (1 - max r_i)``.
    * ``settled = False`` otherwise (a turning point, growing increments, or rounding-level
      wiggles); ``error`` is then the spread ``max T - min T`` over the degrees -- only a lower
      bound of the error: the temperature may still be drifting.
    * ``(None, False)`` when fewer than three degrees are available or a lower-degree Newton
      fails.

    Why so strict: the hot state of the issue's example (E = 1.3, epsilon = 0.01, T = 8.41) has
    ``T = 8.2975, 8.2918, 8.2938, 8.2975`` at ``K = 10, 12, 14, 16`` (a turning point) and
    increments growing up to ``K ~ 28``; only from ``K ~ 32`` do they fall geometrically
    (ratio ~0.8 per two degrees; ``validation/electric_field_truncation.py``).  A
    two-difference estimate at ``K = 12`` gave 1.5e-3 for a true error of 0.11.
    """
    K = state.basis.degree
    degrees = [k for k in range(K - count * step, K, step) if k >= 2]
    if len(degrees) < 2:
        return None, False
    temps = []
    for k in degrees:
        try:
            temps.append(solve_steady(state.problem, state, degree=k, eig_count=1).T)
        except ConvergenceError:
            return None, False
    temps.append(state.T)
    d = np.diff(temps)
    ratios = np.abs(d[1:] / np.where(d[:-1] == 0, np.inf, d[:-1]))
    if (np.all(d > 0) or np.all(d < 0)) and np.all(ratios < 0.9):
        return float(abs(d[-1]) / (1 - ratios.max())), True
    return float(max(temps) - min(temps)), False


def relax(problem: EFieldProblem, start: KineticState, t_final: float = 2000.0,
          chunk: float = 10.0, degree: int | None = None, tol: float = 1e-11) -> KineticState:
    """The steady state that the time evolution from ``start`` (with ``problem``'s field)
    reaches: BDF over chunks of length ``chunk``, the reference moved to the current
    ``(u, T)`` after each chunk (quadrature nodes by the default rule for that ``T``), until
    the drift and temperature move by less than ``1e-4`` over a chunk; then Newton.  If Newton
    fails (e.g. in the slow passage near a fold) the evolution goes on with a 100 times
    smaller threshold, up to ``t_final`` (just past a fold the passage through the fold's
    ghost is slow: ~500 time units at E = 1.22, eps = 0.01 for the example of the issue).
    (A quasi-static sweep in E uses it to jump at a fold.)"""
    degree = degree or start.basis.degree
    basis = AxisymmetricBasis(degree, start.u, start.T)
    a = basis.project(start.coeffs, start.basis)
    t = 0.0
    last = basis.fluid(a)
    threshold = 1e-4
    while True:
        while t < t_final:
            a = evolve(problem, basis, a, np.array([chunk]), rtol=1e-7, atol=1e-10)[-1]
            t += chunk
            mom = basis.fluid(a)
            new = AxisymmetricBasis(degree, mom["u"], mom["T"])
            a = new.project(a, basis)
            basis = new
            moved = abs(mom["u"] - last["u"]) + abs(mom["T"] - last["T"])
            last = mom
            if moved < threshold:
                break
        guess = KineticState(problem, basis, a, math.nan, (), 0)
        try:
            return solve_steady(problem, guess, degree, tol=tol)
        except ConvergenceError:
            if t >= t_final:
                raise
            threshold /= 100


def evolve(problem: EFieldProblem, basis: AxisymmetricBasis, a0: NDArray, times: NDArray,
           rtol: float = 1e-9, atol: float = 1e-12) -> NDArray:
    """Coefficients at ``times`` of the solution of ``a' = (1/eps) C(a) + L a`` from ``a0``
    (implicit BDF of scipy with the exact Jacobian; the collisions are stiff for small eps)."""
    op = KineticOperator(problem, basis)
    times = np.asarray(times, dtype=float)
    sol = solve_ivp(lambda t, a: op.rhs(a), (0.0, float(times[-1])), np.asarray(a0, float),
                    method="BDF", t_eval=times, jac=lambda t, a: op.jacobian(a),
                    rtol=rtol, atol=atol)
    if not sol.success:
        raise ConvergenceError(f"time integration failed: {sol.message}")
    return sol.y.T
