"""Safe expressions: the whitelist parser refuses code and builds the same sympy as by hand.

Every injection attempt must raise ValueError *and* leave no trace: tripwires replace
``eval``, ``exec``, ``open``, ``os.system``, ``subprocess.Popen`` and the import of ``os`` /
``subprocess`` / ``shutil`` while the parser runs, and the attempts that would write a file
point at a sentinel path that must not exist afterwards.
"""

import builtins
import os
import subprocess
import sys

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from kacspectral.physics.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionFunction,
    parse_expression,
)
from kacspectral.physics.kernels import S, get_kernel

s = sp.Symbol("s", real=True)


@pytest.fixture
def tripwires(monkeypatch, tmp_path):
    """Record any call of a dangerous builtin made while the parser runs."""
    calls = []

    def trap(name, real=None):
        def wrapper(*args, **kwargs):
            calls.append((name, args))
            raise AssertionError(f"{name} was called with {args!r}")

        return wrapper

    real_import = builtins.__import__

    def guarded_import(name, *args, **kwargs):
        if name.split(".")[0] in ("os", "subprocess", "shutil"):
            calls.append(("__import__", name))
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", trap("eval"))
    monkeypatch.setattr(builtins, "exec", trap("exec"))
    monkeypatch.setattr(builtins, "open", trap("open"))
    monkeypatch.setattr(builtins, "__import__", guarded_import)
    monkeypatch.setattr(os, "system", trap("os.system"))
    monkeypatch.setattr(subprocess, "Popen", trap("subprocess.Popen"))
    sentinel = tmp_path / "sentinel"
    yield calls, str(sentinel)
    assert not sentinel.exists()


# (attempt, a piece of the error message naming the offending part)
INJECTIONS = [
    ("__import__('os').system('touch {sentinel}')", "the call"),
    ("__import__('os').system('touch {sentinel}') + 1", "the call"),
    ("().__class__.__bases__[0].__subclasses__()", "the call"),
    ("().__class__.__bases__", "attribute access"),
    ("eval('1')", "the call \"eval('1')\""),
    ("exec('open(\"{sentinel}\", \"w\")')", "the call"),
    ("open('{sentinel}', 'w')", "the call"),
    ("compile('1', 'x', 'eval')", "the call"),
    ("getattr(s, 'x')", "the call"),
    ("lambda: 1", "lambda"),
    ("[x for x in ()]", "comprehension"),
    ("(x for x in ())", "generator expression"),
    ("s.__class__", "attribute access 's.__class__'"),
    ("sqrt.__globals__", "attribute access"),
    ("globals()", "the call 'globals()'"),
    ("__builtins__", "the name '__builtins__'"),
    ("{'a': 1}", "dict"),
    ("{1, 2}", "set"),
    ("'str'", "string"),
    ("b'bytes'", "bytes"),
    ("f'{s}'", "f-string"),
    ("s if 1 else 2", "conditional expression"),
    ("exp(x=1)", "keyword arguments"),
    ("exp(*[s])", "exactly one argument"),
    ("s[0]", "subscript"),
    ("(t := 1)", "assignment expression"),
    ("s < 1", "comparison"),
    ("s and 1", "boolean operator"),
    ("not s", "the operator"),
    ("1j", "complex number"),
    ("True", "constant"),
    ("None", "constant"),
    ("...", "constant"),
    ("0x1f", "non-decimal literal"),
    ("Symbol('x')", "the call"),
    ("sympy.sqrt(s)", "the call"),
    ("sqrt(s).func", "attribute access"),
    ("x + 1", "the name 'x'"),
    ("E", "exp(1)"),
    ("2 ^ 3", "use ** for powers"),
    ("s; import os", "does not parse"),
    ("import os", "does not parse"),
    ("s\x00", "does not parse"),
    ("9**9**9**9", "exponent"),
    ("10**10**10", "exponent"),
    ("(2**1000)**1000", "bits"),
    ("1e999999999", "decimal exponent"),
    ("s**100001", "exponent"),
    ("1+" * 4999 + "22", "10000 characters long"),
    ("(" * 5000 + "s" + ")" * 5000, "characters long"),
    ("(" * 900 + "s" + ")" * 900, "does not parse"),
    ("sqrt(" * 150 + "s" + ")" * 150, f"more than {MAX_DEPTH} levels"),
    ("-" * 1999 + "s", f"more than {MAX_DEPTH} levels"),
    ("s**" * 300 + "2", f"more than {MAX_DEPTH} levels"),
    ("1/0", "not finite"),
    ("log(0)", "not finite"),
    ("sqrt(-1)", "not real"),
    ("(-1)**(1/3)", "not real"),
    ("", "empty"),
]


def test_at_least_fifteen_injections():
    assert len(INJECTIONS) >= 15


@pytest.mark.parametrize("attempt,needle", INJECTIONS, ids=[a[:40] for a, _ in INJECTIONS])
def test_injection_is_refused_and_nothing_runs(tripwires, attempt, needle):
    calls, sentinel = tripwires
    text = attempt.replace("{sentinel}", sentinel)
    with pytest.raises(ValueError) as info:
        parse_expression(text)
    assert calls == []
    message = str(info.value)
    assert needle in message
    assert "\n" not in message and len(message) < 500


def test_refusals_name_the_offending_part():
    with pytest.raises(ValueError, match=r"the call '__import__\(1\)' is not allowed"):
        parse_expression("1 + __import__(1)")
    with pytest.raises(ValueError, match=r"attribute access 's.real'"):
        parse_expression("2*s.real")


def test_limits_are_applied_to_the_raw_text():
    assert len("s+" * 999 + "s") < MAX_LENGTH
    assert parse_expression("s+" * 999 + "s") == 1000 * s  # a long flat sum is fine
    with pytest.raises(ValueError, match="characters long"):
        parse_expression(" " * (MAX_LENGTH + 1) + "s")


def test_type_error_for_non_text():
    with pytest.raises(TypeError):
        parse_expression(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("3*(1+s)**2/4", sp.Rational(3, 4) * (1 + s) ** 2),
        ("sqrt(2*(1-s))", sp.sqrt(2 * (1 - s))),
        ("1/sqrt(2-2*s)", 1 / sp.sqrt(2 - 2 * s)),
        ("0.1*s + 1.5e-2", s / 10 + sp.Rational(3, 200)),
        ("1_000 * s", 1000 * s),
        ("-+-s", s),
        ("2**-1", sp.Rational(1, 2)),
        ("(1-s)**(-1/2)", (1 - s) ** sp.Rational(-1, 2)),
        ("exp(-s**2/2) * cos(pi*s)", sp.exp(-(s**2) / 2) * sp.cos(sp.pi * s)),
        ("abs(s) + log(2+s) + atan(s)", sp.Abs(s) + sp.log(2 + s) + sp.atan(s)),
        ("sin(s)*tan(s) + cosh(s) - sinh(s)*tanh(s)",
         sp.sin(s) * sp.tan(s) + sp.cosh(s) - sp.sinh(s) * sp.tanh(s)),
        ("asin(s/2) + acos(s/2)", sp.asin(s / 2) + sp.acos(s / 2)),
        ("exp(1)", sp.E),
        ("1 - 2*s/3*4 + 5", 6 - sp.Rational(8, 3) * s),
        ("  s  ", s),
    ],
)
def test_positive_cases_equal_sympy_built_directly(text, expected):
    got = parse_expression(text)
    assert got == expected  # structural equality: the same tree, no simplification needed
    assert sp.simplify(got - expected) == 0


def test_decimals_are_exact():
    assert parse_expression("0.1") == sp.Rational(1, 10)
    assert parse_expression("1e-3") == sp.Rational(1, 1000)
    assert parse_expression("2.5e2") == 250
    assert parse_expression("0.333333333333") == sp.Rational(333333333333, 10**12)


def test_other_variables():
    r = sp.Symbol("r", real=True)
    assert parse_expression("exp(-r**2)", variables=("r",)) == sp.exp(-(r**2))
    with pytest.raises(ValueError, match="the name 's'"):
        parse_expression("s", variables=("r",))
    x = sp.Symbol("x", positive=True)
    assert parse_expression("x**2", variables={"x": x}) == x**2
    with pytest.raises(ValueError, match="reserved"):
        parse_expression("1", variables=("sqrt",))
    with pytest.raises(ValueError, match="plain identifier"):
        parse_expression("1", variables=("__class__",))


def test_same_symbol_as_the_kernels():
    # equal (same name and assumptions), so substitution and free_symbols agree; identity
    # depends on sympy's cache and is not promised
    assert parse_expression("s") == S
    assert parse_expression("s**2").free_symbols == {S}


def test_expression_function_pickles_and_evaluates():
    import pickle

    import numpy as np

    f = ExpressionFunction(parse_expression("3*(1+s)**2/4"), S)
    g = pickle.loads(pickle.dumps(f))
    x = np.linspace(-1, 1, 7)
    assert np.array_equal(f(x), g(x))
    np.testing.assert_allclose(g(x), 0.75 * (1 + x) ** 2, rtol=1e-15)
    assert g(np.float64(0.5)).shape == ()


_ALPHABET = "s0123456789.+-*/() e" + "qrtxpi" + "_[]'\"{}:,<>=!^&|~@%"
_TOKENS = ["s", "1", "2.5", "pi", "sqrt(", "exp(", "log(", "abs(", "(", ")", "+", "-", "*",
           "/", "**", "__import__", ".", "[", "]", ",", "'", "lambda", ":"]


@settings(max_examples=150, deadline=2000)
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=40),
                 st.lists(st.sampled_from(_TOKENS), max_size=25).map("".join)))
def test_random_text_gives_expression_or_value_error(text):
    """Property: any text gives a finite real sympy expression in s, or a one-line ValueError
    (never another exception, never a hang)."""
    try:
        expr = parse_expression(text)
    except ValueError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(expr, sp.Expr)
    assert expr.free_symbols <= {S}
    assert not expr.has(sp.zoo, sp.nan, sp.oo, sp.I)


def test_kernel_text_goes_through_the_parser(tripwires):
    calls, sentinel = tripwires
    with pytest.raises(ValueError, match="kernel expression"):
        get_kernel(f"__import__('os').system('touch {sentinel}') + 1")
    assert calls == []


def test_kernel_from_text_is_the_parsed_expression():
    # outside the tripwires: sympy's polynomial code generates and execs its own helpers
    k = get_kernel("3*(1+s)**2/4")
    assert sp.expand(k.expr - sp.Rational(3, 4) * (1 + S) ** 2) == 0
    assert k.B_exact(1, 0) == sp.Rational(3, 4)  # beta of 3(1+s)^2/4: (1/4) int (1+s) b ds


def test_cli_refuses_code_in_kernel(tmp_path):
    """The installed entry point (run as ``python -m kacspectral``) exits 2 with one line."""
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-m", "kacspectral", "ness", "--kernel",
         "__import__('os').system('touch X')"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("kacspectral: error:")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "X").exists()


def test_cli_kernel_zero_is_a_clear_message(capsys):
    from kacspectral.cli import main

    assert main(["ness", "--kernel", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "identically 0" in err and "-oo" not in err
