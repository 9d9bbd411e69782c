"""Issue 8, "Why" list: every case with the outcome it now has, in one table (about 5 s).

Each command-line case is run in-process (``kacspectral.cli.main``) in an empty directory:
a refusal is exit status 2 (or 1 for numerical trouble) with exactly one stderr line that
contains the needle and nothing on stdout; a right answer is exit status 0 with the stated
content.  Cases whose right answer needs a longer or more detailed check are pinned by the
test named in ``PINNED_ELSEWHERE``; ``test_pinned_elsewhere_tests_exist`` keeps those names
true (a renamed or deleted test fails here).
"""

from __future__ import annotations

import ast
import io
import json
import sys
from pathlib import Path

import pytest

from kacspectral.cli import main

ROOT = Path(__file__).resolve().parent.parent
INJECTION = "__import__('os').system('touch pwned') + 1"

#: (case of the issue, argv, exit status, text the stderr line (status 1/2) or stdout
#: (status 0) must contain)
CLI_CASES = [
    ("ness --kernel injection", ["ness", "--kernel", INJECTION], 2, "is not allowed"),
    ("lemma3 --kernel injection", ["lemma3", "--kernel", INJECTION], 2, "is not allowed"),
    ("efield --diffusion injection", ["efield", "--diffusion", INJECTION.replace("1", "r")],
     2, "is not allowed"),
    ("ness --gamma 1e400", ["ness", "--gamma", "1e400"], 2, "out of the float range"),
    ("bkw --grid 2000", ["bkw", "--grid", "2000"], 2, "would need about 800 GB of memory"),
    ("bkw --grid 600", ["bkw", "--grid", "600"], 2, "would need about 21.7 GB of memory"),
    ("ness --temperatures 1e-300 1", ["ness", "--temperatures", "1e-300", "1"], 2,
     "beyond the Laguerre truncation"),
    ("reservoir -N 10 10: no fit", ["reservoir", "-M", "1", "-N", "10", "10", "-t", "1",
                                    "--gap-degree", "1"], 0, "3 or more needed"),
    ("kac-gap -N 3 --degree 2: no verdict", ["kac-gap", "-N", "3", "--degree", "2"], 0,
     "cannot contain the gap mode"),
    ("ness --tol 10", ["ness", "--tol", "10"], 2, "at most 0.01"),
    ("evolve --dt 100: step used", ["evolve", "--dt", "100", "--t-end", "2", "--n-times", "3",
                                    "--degree", "4"], 0, "dt = 1 (requested 100)"),
    ("ness --contraction-steps 10000000", ["ness", "--contraction-steps", "10000000"], 2,
     "would run for about 5.81 days"),
    ("evolve --dt 1e-9", ["evolve", "--dt", "1e-9"], 2, "would run for about"),
    ("lemma3 --m-max 120", ["lemma3", "--m-max", "120"], 2, "--m-max must be <= 60"),
    ("--kernel 0", ["ness", "--kernel", "0"], 2, "is identically 0"),
    ("reservoir --mu 0", ["reservoir", "-M", "1", "-N", "10", "-t", "1", "--mu", "0"], 2,
     "--mu must be > 0, got 0"),
    ("kac-gap --lambda-s 0", ["kac-gap", "-N", "3", "--lambda-s", "0"], 2,
     "--lambda-s must be > 0, got 0"),
    ("ness --gamma 1e308", ["ness", "--gamma", "1e308"], 2, "got 1e+308"),
    ("reservoir --mu -1e308", ["reservoir", "-M", "1", "-N", "3", "-t", "1", "--mu",
                               "-1e308"], 2, "got -1e+308"),
    ("efield --diffusion -1e308", ["efield", "--diffusion", "-1e308"], 2,
     "D(r) = -1e+308 must lie in"),
    ("efield --diffusion 1e-300: out of the solvers' range", ["efield", "--diffusion", "1e-300",
                                                              "--degree", "4", "--reduced-only"],
     2, "D(r) = 1e-300 must lie in"),
    ("efield --diffusion 1e-3: no state in range", ["efield", "--diffusion", "1e-3",
                                                    "--degree", "4", "--reduced-only"], 1,
     "no stationary state of the reduced model found at E = 1.3"),
    ("reservoir --epsilon 1e-300 (underflow)", ["reservoir", "-M", "1", "-N", "3", "-t", "1",
                                                "--epsilon", "1e-300"], 2, "1e-100 <= |a|"),
]


@pytest.mark.parametrize("case, argv, status, needle", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_case(case, argv, status, needle, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KACSPECTRAL_TRACEBACK", raising=False)
    got = main(argv)
    out, err = capsys.readouterr()
    assert list(tmp_path.iterdir()) == [], "a file was created"
    assert got == status, (case, err)
    assert "Traceback" not in err
    if status == 0 or (status == 1 and out):  # a result, flagged by a warning line if 1
        assert (needle in out) if status == 0 else (needle in err), (out, err)
        assert all(x.startswith("kacspectral: warning: ") for x in err.splitlines()), err
        assert status == 0 or err
    else:
        assert out == ""
        assert err.count("\n") == 1 and err.startswith("kacspectral: "), err
        assert needle in err, err
        assert len(err) < 600  # short numbers, no 300-digit values


def test_library_cases(tmp_path, monkeypatch):
    """get_kernel(injection), kac_gap(2.5, degree=2) (these are the issue's library cases;
    exact_moments(p, 10**4), picard_contraction(n_max=10**7), result.moments(1000) are in
    test_cli_hardening.py::test_library_refusals)."""
    import kacspectral as ks

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="is not allowed"):
        ks.get_kernel(INJECTION)
    with pytest.raises(TypeError, match=r"n_particles must be an integer >= 2, got 2.5"):
        ks.kac_gap(2.5, degree=2)
    assert list(tmp_path.iterdir()) == []


class _Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("argv, label", [
    (["efield", "--scan", "0.5", "1", "2", "--degree", "4", "--reduced-only"], "efield ["),
    (["kac-ness", "-N", "3", "--degree", "5"], "kac-ness degree 5 ["),
    (["entropy", "--radial-nodes", "40"], "entropy ["),
])
def test_new_commands_show_progress_on_a_terminal_only(argv, label, monkeypatch, capsys):
    """The newer commands follow item 5 too: a bar on a terminal, nothing with --json."""
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main(argv) == 0
    assert label in tty.getvalue() and "100.0%" in tty.getvalue()
    capsys.readouterr()
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main([*argv, "--json"]) == 0
    assert tty.getvalue() == ""
    json.loads(capsys.readouterr().out)


#: Cases whose check lives in another test (case -> "file::test").
PINNED_ELSEWHERE = {
    "injection: nothing runs (15+ attempts)":
        "test_expressions.py::test_injection_is_refused_and_nothing_runs",
    "injection as a real process": "test_expressions.py::test_cli_refuses_code_in_kernel",
    "scaled Laguerre weights: tolerance against scipy's measured error":
        "test_polynomials.py::test_scaled_weights_against_mpmath",
    "ness --gamma 1e-300: m_2 = 1, m_4 = 5/3": "test_cli_hardening.py::"
                                               "test_ness_tiny_gamma_right_answer",
    "reservoir -t 1e308 (and --json): the t = inf limit":
        "test_kac_hardening.py::test_reservoir_huge_time_is_the_long_time_limit",
    "reservoir -N 10 10 --json: no exponent_in_N":
        "test_kac_hardening.py::test_reservoir_no_fit_below_three_distinct_n",
    "kac-gap --degree 2 --json: agrees_with_claim null":
        "test_kac_hardening.py::test_kac_gap_below_degree_three_gives_no_verdict",
    "kac_gap(2.5) and other non-integers": "test_kac_hardening.py::"
                                           "test_kac_gap_refuses_non_integers",
    "ness --tol 10 (exit 1 for a hopeful ratio)": "test_cli_hardening.py::"
                                                  "test_ness_hopeful_ratio_flagged_exit_1",
    "evolve --dt 100 (JSON dt, dt_requested)": "test_cli_hardening.py::"
                                               "test_evolve_header_states_the_step_used",
    "ness | head -1": "test_cli_hardening.py::test_broken_pipe_is_quiet",
    "reservoir -M 50: right answer": "test_kac_hardening.py::"
                                     "test_reservoir_many_system_particles_right_answer",
    "reservoir: unbounded work refused": "test_kac_hardening.py::"
                                         "test_reservoir_unbounded_work_refused",
    "exact_moments(p, 10**4), picard_contraction(n_max=10**7), result.moments(1000)":
        "test_cli_hardening.py::test_library_refusals",
    "lemma3_check(120), evolve(dt=1e-9)": "test_cli_hardening.py::"
                                          "test_library_refusals_lemma3_and_evolve",
    "kac_gap(3, degree=8) feasible (estimate), degree 12 refused":
        "test_kac_hardening.py::test_kac_gap_costly_search_refused_with_estimate",
    "bkw --kernel kac: warning on stderr": "test_cli_hardening.py::"
                                           "test_warnings_on_stderr_with_prefix_never_stdout",
    "progress: evolve, lemma3, ness --contraction-steps":
        "test_cli_hardening.py::test_long_commands_show_progress_on_a_terminal_only",
    "progress: reservoir, kac-gap": "test_kac_hardening.py::test_progress_on_a_terminal_only",
    "README Python example runs (its speed: validation/bench_kac.py)":
        "test_readme.py::test_python_example_runs",
    "mpmath and every import declared": "test_metadata.py::test_package_imports_are_declared",
    "test imports declared (sph_harm_y needs scipy >= 1.15)":
        "test_metadata.py::test_test_imports_are_declared",
    "lowest versions pinned to the declared floors":
        "test_metadata.py::test_lowest_constraints_pin_the_declared_floors",
    "HermiteSpace.maxwellian at degree >= 22":
        "test_hermite_space.py::test_maxwellian_at_degree_beyond_21_matches_its_fourier_transform",
    "no citation outside the repository": "test_docs.py::test_no_citation_outside_the_repository",
    "every option of every command with extreme values (slow)":
        "test_cli_properties.py::test_every_option_with_dangerous_values",
}


def test_pinned_elsewhere_tests_exist():
    for case, where in PINNED_ELSEWHERE.items():
        path, name = where.split("::")
        tree = ast.parse((ROOT / "tests" / path).read_text())
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert name in names, f"{case}: {where} is missing"
