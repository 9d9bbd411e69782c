"""The grid (fast spectral) branches of ``kacspectral bkw`` and ``kacspectral ness``.

All three take ``--kernel`` (any angular kernel of the package; a non-constant one uses the
Funk-Hecke path of :mod:`kacspectral.grid.kernel_gain`, truncated at ``--legendre-degree``)
and record the kernel in their JSON.

``bkw --method grid --grid N``: ``Q(f, f)`` of the BKW solution (Maxwell molecules, any kernel) by
:class:`kacspectral.grid.operator.FastSpectralOperator` on the ``N^3`` grid of ``[-L, L)^3``, its
max error against the exact ``df/dt``, CPU seconds per evaluation (``time.process_time``),
set-up CPU seconds and the process's peak memory.

``ness --method grid --collision hard-spheres|vhs:<lambda>|maxwell --grid N``: the steady state
with jump reservoirs on the grid (:func:`kacspectral.grid.ness.solve_grid_ness`), its moments,
heat fluxes and entropy budget.

``evolve --method grid --collision ... --grid N``: the time evolution on the grid
(:func:`kacspectral.grid.evolution.evolve_grid`) with jump (and diffusive) reservoirs: moments and
entropy at the output times, the size of the conservation corrections.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings

import numpy as np

from kacspectral._version import __version__
from kacspectral.provenance import versions

from ._common import emit_json, positive_int

__all__ = ["add_grid_options", "bkw_grid_main", "check_bkw_grid_budget", "ness_grid_main",
           "parse_collision", "add_evolve_grid_options", "evolve_grid_main",
           "estimate_grid_evolution", "reject_grid_options", "grid_kernel_options",
           "check_ness_grid_budget"]


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


def _legendre_degree(text: str) -> int:
    from kacspectral.grid.kernel_gain import MAX_LEGENDRE_DEGREE

    try:
        d = int(text)
    except ValueError:
        d = -1
    if not 0 <= d <= MAX_LEGENDRE_DEGREE:
        raise argparse.ArgumentTypeError(
            f"--legendre-degree must be an integer in [0, {MAX_LEGENDRE_DEGREE}], got {text}")
    return d


def add_grid_options(parser: argparse.ArgumentParser, sphere_default: int) -> None:
    """``--sphere-degree``, ``--legendre-degree``, ``--radial-nodes``, ``--threads`` of the
    grid method."""
    parser.add_argument("--sphere-degree", type=_odd_degree, default=None,
                        help="grid method: odd degree of the Lebedev sphere rule (default: "
                        f"{sphere_default} for --kernel constant; for another kernel the "
                        f"smallest Lebedev degree >= {sphere_default} + --legendre-degree)")
    parser.add_argument("--legendre-degree", type=_legendre_degree, default=None,
                        help="grid method, non-constant --kernel: highest Legendre degree n of "
                        "the Funk-Hecke multiplier (default: the degree of a polynomial "
                        "kernel, exact; 24 otherwise)")
    parser.set_defaults(grid_sphere_base=sphere_default)
    parser.add_argument("--radial-nodes", type=positive_int, default=None,
                        help="grid method: Gauss-Jacobi radial nodes (default: ceil(N/3) + 4)")
    parser.add_argument("--threads", type=positive_int, default=1,
                        help="grid method: FFTW threads (default: 1)")


def reject_grid_options(args: argparse.Namespace) -> None:
    """Refuse the grid-only options ``--legendre-degree`` / ``--sphere-degree`` with another
    ``--method``."""
    for name in ("legendre_degree", "sphere_degree"):
        if getattr(args, name, None) is not None:
            raise ValueError(f"--{name.replace('_', '-')} belongs to --method grid, not to "
                             f"--method {args.method}")


def grid_kernel_options(args: argparse.Namespace) -> tuple:
    """``(kernel, legendre_degree, sphere_degree)`` of the grid method from ``--kernel``,
    ``--legendre-degree`` and ``--sphere-degree`` (default: the command's base degree for
    ``b = 1``, else the smallest Lebedev degree ``>= base + n_max``)."""
    from kacspectral.grid.kernel_gain import (
        default_legendre_degree,
        is_constant_kernel,
        lebedev_degree_at_least,
    )
    from kacspectral.physics.kernels import get_kernel

    kernel = get_kernel(args.kernel)
    base = int(args.grid_sphere_base)
    if is_constant_kernel(kernel):
        if args.legendre_degree is not None:
            raise ValueError("--legendre-degree applies to a non-constant --kernel only "
                             "(b = 1 has the exact isotropic multiplier)")
        return kernel, None, base if args.sphere_degree is None else args.sphere_degree
    nd = (default_legendre_degree(kernel) if args.legendre_degree is None
          else args.legendre_degree)
    sd = lebedev_degree_at_least(base + nd) if args.sphere_degree is None else (
        args.sphere_degree)
    return kernel, nd, sd


def check_bkw_grid_budget(args: argparse.Namespace, legendre_degree: int | None,
                          sphere_degree: int) -> dict:
    """Refuse ``bkw --method grid`` whose ``--repeat + 1`` evaluations of ``Q(f, f)`` would
    exceed the time budget, before anything is allocated; returns the estimate
    (:func:`estimate_grid_evolution` with one stage per evaluation and no reservoir).  Work
    over the operator's memory budget is left to
    :class:`kacspectral.grid.operator.FastSpectralOperator`, which refuses it first (naming
    the memory and ``legendre_degree``) before allocating anything.  A non-constant
    ``--kernel`` costs about ``3 + n_max/10`` FFTs per (radius, direction) pair of half the
    sphere rule instead of one per radius: ``--kernel kac --grid 96`` is estimated at 2.6 CPU
    minutes per evaluation."""
    from kacspectral.errors import check_budget
    from kacspectral.grid.operator import DEFAULT_MAX_BYTES, estimate_memory, sphere_rule

    n = int(args.grid)
    radial = args.radial_nodes if args.radial_nodes is not None else math.ceil(n / 3) + 4
    points = len(sphere_rule(sphere_degree)[1])
    est = estimate_grid_evolution(n, radial, points, steps=args.repeat + 1, reservoirs=0,
                                  stages=1, legendre_degree=legendre_degree)
    if estimate_memory(n, radial, legendre_degree) > DEFAULT_MAX_BYTES:
        return est  # the operator's refusal
    check_budget(f"bkw --method grid --grid {n} ({args.repeat + 1} evaluations of Q(f, f)"
                 + ("" if legendre_degree is None else
                    f", --legendre-degree {legendre_degree}") + ")",
                 seconds=est["seconds"], hint="lower --grid, --repeat or --legendre-degree")
    return est


def bkw_grid_main(args: argparse.Namespace) -> int:
    from kacspectral.grid.operator import FastSpectralOperator
    from kacspectral.grid.resources import peak_rss_bytes
    from kacspectral.physics.bkw import BKW, standard_grid

    from ._common import Progress, report_warnings

    kernel, nd, sd = grid_kernel_options(args)
    t = float(args.t)
    if not np.isfinite(t) or t < 0:
        raise ValueError(f"--t must be a number >= 0, got {args.t}")
    if args.t_end is not None:
        raise ValueError("--t-end is not available with --method grid (use kacspectral evolve)")
    check_bkw_grid_budget(args, nd, sd)
    bkw = BKW(A0=float(args.A0), kernel=kernel)
    c0 = time.process_time()
    op = FastSpectralOperator(args.grid, float(args.box), lam=0.0,
                              radial_nodes=args.radial_nodes, sphere_degree=sd,
                              threads=args.threads, kernel=kernel, legendre_degree=nd)
    setup = time.process_time() - c0
    v = standard_grid(args.grid, float(args.box))
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        f = bkw.density(v, t)
        exact = bkw.density_dt(v, t)
    caught = report_warnings(rec)  # e.g. BKW before t_min: one line on stderr each
    with Progress(args.repeat + 1, "bkw (grid)", enabled=not args.json) as bar:
        q = op.collision(f)
        bar.update()
        c0 = time.process_time()
        for _ in range(args.repeat):
            q = op.collision(f)
            bar.update()
        per_eval = (time.process_time() - c0) / args.repeat
    payload = {
        "method": "grid",
        "t": t, "A0": float(args.A0), "kernel": kernel.name,
        "kernel_details": kernel.describe(), "K_t": bkw.K(t),
        "operator": op.describe(),
        "q_max_error": float(np.max(np.abs(q - exact))),
        "seconds_per_evaluation": per_eval,
        "seconds_definition": "CPU seconds (time.process_time) per evaluation of Q(f,f), "
                              "conservation projection included",
        "setup_seconds": setup,
        "peak_memory_bytes": peak_rss_bytes(),
        "peak_memory_definition": "peak resident set (VmHWM) of this process",
        "conservation_correction": op.last_correction,
        "grid": {"points_per_axis": args.grid, "half_width": float(args.box)},
        "warnings": caught,
    }
    if args.json:
        emit_json(payload)
        return 0
    print(f"BKW at t = {t}, kernel {kernel.name}, on the {args.grid}^3 grid of "
          f"[-{float(args.box)}, "
          f"{float(args.box)})^3, fast spectral method ({op.sphere_points} sphere points, "
          f"{op.radial_nodes} radial nodes, {op.fft.backend})")
    for name, val in [("max |Q_h - df/dt| on grid", f"{payload['q_max_error']:.3e}"),
                      ("CPU seconds per evaluation", f"{per_eval:.3e}"),
                      ("set-up CPU seconds", f"{setup:.3e}"),
                      ("peak memory (bytes)", f"{payload['peak_memory_bytes']}"),
                      ("conservation correction", f"{op.last_correction:.3e}")]:
        print(f"  {name:<28}  {val}")
    return 0


#: RK4 steps of :func:`kacspectral.grid.ness.solve_grid_ness` counted by the time estimate of
#: ``ness --method grid``: 36 to 58 measured (Newton-Krylov polish included in the CPU time)
#: in ``validation/results/grid_ness.json``, whose CPU seconds the estimate exceeds by 1.6x
#: (N = 64, b = 1: 539 s) and 2x (N = 40, b = 3(1+s)^2/4: 334 s).
NESS_GRID_STEPS = 40


def check_ness_grid_budget(args: argparse.Namespace, legendre_degree: int | None,
                           sphere_degree: int, reservoirs: int) -> dict:
    """Refuse ``ness --method grid`` whose estimated CPU time (:data:`NESS_GRID_STEPS` RK4
    steps of ``Q(f, f)`` and one ``Q(f, M_a)`` per reservoir, :func:`estimate_grid_evolution`)
    exceeds the time budget, unless ``--force``; a non-constant ``--kernel`` costs 10-50 times
    ``b = 1`` (``--kernel kac --grid 64``: estimated 15 hours).  Memory is left to the operator,
    which refuses it before allocating."""
    from kacspectral.errors import check_budget
    from kacspectral.grid.operator import DEFAULT_MAX_BYTES, estimate_memory, sphere_rule

    n = int(args.grid)
    radial = args.radial_nodes if args.radial_nodes is not None else math.ceil(n / 3) + 4
    points = len(sphere_rule(sphere_degree)[1])
    est = estimate_grid_evolution(n, radial, points, NESS_GRID_STEPS, reservoirs,
                                  legendre_degree=legendre_degree)
    if estimate_memory(n, radial, legendre_degree) > DEFAULT_MAX_BYTES:
        return est  # the operator's refusal
    check_budget(f"ness --method grid --grid {n}"
                 + ("" if legendre_degree is None else
                    f" (--legendre-degree {legendre_degree}, sphere degree {sphere_degree})"),
                 seconds=est["seconds"], force=bool(getattr(args, "force", False)),
                 hint="lower --grid or --legendre-degree (or pass --force for the time)")
    return est


def ness_grid_main(args: argparse.Namespace) -> int:
    from kacspectral.grid.ness import GridNessProblem, solve_grid_ness
    from kacspectral.physics.reservoirs import MaxwellianMixture

    from ._common import Progress

    reservoir = MaxwellianMixture(args.weights, args.temperatures)
    lam = args.collision
    kernel, nd, sd = grid_kernel_options(args)
    check_ness_grid_budget(args, nd, sd, len(reservoir.T))
    problem = GridNessProblem(lam, float(args.gamma), reservoir, n=args.grid,
                              half_width=float(args.box), sphere_degree=sd,
                              radial_nodes=args.radial_nodes, kernel=kernel,
                              legendre_degree=nd)
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
    print(f"grid NESS, B = |q|^{lam:g} b (b: {kernel.name}), gamma = {float(args.gamma):g}, "
          f"N = {args.grid}")
    print(f"  residual max|F|/max|f|     {result.residual:.3e}  (t = {result.time:g}, "
          f"{result.steps} RK4 steps + Newton-Krylov)")
    print(f"  m2, m4                     {m['m2']:.10g}  {m['m4']:.10g}")
    print(f"  heat fluxes J_a            {' '.join(f'{j:.6e}' for j in result.heat_fluxes)}")
    eb = result.entropy_budget
    print(f"  sigma_B + sum sigma_a      {eb['production_total']:.6e}")
    print(f"  sum J_a / T_a              {eb['sum_J_over_T']:.6e}")
    return 0


def add_evolve_grid_options(parser: argparse.ArgumentParser) -> None:
    """Options of ``evolve --method grid`` (same as ``ness --method grid``; Lebedev degree 11)."""
    add_ness_grid_options(parser)


def add_ness_grid_options(parser: argparse.ArgumentParser) -> None:
    """Options of ``ness --method grid``: ``--collision``, ``--grid``, ``--box`` and the
    options of :func:`add_grid_options`."""
    parser.add_argument("--collision", type=parse_collision, default=0.0,
                        help="grid method: maxwell | hard-spheres | vhs:<lambda> "
                        "(B = |v - v*|^lambda b, b from --kernel; default: maxwell)")
    parser.add_argument("--grid", type=positive_int, default=32,
                        help="grid method: points per axis N (default: 32)")
    parser.add_argument("--box", type=float, default=8.83,
                        help="grid method: half-width L of [-L, L)^3 (default: 8.83)")
    add_grid_options(parser, sphere_default=11)


#: CPU seconds per (real FFT of n^3 points x log2 n) on this machine, one thread: 0.050 s per
#: Q(f, f) at N = 48 with 20 radial nodes and 3 + 1 FFTs per radius (validation/bench_grid.py)
_SECONDS_PER_FFT_POINT = 0.050 / (20 * 4 * 48**3 * math.log2(48))


def estimate_grid_evolution(n: int, radial_nodes: int, sphere_points: int, steps: int,
                            reservoirs: int, stages: int = 4,
                            legendre_degree: int | None = None) -> dict:
    """CPU seconds and bytes of ``evolve --method grid``: ``steps x stages`` right-hand sides,
    each one ``Q(f, f)`` (half the sphere rule) and ``Q(f, M_a)`` per reservoir (full rule);
    memory: the operator's work arrays, the integrator's stages and the stored output states.
    A non-constant kernel (``legendre_degree`` given) costs per (radius, direction) pair three
    FFTs plus the multiplier's sum over ``n``, counted as a fifth of an FFT per term
    (measured at N = 32: 0.18 ms per pair plus 0.027 ms per term, 0.16 of an FFT).  An upper
    bound: ``bkw --method grid --kernel kac`` (``n_max = 24``, Lebedev 27) estimated 0.57 and
    1.85 s per ``Q(f, f)`` at N = 24 and 32, measured 0.42 and 0.83 CPU s; ``Q(f, g)`` with
    Lebedev 35 at N = 48 estimated 43 s, measured 26 s
    (``validation/results/grid_kernels.json``)."""
    from kacspectral.grid.operator import estimate_memory

    if legendre_degree is None:
        ffts: float = radial_nodes * ((sphere_points // 2 + 1) + reservoirs * (sphere_points + 1))
    else:
        even = 3 + 0.2 * (legendre_degree // 2 + 1)
        full = 3 + 0.2 * (legendre_degree + 1)
        ffts = radial_nodes * (sphere_points // 2 * even + reservoirs * sphere_points * full)
    seconds = steps * stages * ffts * n**3 * math.log2(n) * _SECONDS_PER_FFT_POINT
    return {"seconds": seconds, "bytes": estimate_memory(n, radial_nodes, legendre_degree)
            + (stages + 4) * 8 * n**3}


def _grid_initial(args: argparse.Namespace, n: int, half_width: float, lam: float,
                  kernel: object = "constant"):
    """Initial grid values and a description, from the ``evolve`` options."""
    from kacspectral.grid.reservoirs import maxwellian_on_grid
    from kacspectral.physics.bkw import BKW, standard_grid
    from kacspectral.physics.reservoirs import MaxwellianMixture, as_fraction

    if args.initial == "maxwellian":
        if args.initial_weights is not None:
            raise ValueError("--initial-weights applies to --initial mixture only")
        temps = [float(as_fraction(t, "initial temperature"))
                 for t in (args.initial_temperatures or ["1/4", "1/3", "5/12"])]
        if len(temps) != 3:
            raise ValueError(f"--initial maxwellian needs 3 temperatures Tx Ty Tz, got "
                             f"{len(temps)}")
        if min(temps) <= 0:
            raise ValueError(f"--initial-temperatures must be > 0, got {temps}")
        x = -half_width + 2.0 * half_width * np.arange(n) / n
        g = [np.exp(-x**2 / (2 * t)) / math.sqrt(2 * math.pi * t) for t in temps]
        f0 = g[0][:, None, None] * g[1][None, :, None] * g[2][None, None, :]
        return 0.0, f0, f"Maxwellian with (Tx, Ty, Tz) = {tuple(temps)}"
    if args.initial == "mixture":
        mix = MaxwellianMixture(args.initial_weights or ["1/2", "1/2"],
                                args.initial_temperatures or ["1/6", "1/2"])
        f0 = sum(w * maxwellian_on_grid(n, half_width, t)
                 for w, t in zip(mix.w, mix.T, strict=True))
        return 0.0, f0, (f"mixture of isotropic Maxwellians, weights "
                         f"{[str(w) for w in mix.weights]}, temperatures "
                         f"{[str(t) for t in mix.temperatures]}")
    if args.initial_temperatures is not None or args.initial_weights is not None:
        raise ValueError("--initial bkw takes no --initial-temperatures / --initial-weights")
    if lam != 0.0:
        raise ValueError("--initial bkw is a solution for Maxwell molecules only: use "
                         "--collision maxwell")
    bkw = BKW(-0.5, kernel)
    t0 = float(args.bkw_start)
    if not (math.isfinite(t0) and t0 >= 0):
        raise ValueError(f"--bkw-start must be a number >= 0, got {args.bkw_start}")
    return t0, bkw.density(standard_grid(n, half_width), t0), f"BKW (A0 = -1/2) at t = {t0:g}"


def evolve_grid_main(args: argparse.Namespace) -> int:
    """``evolve --method grid``: ``df/dt = (1 - gamma) Q(f, f) + gamma Q(f, R)`` (+ diffusive
    reservoirs) on the ``N^3`` grid by :func:`kacspectral.grid.evolution.evolve_grid`."""
    from kacspectral.errors import ConvergenceError, check_budget
    from kacspectral.grid.evolution import evolve_grid
    from kacspectral.grid.operator import FastSpectralOperator, sphere_rule
    from kacspectral.grid.reservoirs import DiffusiveReservoirs, JumpReservoirs
    from kacspectral.physics.reservoirs import MaxwellianMixture

    from ._common import Progress
    from ._diffusive import diffusive_from_args

    kernel, nd, sd = grid_kernel_options(args)
    for name in ("degree", "l_max", "t_ref"):
        if getattr(args, name) not in (None, 8 if name == "degree" else None):
            raise ValueError(f"--{name.replace('_', '-')} belongs to the Hermite method, not "
                             "to --method grid")
    if getattr(args, "output", None) is not None:
        raise ValueError("--output is not available with --method grid (use --json)")
    lam, n, half_width = float(args.collision), int(args.grid), float(args.box)
    if not (math.isfinite(half_width) and half_width > 0):
        raise ValueError(f"--box must be a positive number, got {args.box}")
    gamma = float(args.gamma)
    if not 0 <= gamma < 1:
        raise ValueError(f"--gamma must be in [0, 1), got {args.gamma}")
    reservoir = MaxwellianMixture(args.weights, args.temperatures) if gamma > 0 else None
    diffusive = diffusive_from_args(args)
    t0 = float(args.bkw_start) if args.initial == "bkw" else 0.0
    t_end, dt = float(args.t_end), float(args.dt)
    if not (math.isfinite(t_end) and t_end > t0):
        raise ValueError(f"--t-end must be > the start time {t0:g}, got {args.t_end}")
    if not (math.isfinite(dt) and 0 < dt <= t_end - t0):
        raise ValueError(f"--dt must be in (0, t-end - start], got {args.dt}")
    if args.n_times < 2:
        raise ValueError(f"--n-times must be at least 2 (both ends), got {args.n_times}")
    scheme = "rk4" if args.scheme == "etdrk4" else args.scheme  # no linear part on the grid
    radial = args.radial_nodes if args.radial_nodes is not None else math.ceil(n / 3) + 4
    points = len(sphere_rule(sd)[1])
    steps = math.ceil((t_end - t0) / dt - 1e-12)
    est = estimate_grid_evolution(n, radial, points, steps,
                                  0 if reservoir is None else len(reservoir.T),
                                  legendre_degree=nd)
    check_budget(f"evolve --method grid --grid {n} ({n}^3 points, {steps} steps of {scheme})",
                 nbytes=est["bytes"], seconds=est["seconds"], force=args.force,
                 hint="lower --grid, raise --dt (or pass --force for the time)")
    t0, f0, description = _grid_initial(args, n, half_width, lam, kernel)  # after the budget
    op = FastSpectralOperator(n, half_width, lam=lam, radial_nodes=args.radial_nodes,
                              sphere_degree=sd, threads=args.threads,
                              effort="FFTW_ESTIMATE", kernel=kernel, legendre_degree=nd)
    terms: list[JumpReservoirs | DiffusiveReservoirs] = []
    if reservoir is not None:
        terms.append(JumpReservoirs(op, gamma, reservoir))
    if diffusive is not None:
        terms.append(DiffusiveReservoirs(n, half_width, [float(diffusive.eta)],
                                         [float(diffusive.temperature)], threads=args.threads))

    def extra(f):
        return sum(term(f) for term in terms)

    with Progress(steps, "evolve (grid)", enabled=not args.json) as bar:
        ev = evolve_grid(op, f0, t_end - t0, dt, extra=extra if terms else None,
                         outputs=args.n_times - 1, scheme=scheme, bulk=1.0 - gamma,
                         progress=bar)
    if not np.all(np.isfinite(ev.step_moments)) or not np.all(np.isfinite(ev.step_entropy)):
        raise ConvergenceError(f"evolve --method grid: the solution blew up before t = "
                               f"{t_end:g} (lower --dt)")
    pick = np.searchsorted(ev.step_times, ev.times - 1e-12)
    mom = ev.step_moments[pick]
    payload = {
        "method": "grid",
        "initial": description,
        "collision": {"lambda": lam, "b": kernel.name},
        "kernel": kernel.describe(),
        "gamma": gamma,
        "reservoir": None if reservoir is None else {
            "weights": [float(w) for w in reservoir.w],
            "temperatures": [float(t) for t in reservoir.T]},
        "diffusive": None if diffusive is None else {
            "eta": float(diffusive.eta), "temperature": float(diffusive.temperature)},
        "operator": op.describe(),
        "scheme": scheme, "dt": dt,
        "times": (t0 + ev.times).tolist(),
        "mass": mom[:, 0].tolist(),
        "momentum": mom[:, 1:4].tolist(),
        "m2": mom[:, 4].tolist(),
        "entropy": ev.step_entropy[pick].tolist(),
        "negative_mass": ev.step_negative_mass[pick].tolist(),
        "min_entropy_increment_per_step": float(ev.entropy_increments.min()),
        "max_conservation_correction": max(ev.corrections, default=0.0),
        "estimate": est,
        "version": __version__,
        "versions": versions(),
    }
    if args.json:
        emit_json(payload)
        return 0
    print(f"evolve --method grid: {description}, B = |q|^{lam:g} b (b: {kernel.name}), "
          f"gamma = {gamma:g}, "
          f"N = {n} on [-{half_width:g}, {half_width:g})^3, {scheme} dt = {dt:g}")
    print(f"  {'t':>10}  {'mass':>14}  {'m2':>14}  {'entropy':>14}")
    for t, m, e2, s in zip(payload["times"], payload["mass"], payload["m2"], payload["entropy"],
                           strict=True):
        print(f"  {t:10.4g}  {m:14.10f}  {e2:14.10f}  {s:14.10f}")
    print(f"  max conservation correction {payload['max_conservation_correction']:.3e}")
    return 0
