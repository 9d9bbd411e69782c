"""Shared test settings.

BLAS/OpenMP threads are pinned to one before numpy is imported: the test matrices are small, so
threads only add contention on a 2-core machine, and single-threaded reductions keep the results
bit-for-bit reproducible.  (An explicit setting in the environment wins.)
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

#: Machine epsilon of float64; tolerances in the tests are stated in units of it.
EPS = float(np.finfo(float).eps)
