"""Size, build time and solve time of the axisymmetric (m = 0) collision tensor against K, and the
hot state's temperature at E = 1.3 up to K = 60.

The electric-field solver (:mod:`kacspectral.efield.kinetic`) needs the Bobylev tensor only
between axisymmetric functions: the ``m = m1 = m2 = 0`` entries
(:class:`kacspectral.boltzmann.anisotropic.axisymmetric.AxisymmetricCollisionOperator`, ``O(K^5)``)
instead of the full 3D tensor (``O(K^6)``; 9.45 GB estimated at K = 44, where a solve took 55 s).

Method.  First the three states at K = 16 solved with the m = 0 tensor and with the full
tensor (the previous collision term, re-created here as ``FullTensorOperator``).  For K = 20,
28, ..., 60: the estimated and stored size of the m = 0 tensor (and the
full tensor's estimate, not built), its build time (cache cleared, kernel constant), and the CPU
time of one Newton solve (:func:`kacspectral.efield.kinetic.solve_steady`, as the CLI runs it:
from the reduced state, ``t_ref_factor = 1``) of each of the three states of the issue's
example (D(r) = 0.05 + 5 exp(-r^2/2), nu = 1, T0 = 1, E = 1.3, epsilon = 0.01); the peak resident
memory of the process after each degree.  The time model ``a + b (K/44)^p`` of the CLI's budget
(:func:`kacspectral.cli.efield.solve_seconds`) is fitted to the slowest of the three solves.
Then the hot state with ``t_ref_factor = 0.7`` at K = 44, 48, ..., 60 (the K <= 44 values of
validation/electric_field_truncation.py, there with the full tensor: 8.3838 (32), 8.3916 (36),
8.3968 (40), 8.4002 (44), Aitken limit 8.40636 +- 1.2e-3; the stored full-tensor values are
compared at K = 44) and the Aitken limit of the new sequence (``aitken`` of that script).

Run from the repository root:  ``python validation/efield_axisymmetric_tensor.py`` (about 2 CPU
minutes on one thread, peak memory 1.9 GB; writes
``validation/results/efield_axisymmetric_tensor.json``).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import kacspectral.efield.kinetic as kinetic  # noqa: E402
from kacspectral.boltzmann.anisotropic.axisymmetric import (  # noqa: E402
    AxisymmetricCollisionOperator,
    clear_axisymmetric_cache,
    estimate_axisymmetric_seconds,
    estimate_axisymmetric_size,
)
from kacspectral.boltzmann.anisotropic.collision import CollisionOperator  # noqa: E402
from kacspectral.boltzmann.anisotropic.collision_tensor import estimate_tensor_size  # noqa: E402
from kacspectral.efield.kinetic import KineticOperator, solve_steady  # noqa: E402
from kacspectral.efield.problem import Diffusion, EFieldProblem  # noqa: E402
from kacspectral.efield.reduced import reduced_state  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402
from kacspectral.spectral.hermite_space import HermiteSpace  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from electric_field_truncation import aitken  # noqa: E402

OUT = Path(__file__).parent / "results" / "efield_axisymmetric_tensor.json"
PROBLEM = EFieldProblem(1.3, 1.0, Diffusion.gaussian(0.05, 5.0, 1.0), epsilon=0.01)
GUESSES = {"cold": (0.594, 1.312), "saddle": (0.956, 2.825), "hot": (1.198, 8.311)}
DEGREES = [20, 28, 36, 44, 52, 60]
HOT_DEGREES = [44, 48, 52, 56, 60]
#: The hot state at epsilon = 0.01, t_ref_factor = 0.7 solved with the FULL 3D tensor: ``{K: T}``
#: from validation/results/electric_field_truncation.json as committed in c42be50 (before the
#: m = 0 tensor; that file has since been regenerated with it).
FULL_TENSOR_HOT_T = {16: 8.318891320499294, 20: 8.339897902753526, 24: 8.358214374707057,
                     28: 8.372888354212527, 32: 8.383847674692454, 36: 8.391586768346652,
                     40: 8.396802224443478, 44: 8.400175857733556}


def peak_rss_bytes() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # Linux: kB


def sizes_and_times() -> list[dict]:
    reduced = {name: reduced_state(PROBLEM, g) for name, g in GUESSES.items()}
    rows = []
    for K in DEGREES:
        clear_axisymmetric_cache()
        t = time.process_time()
        op = AxisymmetricCollisionOperator(K, "constant")
        build = time.process_time() - t
        solves = {}
        for name, red in reduced.items():
            t = time.process_time()
            st = solve_steady(PROBLEM, (red.u, red.T), degree=K)
            solves[name] = {"cpu_seconds": time.process_time() - t, "T": st.T, "u": st.u,
                            "residual": st.residual, "newton_steps": st.newton_steps}
        row = {"degree": K, "basis_size": op.size,
               "estimate": estimate_axisymmetric_size(K),
               "stored_nonzeros": op.nnz, "stored_bytes": op.memory_bytes,
               "entries_T0": op.reduced_count, "build_cpu_seconds": build,
               "build_model_seconds": estimate_axisymmetric_seconds(K),
               "full_tensor_estimate": estimate_tensor_size(K, None),
               "solves": solves,
               "max_solve_cpu_seconds": max(s["cpu_seconds"] for s in solves.values()),
               "peak_rss_bytes_so_far": peak_rss_bytes()}
        rows.append(row)
        print(f"K={K}: size {op.size}, nnz {op.nnz}, {op.memory_bytes / 1e6:.3g} MB "
              f"(full tensor {row['full_tensor_estimate']['bytes'] / 1e9:.3g} GB est.), "
              f"build {build:.3g} s, solves " + ", ".join(
                  f"{n} {s['cpu_seconds']:.3g} s (T={s['T']:.6f})" for n, s in solves.items())
              + f", peak RSS {row['peak_rss_bytes_so_far'] / 1e9:.3g} GB", flush=True)
    return rows


class FullTensorOperator(KineticOperator):
    """The previous collision term: the full 3D tensor on the embedded m = 0 coefficients."""

    def __init__(self, problem: EFieldProblem, basis, max_bytes: int | None = None):
        super().__init__(problem, basis, max_bytes)
        full = HermiteSpace(basis.degree, 1.0)
        self._full = CollisionOperator(full, problem.kernel, max_bytes=max_bytes)
        self._m0 = np.array([full.index(*lab) for lab in basis.burnett_labels])
        self._nfull = full.size

    def _embed(self, a: np.ndarray) -> np.ndarray:
        x = np.zeros(self._nfull)
        x[self._m0] = self._U.T @ a
        return x

    def collision(self, a: np.ndarray) -> np.ndarray:
        x = self._embed(a)
        return self._U @ self._full.collision(x, x)[self._m0]

    def collision_jacobian(self, a: np.ndarray) -> np.ndarray:
        x = self._embed(a)
        G = (self._full.gain_matrix(x) + self._full.gain_matrix_left(x)).tocsr()
        J = G[self._m0][:, self._m0].toarray() - self._full.nu * x[0] * np.eye(len(self._m0))
        J[:, 0] -= self._full.nu * x[self._m0]
        return self._U @ J @ self._U.T


def against_full_tensor(degree: int = 16) -> dict:
    """The three states at ``degree`` solved with the m = 0 tensor and again with the full
    tensor (``solve_steady`` with :class:`FullTensorOperator` patched in): largest differences
    of the coefficients, of the references (u_ref, T_ref) and of the leading eigenvalues."""
    out = {}
    for name, guess in GUESSES.items():
        new = solve_steady(PROBLEM, guess, degree=degree)
        kinetic.KineticOperator = FullTensorOperator  # type: ignore[misc]
        try:
            old = solve_steady(PROBLEM, guess, degree=degree)
        finally:
            kinetic.KineticOperator = KineticOperator  # type: ignore[misc]
        out[name] = {
            "coefficients": float(np.max(np.abs(new.coeffs - old.coeffs))),
            "reference": max(abs(new.basis.u_ref - old.basis.u_ref),
                             abs(new.basis.t_ref - old.basis.t_ref)),
            "eigenvalues": float(np.max(np.abs(np.array(new.eigenvalues)
                                               - np.array(old.eigenvalues)))),
            "T": new.T - old.T}
        print(f"{name} K={degree}: m = 0 tensor - full tensor: {out[name]}", flush=True)
    return out


def fit_time_model(rows: list[dict]) -> dict:
    """``seconds = a + b (K/44)^p`` through the slowest solve: ``p`` and ``b`` by a log-log fit
    of ``seconds - a`` over K >= 28, ``a`` the K = 20 time (fixed costs)."""
    K = np.array([r["degree"] for r in rows], dtype=float)
    s = np.array([r["max_solve_cpu_seconds"] for r in rows])
    a = float(s[0]) * 0.5
    sel = K >= 28
    p, logb = np.polyfit(np.log(K[sel] / 44), np.log(s[sel] - a), 1)
    model = a + np.exp(logb) * (K / 44) ** p
    return {"a": a, "b": float(np.exp(logb)), "p": float(p),
            "model_over_measured": (model / s).tolist()}


def hot_sequence() -> dict:
    rows = []
    for K in HOT_DEGREES:
        t = time.process_time()
        st = solve_steady(PROBLEM, GUESSES["hot"], degree=K, t_ref_factor=0.7)
        rows.append({"degree": K, "T": st.T, "u": st.u, "residual": st.residual,
                     "stable": st.stable, "cpu_seconds": time.process_time() - t})
        print(f"hot K={K}: T={st.T:.9f} u={st.u:.9f} residual {st.residual:.2g} "
              f"({rows[-1]['cpu_seconds']:.3g} s)", flush=True)
    T = [r["T"] for r in rows]
    lim, err, ratio = aitken(T)
    full = FULL_TENSOR_HOT_T
    same = rows[0]["T"] - full[HOT_DEGREES[0]]
    print(f"hot K={HOT_DEGREES[0]}: m = 0 tensor - full tensor: {same:.2g} in T")
    return {"t_ref_factor": 0.7, "rows": rows, "T_limit": lim, "T_limit_error": err,
            "T_ratio_per_4_degrees": ratio,
            "full_tensor_T_by_degree": {str(k): v for k, v in full.items()},
            "T_minus_full_tensor_at_K_44": same,
            "full_tensor_T_limit_K_36_40_44": [8.40636, 1.2e-3]}


def main() -> None:
    same = against_full_tensor()
    rows = sizes_and_times()
    model = fit_time_model(rows)
    print("build model / measured: " + ", ".join(
        f"{r['build_model_seconds'] / r['build_cpu_seconds']:.2f}" for r in rows))
    print(f"time model: {model['a']:.3g} + {model['b']:.3g} (K/44)^{model['p']:.3g} s; "
          f"model/measured {np.round(model['model_over_measured'], 2).tolist()}")
    hot = hot_sequence()
    print(f"hot T limit (Aitken, K = 52..60): {hot['T_limit']:.6f} +- {hot['T_limit_error']:.1e}"
          f" (ratio {hot['T_ratio_per_4_degrees']:.3f} per 4 degrees)")
    out = {"description": __doc__.split("\n")[0], "problem": PROBLEM.summary(),
           "kernel": "constant", "degrees": rows, "solve_time_model": model,
           "hot_state": hot, "m0_minus_full_tensor_states_K_16": same,
           "versions": versions()}
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
