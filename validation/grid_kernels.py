"""Non-constant angular kernels on the grid (issue 12, item 1: Maxwell molecules, any kernel).

The directional (Funk-Hecke) path of :mod:`kacspectral.grid.kernel_gain`, measured against
independent references (one thread):

* ``hermite``: ``Q(f, f)`` and ``Q(f, g)`` of the bi-Maxwellian ``f``, ``T = (0.5, 0.5, 0.8)``,
  and ``g = M_{(0.3, 0, -0.2), 0.7}`` against the Hermite-Burnett solver (exact degree by degree
  for Maxwell molecules with any kernel) at degree 28, its own error estimated by degree 24;
  kernels ``kac`` (``n_max = 24``, sphere degree 35, the defaults) and ``3 (1+s)^2 / 4``
  (exact at ``n_max = 2``; sphere degree 15 = 13 + 2, 13 being what ``b = 1`` needs on these
  data), ``N = 24 .. 48``;
* ``legendre``: convergence in ``n_max`` (``kac``, ``N = 32``, sphere degree 47) against
  ``n_max = 40`` on the same grid, for ``Q(f, f)`` (even ``n``) and ``Q(f, g)`` (all ``n``);
* ``sphere``: convergence in the Lebedev degree (``kac``, ``n_max = 24``, ``N = 32``) against
  degree 47;
* ``bkw``: the BKW solution with the ``kac`` kernel at ``t = 8.125`` (``A(t)`` of the b = 1
  solution at ``t = 6.5``) against its closed form ``df/dt``, ``N = 24 .. 48``, with the fitted
  rate ``log10 error ~ a - c N``;
* ``cost``: CPU seconds per ``Q(f, f)`` for ``b = 1`` and for ``kac`` at ``n_max = 8, 16, 24``,
  and the unit costs (one real FFT, one half-grid multiply-add) that compare the direct
  evaluation of the multiplier with the addition-theorem variant.

Run from the repository root: ``python validation/grid_kernels.py [--quick]``
(about 6 CPU minutes; ``--quick`` stops at N = 32).  Writes
``validation/results/grid_kernels.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from kacspectral.boltzmann.anisotropic.collision import (  # noqa: E402
    CollisionOperator,
    HermiteSpace,
)
from kacspectral.grid.operator import FastSpectralOperator  # noqa: E402
from kacspectral.grid.projection import hermite_to_grid  # noqa: E402
from kacspectral.physics.bkw import BKW, STANDARD_BOX, standard_grid  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEMPS = np.array([0.5, 0.5, 0.8])
SHIFT, TG = (0.3, 0.0, -0.2), 0.7
POLY = "3*(1+s)**2/4"
FAST = {"effort": "FFTW_ESTIMATE"}


def hermite_refs(kernel: str, n: int) -> dict:
    out = {}
    for k in (24, 28):
        space = HermiteSpace(k, HermiteSpace.choose_temperature(TEMPS))
        op = CollisionOperator(space, kernel=kernel)
        a, b = space.maxwellian(TEMPS), space.maxwellian(TG, SHIFT)
        out[k] = [hermite_to_grid(x, space, n, STANDARD_BOX)
                  for x in (op.collision(a, a), op.collision(a, b), a, b)]
    return {"q": out[28][0], "qg": out[28][1], "f": out[28][2], "g": out[28][3],
            "ref_err": float(np.max(np.abs(out[28][0] - out[24][0]))),
            "ref_err_g": float(np.max(np.abs(out[28][1] - out[24][1])))}


def cpu(fn):
    c0 = time.process_time()
    out = fn()
    return out, time.process_time() - c0


def study_hermite(ns: list[int]) -> list[dict]:
    rows = []
    for kernel in ("kac", POLY):
        for n in ns:
            ref = hermite_refs(kernel, n)
            op = FastSpectralOperator(n, kernel=kernel, sphere_degree=35 if kernel == "kac"
                                      else 15, **FAST)
            q, t = cpu(lambda op=op, ref=ref: op.collision(ref["f"]))
            qg, tg = cpu(lambda op=op, ref=ref: op.collision(ref["f"], ref["g"]))
            rows.append({"kernel": kernel, "n": n, "legendre_degree": op.legendre_degree,
                         "sphere_degree": op.sphere_degree, "radial_nodes": op.radial_nodes,
                         "q_max_error": float(np.max(np.abs(q - ref["q"]))),
                         "qg_max_error": float(np.max(np.abs(qg - ref["qg"]))),
                         "q_max": float(np.max(np.abs(ref["q"]))),
                         "qg_max": float(np.max(np.abs(ref["qg"]))),
                         "reference_error_estimate": ref["ref_err"],
                         "reference_error_estimate_g": ref["ref_err_g"],
                         "cpu_seconds_q": t, "cpu_seconds_qg": tg})
            print(rows[-1], flush=True)
    return rows


def study_legendre(n: int = 32) -> dict:
    ref = hermite_refs("kac", n)
    f, g = ref["f"], ref["g"]
    out: dict = {"n": n, "sphere_degree": 47, "reference_legendre_degree": 40}
    for label, args, degs in (("q", (f,), [0, 2, 4, 8, 12, 16, 20, 24, 32]),
                              ("qg", (f, g), [1, 3, 8, 16, 24, 32])):
        best = FastSpectralOperator(n, kernel="kac", legendre_degree=40, sphere_degree=47,
                                    conserve=False, **FAST).collision(*args)
        rows = []
        for nd in degs:
            op = FastSpectralOperator(n, kernel="kac", legendre_degree=nd, sphere_degree=47,
                                      conserve=False, **FAST)
            rows.append({"legendre_degree": nd,
                         "difference": float(np.max(np.abs(op.collision(*args) - best)))})
            print(label, rows[-1], flush=True)
        out[label] = rows
    return out


def study_sphere(n: int = 32) -> dict:
    ref = hermite_refs("kac", n)
    best = FastSpectralOperator(n, kernel="kac", legendre_degree=24, sphere_degree=47,
                                conserve=False, **FAST).collision(ref["f"])
    rows = []
    for sd in (17, 21, 25, 29, 35, 41):
        op = FastSpectralOperator(n, kernel="kac", legendre_degree=24, sphere_degree=sd,
                                  conserve=False, **FAST)
        rows.append({"sphere_degree": sd, "sphere_points": op.sphere_points,
                     "difference": float(np.max(np.abs(op.collision(ref["f"]) - best)))})
        print("sphere", rows[-1], flush=True)
    return {"n": n, "legendre_degree": 24, "reference_sphere_degree": 47, "rows": rows}


def study_bkw(ns: list[int]) -> dict:
    b = BKW(kernel="kac")
    t = 6.5 / 6 / b.kernel.B(1, 1)
    rows = []
    for n in ns:
        v = standard_grid(n)
        f, exact = b.density(v, t), b.density_dt(v, t)
        for nd, sd in ((8, 11), (16, 19)):
            op = FastSpectralOperator(n, kernel="kac", legendre_degree=nd, sphere_degree=sd,
                                      **FAST)
            q, sec = cpu(lambda op=op, f=f: op.collision(f))
            rows.append({"n": n, "legendre_degree": nd, "sphere_degree": sd,
                         "q_max_error": float(np.max(np.abs(q - exact))),
                         "conservation_correction": op.last_correction, "cpu_seconds": sec})
            print("bkw", rows[-1], flush=True)
    pts = [(r["n"], math.log10(r["q_max_error"])) for r in rows if r["legendre_degree"] == 8]
    slope = float(np.polyfit(*zip(*pts, strict=True), 1)[0]) if len(pts) > 1 else None
    return {"t": t, "rate_B11": b.kernel.B(1, 1), "rows": rows,
            "fit_log10_error_per_point": slope}


def study_cost(ns: list[int]) -> dict:
    rows = []
    for n in ns:
        v = standard_grid(n)
        f = np.exp(-np.sum(v**2 / (2 * TEMPS), -1)) / ((2 * math.pi) ** 1.5
                                                         * math.sqrt(TEMPS.prod()))
        for kernel, nd in (("constant", None), ("kac", 8), ("kac", 16), ("kac", 24)):
            op = FastSpectralOperator(n, kernel=kernel, legendre_degree=nd,
                                      sphere_degree=13 if nd is None else None)
            op.collision(f)
            _, sec = cpu(lambda op=op, f=f: op.collision(f))
            rows.append({"n": n, "kernel": kernel, "legendre_degree": nd,
                         "sphere_degree": op.sphere_degree, "sphere_points": op.sphere_points,
                         "radial_nodes": op.radial_nodes, "cpu_seconds_per_q": sec})
            print("cost", rows[-1], flush=True)
    # unit costs at N = 48 for the two ways of summing over directions
    n = 48
    op = FastSpectralOperator(n, **FAST)
    x = np.random.default_rng(0).standard_normal((n, n, n))
    reps = 50
    _, t_fft = cpu(lambda: [op.fft.forward(x) for _ in range(reps)])
    h = np.empty(op.fft.half_shape)
    a, b = np.ones_like(h), np.ones_like(h)
    _, t_half = cpu(lambda: [np.add(h, a * b, out=h) for _ in range(reps)])
    full = np.empty((n, n, n))
    c = np.ones_like(full)
    _, t_full = cpu(lambda: [np.add(full, 0.5 * c, out=full) for _ in range(reps)])
    t_fft, t_half, t_full = t_fft / reps, t_half / reps, t_full / reps
    nd, m_half = 24, 217  # default kac: n_max = 24, Lebedev degree 35 (434 points)
    terms = nd // 2 + 1
    # per radius: direct = M/2 pairs x (3 FFTs + terms multiply-adds on the half grid);
    # addition theorem = M/2 x 2 shift FFTs + sum_{n even} (2n+1) FFTs of projected products
    # + M/2 x sum_{n even}(2n+1) velocity-space multiply-adds
    harmonics = sum(2 * k + 1 for k in range(0, nd + 1, 2))
    direct = m_half * (3 * t_fft + terms * t_half)
    addition = m_half * 2 * t_fft + harmonics * t_fft + m_half * harmonics * t_full
    return {"rows": rows, "unit_costs_n48": {
        "real_fft_seconds": t_fft, "half_grid_multiply_add_seconds": t_half,
        "full_grid_multiply_add_seconds": t_full},
        "per_radius_model_n48_kac_default": {"direct_seconds": direct,
                                             "addition_theorem_seconds": addition,
                                             "sphere_points_used": m_half,
                                             "even_harmonics": harmonics}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="stop at N = 32")
    args = ap.parse_args()
    from kacspectral.provenance import versions

    ns = [24, 32] if args.quick else [24, 32, 40, 48]
    payload = {
        "description": __doc__.splitlines()[0],
        "command": "python validation/grid_kernels.py" + (" --quick" if args.quick else ""),
        "hermite": study_hermite(ns),
        "legendre": study_legendre(),
        "sphere": study_sphere(),
        "bkw": study_bkw(ns),
        "cost": study_cost([32] if args.quick else [32, 48]),
        "versions": versions(),
    }
    out = ROOT / "validation" / "results" / "grid_kernels.json"
    out.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
