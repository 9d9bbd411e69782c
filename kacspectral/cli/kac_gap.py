"""``kacspectral kac-gap``: spectral gap of the 3D Kac generator on polynomial sectors."""

from __future__ import annotations

import argparse

from kacspectral.kac.generators import kac_gap

from ._common import Progress, emit_json, number, positive_int

COMMAND = "kac-gap"
HELP = "spectral gap of the 3D Kac generator L_S (energy and momentum conserved), seed 000"

#: largest --degree accepted: the sector dimension grows with min(degree, N); measured with
#: OMP_NUM_THREADS=1: N = 4, degree 6 about 50 s; N >= 5, degree 4 about 4 s.
SMALL_N = 4
MAX_DEGREE_SMALL_N = 6
MAX_DEGREE = 4


def max_degree(n: int) -> int:
    """Largest --degree accepted for N particles (6 for N <= 4, else 4)."""
    return MAX_DEGREE_SMALL_N if n <= SMALL_N else MAX_DEGREE


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--particles", "-N", type=positive_int, required=True,
                        help="number N >= 2 of particles")
    parser.add_argument("--degree", type=positive_int, default=4,
                        help="maximal polynomial degree of the sectors (1..6 for N <= 4, "
                             "1..4 for N > 4; default 4)")
    parser.add_argument("--lambda-s", type=number, default=1,
                        help="collision rate lambda_S (default 1)")
    parser.add_argument("--modes", type=positive_int, default=6,
                        help="number of slowest modes listed (default 6)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    if args.particles < 2:
        raise ValueError(f"--particles must be >= 2, got {args.particles}")
    if args.degree > max_degree(args.particles):
        raise ValueError(
            f"--degree {args.degree} is too costly for N = {args.particles} particles: degree "
            f"<= {MAX_DEGREE_SMALL_N} is allowed only for N <= {SMALL_N}, else <= {MAX_DEGREE}")
    if args.lambda_s <= 0:
        raise ValueError(f"--lambda-s must be positive, got {args.lambda_s}")
    with Progress(4 * args.degree, f"kac-gap N={args.particles}", enabled=not args.json) as bar:
        res = kac_gap(args.particles, args.degree, args.lambda_s, args.modes,
                      progress=bar.update)
    claimed = res["claimed"]["gap"]
    res["agrees_with_claim"] = abs(res["gap"] - claimed) <= 1e-12 * max(1.0, claimed)
    res["claim"] = ("Delta_N = (4/15) lambda_S N/(N-1), reached by sum_j |v_j|^2 v_j (degree 3, "
                    "spin 1, permutation symmetric)")
    res["gap_eigenfunction"] = (
        "Wick form of sum_j |x_j|^2 x_j - (1/(N-1)) sum_{i!=j} [x_i |x_j|^2 + 2 (x_i.x_j) x_j] "
        "+ (2/((N-1)(N-2))) sum_{i,j,k distinct} x_i (x_j.x_k), x = sqrt(2 pi) v "
        "(checked for N = 3, 6, 10 in tests/test_kac.py)")
    if args.json:
        emit_json(res)
        return 0
    print(f"3D Kac generator, N = {res['particles']}, degree <= {res['degree']}, "
          f"lambda_S = {res['lambda_s']}")
    print(f"gap = {res['gap']:.15g}   claimed (4/15) N/(N-1) lambda_S = {claimed:.15g}   "
          f"{'agrees' if res['agrees_with_claim'] else 'DISAGREES'}")
    print(f"{'eigenvalue':>20} {'degree':>6} {'spins':>10} {'symmetric':>9}")
    for m in res["modes"]:
        print(f"{m['eigenvalue']:>20.15g} {m['degree']:>6} {str(m['spins']):>10} "
              f"{str(m['symmetric']):>9}")
    return 0
