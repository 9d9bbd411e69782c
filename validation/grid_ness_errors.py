"""Which truncation error dominates the grid NESS (issue 12, item 5): one parameter at a time.

At the NESS's grid (``N``, ``L = 8.83``, Lebedev degree 11, ``n_r = ceil(N/3) + 4``), the
reservoir cross terms ``Q(M_{3/4}, M_{T_a})`` (``T_a = 1/2, 1``; ``M_{3/4}`` has the NESS's
energy) and the bulk term ``Q(M_{3/4}, M_{3/4})`` are recomputed with a finer sphere rule
(degree 17), more radial nodes (+8), and a larger box (``L ~ 10`` at the same spacing ``h``, so
``N`` grows); the max difference on the common points estimates each error (relative to
``max |Q(M_{3/4}, M_1)|``, since ``Q(M, M) = 0``).  The resolution error (spacing ``h``) is the
NESS's convergence in ``N`` itself (``validation/grid_ness.py``).

Run:  ``python validation/grid_ness_errors.py [N]`` (default 48).
Writes ``validation/results/grid_ness_errors.json``.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from kacspectral.grid.operator import FastSpectralOperator  # noqa: E402
from kacspectral.grid.reservoirs import maxwellian_on_grid  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402


def terms(n: int, half_width: float, degree: int, radial: int) -> dict:
    op = FastSpectralOperator(n, half_width, lam=0.0, sphere_degree=degree, radial_nodes=radial,
                              effort="FFTW_ESTIMATE")
    f = maxwellian_on_grid(n, half_width, 0.75)
    out = {"bulk": op.collision(f)}
    for t in (0.5, 1.0):
        out[f"cross_T{t:g}"] = op.collision(f, maxwellian_on_grid(n, half_width, t))
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 48
    L = 8.83
    nr = math.ceil(n / 3) + 4
    base = terms(n, L, 11, nr)
    # same spacing h = 2L/n on [-L2, L2): n2 = n L2 / L points (rounded to an even integer)
    n2 = 2 * round(n * 10.0 / L / 2)
    l2 = L * n2 / n
    variants = {"sphere_degree_17": terms(n, L, 17, nr),
                f"radial_nodes_{nr + 8}": terms(n, L, 11, nr + 8)}
    big = terms(n2, l2, 11, math.ceil(n2 / 3) + 4)
    off = (n2 - n) // 2
    variants[f"box_L{l2:.3g}_N{n2}"] = {k: v[off:off + n, off:off + n, off:off + n]
                                        for k, v in big.items()}
    out: dict = {"description": __doc__.split("\n")[0], "n": n, "half_width": L,
                 "radial_nodes": nr, "sphere_degree": 11, "relative_differences": {}}
    for name, var in variants.items():
        scale = float(np.max(np.abs(base["cross_T1"])))
        row = {k: float(np.max(np.abs(var[k] - base[k]))) / scale for k in base}
        out["relative_differences"][name] = row
        print(name, " ".join(f"{k} {v:.2e}" for k, v in row.items()), flush=True)
    out["versions"] = versions()
    path = Path(__file__).resolve().parent / "results" / "grid_ness_errors.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
