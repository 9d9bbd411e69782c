"""``kacspectral kac-ness``: exact stationary moments of the N-particle Kac system with several
thermostats, their N -> infinity limit and the kinetic NESS of seed 003 eq. (1.4).

The N-particle side is :mod:`kacspectral.kac.multi_thermostat` / :mod:`kacspectral.kac.
kinetic_limit`; the kinetic side is computed independently by
:func:`kacspectral.boltzmann.isotropic.exact.exact_moments` for gamma = mu/(lambda_S + mu),
R = sum_a (mu_a/mu) M_{T_a} and the kac kernel (multi-particle observables by propagation of
chaos, :func:`kacspectral.kac.kinetic_limit.chaos_expectation`).

References
----------
* "seed 000": F. Bonetto, A. Popa, M. Powell, P. Chen, S. Tung, "Improved Approximation of
  Infinite Thermostat by Finite Reservoir Using the 3D Kac Model" (2025): the 3D Kac collision
  and the thermostat operator (section 2).
* "seed 003": E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and
  properties of, a non-equilibrium steady state in a dilute gas" (arXiv:1406.4097, 2014): the
  kinetic equation (1.4) with R of (1.3), and the question of its N-particle derivation
  (section 6).
* Conventions (Maxwellians, kernels, Taylor coefficients): ``docs/conventions.md``.
"""

from __future__ import annotations

import argparse
import math
from fractions import Fraction

from kacspectral.boltzmann.isotropic.exact import exact_moments
from kacspectral.boltzmann.isotropic.ness import NessProblem
from kacspectral.kac.kinetic_limit import chaos_expectation, kac_ness
from kacspectral.kac.multi_thermostat import MAX_DEGREE, MultiThermostat, named_observables
from kacspectral.kac.tables import pair_table
from kacspectral.physics.kernels import get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture

from ._common import Progress, emit_json, number, positive_int, short

COMMAND = "kac-ness"
HELP = ("exact stationary moments of the N-particle 3D Kac system with several thermostats, "
        "and their N -> infinity limit against the kinetic NESS (seed 003 section 6, seed 000)")

#: largest finite N accepted (the exact cost does not depend on N; beyond, use 'inf')
MAX_PARTICLES = 10**12


def particles(text: str) -> int | None:
    """argparse type: an integer 1..MAX_PARTICLES, or ``inf`` (None)."""
    if text.strip().lower() in ("inf", "infinity", "oo"):
        return None
    try:
        value = positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected an integer N >= 1 or 'inf', got {short(text)}") from None
    if value > MAX_PARTICLES:
        raise argparse.ArgumentTypeError(
            f"expected 1 <= N <= 1e12 (or 'inf' for the limit), got {short(value)}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--particles", "-N", type=particles, required=True,
                        help="number N >= 1 of particles, or 'inf' for the limit")
    parser.add_argument("--temperatures", type=number, nargs="+", default=["1/6", "1/2"],
                        metavar="T", help="thermostat temperatures T_a > 0 (default 1/6 1/2)")
    parser.add_argument("--rates", type=number, nargs="+", default=["1", "1"], metavar="MU",
                        help="thermostat rates mu_a > 0, one per temperature (default 1 1)")
    parser.add_argument("--lambda-s", type=number, default=Fraction(1),
                        help="collision rate lambda_S > 0 (default 1)")
    parser.add_argument("--degree", type=positive_int, default=4,
                        help=f"largest polynomial degree, 2..{MAX_DEGREE} (default 4; 6 costs "
                             f"about 10-20 s for the exact pair tables)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _float(x: Fraction, what: str) -> float:
    try:
        out = float(x)
    except OverflowError:
        out = math.inf
    if not math.isfinite(out):
        raise ValueError(f"{what} = {x.numerator.bit_length()}-bit rational overflows a double; "
                         "use smaller temperatures")
    return out


def run(args: argparse.Namespace) -> int:
    if not 2 <= args.degree <= MAX_DEGREE:
        raise ValueError(f"--degree must be an integer in 2..{MAX_DEGREE}, "
                         f"got {short(args.degree)}")
    if len(args.temperatures) != len(args.rates):
        raise ValueError(f"--temperatures and --rates must have equal lengths, got "
                         f"{len(args.temperatures)} and {len(args.rates)}")
    problem = MultiThermostat(args.temperatures, args.rates, args.lambda_s)
    # the exact pair tables (cached) are most of the work: build them first, degree by
    # degree, so that the bar moves (their cost grows about 5x per degree: 1 s at 5, 3 s at 6)
    weights = [5**m for m in range(1, args.degree + 1)]
    with Progress(2 * sum(weights), f"kac-ness degree {args.degree}",
                  enabled=not args.json and args.degree >= 5) as bar:
        for degree, w in enumerate(weights, start=1):
            pair_table(degree)
            bar.update(w)
        res = kac_ness(problem, args.particles, args.degree)
        bar.update(sum(weights))
    kin = res.kinetic
    ness = NessProblem(kin.gamma, MaxwellianMixture(list(kin.weights), list(kin.temperatures)),
                       get_kernel(kin.kernel))
    m = exact_moments(ness, args.degree // 2)
    names = [k for k, v in named_observables().items() if v[1] <= args.degree]
    kinetic = {k: chaos_expectation(named_observables()[k][0], m) for k in names}
    values = res.exact or res.limit
    names = [k for k in names if k in values]
    diff = {k: values[k] - kinetic[k] for k in names}
    floats = {k: _float(values[k], k) for k in names}
    payload = {
        "particles": "inf" if args.particles is None else args.particles,
        "degree": args.degree, "problem": problem.describe(),
        "kinetic_problem": kin.summary(),
        "moments": floats,
        "exact_moments": {k: str(values[k]) for k in names},
        "kinetic_moments": {k: str(kinetic[k]) for k in names},
        "difference": {k: str(diff[k]) for k in names},
        "difference_float": {k: _float(diff[k], k) for k in names},
        "limit_moments": {k: str(res.limit[k]) for k in names},
        "limit_equals_kinetic": all(res.limit[k] == kinetic[k] for k in names),
        "one_over_n_coefficients": {k: str(res.one_over_n[k]) for k in names},
        "correlation": {k: str(v) for k, v in res.correlation.items()},
    }
    if args.json:
        emit_json(payload)
        return 0
    n_txt = "N -> infinity" if args.particles is None else f"N = {args.particles}"
    print(f"3D Kac system with thermostats, {n_txt}; T = {[str(t) for t in problem.temperatures]}"
          f", mu = {[str(x) for x in problem.rates]}, lambda_S = {problem.lambda_s}")
    print(f"kinetic limit (1.4): gamma = {kin.gamma}, R = sum (mu_a/mu) M_T_a, kac kernel, "
          f"tau = {kin.time_scale} t")
    print(f"{'observable':<20} {'exact':>28} {'float':>14} {'kinetic':>14} {'difference':>12} "
          f"{'1/N coeff':>14}")
    for k in names:
        print(f"{k:<20} {str(values[k]):>28} {floats[k]:>14.10g} {float(kinetic[k]):>14.10g} "
              f"{payload['difference_float'][k]:>12.4g} {float(res.one_over_n[k]):>14.8g}")
    print(f"limit N -> infinity equals the kinetic moments exactly: "
          f"{payload['limit_equals_kinetic']}")
    return 0
