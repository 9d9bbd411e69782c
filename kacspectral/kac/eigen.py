"""Top of the spectrum of the symmetrised Kac sector generators: dense LAPACK on one BLAS
thread; sparse Lanczos on request.

The generators of :mod:`kacspectral.kac.generators` are self-adjoint in L^2(Gamma).  In the
basis e_lambda of a sector their matrix A is self-adjoint for the diagonal Gram matrix
G = diag(||e_lambda||^2) (Fischer norms, exact integers), so B = S A S^{-1}, S = G^{1/2}, is a
real symmetric (sparse) matrix with the same eigenvalues; every generator is negative
semi-definite, its kernel being the conserved quantities (seed 000 section 2; the project's
conventions page ``docs/conventions.md``, section 6).

Which eigensolver (measured in validation/bench_kac.py, 2 cores)
----------------------------------------------------------------
The reduced layouts ("k labelled particles + one pool") hold every S_N irreducible many times,
so the top eigenvalues are highly degenerate: on the 1155-dimensional degree-4 sector of N = 10
the eigenvalue -10/27 has multiplicity 64, and the 6 slowest distinct values span the top 103
eigenvalues.  A Lanczos method (:func:`scipy.sparse.linalg.eigsh`) finds the copies of a
multiple eigenvalue only through rounding: with ``tol > 0`` or too few vectors it returns a
lower eigenvalue in place of a missing copy (measured), and asking for every copy (k ~ 100)
took 11 s against 0.38 s for LAPACK's dense ``eigh``.  The slowness of the dense solver
reported in issue 8 (12 s for that sector) is OpenBLAS's thread pool competing for 2 busy
cores (measured 2-10 s with the default threads against 0.17-0.19 s on one thread), so:

* sectors of dimension <= ``DENSE_MAX`` (16384: 8 GiB of dense workspace, the memory limit
  of the cost check in :func:`kacspectral.kac.generators.check_cost`, so every sector the
  package accepts by default) use :func:`numpy.linalg.eigh` / ``eigvalsh`` on one BLAS thread
  (:func:`one_blas_thread`, via ``threadpoolctl``); exact to ~ eps ||B||;
* with a smaller ``dense_max`` (an explicit choice), sectors above it use Lanczos when only
  eigenvalues are needed (``eigsh``, ``which="LA"``, ``tol=0``), growing the number k of
  eigenvalues until the wanted number of *distinct* values is followed by a strictly smaller
  one; if ARPACK does not converge, misses a kernel vector, or k reaches a third of the
  dimension, the dense solver is used instead (a documented fallback, never a partial answer).
  Measured on kac_gap(5, 4): 2.4 s for the Lanczos path against 0.45 s dense.

tests/test_kac_sparse.py compares the Lanczos path (forced with ``dense_max=0``) with the dense
one, value by value, on the sectors of small N.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

__all__ = ["DENSE_MAX", "one_blas_thread", "top_eigenpairs", "symmetrized"]

#: sectors up to this dimension are diagonalised densely on one BLAS thread (eigvalsh of
#: a 1155 x 1155 matrix: 0.17 s; d x d costs ~ 3e-10 d^3 s and 32 d^2 bytes)
DENSE_MAX = 16384


def one_blas_thread() -> AbstractContextManager:
    """Context in which BLAS/LAPACK run on one thread (``threadpoolctl``; a no-op without it).

    OpenBLAS's thread pool made the dense eigensolvers 10-50x slower on a loaded 2-core machine
    (module docstring); the Kac sectors are small enough that one thread is the fastest."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - declared dependency
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def symmetrized(matrix, scale: np.ndarray) -> sp.csr_matrix:
    """Sparse S A S^{-1}, S = diag(scale): the symmetric form of a Gram-self-adjoint A."""
    a = sp.csr_matrix(matrix, dtype=float)
    s = sp.diags(np.asarray(scale, dtype=float))
    si = sp.diags(1.0 / np.asarray(scale, dtype=float))
    return sp.csr_matrix(s @ a @ si)


def _dense(b, vectors: bool):
    a = b.toarray() if sp.issparse(b) else np.asarray(b, dtype=float)
    with one_blas_thread():
        if vectors:
            return np.linalg.eigh(a)
        return np.linalg.eigvalsh(a), None


def top_eigenpairs(b, kernel_dim: int, n_distinct: int | None, *, tol: float,
                   kernel_tol: float | None = None, vectors: bool = True,
                   dense_max: int = DENSE_MAX, seed: int = 0):
    """Largest eigenvalues of a real symmetric negative semi-definite matrix, kernel removed.

    Parameters
    ----------
    b : sparse or dense symmetric matrix (d x d)
    kernel_dim : the expected dimension of the kernel (eigenvalue 0, the conserved quantities);
        the ``kernel_dim`` largest eigenvalues must lie within ``tol`` of 0 (else RuntimeError)
    n_distinct : number of distinct non-kernel eigenvalues wanted (``None``: all of them,
        which is always the dense path)
    tol : absolute tolerance for "the same eigenvalue"
    kernel_tol : absolute tolerance for "zero" (default ``tol``)
    vectors : also return the eigenvectors (columns); always the dense solver, so that a
        multiple eigenvalue comes with its whole eigenspace
    dense_max : sectors of dimension <= dense_max use the dense solver
    seed : seed of the Lanczos start vector (deterministic output)

    Returns
    -------
    (w, v, method) : w the non-kernel eigenvalues found, ascending, holding every eigenvalue
    >= the ``n_distinct``-th largest distinct one; v the eigenvectors (or None); method
    ``"dense"``, ``"lanczos"`` or ``"dense (lanczos did not converge)"``.
    """
    d = b.shape[0]
    method = "dense"
    w = v = None
    if n_distinct is not None and not vectors and d > dense_max:
        bs = sp.csr_matrix(b)
        k = min(kernel_dim + n_distinct + 8, d - 1)
        rng = np.random.default_rng(seed)
        v0 = rng.standard_normal(d)
        while True:
            if 3 * k >= d:
                break  # a third of the spectrum: dense is cheaper and complete
            try:
                w, v = eigsh(bs, k=k, which="LA", tol=0, v0=v0,
                             ncv=min(d, max(2 * k + 1, 20)))
            except ArpackNoConvergence:
                method = "dense (lanczos did not converge)"
                break
            order = np.argsort(w)
            w = w[order]
            v = None if v is None else v[:, order]
            ktol = tol if kernel_tol is None else kernel_tol
            if kernel_dim and np.max(np.abs(w[len(w) - kernel_dim:])) > ktol:
                method = "dense (lanczos missed a kernel vector)"
                w = v = None
                break
            rest = w[: len(w) - kernel_dim][::-1]  # non-kernel values, descending
            groups = 1 + int(np.sum(np.diff(rest) < -tol)) if len(rest) else 0
            if groups > n_distinct:  # the n_distinct-th value is followed by a smaller one
                method = "lanczos"
                break
            k = min(2 * k, d - 1)
            w = v = None
    if w is None:
        w, v = _dense(b, vectors)
    if not vectors:
        v = None
    top = np.argsort(w)[::-1]
    ker = top[:kernel_dim]
    if kernel_dim and np.max(np.abs(w[ker])) > (tol if kernel_tol is None else kernel_tol):
        raise RuntimeError(f"expected a {kernel_dim}-dimensional kernel, largest eigenvalues "
                           f"{np.sort(w)[::-1][:kernel_dim + 1]}")
    keep = np.sort(top[kernel_dim:])
    w = w[keep]
    v = None if v is None else v[:, keep]
    if n_distinct is not None and len(w):
        desc = w[::-1]
        cut = np.flatnonzero(np.diff(desc) < -tol)  # last index of each distinct group
        if len(cut) >= n_distinct:
            last = cut[n_distinct - 1]
            lo = desc[last] - tol
            sel = w >= lo
            w = w[sel]
            v = None if v is None else v[:, sel]
    return w, v, method
