"""The fast paths of the Kac sectors against the slow obvious ones.

* Lanczos (``dense_max=0`` forces it on every sector) against LAPACK's dense ``eigh`` on the same
  symmetrised matrices: the same distinct eigenvalues.  Tolerance: both solvers are backward
  stable for a symmetric matrix, eigenvalue errors <= c eps ||B||_2 with ||B||_2 <= N(N-1)/2
  pairs times rates of order 1 / (N - 1), i.e. ||B|| ~ N; 1e-12 leaves a factor > 100 for
  N <= 6 (measured differences 1e-14).
* The sparse symmetrisation against the dense one (same matrix, entry by entry).
(The integer-arithmetic ``pair_table`` is checked against the independent expansion
``pair_table_direct``, exact equality of Fractions up to degree 4, in tests/test_kac.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

from kacspectral.kac.eigen import top_eigenpairs
from kacspectral.kac.generators import PolynomialSector, generator_matrix, symmetrize
from kacspectral.kac.spectral_gap import (
    PARITIES,
    _symmetric_form,
    invariant_count,
    reduced_pools,
    spectrum_modes,
)


def _build(sec, _ctx):
    return generator_matrix(sec, range(len(sec.pools)), kind="S")


@pytest.mark.parametrize("n,m", [(5, 3), (4, 4), (6, 3)])
def test_lanczos_matches_dense_per_sector(n, m):
    for par in PARITIES:
        if sum(par) % 2 != m % 2:
            continue
        sec = PolynomialSector(reduced_pools(n, m), m, par)
        form = _symmetric_form(sec, _build(sec, None))
        kd = invariant_count(m, par)
        kw = dict(tol=1e-9, kernel_tol=1e-9 * form[2], vectors=False)
        ws, _, method = top_eigenpairs(form[0], kd, 6, dense_max=0, **kw)
        wd, _, _ = top_eigenpairs(form[0], kd, 6, dense_max=10**9, **kw)
        assert method.startswith(("lanczos", "dense"))
        ds = np.unique(np.round(ws, 9))[::-1][:6]
        dd = np.unique(np.round(wd, 9))[::-1][:6]
        assert len(ds) == len(dd)
        assert np.max(np.abs(ds - dd)) <= 1e-8  # grouping at 1e-9, values below
        # values themselves (not rounded): every dense top value has a Lanczos twin
        for x in wd[wd >= dd[-1] - 1e-9]:
            assert np.min(np.abs(ws - x)) <= 1e-12


def test_lanczos_used_and_modes_identical():
    # the whole mode search with Lanczos forced everywhere (first pass) against dense only
    layouts = [(reduced_pools(4, d), d, None) for d in range(1, 5)]
    fast, cf = spectrum_modes(layouts, _build, 6, symmetric_layout=((4,), None), dense_max=0)
    slow, cs = spectrum_modes(layouts, _build, 6, symmetric_layout=((4,), None),
                              dense_max=10**9)
    assert cf["solvers"].get("lanczos", 0) > 0 and set(cs["solvers"]) == {"dense"}
    assert len(fast) == len(slow) == 6 and fast[0]["degree"] == 3
    for a, b in zip(fast, slow, strict=True):
        assert abs(a["eigenvalue"] - b["eigenvalue"]) <= 1e-12
        assert {k: v for k, v in a.items() if k != "eigenvalue"} == \
            {k: v for k, v in b.items() if k != "eigenvalue"}


def test_sparse_symmetrisation_equals_dense():
    sec = PolynomialSector(reduced_pools(5, 3), 3, (1, 0, 0))
    mat = _build(sec, None)
    dense = symmetrize(sec, mat)
    sparse = symmetrize(sec, mat, dense=False).toarray()
    assert np.array_equal(dense, sparse) or np.max(np.abs(dense - sparse)) <= 4e-16 * np.max(
        np.abs(dense))
