"""``kacspectral ness``: the isotropic NESS with thermal reservoirs.

Seed 003; conventions page (docs/conventions.md), section 4.

Solves ``f = (1-gamma) Q+(f,f) + gamma Q+(f,R)`` spectrally
(:mod:`kacspectral.boltzmann.isotropic.ness`), prints the
moments ``m_{2n}``, optionally the exact rational moments
(:mod:`kacspectral.boltzmann.isotropic.exact`), and the
Picard contraction table in the GTW distance (:mod:`kacspectral.boltzmann.isotropic.contraction`).
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from fractions import Fraction

from kacspectral._version import __version__
from kacspectral.boltzmann.isotropic.contraction import picard_contraction
from kacspectral.boltzmann.isotropic.exact import exact_moments
from kacspectral.boltzmann.isotropic.ness import NessProblem, solve_ness
from kacspectral.errors import TruncationWarning, short
from kacspectral.physics.kernels import get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture

from ._common import (
    Progress,
    add_kernel_option,
    add_output_option,
    add_reservoir_options,
    check_finite,
    emit_json,
    non_negative_int,
    positive_float,
    positive_int,
    report_warnings,
    write_output,
)
from ._diffusive import add_diffusive_options, diffusive_from_args, run_diffusive_ness
from ._grid import add_ness_grid_options, ness_grid_main, reject_grid_options

COMMAND = "ness"
HELP = "non-equilibrium steady state of Maxwell molecules with thermal reservoirs"


def configure(parser: argparse.ArgumentParser) -> None:
    add_reservoir_options(parser, "reservoir coupling in (0, 1)")
    add_kernel_option(parser)
    parser.add_argument(
        "--moments", type=non_negative_int, default=6, metavar="N",
        help="report m_0, m_2, ..., m_2N (default: 6)",
    )
    parser.add_argument(
        "--method", choices=["newton", "anderson", "picard", "grid"], default="newton",
        help="fixed-point solver (default: newton; picard is the seed's iteration; grid: the "
        "fast spectral solver on a 3D grid, any --collision)",
    )
    parser.add_argument(
        "--tol", type=positive_float, default=1e-14,
        help="solver tolerance in [2.2e-16, 1e-2] (default: 1e-14)"
    )
    parser.add_argument(
        "--truncation", type=positive_int, default=None, metavar="K",
        help="Laguerre truncation K (default: automatic from the temperatures and --tol)",
    )
    parser.add_argument(
        "--contraction-steps", type=positive_int, default=30, metavar="N",
        help="Picard steps in the contraction table (default: 30; about 0.1 s each, refused "
        "beyond an hour)",
    )
    parser.add_argument(
        "--exact", action="store_true",
        help="also compute the exact rational moments (rational inputs, exact kernel)",
    )
    add_diffusive_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_output_option(parser)
    add_ness_grid_options(parser)
    parser.add_argument("--force", action="store_true",
                        help="grid method: run even when the estimated run time exceeds an "
                        "hour (memory is always checked)")


def run(args: argparse.Namespace) -> int:
    if args.method == "grid":
        return ness_grid_main(args)
    reject_grid_options(args)
    if args.force:
        raise ValueError(f"--force belongs to --method grid, not to --method {args.method}")
    diffusive = diffusive_from_args(args)
    if diffusive is not None:  # seed 003, section 3 (kacspectral.cli._diffusive)
        return run_diffusive_ness(args, diffusive)
    reservoir = MaxwellianMixture(args.weights, args.temperatures)
    kernel = get_kernel(args.kernel)
    problem = NessProblem(args.gamma, reservoir, kernel)
    if args.exact and not kernel.is_exact:
        raise ValueError(
            f"--exact needs a kernel with an exact form (polynomial in s, or kac); "
            f"kernel {kernel.name!r} has none"
        )
    if args.contraction_steps < 2:
        raise ValueError(f"--contraction-steps must be >= 2, got {short(args.contraction_steps)}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = solve_ness(
            problem, method=args.method, tol=args.tol, truncation=args.truncation,
            moment_order=args.moments,
        )
        moments = result.moments(args.moments)
        with Progress(1, "ness: Picard contraction table", enabled=not args.json) as bar:
            report = picard_contraction(
                problem, n_max=args.contraction_steps, tol=args.tol, ness=result, progress=bar
            )
    exact = exact_moments(problem, args.moments) if args.exact else None
    messages = report_warnings(caught)
    payload = {
        "command": "ness",
        "gamma": str(problem.gamma),
        "weights": [str(w) for w in reservoir.weights],
        "temperatures": [str(t) for t in reservoir.temperatures],
        "kernel": kernel.describe(),
        "method": args.method,
        "tol": args.tol,
        "truncation": result.truncation,
        "t_ref": result.t_ref,
        "tail_estimate": result.tail_estimate,
        "moments": [float(m) for m in moments],
        "iterations": result.iterations,
        "residual": result.residual,
        "residual_history": list(result.history),
        "energy_error": result.energy_error,
        "moment_order": result.moment_order,
        "min_density": result.min_density,
        "warnings": messages,
        "contraction": {
            "lambda": report.lam,
            "observed_rate": None if math.isnan(report.observed_rate) else report.observed_rate,
            "fourth_moment_rate": report.fourth_moment_rate,
            "fit_range": list(report.fit_range),
            "d_phi_r_r": report.d_phi_r_r,
            "bound_holds": report.bound_holds,
            "table": report.table(),
        },
    }
    if exact is not None:
        payload["exact_moments"] = [str(m) for m in exact]
        payload["max_relative_error"] = max(
            abs(float(m) - float(e)) / abs(float(e)) for m, e in zip(moments, exact, strict=True)
        )
    check_finite(payload)
    # a result the truncation cannot support to --tol is printed, flagged, with exit status 1
    status = 1 if any(issubclass(w.category, TruncationWarning) for w in caught) else 0
    write_output(args, result, payload)  # payload["result"]: the NessResult (coefficients, ...)
    if args.json:
        emit_json(payload)
        return status
    _print_table(payload, sys.stdout)
    return status


def _print_table(p: dict, out) -> None:
    def sh(x: str) -> str:  # exact strings in the JSON, short form on the terminal
        return short(Fraction(x))

    w = " ".join(map(sh, p["weights"]))
    t = " ".join(map(sh, p["temperatures"]))
    print(f"kacspectral {__version__} -- isotropic NESS (seed 003)", file=out)
    print(f"  gamma = {sh(p['gamma'])}, weights = {w}, temperatures = {t}", file=out)
    print(
        f"  kernel = {p['kernel']['name']} (beta = {p['kernel']['beta']:.12g}), "
        f"method = {p['method']}, K = {p['truncation']}, T_ref = {p['t_ref']:.6g}",
        file=out,
    )
    print(
        f"  iterations = {p['iterations']}, residual = {p['residual']:.3e}, energy error = "
        f"{p['energy_error']:.1e}, tail bound (m_0..m_{2 * p['moment_order']}) = "
        f"{p['tail_estimate']:.1e}",
        file=out,
    )
    print("", file=out)
    exact = p.get("exact_moments")
    header = f"  {'n':>3}  {'m_2n':>24}"
    if exact:
        header += f"  {'exact':>24}  {'rel. error':>10}"
    print(header, file=out)
    for n, m in enumerate(p["moments"]):
        line = f"  {n:>3}  {m:>24.17g}"
        if exact:
            e = exact[n]
            num, _, den = e.partition("/")
            ev = int(num) / int(den) if den else float(int(num))
            shown = e if len(e) <= 24 else f"{ev:.17g}"
            line += f"  {shown:>24}  {abs(m - ev) / abs(ev):>10.2e}"
        print(line, file=out)
    c = p["contraction"]
    print("", file=out)
    rate = "n/a" if c["observed_rate"] is None else f"{c['observed_rate']:.6g}"
    print(
        f"  Picard contraction in the GTW distance: lambda = {c['lambda']:.6g}, observed rate "
        f"= {rate} (n = {c['fit_range'][0]}..{c['fit_range'][1]})",
        file=out,
    )
    print(f"  {'n':>3}  {'d(f_n, f_inf)':>14}  {'bound':>14}", file=out)
    rows = c["table"]
    shown = [r for r in rows if r["n"] % 5 == 0 or r["n"] == rows[-1]["n"]]
    for r in shown:
        print(f"  {r['n']:>3}  {r['distance']:>14.6e}  {r['bound']:>14.6e}", file=out)
    print(f"  bound holds for every n <= {rows[-1]['n']}: {c['bound_holds']}", file=out)
