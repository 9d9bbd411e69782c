"""``kacspectral efield``: the gas driven by an electric field (seed 003, section 5, eq. (5.1)).

Reduced (epsilon -> 0) model: every stationary drift and temperature ``(u, T)`` at the field(s),
their stability, and the fold points of the branch continued from ``E = 0``
(:mod:`kacspectral.efield.reduced`).  Kinetic model at ``--epsilon``: Newton from each reduced
state (:mod:`kacspectral.efield.kinetic`), with the residual and the stability from the leading
eigenvalue of the linearised operator, and its truncation error in ``T`` estimated from the
degrees ``K - 8, ..., K`` (:func:`kacspectral.efield.kinetic.truncation_error`): a state whose
estimate exceeds ``--truncation-tol`` (relative), or whose temperature has not settled in ``K``,
is printed, flagged by a warning, and the exit status is 1.

Reference: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and properties of, a
non-equilibrium steady state in a dilute gas" (2014), section 5 ("seed 003" in the
project's notes); conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

from kacspectral.efield.kinetic import KineticState, solve_steady, truncation_error
from kacspectral.efield.problem import Diffusion, EFieldProblem
from kacspectral.efield.reduced import continue_branch, stationary_states
from kacspectral.errors import ConvergenceError, TruncationWarning, check_budget
from kacspectral.physics.expressions import parse_expression
from kacspectral.physics.kernels import AngularKernel, get_kernel

from ._common import (
    Progress,
    add_kernel_option,
    emit_json,
    non_negative_float,
    number,
    positive_float,
    positive_int,
    short,
)

COMMAND = "efield"
HELP = "gas driven by an electric field: steady states, stability, folds (seed 003, sec. 5)"

MAX_SCAN = 2000
MAX_DEGREE = 60
DEFAULT_DEGREE = 28


def solve_seconds(K: int) -> float:
    """Estimated CPU seconds of one kinetic Newton solve at degree ``K``,
    ``0.4 + 5 (K/44)^4.5`` (one thread; 1.1-1.7 times the slowest of the three states of the
    issue's example in three runs of ``validation/efield_axisymmetric_tensor.py``: 0.27-0.44 s at
    K = 20, 0.81-1.05 at 28, 1.6-1.9 at 36, 3.6-3.8 at 44, 7.9-9.6 at 52, 17.8-18.7 at 60; the
    basis's products on the ``(2K + 24)^2`` quadrature nodes dominate, the m = 0 collision tensor
    takes 1.5 s to build at 60).  At ``--degree 60`` one field (three states, each also at
    ``K - 8, ..., K - 2``) is estimated at 4 minutes."""
    return 0.4 + 5.0 * (K / 44) ** 4.5


def check_kinetic_budget(args: argparse.Namespace, states: int, fields: int) -> float:
    """Refuse (before any kinetic solve) ``states`` kinetic Newton solves at ``--degree K``,
    each with its truncation estimate at ``K - 8, ..., K - 2`` (:func:`solve_seconds` per
    degree), beyond the time budget; return the estimate in seconds.  Counted from the reduced
    states actually found (``--scan 0 2 200``: 234 states, not three per field)."""
    per_state = sum(solve_seconds(k) for k in range(args.degree - 8, args.degree + 1, 2)
                    if k >= 2)
    seconds = states * per_state
    check_budget(f"efield: {states} kinetic state(s) at {fields} field(s), --degree "
                 f"{args.degree}", seconds=seconds,
                 hint="use fewer --scan fields, a lower --degree or --reduced-only")
    return seconds


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--field", type=non_negative_float, default=1.3, metavar="E",
                        help="field strength along z, >= 0 (default: 1.3; -E is the mirror "
                        "image)")
    parser.add_argument("--nu", type=non_negative_float, default=1.0,
                        help="rate of the isotropising term nu (f~ - f) (default: 1)")
    parser.add_argument("--diffusion", default="0.05 + 5*exp(-r**2/2)", metavar="D",
                        help="D(r), r = |v|: a number or an expression in r "
                        "(default: '0.05 + 5*exp(-r**2/2)')")
    parser.add_argument("--epsilon", type=positive_float, default=0.01,
                        help="collision time epsilon of the kinetic model (default: 0.01)")
    add_kernel_option(parser)
    parser.add_argument("--t0", type=positive_float, default=1.0,
                        help="temperature T0 of M (default: 1)")
    parser.add_argument("--scan", nargs=3, metavar=("E0", "E1", "N"),
                        help="N fields from E0 to E1 instead of --field")
    parser.add_argument("--degree", type=positive_int, default=DEFAULT_DEGREE, metavar="K",
                        help=f"kinetic truncation degree K, 2..{MAX_DEGREE} (default: "
                        f"{DEFAULT_DEGREE})")
    parser.add_argument("--truncation-tol", type=positive_float, default=1e-4, metavar="TOL",
                        help="largest accepted truncation error of a kinetic temperature, "
                        "relative (estimated from the degrees K-8..K; default: 1e-4)")
    parser.add_argument("--reduced-only", action="store_true",
                        help="skip the kinetic states")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _fields(args: argparse.Namespace) -> list[float]:
    if args.scan is None:
        return [args.field]
    try:
        e0, e1 = (float(number(x)) for x in args.scan[:2])
        count = positive_int(args.scan[2])
    except argparse.ArgumentTypeError as exc:
        raise ValueError(f"--scan takes E0 E1 N (two numbers and an integer >= 1): {exc}") \
            from None
    if e0 < 0 or e1 < 0:
        raise ValueError(f"--scan fields must be >= 0, got {short(e0)} {short(e1)}")
    if count > MAX_SCAN:
        raise ValueError(f"--scan N must be an integer in [1, {MAX_SCAN}], got {short(count)}")
    return [float(e) for e in np.linspace(e0, e1, count)]


def _diffusion(text: str) -> Diffusion:
    expr = parse_expression(text, variables=("r",), what="diffusion expression")
    return Diffusion.from_expression(expr)


def run(args: argparse.Namespace) -> int:
    fields = _fields(args)
    if not 2 <= args.degree <= MAX_DEGREE:
        raise ValueError(f"--degree must be in [2, {MAX_DEGREE}] (the kinetic basis's limit), "
                         f"got {short(args.degree)}")
    if not args.truncation_tol < 1:
        raise ValueError(f"--truncation-tol must be in (0, 1), got {short(args.truncation_tol)}")
    kernel = get_kernel(args.kernel)
    diffusion = _diffusion(args.diffusion)
    problem = EFieldProblem(fields[0], args.nu, diffusion, args.epsilon, kernel, args.t0)
    try:
        return _run(args, fields, kernel, diffusion, problem)
    except np.linalg.LinAlgError as exc:  # a ValueError subclass, but numerical trouble
        raise ConvergenceError(f"linear algebra failed ({exc}); the problem is too badly "
                               f"conditioned in double precision") from None


def _run(args: argparse.Namespace, fields: list[float], kernel: AngularKernel,
         diffusion: Diffusion, problem: EFieldProblem) -> int:
    e_top = max(fields)
    t0 = args.t0
    branch = continue_branch(problem, e_max=1.25 * e_top + 0.25, t_max=200.0 * t0)
    folds = [{"E": f.E, "u": f.u, "T": f.T, "m2": f.m2} for f in branch.folds]
    states: list[dict] = []
    missing: list[dict] = []
    flagged = 0
    reduced_at = []
    for E in fields:  # the reduced states first (cheap: 200 fields in about a second)
        if E <= branch.E.max():
            reduced = branch.states_at(E)
        else:  # the branch left the range of T first
            reduced = stationary_states(problem.with_field(E), grid=6,
                                        t_range=(0.1 * t0, 50.0 * t0))
        if not reduced:
            raise ConvergenceError(
                f"no stationary state of the reduced model found at E = {E:g} (Newton "
                f"from T in [{0.1 * t0:g}, {50 * t0:g}] and along the branch from E = 0 "
                f"up to T = {200 * t0:g}); the state, if any, is hotter than that")
        reduced_at.append(reduced)
    if not args.reduced_only:
        check_kinetic_budget(args, sum(len(r) for r in reduced_at), len(fields))
    with Progress(len(fields), "efield", enabled=not args.json) as bar:
        for E, reduced in zip(fields, reduced_at, strict=True):
            p = problem.with_field(E)
            for st in reduced:
                states.append(st.summary())
            if not args.reduced_only:
                for st in reduced:
                    try:
                        ks = solve_steady(p, (st.u, st.T), degree=args.degree)
                    except ConvergenceError as exc:
                        missing.append({"E": E, "reduced": [st.u, st.T], "message": str(exc)})
                        continue
                    summary = ks.summary()
                    err, settled = truncation_error(ks)
                    summary["truncation_error_T"] = err
                    summary["truncation_settled"] = settled
                    if not _trusted(err, settled, args.truncation_tol * ks.T):
                        flagged += 1
                        _warn_truncation(ks, err, settled, args)
                    states.append(summary)
            bar.update()
    payload = {"command": "efield", "problem": {k: v for k, v in problem.summary().items()
                                                if k != "field"},
               "fields": fields, "degree": args.degree,
               "truncation_tol": args.truncation_tol, "folds": folds, "states": states,
               "kinetic_not_found": missing}
    status = 1 if flagged else 0
    if args.json:
        emit_json(payload)
        return status
    out = sys.stdout
    out.write(f"D(r) = {diffusion.name}, nu = {args.nu}, T0 = {args.t0}, "
              f"epsilon = {args.epsilon}, kernel {kernel.name}, degree {args.degree}\n")
    out.write("folds of the reduced branch (E, u, T): " + (", ".join(
        f"({f['E']:.10f}, {f['u']:.6f}, {f['T']:.6f})" for f in folds) or "none") + "\n")
    out.write(f"{'model':>8} {'E':>10} {'u':>12} {'T':>12} {'m2':>12} {'stable':>7} "
              f"{'residual':>10} {'T trunc.':>10}\n")
    for s in states:
        out.write(f"{s['model']:>8} {s['E']:>10.6f} {s['u']:>12.8f} {s['T']:>12.8f} "
                  f"{s['m2']:>12.8f} {str(s['stable']):>7} {s['residual']:>10.2e} "
                  f"{_trunc_cell(s):>10}\n")
    if any(s.get("truncation_settled") is False for s in states):
        out.write("T trunc.: the estimated truncation error of T; '>' marks a temperature not "
                  "settled in K (the spread over K-8..K, a lower bound)\n")
    for m in missing:
        out.write(f"no kinetic state near the reduced state {m['reduced']} at E = {m['E']}\n")
    return status


def _trunc_cell(s: dict) -> str:
    if s["model"] != "kinetic":
        return ""
    err = s["truncation_error_T"]
    if err is None:
        return "?"
    return ("" if s["truncation_settled"] else ">") + f"{err:.1e}"


def _trusted(err: float | None, settled: bool, tol: float) -> bool:
    """A kinetic temperature is trusted when its estimated truncation error is below ``tol``,
    or, not settled in K, when its spread over the degrees is below ``tol / 10``."""
    if err is None:
        return False
    return err <= tol if settled else err <= 0.1 * tol


def _warn_truncation(ks: KineticState, err: float | None, settled: bool,
                     args: argparse.Namespace) -> None:
    where = f"the kinetic state at E = {ks.problem.field:g} (T = {ks.T:.6g}, K = {args.degree})"
    if err is None:
        text = f"{where}: no truncation estimate (too few degrees below K, or Newton failed there)"
    elif settled:
        text = (f"{where}: estimated truncation error {err:.2g} in T, above --truncation-tol "
                f"{args.truncation_tol:g} relative; raise --degree (at most {MAX_DEGREE})")
    else:
        text = (f"{where}: T has not settled in the truncation (it varies by {err:.2g} over "
                f"K = {max(2, args.degree - 8)}..{args.degree}, and may still drift by more); "
                f"raise --degree (at most {MAX_DEGREE})")
    warnings.warn(text, TruncationWarning, stacklevel=2)
