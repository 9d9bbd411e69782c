"""``kacspectral entropy``: heat fluxes and entropy production of the NESS (seed 003, section 4).

Solves the isotropic NESS with jump reservoirs (``--gamma``, ``--weights``, ``--temperatures``)
and optional diffusive (Fokker-Planck) reservoirs (``--diffusive-etas``,
``--diffusive-temperatures``; seed 003, section 3), then prints the heat flux into every
reservoir (jump ones first), exactly where the inputs are rational, the total entropy production
``sigma = sum_a J_a/T_a`` and its split ``sigma_B + sum_a sigma_a`` computed by quadrature of the
density (:mod:`kacspectral.boltzmann.entropy`), with the balance error.

The balance ``|sigma_B + sum sigma_a - sigma| / sigma`` is the check of the whole computation
(density, collision operator, quadrature): above :data:`BALANCE_LIMIT` (measured <= 3.5e-13 in
``validation/entropy_budget.py``) the density is not resolved (truncation too low, ``--tol`` too
large, temperature range too wide) and the command stops with exit status 1 and one line, as
it does when a quadrature term is not finite.

Reference: "seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, *Exponential approach to,
and properties of, a non-equilibrium steady state in a dilute gas* (2014); the normalisations
(Fourier transform, Maxwellians, kernels with ``(1/2) int b ds = 1``) are those of the
conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from kacspectral._version import __version__
from kacspectral.boltzmann.entropy import MAX_RADIAL_NODES, ness_entropy_budget
from kacspectral.boltzmann.isotropic.diffusive import DiffusiveNessProblem, solve_diffusive_ness
from kacspectral.boltzmann.isotropic.ness import solve_ness
from kacspectral.errors import ConvergenceError
from kacspectral.physics.kernels import get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture

from ._common import (
    Progress,
    add_kernel_option,
    add_reservoir_options,
    emit_json,
    positive_float,
    positive_int,
)
from ._diffusive import add_diffusive_options, diffusive_from_args

COMMAND = "entropy"
HELP = "heat fluxes and entropy production of the NESS with jump and diffusive reservoirs"
#: Largest relative balance error accepted (exit status 1 above it).
BALANCE_LIMIT = 1e-8


def configure(parser: argparse.ArgumentParser) -> None:
    add_reservoir_options(parser, "jump-reservoir coupling in (0, 1) ([0, 1) with diffusive ones)")
    add_kernel_option(parser)
    add_diffusive_options(parser)
    parser.add_argument(
        "--tol", type=positive_float, default=1e-14, help="NESS tolerance (default: 1e-14)"
    )
    parser.add_argument(
        "--truncation", type=positive_int, default=None, metavar="K",
        help="Laguerre truncation K (default: automatic)",
    )
    parser.add_argument(
        "--radial-nodes", type=positive_int, default=200, metavar="N",
        help=f"Gauss-Legendre nodes of the radial quadrature, at most {MAX_RADIAL_NODES} (also "
        "2N is run; default: 200)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    reservoir = MaxwellianMixture(args.weights, args.temperatures)
    kernel = get_kernel(args.kernel)
    diffusive = diffusive_from_args(args)
    problem = DiffusiveNessProblem(args.gamma, reservoir, kernel, diffusive=diffusive)
    with Progress(2, "entropy", enabled=not args.json) as bar, warnings.catch_warnings(
        record=True
    ) as caught:
        warnings.simplefilter("always")
        if diffusive is None:
            result = solve_ness(problem, tol=args.tol, truncation=args.truncation)
        else:
            result = solve_diffusive_ness(problem, tol=args.tol, truncation=args.truncation)
        bar.update()
        budget = ness_entropy_budget(result, n_radial=args.radial_nodes)
        bar.update()
    if not budget.balance_error <= BALANCE_LIMIT:
        raise ConvergenceError(
            f"entropy budget does not balance: |sigma_B + sum sigma_a - sigma|/sigma = "
            f"{budget.balance_error:.3g} > {BALANCE_LIMIT:g} (K = {result.truncation}, NESS "
            f"residual {result.residual:.3g}): the density is not resolved; raise --truncation "
            "or lower --tol"
        )
    messages = []
    for w in caught:
        text = f"{w.category.__name__}: {' '.join(str(w.message).split())}"
        if text not in messages:
            messages.append(text)
            print(f"kacspectral: warning: {text}", file=sys.stderr)
    # which reservoir each entry of heat_flux / sigma_reservoirs belongs to (jump reservoirs
    # only when gamma > 0: at gamma = 0 they are not coupled and have no flux)
    order = [{"kind": "jump", "temperature": str(t)} for t in reservoir.temperatures
             if problem.gamma > 0]
    if diffusive is not None:
        order += [{"kind": "diffusive", "eta": str(e), "temperature": str(t)}
                  for e, t in zip(diffusive.etas, diffusive.temperatures, strict=True)]
    payload: dict = {"command": "entropy", "reservoirs": order}
    payload.update(budget.to_dict())
    payload.update({
        "problem": problem.describe(),
        "kernel": kernel.describe(),
        "truncation": result.truncation,
        "t_ref": result.t_ref,
        "residual": result.residual,
        "warnings": messages,
    })
    if args.json:
        emit_json(payload)
        return 0
    _print_table(payload, problem, sys.stdout)
    return 0


def _print_table(p: dict, problem: DiffusiveNessProblem, out) -> None:
    print(f"kacspectral {__version__} -- entropy budget of the NESS (seed 003, section 4)",
          file=out)
    d = p["problem"]
    print(f"  gamma = {d['gamma']}, jump weights = {' '.join(d['weights'])}, temperatures = "
          f"{' '.join(d['temperatures'])}, kernel = {d['kernel']}", file=out)
    if "diffusive_etas" in d:
        print(f"  diffusive etas = {' '.join(d['diffusive_etas'])}, temperatures = "
              f"{' '.join(d['diffusive_temperatures'])} (reduced: eta = {d['diffusive_eta']}, "
              f"T = {d['diffusive_temperature']})", file=out)
    print(f"  K = {p['truncation']}, T_ref = {p['t_ref']:.6g}, residual = {p['residual']:.2e}, "
          f"m_2 = {p['m2']:.15g}", file=out)
    print("", file=out)
    kinds = []
    if problem.gamma > 0:
        kinds += [("jump", t) for t in d["temperatures"]]
    if "diffusive_etas" in d:
        kinds += [("diffusive", t) for t in d["diffusive_temperatures"]]
    exact = p["heat_flux_exact"] or [""] * len(kinds)
    print(f"  {'reservoir':>10}  {'T_a':>8}  {'J_a':>22}  {'exact':>10}  {'sigma_a':>22}",
          file=out)
    for (kind, t), j, e, s in zip(kinds, p["heat_flux"], exact, p["sigma_reservoirs"],
                                  strict=True):
        print(f"  {kind:>10}  {t:>8}  {j:>22.15e}  {e:>10}  {s:>22.15e}", file=out)
    print("", file=out)
    ex = p["entropy_production_exact"]
    print(f"  sigma = sum J_a/T_a = {p['entropy_production']:.15g}"
          + (f" (exact {ex})" if ex is not None else ""), file=out)
    print(f"  sigma_B (collisions) = {p['sigma_collision']:.15g}", file=out)
    print(f"  balance |sigma_B + sum sigma_a - sigma|/sigma = {p['balance_error']:.2e} "
          f"(quadrature change {p['quadrature_error']:.1e})", file=out)
