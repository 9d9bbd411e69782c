"""``kacspectral evolve``: time evolution with thermal reservoirs (seed 003, eq. (1.4)).

``df/dt = (1-gamma) Q(f,f) + gamma Q(f,R)`` in the Hermite/Burnett space of
:mod:`kacspectral.boltzmann.anisotropic.collision`
(:mod:`kacspectral.boltzmann.anisotropic.evolution`), with the diagnostics of
:mod:`kacspectral.boltzmann.anisotropic.diagnostics` and the 3D GTW distance
(:mod:`kacspectral.boltzmann.gtw`, 3D path) to the long-time
limit: the isotropic NESS when ``gamma > 0``, the centred Maxwellian with the initial energy when
``gamma = 0``.

``--method grid`` runs the fast spectral solver on an ``N^3`` velocity grid instead (any
``--collision``: Maxwell molecules, hard spheres, variable hard spheres), see
:func:`kacspectral.cli._grid.evolve_grid_main`.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings

import numpy as np

from kacspectral._version import __version__
from kacspectral.boltzmann.anisotropic.diagnostics import TRUNCATION_TOL, evolution_diagnostics
from kacspectral.boltzmann.anisotropic.evolution import estimate_evolution, evolve
from kacspectral.boltzmann.anisotropic.fokker_planck import DiffusiveEvolutionProblem
from kacspectral.boltzmann.lyapunov import limit_reference, lyapunov_columns
from kacspectral.errors import check_budget, short
from kacspectral.physics.bkw import BKW
from kacspectral.physics.kernels import get_kernel
from kacspectral.physics.reservoirs import MaxwellianMixture, as_fraction
from kacspectral.spectral.hermite_space import HermiteSpace
from kacspectral.spectral.timesteppers import SCHEMES

from ._common import (
    Progress,
    add_kernel_option,
    add_output_option,
    add_reservoir_options,
    check_finite,
    emit_json,
    non_negative_int,
    number,
    positive_int,
    report_warnings,
    warn,
    write_output,
)
from ._diffusive import add_diffusive_options, diffusive_from_args
from ._grid import add_evolve_grid_options, evolve_grid_main, reject_grid_options

COMMAND = "evolve"
HELP = ("time evolution of anisotropic data towards the NESS (Hermite-Bobylev solver, or the "
        "grid solver with --method grid)")

DEFAULT_DEGREE = 8
#: Seconds of diagnostics per output time (3D GTW distance on 100 directions x 40 radii,
#: entropy and minimum on the Gauss rule): measured 0.27-0.42 s at degree 8
#: (validation/cli_limits.py).
DIAGNOSTIC_SECONDS_PER_TIME = 0.5


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--initial", choices=["maxwellian", "mixture", "bkw"], default="maxwellian",
        help="initial data: an anisotropic Maxwellian, a mixture of isotropic Maxwellians, or "
        "the BKW solution (default: maxwellian)",
    )
    parser.add_argument(
        "--initial-temperatures", type=number, nargs="+", default=None, metavar="T",
        help="maxwellian: Tx Ty Tz (default 1/4 1/3 5/12); mixture: one temperature per "
        "component (default 1/6 1/2)",
    )
    parser.add_argument(
        "--initial-weights", type=number, nargs="+", default=None, metavar="W",
        help="mixture: component weights summing to 1 (default 1/2 1/2)",
    )
    parser.add_argument(
        "--bkw-start", type=number, default="13/2", metavar="T0",
        help="bkw: the BKW time of the initial datum (A0 = -1/2, K = 1 - exp(-B11 t)); the "
        "evolution runs from T0 to --t-end (default: 13/2)",
    )
    add_reservoir_options(
        parser, "reservoir coupling in [0, 1); 0 is the pure Boltzmann equation (weights and "
        "temperatures then unused)"
    )
    add_kernel_option(parser)
    parser.add_argument(
        "--degree", type=positive_int, default=DEFAULT_DEGREE, metavar="K",
        help=f"Hermite truncation: total degree K >= 4, so that the fourth moment is "
        f"determined (default: {DEFAULT_DEGREE})",
    )
    parser.add_argument(
        "--l-max", type=non_negative_int, default=None, metavar="L",
        help="harmonic truncation l <= L (default: 0 for isotropic data -- bkw, mixture -- "
        "and all l for maxwellian)",
    )
    parser.add_argument(
        "--t-ref", type=number, default=None, metavar="T",
        help="reference temperature of the Hermite weight (default: midpoint of the extreme "
        "temperatures of the data and reservoir)",
    )
    parser.add_argument("--t-end", type=number, default="10", help="final time (default: 10)")
    parser.add_argument(
        "--n-times", type=positive_int, default=11, metavar="N",
        help="number of output times, equally spaced, including both ends (at least 2; "
        "default: 11)",
    )
    parser.add_argument(
        "--dt", type=number, default="1/20", help="time step (default: 1/20)"
    )
    parser.add_argument(
        "--scheme", choices=sorted(SCHEMES), default="etdrk4",
        help="time integrator (default: etdrk4, exact for the loss term)",
    )
    parser.add_argument(
        "--force", action="store_true",
        help="run even when the estimated run time exceeds an hour (memory is always checked)",
    )
    add_diffusive_options(parser)
    parser.add_argument("--method", choices=["hermite", "grid"], default="hermite",
                        help="hermite: the Hermite-Bobylev solver (default); grid: the fast "
                        "spectral solver on an N^3 velocity grid (any --collision)")
    add_evolve_grid_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_output_option(parser)


def _initial(args: argparse.Namespace):
    """(kind, temperatures for T_ref, builder(space) -> coefficients, description)."""
    if args.initial == "maxwellian":
        if args.initial_weights is not None:
            raise ValueError("--initial-weights applies to --initial mixture only")
        temps = args.initial_temperatures or ["1/4", "1/3", "5/12"]
        temps = [float(as_fraction(t, "initial temperature")) for t in temps]
        if len(temps) != 3:
            raise ValueError(
                f"--initial maxwellian needs 3 temperatures Tx Ty Tz, got {len(temps)}"
            )
        if min(temps) <= 0:
            raise ValueError(f"--initial-temperatures must be > 0, got {[short(t) for t in temps]}")
        return (temps, lambda space: space.maxwellian(temps),
                f"Maxwellian with (Tx, Ty, Tz) = {tuple(temps)}", None)
    if args.initial == "mixture":
        temps = args.initial_temperatures or ["1/6", "1/2"]
        weights = args.initial_weights or ["1/2", "1/2"]
        mix = MaxwellianMixture(weights, temps)  # validates weights and temperatures
        return (list(mix.T), lambda space: space.mixture(mix.w, mix.T),
                f"mixture of isotropic Maxwellians, weights {[str(w) for w in mix.weights]}, "
                f"temperatures {[str(t) for t in mix.temperatures]}", None)
    # bkw
    if args.initial_temperatures is not None or args.initial_weights is not None:
        raise ValueError("--initial bkw takes no --initial-temperatures / --initial-weights")
    bkw = BKW(-0.5, args.kernel)
    t0 = float(args.bkw_start)
    if not (math.isfinite(t0) and t0 >= 0):
        raise ValueError(f"--bkw-start must be a number >= 0, got {short(args.bkw_start)}")
    return ([bkw.K(t0), bkw.K(float(args.t_end))], lambda space: bkw.coefficients(space, t0),
            f"BKW (A0 = -1/2) at t = {t0:g}", bkw)


def run(args: argparse.Namespace) -> int:
    if args.method == "grid":
        return evolve_grid_main(args)
    reject_grid_options(args)
    gamma = args.gamma
    if not 0 <= gamma < 1:
        raise ValueError(f"--gamma must be in [0, 1), got {short(gamma)}")
    kernel = get_kernel(args.kernel)
    reservoir = MaxwellianMixture(args.weights, args.temperatures) if gamma > 0 else None
    t_start = float(args.bkw_start) if args.initial == "bkw" else 0.0
    t_end = float(args.t_end)
    if not (math.isfinite(t_end) and t_end > t_start):
        raise ValueError(f"--t-end must be > the start time {t_start:g}, got {short(args.t_end)}")
    dt = float(args.dt)
    if not (math.isfinite(dt) and dt > 0):
        raise ValueError(f"--dt must be a positive number, got {short(args.dt)}")
    if args.degree < 4:
        raise ValueError(f"--degree must be >= 4 (the fourth moment needs the coefficients of "
                         f"degree 4), got {short(args.degree)}")
    if args.n_times < 2:
        raise ValueError(f"--n-times must be at least 2 (both ends), got {short(args.n_times)}")
    temps, build, description, bkw = _initial(args)
    diffusive = diffusive_from_args(args)  # seed 003, section 3 (kacspectral.cli._diffusive)
    if diffusive is not None:
        temps = temps + [diffusive.temperature]
    if args.t_ref is not None:
        t_ref = float(args.t_ref)
        if not (math.isfinite(t_ref) and t_ref > 0):
            raise ValueError(f"--t-ref must be a positive number, got {short(args.t_ref)}")
    else:
        t_ref = HermiteSpace.choose_temperature(
            temps + ([float(t) for t in reservoir.T] if reservoir is not None else []))
    l_max = args.l_max
    if l_max is None and args.initial in ("bkw", "mixture"):
        l_max = 0
    check_budget(f"--n-times {short(args.n_times)}",
                 seconds=args.n_times * DIAGNOSTIC_SECONDS_PER_TIME, force=args.force,
                 hint="the diagnostics (GTW distance, entropy) cost about "
                 f"{DIAGNOSTIC_SECONDS_PER_TIME:g} s per output time")
    space = HermiteSpace(args.degree, t_ref, l_max)
    problem = DiffusiveEvolutionProblem(gamma, reservoir, kernel, space, diffusive=diffusive)
    times = np.linspace(t_start, t_end, args.n_times)
    problem.operator  # noqa: B018 -- builds the collision tensor (memory budget) first
    est = estimate_evolution(space, times, dt, args.scheme, even_kernel=kernel.is_even)
    check_budget(f"evolve --dt {short(args.dt)} ({est['steps']:.3g} steps of {args.scheme} "
                 f"and {args.n_times} output times)",
                 seconds=est["seconds"] + args.n_times * DIAGNOSTIC_SECONDS_PER_TIME,
                 force=args.force, hint="raise --dt or lower --n-times (or pass --force)")
    if dt > float(np.max(np.diff(times))) * (1 + 1e-12):
        warn(f"--dt {short(args.dt)} is larger than the output spacing: the step used is "
             f"{est['step_used']:.6g} (one step per output interval)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a0 = build(space)
        with Progress(est["steps"], "evolve", enabled=not args.json) as bar:
            result = evolve(problem, a0, times, dt=dt, scheme=args.scheme, progress=bar,
                            force=args.force)
        m2_0 = space.moments(a0)["m2"]
        ref = limit_reference(problem, m2_0)
        diag = evolution_diagnostics(space, result.coefficients,
                                     reference=(ref.fourier, ref.moment_tensors), require="first",
                                     gtw_options={"n_directions": 100, "n_radial": 40})
        lyap = lyapunov_columns(space, result.coefficients, ref,
                                isotropic=space.effective_l_max == 0,
                                gtw_options={"n_directions": 100, "n_radial": 40})
        bkw_error = None
        if bkw is not None and problem.gamma == 0:
            bkw_error = [float(np.max(np.abs(a - bkw.coefficients(space, t))))
                         for t, a in zip(result.times, result.coefficients, strict=True)]
    truncation_ok = max(diag["truncation_estimate"]) <= TRUNCATION_TOL
    notes = report_warnings(caught)
    d0 = diag["gtw_distance"][0]
    rate = problem.decay_rate
    payload = {
        "command": "evolve",
        "initial": args.initial,
        "initial_description": description,
        "gamma": str(problem.gamma),
        "kernel": kernel.describe(),
        "reservoir": reservoir.describe() if reservoir is not None else None,
        "space": space.describe(),
        "scheme": args.scheme,
        "dt": est["step_used"],
        "dt_requested": dt,
        "dt_definition": "the largest step used: each output interval is cut into "
        "ceil(spacing/dt_requested) equal steps",
        "steps": est["steps"],
        "lambda": problem.lam,
        "times": result.times.tolist(),
        "second_moments": diag["second_moment"],
        "fourth_moment": diag["fourth_moment"],
        "gtw_distance": diag["gtw_distance"],
        "gtw_reference": ref.description,
        "gtw_definition": "sup over xi in R^3 of |f^(xi) - g^(xi)|/|xi|^2 (3D, robust search; "
        "the xi -> 0 limit max|eig(S_f - S_g)|/2 included); finite since the first moments agree",
        "gtw_bound": [math.exp(-rate * (t - t_start)) * d0 for t in result.times],
        "gtw_bound_definition": "exp(-(1-lambda)(t - t0)) d(f(t0), f_inf), seed 003, section 2"
        + (" (proved for jump reservoirs only; with diffusive ones it is not a theorem)"
           if diffusive is not None else ""),
        "mass": diag["mass"],
        "m2": diag["m2"],
        "temperature_tensor": diag["temperature_tensor"],
        "entropy": diag["entropy"],
        "entropy_definition": "H = int_{f>0} f log f dv (Gauss rule of M_T_ref)",
        "entropy_error_estimate": diag["entropy_error_estimate"],
        "min_density": diag["min_density"],
        "min_density_location": diag["min_density_location"],
        "negative_mass": diag["negative_mass"],
        "truncation_estimate": diag["truncation_estimate"],
        "density_diagnostics_reliable": truncation_ok,
        "density_diagnostics_definition": "moments (second_moments, fourth_moment, m2, "
        "temperature_tensor) are exact on the retained degrees; entropy, min_density, "
        f"negative_mass and gtw_distance use the truncated density and are flagged unreliable "
        f"(false, with a TruncationWarning) when max truncation_estimate > {TRUNCATION_TOL:g}",
        "relative_entropy": lyap["relative_entropy"],
        "relative_entropy_definition": "H(f | f_inf) = int f log(f / f_inf) dv (Gauss rule)",
        "w2": lyap["w2"],
        "w2_definition": "2-Wasserstein distance to f_inf, exact radial quantiles (isotropic "
        "data, l_max = 0; null otherwise)",
        "corrected_gtw": lyap["corrected_gtw"],
        "corrected_gtw_definition": "d'_GTW(f, f_inf), seed 003 section 2 "
        "(kacspectral.boltzmann.distance_corrected)",
        "diffusive": diffusive.describe() if diffusive is not None else None,
        "rhs_evaluations": result.rhs_evaluations,
        "warnings": notes,
    }
    if bkw_error is not None:
        payload["bkw_coefficient_error"] = bkw_error
    check_finite(payload)
    write_output(args, result, payload)  # payload["result"]: the EvolutionResult
    if args.json:
        emit_json(payload)
        return 0
    _print_table(payload, sys.stdout)
    return 0


def _print_table(p: dict, out) -> None:
    print(f"kacspectral {__version__} -- evolve (seed 003, eq. (1.4))", file=out)
    print(f"  initial: {p['initial_description']}", file=out)
    res = p["reservoir"]
    rtxt = (f"weights {' '.join(res['weights'])}, temperatures {' '.join(res['temperatures'])}"
            if res else "none (pure Boltzmann)")
    print(f"  gamma = {p['gamma']}, reservoir: {rtxt}", file=out)
    sp = p["space"]
    print(f"  kernel = {p['kernel']['name']}, lambda = {p['lambda']:.12g}; Hermite degree "
          f"{sp['degree']}, l_max {sp['l_max']}, T_ref = {sp['temperature']:.6g}, "
          f"{sp['size']} coefficients; {p['scheme']}, dt = {p['dt']:.6g}"
          + (f" (requested {p['dt_requested']:.6g})"
             if p["dt"] != p["dt_requested"] else "") + f", {p['steps']} steps", file=out)
    print(f"  GTW distance to the {p['gtw_reference']}", file=out)
    head = (f"{'t':>8} {'Txx':>10} {'Tyy':>10} {'Tzz':>10} {'m4':>12} {'entropy H':>12} "
            f"{'min f':>11} {'d_GTW':>11} {'bound':>11} {'H(f|f_inf)':>11} {'dp_GTW':>11}")
    print(head, file=out)
    for i, t in enumerate(p["times"]):
        th = p["temperature_tensor"][i]
        print(f"{t:8.4g} {th[0][0]:10.6g} {th[1][1]:10.6g} {th[2][2]:10.6g} "
              f"{p['fourth_moment'][i]:12.8g} {p['entropy'][i]:12.8g} "
              f"{p['min_density'][i]:11.3e} {p['gtw_distance'][i]:11.4e} "
              f"{p['gtw_bound'][i]:11.4e} {p['relative_entropy'][i]:11.4e} "
              f"{p['corrected_gtw'][i]:11.4e}", file=out)
    if not p["density_diagnostics_reliable"]:
        print(f"  truncation estimate up to {max(p['truncation_estimate']):.2e}: entropy, min f "
              f"and d_GTW are unreliable at that level (moments are exact)", file=out)
    if "bkw_coefficient_error" in p:
        print(f"  max coefficient error against the exact BKW solution: "
              f"{max(p['bkw_coefficient_error']):.3e}", file=out)
