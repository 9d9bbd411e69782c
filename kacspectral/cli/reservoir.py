"""``kacspectral reservoir``: exact ||h_t - h~_t|| (finite reservoir vs thermostat) and the
bound of seed 000."""

from __future__ import annotations

import argparse
import dataclasses
import math
import re
from fractions import Fraction
from typing import Any

import numpy as np

from kacspectral.errors import short
from kacspectral.kac.finite_reservoir import (
    INITIAL_STATES,
    RESERVOIR_MAX,
    ReservoirProblem,
    ReservoirSweepResult,
    reservoir_cost,
    reservoir_distance,
    wick_components,
)
from kacspectral.kac.generators import check_cost

from ._common import Progress, add_output_option, emit_json, positive_int, write_output

COMMAND = "reservoir"
HELP = "exact distance finite reservoir vs thermostat in the 3D Kac model, with the seed's bound"

#: work estimated above this is refused (reservoir_cost, the sector sizes' cost model)
MAX_SECONDS = 600.0
#: polynomial states over M system particles are dicts of O(M^2) integers
SYSTEM_MAX = 1000
LIST_MAX = 100
TIME_MAX = 1e308
AMPLITUDE_MAX = Fraction(10) ** 100
_EXPONENT = re.compile(r"[eE]\s*([-+]?\d+)")


def finite_number(text: str) -> Fraction:
    """argparse type: a finite number such as ``0.5``, ``1/6`` or ``2e-3``, as a Fraction
    (decimal exponents beyond +-400 are refused before the exact conversion, which would
    build a number with that many digits)."""
    for exp in _EXPONENT.findall(text):
        if abs(int(exp)) > 400:
            raise argparse.ArgumentTypeError(f"expected a number of magnitude within "
                                             f"1e-400..1e400, got {text!r}")
    try:
        text_ = text.strip()
        if "/" in text_:
            num, den = text_.split("/", 1)
            return Fraction(Fraction(num.strip()), Fraction(den.strip()))
        return Fraction(text_)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(
            f"expected a number such as 0.5 or 1/6, got {text!r}") from None


def _time(text: str) -> float:
    if text.strip().lower() in ("inf", "infinity", "+inf"):
        return math.inf
    try:
        value = finite_number(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a time >= 0 or inf, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a time >= 0 or inf, got {text!r}")
    if value > TIME_MAX:
        raise argparse.ArgumentTypeError(
            f"times above 1e308 are not floats; use inf (the limit), got {text!r}")
    return float(value)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--system", "-M", type=positive_int, required=True,
                        help=f"number M of system particles (1..{SYSTEM_MAX})")
    parser.add_argument("--reservoir", "-N", type=positive_int, nargs="+", required=True,
                        help=f"reservoir sizes 2 <= N <= {RESERVOIR_MAX:.0e} (one or more; "
                             "the exponent in N is fitted over 3 or more distinct N)")
    parser.add_argument("--times", "-t", type=_time, nargs="+", required=True,
                        help="times t >= 0 (inf allowed: the long-time limit)")
    parser.add_argument("--mu", type=finite_number, default=Fraction(1),
                        help="system-reservoir rate mu > 0 (1)")
    parser.add_argument("--lambda-s", type=finite_number, default=Fraction(1),
                        help="system rate lambda_S > 0 (1)")
    parser.add_argument("--lambda-r", type=finite_number, default=Fraction(1),
                        help="reservoir rate lambda_R > 0 (1); the three rates within a "
                             "ratio 1e6 of each other")
    parser.add_argument("--initial", choices=sorted(INITIAL_STATES), default="energy",
                        help="initial state: energy: h0 = 1 + a sum_i((2pi/3)|v_i|^2 - 1); "
                             "quartic: h0 = 1 + a sum_i :|x_i|^4:/15, x = sqrt(2pi) v")
    parser.add_argument("--epsilon", type=finite_number, default=Fraction(1, 10),
                        help="amplitude a != 0 of the initial state, |a| <= 1e100 "
                             "(default 1/10)")
    parser.add_argument("--gap-degree", type=positive_int, default=3,
                        help="maximal degree of the sectors searched for the gap k of L "
                             "(1..4, default 3; degree 4 gives the same k to 1e-14 in "
                             "validation/kac_reservoir.py)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_output_option(parser)


def _check(args: argparse.Namespace) -> None:
    """Refuse bad or too costly input before any work (ValueError: exit 2, one line)."""
    for name in ("mu", "lambda_s", "lambda_r"):
        value = getattr(args, name)
        if value <= 0:
            raise ValueError(f"--{name.replace('_', '-')} must be > 0, got {value}")
    if args.system > SYSTEM_MAX:
        raise ValueError(f"--system must be at most {SYSTEM_MAX} (the initial state is a "
                         f"polynomial of O(M^2) coefficients), got {args.system}")
    bad = [n for n in args.reservoir if not 2 <= n <= RESERVOIR_MAX]
    if bad:
        raise ValueError(f"--reservoir sizes must be between 2 and {RESERVOIR_MAX:.0e}, got "
                         f"{bad[0]}")
    if len(args.reservoir) > LIST_MAX or len(args.times) > LIST_MAX:
        raise ValueError(f"at most {LIST_MAX} reservoir sizes and {LIST_MAX} times, got "
                         f"{len(args.reservoir)} and {len(args.times)}")
    if args.gap_degree > 4:
        raise ValueError(f"--gap-degree must be between 1 and 4, got {args.gap_degree}")
    if args.epsilon == 0:
        raise ValueError("--epsilon must be non-zero (h0 = 1 gives distance 0)")
    if abs(args.epsilon) > AMPLITUDE_MAX:
        raise ValueError(f"--epsilon must be at most 1e100 in size (the distance is linear in "
                         f"it), got {short(args.epsilon)}")


def run(args: argparse.Namespace) -> int:
    _check(args)
    h0 = INITIAL_STATES[args.initial](args.system, args.epsilon)
    degrees = [m for m in wick_components(h0) if m]
    problems = [ReservoirProblem(args.system, n, args.lambda_s, args.lambda_r, args.mu)
                for n in args.reservoir]
    seconds = 0.0
    for prob in problems:  # the states are exchangeable: pooled system
        cost = reservoir_cost(prob, degrees, True, args.gap_degree)
        seconds += cost["seconds"]
        check_cost(dict(cost, seconds=seconds), f"reservoir -M {args.system} -N "
                   f"{' '.join(map(str, args.reservoir))} --gap-degree {args.gap_degree}",
                   max_seconds=MAX_SECONDS)
    rows: list[dict[str, Any]] = []
    constants: list[dict[str, Any]] = []
    results = []
    with Progress(len(problems), f"reservoir M={args.system}", enabled=not args.json) as bar:
        for prob in problems:
            res = reservoir_distance(prob, h0, args.times, gap_degree=args.gap_degree)
            bar.update()
            results.append(res)
            if res.bound is None or res.k_mode is None:  # with_bound (the default) sets both
                raise RuntimeError("reservoir_distance returned no bound")
            for t, d, b in zip(args.times, res.distance, res.bound, strict=True):
                rows.append({"N": prob.reservoir, "t": "inf" if math.isinf(t) else t,
                             "distance": float(d), "bound": float(b),
                             "ratio": float(d / b) if b > 0 else None})
            constants.append({"N": prob.reservoir, "C": res.C, "lambda": res.rate_lambda,
                              "k": res.k, "k_sector": dataclasses.asdict(res.k_mode), "l": res.l,
                              "b": res.b, "norm_h0_minus_1": res.norm0})
    payload = {
        "system": args.system, "mu": args.mu, "lambda_s": args.lambda_s,
        "lambda_r": args.lambda_r, "initial": args.initial, "epsilon": args.epsilon,
        "gap_degree": args.gap_degree, "rows": rows, "constants": constants,
        "norm": "L^2(R^{3(M+N)}, Gamma); h~_t extended to (v, w) as a function of v",
        "b_definition": "b = mu l / (k - mu/3), l^2 = sup spec(T - T^2) (seed prints l/(k-mu/3))",
    }
    distinct = sorted(set(args.reservoir))
    if len(distinct) >= 3:  # a slope from 2 points (or 2 equal N) is not a fit
        ns = np.array(distinct, dtype=float)
        fits = {}
        for t in args.times:
            key = "inf" if math.isinf(t) else t
            by_n = {r["N"]: r["distance"] for r in rows if r["t"] == key}
            d = np.array([by_n[n] for n in distinct])
            if t > 0 and np.all(d > 1e-13 * min(c["norm_h0_minus_1"] for c in constants)):
                fits["inf" if math.isinf(t) else str(t)] = float(
                    np.polyfit(np.log(ns), np.log(d), 1)[0])
        payload["exponent_in_N"] = fits
    sweep = ReservoirSweepResult(tuple(problems), tuple(results), args.initial, args.epsilon,
                                 payload.get("exponent_in_N", {}))
    # payload["result"]: the ReservoirSweepResult's to_dict(); --output saves it
    write_output(args, sweep, payload)
    if args.json:
        emit_json(payload)
        return 0
    print(f"M = {args.system}, initial = {args.initial}, epsilon = {args.epsilon}, "
          f"mu = {args.mu}, lambda_S = {args.lambda_s}, lambda_R = {args.lambda_r}")
    print(f"{'N':>9} {'t':>8} {'distance':>14} {'bound':>14} {'ratio':>10}")
    for r in rows:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.4g}"
        print(f"{r['N']:>9} {str(r['t']):>8} {r['distance']:>14.6e} {r['bound']:>14.6e} "
              f"{ratio:>10}")
    for c in constants:
        b = "inf (k = mu/3)" if c["b"] is None else f"{c['b']:.6g}"
        print(f"N = {c['N']}: C = {c['C']:.6g}, k = {c['k']:.12g} (degree "
              f"{c['k_sector']['degree']}, spins {c['k_sector']['spins']}), l = {c['l']:.6g}, "
              f"b = {b}")
    if "exponent_in_N" in payload:
        print("fitted exponent of the distance in N:", payload["exponent_in_N"])
    elif len(args.reservoir) >= 2:
        print(f"no exponent in N fitted: {len(distinct)} distinct N (3 or more needed)")
    return 0
