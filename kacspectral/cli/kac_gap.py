"""``kacspectral kac-gap``: spectral gap of the 3D Kac generator on polynomial sectors."""

from __future__ import annotations

import argparse

from kacspectral.kac.sectors import check_cost, gap_search_cost
from kacspectral.kac.spectral_gap import kac_gap, reduced_pools

from ._common import (
    Progress,
    add_output_option,
    emit_json,
    number,
    positive_int,
    short,
    write_output,
)

COMMAND = "kac-gap"
HELP = "spectral gap of the 3D Kac generator L_S (energy and momentum conserved), seed 000"

#: the command refuses searches estimated (kacspectral.kac.generators.gap_search_cost, which
#: overestimates by ~1.5x) to take longer than this; the library function accepts up to an hour
MAX_SECONDS = 120.0

CLAIM = ("Delta_N = (4/15) lambda_S N/(N-1), reached by sum_j |v_j|^2 v_j (degree 3, spin 1, "
         "permutation symmetric)")
GAP_EIGENFUNCTION = (
    "Wick form of sum_j |x_j|^2 x_j - (1/(N-1)) sum_{i!=j} [x_i |x_j|^2 + 2 (x_i.x_j) x_j] "
    "+ (2/((N-1)(N-2))) sum_{i,j,k distinct} x_i (x_j.x_k), x = sqrt(2 pi) v "
    "(checked for N = 3, 6, 10 in tests/test_kac.py)")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--particles", "-N", type=positive_int, required=True,
                        help="number N >= 2 of particles")
    parser.add_argument("--degree", type=positive_int, default=4,
                        help="maximal polynomial degree of the sectors (default 4; searches "
                             f"estimated above {MAX_SECONDS:.0f} s are refused: degree <= 9 "
                             "for N = 2, 8 for N = 3, 6 for N = 4, 5 for N = 5, 4 for N >= 6)")
    parser.add_argument("--lambda-s", type=number, default=1,
                        help="collision rate lambda_S > 0 (default 1)")
    parser.add_argument("--modes", type=positive_int, default=6,
                        help="number of slowest modes listed (default 6, at most 50)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_output_option(parser)


def run(args: argparse.Namespace) -> int:
    n = args.particles
    if n < 2:
        raise ValueError(f"--particles must be >= 2, got {n}")
    if args.lambda_s <= 0:
        raise ValueError(f"--lambda-s must be > 0, got {short(args.lambda_s)}")
    if args.modes > 50:
        raise ValueError(f"--modes must be at most 50, got {args.modes}")
    if args.degree > 40:  # the estimate itself enumerates partitions: bound it first
        raise ValueError(f"--degree {args.degree} is too costly for N = {n} particles "
                         f"(at most 40, and searches estimated above {MAX_SECONDS:.0f} s "
                         "are refused)")
    layouts = [(reduced_pools(n, m), m) for m in range(1, args.degree + 1)]
    try:
        check_cost(gap_search_cost(layouts), f"--degree {args.degree} for N = {n} particles",
                   max_seconds=MAX_SECONDS)
    except ValueError as exc:
        raise ValueError(f"{exc}; lower --degree") from None
    with Progress(4 * args.degree, f"kac-gap N={n}", enabled=not args.json) as bar:
        res = kac_gap(n, args.degree, args.lambda_s, args.modes, progress=bar.update,
                      max_seconds=MAX_SECONDS)
    write_output(args, res)  # the KacGapResult (kacspectral.load reads it back)
    if args.json:
        # the result's to_dict() (kacspectral.results.from_dict reads it back), plus the
        # slowest mode and the claim checked, in words
        payload = res.to_dict()
        payload["gap_mode"] = payload["modes"][0]
        payload["claim"] = CLAIM
        payload["gap_eigenfunction"] = GAP_EIGENFUNCTION
        emit_json(payload)
        return 0
    print(f"3D Kac generator, N = {res.particles}, degree <= {res.degree}, "
          f"lambda_S = {res.lambda_s}")
    claimed = float(res.claimed_gap)
    if res.agrees_with_claim is None:
        print(f"gap on degree <= {res.degree} = {res.gap:.15g}   claimed (4/15) N/(N-1) "
              f"lambda_S = {claimed:.15g}   no verdict: degree < 3 cannot contain the gap "
              "mode (degree 3); use --degree 3 or more")
    else:
        print(f"gap = {res.gap:.15g}   claimed (4/15) N/(N-1) lambda_S = {claimed:.15g}   "
              f"{'agrees' if res.agrees_with_claim else 'DISAGREES'}")
    print(f"{'eigenvalue':>20} {'degree':>6} {'spins':>10} {'symmetric':>9}")
    for m in res.modes:
        print(f"{m.eigenvalue:>20.15g} {m.degree:>6} {str(list(m.spins)):>10} "
              f"{str(m.symmetric):>9}")
    return 0
