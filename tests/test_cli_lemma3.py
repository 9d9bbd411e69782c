"""The ``kacspectral lemma3`` command, run in-process."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kacspectral.cli import main
from kacspectral.spectral.hermite import dim_v

EPS = float(np.finfo(float).eps)


def test_json_kac(capsys):
    assert main(["lemma3", "--m-max", "6", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"kernel", "rows", "sup", "bound", "holds", "version"} <= set(out)
    assert out["kernel"] == "kac" and out["bound"] == "2/3" and out["holds"] is True
    assert abs(out["sup"] - 2 / 3) < 100 * EPS
    assert [r["m"] for r in out["rows"]] == list(range(1, 7))
    for r in out["rows"]:
        assert {"m", "eigenvalues", "exact", "max_abs_error", "top", "top_nl"} <= set(r)
        assert len(r["eigenvalues"]) == len(r["exact"]) == dim_v(r["m"])
        assert r["eigenvalues"] == sorted(r["eigenvalues"], reverse=True)
        err = max(abs(a - b) for a, b in zip(r["eigenvalues"], r["exact"], strict=True))
        assert r["max_abs_error"] == pytest.approx(err, abs=0) and err < 100 * EPS
    assert out["rows"][0]["top_nl"] == [0, 1] and out["rows"][1]["top_nl"] == [1, 0]
    assert out["rows"][1]["exact"][-1] == pytest.approx(7 / 15, abs=EPS)
    assert out["lemma2"]["l2_exact"] == "56/225"


def test_json_constant_and_tensor(capsys):
    assert main(["lemma3", "--m-max", "4", "--kernel", "constant", "--tensor-m-max", "2",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kernel"] == "constant" and out["bound"] == "1/2" and out["holds"] is True
    assert abs(out["sup"] - 0.5) < 100 * EPS
    assert [t["m"] for t in out["tensor"]] == [1, 2]
    assert abs(out["tensor"][1]["top_full"] - 2 / 3) < 100 * EPS


def test_expression_kernel_table(capsys):
    assert main(["lemma3", "--m-max", "3", "--kernel", "3*(1+s)**2/4"]) == 0
    text = capsys.readouterr().out
    assert "sup over m" in text and "holds: True" in text
    assert "3/4" in text  # lambda_{0,1} = B_10 = 3/4 for this kernel


def test_table_default_kac(capsys):
    assert main(["lemma3", "--m-max", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("kernel kac")
    row1 = lines[2].split()
    assert row1[0] == "1" and row1[-3] == "2/3"
    assert any("bound 2/3; holds: True" in line for line in lines)


def test_m_max_1_holds(capsys):
    """(1, 0) only exists from m = 2: with --m-max 1 the sup is at (0,1) and the lemma holds."""
    assert main(["lemma3", "--m-max", "1"]) == 0
    text = capsys.readouterr().out
    assert "at (0,1)); bound 2/3; holds: True" in text
    assert main(["lemma3", "--m-max", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["holds"] is True and out["sup_at"] == [{"n": 0, "l": 1, "m": 1}]
    assert out["reference_kind"] == "exact"


def test_non_exact_kernel_labels_reference_as_quadrature(capsys):
    assert main(["lemma3", "--m-max", "2", "--kernel", "exp(s)/sinh(1)"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "reference (quadrature)" in lines[1] and "exact" not in lines[1]
    assert "(reference (quadrature) 0.65651764274966" in lines[-3]
    assert "Lemma 2" in lines[-1] and "reference (quadrature)" in lines[-1]
    assert main(["lemma3", "--m-max", "2", "--kernel", "exp(s)/sinh(1)", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reference_kind"] == "quadrature" and "exact" in out["rows"][0]


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["lemma3", "--m-max", "0"], "--m-max"),
        (["lemma3", "--m-max", "abc"], "--m-max"),
        (["lemma3", "--m-max", "500"], "--m-max must be <= 60"),
        (["lemma3", "--kernel", "s-5"], "negative"),
        (["lemma3", "--kernel", "2"], "not normalised"),
        (["lemma3", "--kernel", "constant", "--method", "omega"], "kac kernel only"),
        (["lemma3", "--tensor-m-max", "9"], "--tensor-m-max"),
        (["lemma3", "--bogus"], "unrecognized"),
    ],
)
def test_bad_input_exit_2_one_line(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kacspectral: error:")
    assert needle in err
