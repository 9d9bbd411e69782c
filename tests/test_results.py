"""Results with one shape: every public result type saves, loads and pickles exactly.

References: the round trips are checked bit for bit (arrays compared as raw bytes, floats by
their IEEE bits, rationals as Fractions); the solver sweep through a process pool is compared
with the serial run bit for bit.  The radial moments of an evolution are checked against the
closed form ``m_{2n}[M_T] = (2n+1)!! T^n`` and the anisotropic Gaussian's ``m_4``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import pickle
import struct
import warnings
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction

import numpy as np
import pytest

import kacspectral as ks
from kacspectral.boltzmann.anisotropic.evolution import (
    EquilibriumReference,
    EvolutionProblem,
    EvolutionResult,
    equilibrium_reference,
    evolve,
)
from kacspectral.boltzmann.gtw import GTWResult, gtw_distance
from kacspectral.boltzmann.isotropic.contraction import ContractionReport, picard_contraction
from kacspectral.boltzmann.isotropic.ness import NessProblem, NessResult, solve_ness
from kacspectral.kac.finite_reservoir import ReservoirSweepResult, energy_state, reservoir_gap
from kacspectral.kac.kinetic_limit import kac_ness, kinetic_parameters
from kacspectral.kac.lemma3 import Lemma3Result, Lemma3Row, lemma3_check
from kacspectral.kac.multi_thermostat import MultiThermostat, stationary_moments
from kacspectral.kac.ness_gap import ness_gaps
from kacspectral.kac.results import (
    KacGapResult,
    KacMode,
    ReservoirDistanceResult,
    ReservoirGapResult,
)
from kacspectral.physics.bkw import BKW
from kacspectral.physics.kernels import AngularKernel, kernel_from_callable
from kacspectral.physics.reservoirs import MaxwellianMixture
from kacspectral.results import ResultMixin, encode, from_dict, registered_types
from kacspectral.spectral.hermite_space import HermiteSpace

R = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])


def assert_same(a, b, where="result"):
    """Recursive exact equality: same types, arrays bit for bit, floats by their bits."""
    if isinstance(a, AngularKernel):
        assert isinstance(b, AngularKernel), where
        assert a.name == b.name and a.exponents == b.exponents, where
        s = np.linspace(-0.99, 0.99, 7)
        assert np.array_equal(a(s), b(s)), where
        return
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        assert a.tobytes() == b.tobytes(), f"{where}: arrays differ in bits"
    elif isinstance(a, float):
        assert struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b)), (
            f"{where}: {a!r} != {b!r}"
        )
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


@pytest.fixture(scope="module")
def examples():
    """One small instance of every public result / problem type."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prob = NessProblem("1/2", R, "constant")
        ness = solve_ness(prob, tol=1e-8)
        contraction = picard_contraction(prob, n_max=4, ness=ness)
        space = HermiteSpace(4, 0.5, l_max=2)
        eprob = EvolutionProblem("3/10", R, "kac", space)
        evo = evolve(eprob, space.maxwellian([0.3, 0.4, 0.5]), [0.0, 0.1, 0.2], dt=0.05)
        ref = equilibrium_reference(eprob, 1.2)
        ref0 = equilibrium_reference(EvolutionProblem(0, None, "constant", space), 1.2)
        f, g = ness.phi, R.fourier
        gtw_iso = gtw_distance(f, g, ness.moments(3), [R.moment(n) for n in range(4)])
        mom = space.moments(evo.final)
        gtw3 = gtw_distance(lambda xi: space.fourier(evo.final, xi), ref.fourier, mom,
                            ref.moment_tensors, require="first", n_directions=20, n_radial=12,
                            n_refine=1)
        lemma = lemma3_check(3, "kac")
        expr = NessProblem(Fraction(1, 3), R, "3*(1+s)**2/4")
        kgap = ks.kac_gap(3, 3, "1/2", 3)
        rprob = ks.ReservoirProblem(2, 10, mu=Fraction(1, 2))
        rdist = ks.reservoir_distance(rprob, energy_state(2, Fraction(1, 4)),
                                      [0.0, 1 / 3, math.inf], gap_degree=2)
        rgap = reservoir_gap(rprob, 2, max_modes=2)
        sweep = ReservoirSweepResult((rprob,), (rdist,), "energy", Fraction(1, 4))
        thermo = MultiThermostat(["1/6", "1/2"], [1, 1], "1/2")
    return {
        "NessProblem": prob, "NessResult": ness, "ContractionReport": contraction,
        "HermiteSpace": space, "EvolutionProblem": eprob, "EvolutionResult": evo,
        "EquilibriumReference": ref, "EquilibriumReference0": ref0, "GTWResult": gtw_iso,
        "GTWResult3d": gtw3, "Lemma3Result": lemma, "Lemma3Row": lemma.rows[0],
        "MaxwellianMixture": R, "BKW": BKW(-0.4, "kac"), "NessProblemExpr": expr,
        "ReservoirProblem": ks.ReservoirProblem(2, 3, Fraction(1, 2)),
        "DiffusiveReservoirs": ks.DiffusiveReservoirs(["1/4", "1/8"], ["1/3", "1/2"]),
        "DiffusiveNessProblem": ks.DiffusiveNessProblem(
            "1/2", R, "constant", diffusive=ks.DiffusiveReservoirs(["1/4"], ["1/3"])),
        "KacGapResult": kgap, "KacMode": kgap.modes[0], "ReservoirDistanceResult": rdist,
        "ReservoirGapResult": rgap, "ReservoirSweepResult": sweep,
        "MultiThermostat": thermo, "StationaryMoments": stationary_moments(thermo, 3, 4),
        "NessGaps": ness_gaps(thermo, 2, 2), "KacNessResult": kac_ness(thermo, 3, 2),
        "KineticParameters": kinetic_parameters(thermo),
    }


KINDS = ["NessProblem", "NessResult", "ContractionReport", "HermiteSpace", "EvolutionProblem",
         "EvolutionResult", "EquilibriumReference", "EquilibriumReference0", "GTWResult",
         "GTWResult3d", "Lemma3Result", "Lemma3Row", "MaxwellianMixture", "BKW",
         "NessProblemExpr", "ReservoirProblem", "DiffusiveReservoirs", "DiffusiveNessProblem",
         "KacGapResult", "KacMode", "ReservoirDistanceResult", "ReservoirGapResult",
         "ReservoirSweepResult",
         "MultiThermostat", "StationaryMoments", "NessGaps", "KacNessResult", "KineticParameters"]


def test_every_public_result_type_is_covered(examples):
    covered = {type(v) for v in examples.values()}
    public = {NessProblem, NessResult, ContractionReport, HermiteSpace, EvolutionProblem,
              EvolutionResult, EquilibriumReference, GTWResult, Lemma3Result, Lemma3Row,
              MaxwellianMixture, BKW, KacGapResult, KacMode, ReservoirDistanceResult,
              ReservoirGapResult, ReservoirSweepResult}
    assert public <= covered
    # every dataclass of the facade shares the verbs
    for name in ks.__all__:
        obj = getattr(ks, name)
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj is not AngularKernel:
            assert issubclass(obj, ResultMixin), name
    assert public <= set(registered_types().values())


@pytest.mark.parametrize("kind", KINDS)
def test_save_load_round_trip_is_exact(examples, kind, tmp_path):
    obj = examples[kind]
    d = obj.to_dict()
    text = json.dumps(d, allow_nan=False)  # JSON-ready, no NaN / Infinity tokens
    assert d["version"] == ks.__version__ and d["versions"]["kacspectral"] == ks.__version__
    path = obj.save(tmp_path / f"{kind}.json")
    back = ks.load(path)
    assert_same(obj, back)
    assert_same(obj, from_dict(json.loads(text)))


@pytest.mark.parametrize("kind", KINDS)
def test_pickle_round_trip_is_exact(examples, kind):
    obj = examples[kind]
    assert_same(obj, pickle.loads(pickle.dumps(obj)))


def test_exact_rationals_stay_fractions(examples, tmp_path):
    ness = ks.load(examples["NessResult"].save(tmp_path / "n.json"))
    assert type(ness.problem.gamma) is Fraction and ness.problem.gamma == Fraction(1, 2)
    assert ness.problem.reservoir.temperatures == (Fraction(1, 6), Fraction(1, 2))
    text = (tmp_path / "n.json").read_text()
    assert '"gamma": "1/2"' in text and '"temperatures": ["1/6", "1/2"]' in text
    # Fractions inside untyped containers are tagged, and come back as Fractions
    enc = encode({"x": Fraction(65, 36), "t": (1, Fraction(-1, 3))})
    assert from_dict({"__type__": "BKW", "A0": -0.5, "kernel": "constant"}).A0 == -0.5
    assert json.loads(json.dumps(enc))["x"] == {"__type__": "Fraction", "value": "65/36"}


def test_awkward_floats_are_bit_exact(examples, tmp_path):
    special = np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324, 2.2250738585072014e-308,
                        1 / 3, np.nextafter(1.0, 2.0), -1.7976931348623157e308])
    ness = dataclasses.replace(examples["NessResult"], coefficients=special,
                               residual=float("nan"), tail_estimate=float("inf"))
    json.dumps(ness.to_dict(), allow_nan=False)
    back = ks.load(ness.save(tmp_path / "x.json"))
    assert back.coefficients.tobytes() == special.tobytes()
    assert math.isnan(back.residual) and back.tail_estimate == math.inf
    for dtype in (np.float32, np.int64, np.complex128, np.bool_):
        a = (np.arange(6).reshape(2, 3) * (1 + 1j if dtype is np.complex128 else 1)).astype(dtype)
        a2 = from_dict({"__type__": "EvolutionResult", **{
            k: v for k, v in encode(dataclasses.replace(
                examples["EvolutionResult"], coefficients=a)).items()}}).coefficients
        assert a2.dtype == a.dtype and a2.tobytes() == a.tobytes()


def test_load_refuses_what_it_cannot_rebuild(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not a JSON file"):
        ks.load(bad)
    bad.write_text(json.dumps({"a": 1}))
    with pytest.raises(ValueError, match="not a kacspectral result"):
        ks.load(bad)
    bad.write_text(json.dumps({"__type__": "Nope"}))
    with pytest.raises(ValueError, match="unknown result type 'Nope'"):
        ks.load(bad)
    bad.write_text(json.dumps({"__type__": "BKW", "format": "kacspectral.result/99"}))
    with pytest.raises(ValueError, match="unsupported result format"):
        ks.load(bad)
    # a kernel from a Python callable: to_dict works (JSON-ready), loading refuses it
    kern = kernel_from_callable(np.ones_like, name="ones")
    bkw = BKW(-0.5, kern)
    json.dumps(bkw.to_dict(), allow_nan=False)
    with pytest.raises(ValueError, match="cannot be rebuilt"):
        ks.load(bkw.save(tmp_path / "k.json"))


def _solve(gamma: str) -> NessResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return solve_ness(NessProblem(gamma, R, "constant"), tol=1e-10, truncation=24)


def test_process_pool_sweep_matches_serial_bit_for_bit():
    gammas = ["1/10", "1/4", "1/2", "3/4"]
    serial = [_solve(g) for g in gammas]
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = list(pool.map(_solve, gammas))
    for s, p in zip(serial, parallel, strict=True):
        assert_same(s, p)


def test_moments_one_shape(examples):
    """``.moments(n)``: a 1-D float array m_0..m_2n (NESS), one such row per time (evolution)."""
    ness, evo = examples["NessResult"], examples["EvolutionResult"]
    m = ness.moments(3)
    assert isinstance(m, np.ndarray) and m.dtype == float and m.shape == (4,)
    me = evo.moments(3)
    assert me.shape == (3, 4) and me.dtype == float
    assert np.all(np.isnan(me[:, 3]))  # m_6 is not determined at degree 4
    # independent references: the anisotropic Gaussian diag(T) has m_2 = tr T and
    # m_4 = (tr T)^2 + 2 tr T^2; an isotropic Maxwellian m_2n = (2n+1)!! T^n
    space = HermiteSpace(10, 0.9)
    T = np.array([0.8, 1.0, 1.2])
    m = space.radial_moments(space.maxwellian(T), 5)
    assert abs(m[1] - T.sum()) <= 8 * np.finfo(float).eps * T.sum()
    m4 = T.sum() ** 2 + 2 * (T**2).sum()
    assert abs(m[2] - m4) <= 32 * np.finfo(float).eps * m4
    iso = space.radial_moments(space.maxwellian(1.1), 5)
    ref = np.array([math.prod(range(1, 2 * n + 2, 2)) * 1.1**n for n in range(6)])
    assert np.max(np.abs(iso / ref - 1)) <= 64 * np.finfo(float).eps
    tensors = evo.moment_tensors()
    assert np.allclose(tensors["m2"], me[:, 1], rtol=1e-13, atol=0)


def test_cli_json_carries_the_result_and_output_saves_it(tmp_path, capsys):
    from kacspectral.cli import main

    out = tmp_path / "ness.json"
    # K = 47: the automatic choice for tol 1e-14 (a lower K is flagged with exit status 1)
    assert main(["ness", "--truncation", "47", "--contraction-steps", "4", "--json",
                 "--output", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"moments", "truncation", "residual", "contraction"} <= set(data)  # README keys
    saved = ks.load(out)
    assert isinstance(saved, NessResult) and saved.truncation == 47
    assert_same(saved, from_dict(data["result"]))
    assert data["result"]["coefficients"]["shape"] == [48]
    out3 = tmp_path / "lemma3.json"
    assert main(["lemma3", "--m-max", "2", "--output", str(out3)]) == 0
    capsys.readouterr()
    lem = ks.load(out3)
    assert isinstance(lem, Lemma3Result) and lem.bound == "2/3" and lem.holds
    out_e = tmp_path / "evolve.json"
    assert main(["evolve", "--degree", "4", "--t-end", "0.2", "--n-times", "2",
                 "--output", str(out_e)]) == 0
    capsys.readouterr()
    evo = ks.load(out_e)
    assert isinstance(evo, EvolutionResult) and evo.coefficients.shape[0] == 2
    # an unwritable --output is bad input: exit status 2, one line
    assert main(["lemma3", "--m-max", "1", "--output", str(tmp_path / "no" / "x.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--output" in err[0]


def test_deprecated_names_warn_and_point_to_the_one_name():
    phi = lambda k: np.exp(-0.5 * np.asarray(k) ** 2)  # noqa: E731
    mom = {"mass": 1.0, "momentum": np.zeros(3), "second": np.eye(3)}
    with pytest.warns(DeprecationWarning, match="kacspectral.gtw_distance"):
        old = ks.gtw_distance_3d
    assert old is ks.gtw_distance
    with pytest.warns(DeprecationWarning, match="kacspectral.boltzmann.gtw.gtw_distance"):
        from kacspectral.boltzmann.gtw3d import gtw_distance as old3d
    assert old3d is gtw_distance
    assert old3d(lambda x: phi(np.linalg.norm(x, axis=-1)),
                 lambda x: phi(np.linalg.norm(x, axis=-1)), mom, mom).distance == 0.0
    from kacspectral.physics.reservoirs import double_factorial_odd

    with pytest.warns(DeprecationWarning, match="double_factorial"):
        assert double_factorial_odd(3) == 105
    with pytest.raises(ValueError, match="do not apply to the isotropic"):
        gtw_distance(phi, phi, [1.0, 3.0], [1.0, 3.0], n_directions=10)
    # isotropic path with unequal energies: refused by default, the limit |dm_2|/6 with 'first'
    psi = lambda k: np.exp(-0.6 * np.asarray(k) ** 2)  # noqa: E731  (M_T, T = 1.2)
    with pytest.raises(ValueError, match="equal second moments"):
        gtw_distance(phi, psi, [1.0, 3.0], [1.0, 3.6])
    res = gtw_distance(phi, psi, [1.0, 3.0, 15.0], [1.0, 3.6, 21.6], require="first")
    assert abs(res.distance - 0.1) <= 8 * np.finfo(float).eps  # monotone ratio: sup at k -> 0
    with pytest.raises(TypeError, match="both be sequences"):
        gtw_distance(phi, phi, [1.0, 3.0], mom)
