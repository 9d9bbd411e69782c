"""The grid (fast spectral) branches of ``kacspectral bkw`` and ``kacspectral ness``.

``bkw --method grid --grid N``: ``Q(f, f)`` of the BKW solution (Maxwell molecules, b = 1) by
:class:`kacspectral.grid.operator.FastSpectralOperator` on the ``N^3`` grid of ``[-L, L)^3``, its
max error against the exact ``df/dt``, CPU seconds per evaluation (``time.process_time``),
set-up CPU seconds and the process's peak memory.

``ness --method grid --collision hard-spheres|vhs:<lambda>|maxwell --grid N``: the steady state
with jump reservoirs on the grid (:func:`kacspectral.grid.ness.solve_grid_ness`), its moments,
heat fluxes and entropy budget.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ._common import emit_json, positive_int

__all__ = ["add_grid_options", "bkw_grid_main", "ness_grid_main", "parse_collision"]


def parse_collision(text: str) -> float:
    """``maxwell`` -> 0, ``hard-spheres`` -> 1, ``vhs:<lambda>`` with ``0 <= lambda <= 1``."""
    t = text.strip().lower()
    if t == "maxwell":
        return 0.0
    if t in ("hard-spheres", "hard_spheres", "hs"):
        return 1.0
    if t.startswith("vhs:"):
        try:
            lam = float(t[4:])
        except ValueError:
            lam = float("nan")
        if 0.0 <= lam <= 1.0:
            return lam
    raise argparse.ArgumentTypeError(
        f"--collision must be maxwell, hard-spheres or vhs:<lambda> with 0 <= lambda <= 1, "
        f"got {text!r}")


def _odd_degree(text: str) -> int:
    d = positive_int(text)
    if d % 2 == 0 or d < 3:
        raise argparse.ArgumentTypeError(f"--sphere-degree must be an odd integer >= 3, got {text}")
    return d


def add_grid_options(parser: argparse.ArgumentParser, sphere_default: int) -> None:
    """``--sphere-degree``, ``--radial-nodes``, ``--threads`` of the grid method."""
    parser.add_argument("--sphere-degree", type=_odd_degree, default=sphere_default,
                        help="grid method: odd degree of the Lebedev sphere rule "
                        f"(default: {sphere_default})")
    parser.add_argument("--radial-nodes", type=positive_int, default=None,
                        help="grid method: Gauss-Jacobi radial nodes (default: ceil(N/3) + 4)")
    parser.add_argument("--threads", type=positive_int, default=1,
                        help="grid method: FFTW threads (default: 1)")


def bkw_grid_main(args: argparse.Namespace) -> int:
    from kacspectral.grid.operator import FastSpectralOperator
    from kacspectral.grid.resources import peak_rss_bytes
    from kacspectral.physics.bkw import BKW, standard_grid
    from kacspectral.physics.kernels import get_kernel

    kernel = get_kernel(args.kernel)
    if kernel.name != "constant":
        raise ValueError(f"--method grid supports the constant kernel b = 1 only, got "
                         f"--kernel {args.kernel!r}")
    t = float(args.t)
    if not np.isfinite(t) or t < 0:
        raise ValueError(f"--t must be a number >= 0, got {args.t}")
    if args.t_end is not None:
        raise ValueError("--t-end is not available with --method grid (use kacspectral evolve)")
    bkw = BKW(A0=float(args.A0), kernel=kernel)
    c0 = time.process_time()
    op = FastSpectralOperator(args.grid, float(args.box), lam=0.0,
                              radial_nodes=args.radial_nodes, sphere_degree=args.sphere_degree,
                              threads=args.threads)
    setup = time.process_time() - c0
    v = standard_grid(args.grid, float(args.box))
    f = bkw.density(v, t)
    q = op.collision(f)
    c0 = time.process_time()
    for _ in range(args.repeat):
        q = op.collision(f)
    per_eval = (time.process_time() - c0) / args.repeat
    payload = {
        "method": "grid",
        "t": t, "A0": float(args.A0), "kernel": kernel.name, "K_t": bkw.K(t),
        "operator": op.describe(),
        "q_max_error": float(np.max(np.abs(q - bkw.density_dt(v, t)))),
        "seconds_per_evaluation": per_eval,
        "seconds_definition": "CPU seconds (time.process_time) per evaluation of Q(f,f), "
                              "conservation projection included",
        "setup_seconds": setup,
        "peak_memory_bytes": peak_rss_bytes(),
        "peak_memory_definition": "peak resident set (VmHWM) of this process",
        "conservation_correction": op.last_correction,
        "grid": {"points_per_axis": args.grid, "half_width": float(args.box)},
    }
    if args.json:
        emit_json(payload)
        return 0
    print(f"BKW at t = {t} on the {args.grid}^3 grid of [-{float(args.box)}, "
          f"{float(args.box)})^3, fast spectral method ({op.sphere_points} sphere points, "
          f"{op.radial_nodes} radial nodes, {op.fft.backend})")
    for name, val in [("max |Q_h - df/dt| on grid", f"{payload['q_max_error']:.3e}"),
                      ("CPU seconds per evaluation", f"{per_eval:.3e}"),
                      ("set-up CPU seconds", f"{setup:.3e}"),
                      ("peak memory (bytes)", f"{payload['peak_memory_bytes']}"),
                      ("conservation correction", f"{op.last_correction:.3e}")]:
        print(f"  {name:<28}  {val}")
    return 0


def ness_grid_main(args: argparse.Namespace) -> int:
    from kacspectral.grid.ness import GridNessProblem, solve_grid_ness
    from kacspectral.physics.reservoirs import MaxwellianMixture

    from ._common import Progress

    reservoir = MaxwellianMixture(args.weights, args.temperatures)
    lam = args.collision
    problem = GridNessProblem(lam, float(args.gamma), reservoir, n=args.grid,
                              half_width=float(args.box), sphere_degree=args.sphere_degree,
                              radial_nodes=args.radial_nodes)
    with Progress(100, "grid NESS", enabled=not args.json) as bar:
        def cb(_t: float, resid: float) -> None:
            frac = min(1.0, max(0.0, -np.log10(max(resid, 1e-300)) / -np.log10(args.tol)))
            bar.update(int(100 * frac) - bar.done)

        result = solve_grid_ness(problem, tol=args.tol, threads=args.threads, callback=cb)
    # The steady state must balance energy (sum_a J_a = 0) and entropy (sigma_B + sum sigma_a =
    # sum J_a / T_a, sigma_B >= 0); an under-resolved grid violates them (measured: N = 24 with
    # Lebedev degree 3, sum J_a = 0.13 against fluxes 0.11), so a result off by more than 1% is
    # reported as numerical trouble instead of printed (N = 32, degree 11: 5e-4 and 1e-4).
    flux_scale = float(np.max(np.abs(result.heat_fluxes)))
    budget = result.entropy_budget
    if (abs(float(np.sum(result.heat_fluxes))) > 1e-2 * max(flux_scale, 1e-300)
            or abs(budget["difference"]) > 1e-2 * max(abs(budget["sum_J_over_T"]), 1e-300)
            or budget["sigma_bulk"] < 0):
        from kacspectral.errors import ConvergenceError

        raise ConvergenceError(
            f"grid NESS at N = {args.grid}: residual {result.residual:.2e} but sum J_a = "
            f"{float(np.sum(result.heat_fluxes)):.3e} (fluxes {flux_scale:.3e}), entropy budget "
            f"off by {budget['difference']:.3e}, sigma_B = {budget['sigma_bulk']:.3e}: the "
            "steady state is not resolved (try a larger --box and --grid)")
    payload = {"method": "grid", **result.to_dict()}
    if args.json:
        emit_json(payload)
        return 0
    m = result.moments()
    print(f"grid NESS, B = |q|^{lam:g} (b = 1), gamma = {float(args.gamma):g}, N = {args.grid}")
    print(f"  residual max|F|/max|f|     {result.residual:.3e}  (t = {result.time:g}, "
          f"{result.steps} RK4 steps + Newton-Krylov)")
    print(f"  m2, m4                     {m['m2']:.10g}  {m['m4']:.10g}")
    print(f"  heat fluxes J_a            {' '.join(f'{j:.6e}' for j in result.heat_fluxes)}")
    eb = result.entropy_budget
    print(f"  sigma_B + sum sigma_a      {eb['production_total']:.6e}")
    print(f"  sum J_a / T_a              {eb['sum_J_over_T']:.6e}")
    return 0


def add_ness_grid_options(parser: argparse.ArgumentParser) -> None:
    """Options of ``ness --method grid``: ``--collision``, ``--grid``, ``--box`` and the
    options of :func:`add_grid_options`."""
    parser.add_argument("--collision", type=parse_collision, default=0.0,
                        help="grid method: maxwell | hard-spheres | vhs:<lambda> "
                        "(B = |v - v*|^lambda, b = 1; default: maxwell)")
    parser.add_argument("--grid", type=positive_int, default=32,
                        help="grid method: points per axis N (default: 32)")
    parser.add_argument("--box", type=float, default=8.83,
                        help="grid method: half-width L of [-L, L)^3 (default: 8.83)")
    add_grid_options(parser, sphere_default=11)
