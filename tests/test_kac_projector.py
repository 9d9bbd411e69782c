"""Tests of kacspectral.kac.projector: the projector R, Lemma 1 and Lemma 2 of seed 000."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import numpy as np
import pytest

from kacspectral.kac.generators import PolynomialSector, generator_matrix, pair_table, two_body
from kacspectral.kac.projector import (
    invariant_exponents,
    invariant_functionals,
    invariant_gram,
    invariant_gram_closed_form,
    lemma1_ratio,
    lemma2_sides,
    matvec,
    projector_matrix,
)

EPS = np.finfo(float).eps


@pytest.mark.parametrize("pools,m,par", [((1, 2, 3), 3, (1, 0, 0)), ((2, 2), 4, (0, 0, 0)),
                                         ((1, 1, 1), 2, (0, 0, 0))])
def test_gram_functionals_equal_closed_form(pools, m, par):
    sec = PolynomialSector(pools, m, par)
    inv, rows = invariant_functionals(sec)
    assert invariant_gram(sec, rows) == invariant_gram_closed_form(sum(pools), inv)


def _row_times(rows, mat, dim):
    out = []
    for row in rows:
        acc = [Fraction(0)] * dim
        for (r, c), v in mat.items():
            acc[c] += row[r] * v
        out.append(acc)
    return out


def test_R_L_is_zero_exactly():
    sec = PolynomialSector((1, 1, 3), 3, (1, 0, 0))
    _, rows = invariant_functionals(sec)
    L = generator_matrix(sec, (0, 1), (2,), kind="R", lambda_s=Fraction(2), mu=Fraction(1, 3),
                         exact=True)
    assert all(x == 0 for r in _row_times(rows, L, len(sec)) for x in r)


@pytest.mark.parametrize("g,h", [(0, 1), (1, 2), (0, 3)])
def test_R_Rij_equals_R_exactly(g, h):
    # all particles labelled (M = 2, N = 2): R R_ij = R <=> c(R_ij f) = c(f) for all f
    sec = PolynomialSector((1, 1, 1, 1), 2, None)
    _, rows = invariant_functionals(sec, parity_only=False)
    rij = two_body(sec, g, h, pair_table, subtract_identity=False, exact=True)
    assert _row_times(rows, rij, len(sec)) == rows


def test_projector_is_orthogonal_projection_and_kernel_of_L():
    sec = PolynomialSector((2, 5), 4, (0, 0, 0))
    r = projector_matrix(sec)
    assert np.max(np.abs(r @ r - r)) <= 100 * EPS
    assert np.max(np.abs(r - r.T)) <= 100 * EPS
    from kacspectral.kac.generators import symmetrize
    a = symmetrize(sec, generator_matrix(sec, (0,), (1,), kind="R"))
    w, v = np.linalg.eigh(0.5 * (a + a.T))
    ker = v[:, np.abs(w) < 1e-10]
    assert ker.shape[1] == round(np.trace(r))
    assert np.max(np.abs(r @ ker - ker)) <= 1e-12


@pytest.mark.parametrize("M,N", [(1, 2), (1, 10), (2, 7), (3, 50)])
def test_lemma1_ratio(M, N):
    res = lemma1_ratio(M, N, 6)
    # the sup is attained on degree 1 (momentum) and equals sqrt(M/(M+N)); it is below C(M/N)
    assert abs(res["ratio"] - math.sqrt(M / (M + N))) <= 20 * EPS
    assert res["ratio"] <= res["C"]


def test_lemma1_ratio_against_sector_projection():
    # ||R h|| / ||h|| for h(v) in the (M=2, N=3) degree-2 sector, by the pool machinery
    M, N = 2, 3
    rng = np.random.default_rng(0)
    best = 0.0
    for par in [(0, 0, 0), (1, 1, 0)]:
        sec = PolynomialSector((1, 1, N), 2, par)
        r = projector_matrix(sec)
        vmask = np.array([el[2] == () for el in sec.elements])
        rv = r[np.ix_(vmask, vmask)]
        best = max(best, math.sqrt(np.max(np.linalg.eigvalsh(rv))))
        h = np.where(vmask, rng.normal(size=len(sec)), 0)
        assert np.linalg.norm(r @ h) <= lemma1_ratio(M, N, 2)["per_degree"][2] * np.linalg.norm(
            h) * (1 + 1e-12)
    assert abs(best - lemma1_ratio(M, N, 2)["per_degree"][2]) <= 1e-12


@pytest.mark.parametrize("M,m", [(1, 1), (1, 2), (1, 3), (2, 2), (2, 3)])
def test_lemma2(M, m):
    random.seed(10 * M + m)
    pools = (1,) * M + (1, 4)  # reservoir: one labelled particle + 4 others (N = 5)
    sec = PolynomialSector(pools, m, None)
    u = [Fraction(random.randint(-6, 6), random.randint(1, 5))
         if el[M] == () and el[M + 1] == () else Fraction(0) for el in sec.elements]
    res = lemma2_sides(sec, u, 0, M, M + 1)
    assert res["cross"]  # <u, R_ij u> = <u, T_i u> (the seed's j != k step)
    assert res["lhs"] == res["exact"]  # exact identity with <R u, R u>
    assert res["lhs"] <= res["seed"]  # the seed's identity holds only as an inequality
    assert res["lhs"] != res["seed"]


def test_invariant_exponents_count():
    for m in range(7):
        assert len(invariant_exponents(m)) == sum(math.comb(m - 2 * j + 2, 2)
                                                  for j in range(m // 2 + 1))
    assert len(list(itertools.chain(invariant_exponents(3, (1, 0, 0))))) == 4


def test_matvec():
    assert matvec({(0, 1): Fraction(2)}, [Fraction(0), Fraction(3)]) == [6, 0]
