"""CLI tests of ``kacspectral kac-ness`` (in-process)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from kacspectral.cli import main
from kacspectral.kac.multi_thermostat import MultiThermostat, stationary_moments


def test_kac_ness_json_finite_n(capsys):
    argv = ["kac-ness", "-N", "5", "--temperatures", "1/6", "1/2", "--rates", "1", "1",
            "--degree", "4", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("moments", "exact_moments", "kinetic_moments", "one_over_n_coefficients",
                "version"):
        assert key in out
    ref = stationary_moments(MultiThermostat(["1/6", "1/2"], [1, 1]), 5, 4).named()
    assert Fraction(out["exact_moments"]["|v1|^4"]) == ref["|v1|^4"]
    assert out["moments"]["|v1|^4"] == float(ref["|v1|^4"])
    # kinetic side from the seed-003 recursion (kac kernel, gamma = 2/3): m_4 = 65/36
    assert out["kinetic_moments"]["|v1|^4"] == "65/36"
    assert out["one_over_n_coefficients"]["|v1|^4"] == "10/891"
    assert out["limit_equals_kinetic"] is True


def test_kac_ness_inf_and_table(capsys):
    assert main(["kac-ness", "-N", "inf", "--degree", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["particles"] == "inf" and out["difference"]["|v1|^2"] == "0"
    assert main(["kac-ness", "-N", "3", "--temperatures", "1", "--rates", "2"]) == 0
    text = capsys.readouterr().out
    assert "equals the kinetic moments exactly: True" in text


@pytest.mark.parametrize("argv", [
    ["-N", "0"], ["-N", "-2"], ["-N", "1e308"], ["-N", "10000000000000000000000"],
    ["-N", "nan"], ["-N", "3", "--rates", "0", "1"], ["-N", "3", "--rates", "-1", "1"],
    ["-N", "3", "--temperatures", "nan", "1"], ["-N", "3", "--temperatures", "inf", "1"],
    ["-N", "3", "--rates", "1"], ["-N", "3", "--lambda-s", "0"], ["-N", "3", "--degree", "7"],
    ["-N", "3", "--degree", "1"], ["-N", "3", "--temperatures", "1e308", "1"],
    ["-N", "3", "--degree", "0"], ["-N", "inf", "--degree", "nan"], ["-N", "garbage"],
    ["-N", "3", "--lambda-s", "nan"], ["-N", "3", "--lambda-s", "inf"],
    ["-N", "3", "--lambda-s", "-1"], ["-N", "3", "--temperatures", "abc"],
    ["-N", "3", "--rates", "1/0", "1"], ["-N", "inf", "--temperatures", "1", "2", "3"],
])
def test_kac_ness_bad_input(argv, capsys):
    assert main(["kac-ness", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def _no_nan(text: str) -> dict:
    def refuse(token):
        raise AssertionError(f"non-finite token {token} in JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("argv", [
    ["-N", "1"], ["-N", "1000000000000"], ["-N", "3", "--lambda-s", "1e308"],
    ["-N", "3", "--temperatures", "1e-300", "1"], ["-N", "inf", "--degree", "3"],
])
def test_kac_ness_extreme_but_valid_input_gives_complete_json(argv, capsys):
    assert main(["kac-ness", *argv, "--json"]) == 0
    out = _no_nan(capsys.readouterr().out)
    for key in ("moments", "exact_moments", "kinetic_moments", "one_over_n_coefficients",
                "version"):
        assert out[key] != {} and key in out
    assert Fraction(out["exact_moments"]["|v1|^2"]) == 3 * Fraction(
        sum(Fraction(t) for t in out["problem"]["temperatures"]), 2)
