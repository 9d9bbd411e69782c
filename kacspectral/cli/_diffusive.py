"""Diffusive-reservoir options shared by ``ness``, ``evolve`` and ``entropy`` (seed 003, sec. 3)."""

from __future__ import annotations

import argparse
import sys

from kacspectral._version import __version__
from kacspectral.boltzmann.isotropic.diffusive import DiffusiveNessProblem, solve_diffusive_ness
from kacspectral.boltzmann.isotropic.exact import exact_moments
from kacspectral.boltzmann.isotropic.ness import MAX_MOMENT_ORDER
from kacspectral.physics.fokker_planck import DiffusiveReservoirs
from kacspectral.physics.kernels import get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture

from ._common import emit_json, number

__all__ = ["add_diffusive_options", "diffusive_from_args", "run_diffusive_ness"]


def add_diffusive_options(parser: argparse.ArgumentParser) -> None:
    """``--diffusive-etas``, ``--diffusive-temperatures`` (default: no diffusive reservoir)."""
    parser.add_argument(
        "--diffusive-etas", type=number, nargs="+", default=None, metavar="ETA",
        help="strengths eta_a >= 0 of diffusive (Fokker-Planck) reservoirs (default: none)",
    )
    parser.add_argument(
        "--diffusive-temperatures", type=number, nargs="+", default=None, metavar="T",
        help="temperatures T_a > 0 of the diffusive reservoirs (as many as --diffusive-etas)",
    )


def diffusive_from_args(args: argparse.Namespace) -> DiffusiveReservoirs | None:
    """The reservoirs of ``--diffusive-etas`` / ``--diffusive-temperatures`` (both or neither)."""
    etas = getattr(args, "diffusive_etas", None)
    temps = getattr(args, "diffusive_temperatures", None)
    if etas is None and temps is None:
        return None
    if etas is None or temps is None:
        raise ValueError(
            "--diffusive-etas and --diffusive-temperatures must be given together, got only "
            + ("--diffusive-etas" if temps is None else "--diffusive-temperatures")
        )
    return DiffusiveReservoirs(etas, temps)


def run_diffusive_ness(args: argparse.Namespace, diffusive: DiffusiveReservoirs) -> int:
    """``kacspectral ness`` with diffusive reservoirs: Newton on the resolvent map
    (:func:`~kacspectral.boltzmann.isotropic.diffusive.solve_diffusive_ness`); the Picard
    contraction table of the jump-only problem does not apply and is omitted."""
    reservoir = MaxwellianMixture(args.weights, args.temperatures)
    kernel = get_kernel(args.kernel)
    problem = DiffusiveNessProblem(args.gamma, reservoir, kernel, diffusive=diffusive)
    if args.method != "newton":
        raise ValueError(f"with diffusive reservoirs only --method newton is available, got "
                         f"{args.method!r}")
    if args.moments > MAX_MOMENT_ORDER:
        raise ValueError(f"--moments must be <= {MAX_MOMENT_ORDER} (m_{{2n}} overflows double "
                         f"precision beyond), got {args.moments}")
    if args.exact and not kernel.is_exact:
        raise ValueError(f"--exact needs a kernel with an exact form; {kernel.name!r} has none")
    result = solve_diffusive_ness(problem, tol=args.tol, truncation=args.truncation)
    moments = result.moments(args.moments)
    payload = {
        "command": "ness",
        **problem.describe(),
        "kernel": kernel.describe(),
        "method": result.method,
        "tol": args.tol,
        "truncation": result.truncation,
        "t_ref": result.t_ref,
        "moments": [float(m) for m in moments],
        "iterations": result.iterations,
        "residual": result.residual,
        "energy_error": result.energy_error,
        "min_density": result.min_density,
        "contraction": None,
    }
    if args.exact:
        exact = exact_moments(problem, args.moments)
        payload["exact_moments"] = [str(m) for m in exact]
        payload["max_relative_error"] = max(
            abs(float(m) - float(e)) / abs(float(e)) for m, e in zip(moments, exact, strict=True)
        )
    if args.json:
        emit_json(payload)
        return 0
    out = sys.stdout
    print(f"kacspectral {__version__} -- isotropic NESS with diffusive reservoirs (seed 003, "
          "sections 1 and 3)", file=out)
    print(f"  gamma = {payload['gamma']}, diffusive eta = {payload['diffusive_eta']}, T = "
          f"{payload['diffusive_temperature']}, K = {result.truncation}, residual = "
          f"{result.residual:.2e}", file=out)
    for n, m in enumerate(payload["moments"]):
        line = f"  {n:>3}  {m:>24.17g}"
        if args.exact:
            line += f"  {payload['exact_moments'][n]:>24}"
        print(line, file=out)
    return 0
