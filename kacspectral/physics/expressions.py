"""Safe expressions: text -> sympy through a whitelist over Python's :mod:`ast`.

Input is data, never code.  :func:`parse_expression` reads a formula such as
``"3*(1+s)**2/4"`` with :func:`ast.parse` (which only *parses*; nothing is compiled or run),
walks the tree, accepts only the nodes of the grammar below and builds the sympy expression
node by node.  No ``eval``, ``exec``, ``sympify`` or ``parse_expr`` ever sees the text.

Grammar (everything else is refused with a :class:`ValueError` naming the offending part)::

    expr     := number | variable | "pi" | "(" expr ")"
              | expr ("+" | "-" | "*" | "/" | "**") expr | ("+" | "-") expr
              | function "(" expr ")"
    number   := decimal literal: 3, 0.25, 1e-3, 1_000 (read exactly: 0.1 is 1/10)
    variable := one of the names the caller allows (``s`` for kernels)
    function := sqrt exp log abs cos sin tan cosh sinh tanh asin acos atan   (one argument)

The constant ``pi`` is the only named constant; Euler's number is written ``exp(1)`` (a name
``e``/``E`` is refused, so that it cannot be mistaken for a variable).  ``^`` is refused with a
hint to use ``**``.

Limits that keep the work bounded: at most :data:`MAX_LENGTH` characters, a syntax tree at
most :data:`MAX_DEPTH` levels deep, numeric literals with a decimal exponent of at most
:data:`MAX_LITERAL_EXPONENT`, rational exponents whose numerator and denominator are at most
:data:`MAX_EXPONENT`, and exact numbers of at most :data:`MAX_BITS` bits (so ``9**9**9**9`` is
refused before anything is computed).  The result must be finite and real: ``1/0``, ``log(0)``
or ``sqrt(-1)`` are refused.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction

import numpy as np
import sympy as sp
from numpy.typing import NDArray

__all__ = [
    "ALLOWED_FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "ExpressionFunction",
    "parse_expression",
]

#: Longest text accepted, in characters.
MAX_LENGTH = 2000
#: Deepest syntax tree accepted (``1+s`` has depth 2; each parenthesised level adds one).
MAX_DEPTH = 100
#: Largest ``|n|`` in a literal ``...e<n>``.
MAX_LITERAL_EXPONENT = 400
#: Largest numerator or denominator of a rational exponent (``s**1000`` is accepted).
MAX_EXPONENT = 1000
#: Largest exact number (numerator or denominator), in bits (about 30,000 decimal digits).
MAX_BITS = 100_000

#: The functions an expression may call, each with one positional argument.
ALLOWED_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "sqrt": sp.sqrt,
    "exp": sp.exp,
    "log": sp.log,
    "abs": sp.Abs,
    "cos": sp.cos,
    "sin": sp.sin,
    "tan": sp.tan,
    "cosh": sp.cosh,
    "sinh": sp.sinh,
    "tanh": sp.tanh,
    "asin": sp.asin,
    "acos": sp.acos,
    "atan": sp.atan,
}

_CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi}

_DECIMAL = re.compile(r"^(\d[\d_]*)?(\.[\d_]*)?([eE][-+]?\d[\d_]*)?$")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

# What a refused node is called in the error message.
_NODE_NAMES: dict[type, str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression",
    ast.Dict: "dict",
    ast.Set: "set",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Starred: "starred argument",
    ast.NamedExpr: "assignment expression (:=)",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.IfExp: "conditional expression",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slice",
}


def _grammar_hint(variables: Iterable[str]) -> str:
    names = ", ".join(sorted(variables)) or "(none)"
    return (
        f"allowed: numbers, the variables {names}, pi, + - * / ** and parentheses, "
        f"and the functions {' '.join(ALLOWED_FUNCTIONS)}"
    )


def _symbols(variables: Iterable[str] | Mapping[str, sp.Symbol]) -> dict[str, sp.Symbol]:
    """Validate the caller's variable names and map each to a real sympy Symbol."""
    if isinstance(variables, str):
        variables = (variables,)
    if isinstance(variables, Mapping):
        pairs = list(variables.items())
    else:
        pairs = [(name, None) for name in variables]
    out: dict[str, sp.Symbol] = {}
    for name, sym in pairs:
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise ValueError(f"variable name must be a plain identifier, got {name!r}")
        if name in ALLOWED_FUNCTIONS or name in _CONSTANTS:
            raise ValueError(f"variable name {name!r} is reserved for a function or constant")
        if sym is None:
            sym = sp.Symbol(name, real=True)
        elif not isinstance(sym, sp.Symbol):
            raise TypeError(f"variable {name!r} must map to a sympy Symbol, got {sym!r}")
        out[name] = sym
    return out


class _Builder:
    """Turns an accepted :mod:`ast` tree into sympy, refusing everything outside the grammar."""

    def __init__(self, text: str, symbols: dict[str, sp.Symbol], what: str):
        self.text = text
        self.symbols = symbols
        self.what = what

    # ------------------------------------------------------------------ errors
    def _segment(self, node: ast.AST) -> str:
        seg = ast.get_source_segment(self.text, node)
        if seg is None:
            return type(node).__name__
        return seg if len(seg) <= 60 else seg[:57] + "..."

    def fail(self, node: ast.AST, reason: str) -> ValueError:
        return ValueError(
            f"{self.what} {_short(self.text)}: {reason} {self._segment(node)!r} is not allowed; "
            f"{_grammar_hint(self.symbols)}"
        )

    # ------------------------------------------------------------------ numbers
    def _checked(self, node: ast.AST, value: sp.Expr) -> sp.Expr:
        if isinstance(value, sp.Rational) and (
            abs(int(value.p)).bit_length() > MAX_BITS or int(value.q).bit_length() > MAX_BITS
        ):
            raise ValueError(
                f"{self.what} {_short(self.text)}: the number {self._segment(node)!r} has more "
                f"than {MAX_BITS} bits"
            )
        return value

    def number(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = {str: "string", bytes: "bytes", complex: "complex number"}.get(
                type(value), f"constant of type {type(value).__name__}"
            )
            if value is None or value is Ellipsis or isinstance(value, bool):
                kind = "constant"
            raise self.fail(node, kind)
        seg = ast.get_source_segment(self.text, node) or repr(value)
        match = _DECIMAL.match(seg)
        if not match or not (match.group(1) or match.group(2)):
            raise self.fail(node, "non-decimal literal")  # 0x10, 0o7, 0b1
        exp_part = match.group(3)
        if exp_part and abs(int(exp_part[1:].replace("_", ""))) > MAX_LITERAL_EXPONENT:
            raise ValueError(
                f"{self.what} {_short(self.text)}: the literal {seg!r} has a decimal exponent "
                f"beyond +-{MAX_LITERAL_EXPONENT}"
            )
        frac = Fraction(seg.replace("_", ""))  # exact: 0.1 -> 1/10
        return self._checked(node, sp.Rational(frac.numerator, frac.denominator))

    def power(self, node: ast.BinOp, base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
        if exponent.is_number:
            if not isinstance(exponent, sp.Rational):
                return base**exponent  # e.g. s**pi: symbolic, no big-number work
            p, q = abs(int(exponent.p)), int(exponent.q)
            if p > MAX_EXPONENT or q > MAX_EXPONENT:
                raise ValueError(
                    f"{self.what} {_short(self.text)}: the exponent in {self._segment(node)!r} "
                    f"is {exponent}; numerator and denominator must be at most {MAX_EXPONENT}"
                )
            if isinstance(base, sp.Rational) and base != 0:
                bits = max(abs(int(base.p)).bit_length(), int(base.q).bit_length())
                if bits * p / q > MAX_BITS:
                    raise ValueError(
                        f"{self.what} {_short(self.text)}: {self._segment(node)!r} would have "
                        f"about {bits * p // q} bits (limit {MAX_BITS})"
                    )
        return self._checked(node, base**exponent)

    # ------------------------------------------------------------------ the walk
    def _binop(self, node: ast.BinOp) -> sp.Expr:
        """A binary operator outside the + - * / chains: ``**`` or a refused one."""
        if not isinstance(node.op, ast.Pow):
            hint = " (use ** for powers)" if isinstance(node.op, ast.BitXor) else ""
            raise self.fail(node, f"the operator{hint} in")
        return self.power(node, self.build(node.left), self.build(node.right))

    def build(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Expression):
            return self.build(node.body)
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return self.symbols[node.id]
            if node.id in _CONSTANTS:
                return _CONSTANTS[node.id]
            if node.id in ALLOWED_FUNCTIONS:
                raise self.fail(node, "a function name without a call")
            if node.id in ("e", "E"):
                raise self.fail(node, "the name (write Euler's number as exp(1))")
            raise self.fail(node, "the name")
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand)
            raise self.fail(node, "the operator in")
        if isinstance(node, ast.BinOp):
            # A chain a + b - c + ... (or a * b / c ...) nests to the left; walk it in a loop
            # so that a long sum costs no recursion depth.
            chain: list[ast.BinOp] = []
            while isinstance(node, ast.BinOp) and _is_chain_op(node.op):
                chain.append(node)
                node = node.left
            value = self._binop(node) if isinstance(node, ast.BinOp) else self.build(node)
            for link in reversed(chain):
                right = self.build(link.right)
                if isinstance(link.op, ast.Add):
                    value = self._checked(link, value + right)
                elif isinstance(link.op, ast.Sub):
                    value = self._checked(link, value - right)
                elif isinstance(link.op, ast.Mult):
                    value = self._checked(link, value * right)
                else:
                    value = self._checked(link, value / right)
            return value
        if isinstance(node, ast.Call):
            func = node.func
            if not isinstance(func, ast.Name) or func.id not in ALLOWED_FUNCTIONS:
                raise self.fail(node, "the call")
            if node.keywords:
                raise self.fail(node, "keyword arguments in")
            if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
                raise self.fail(node, f"{func.id} takes exactly one argument;")
            return ALLOWED_FUNCTIONS[func.id](self.build(node.args[0]))
        raise self.fail(node, _NODE_NAMES.get(type(node), type(node).__name__.lower()))


def _is_chain_op(op: ast.operator) -> bool:
    return isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.Div))


def _short(text: str) -> str:
    return repr(text) if len(text) <= 60 else repr(text[:57] + "...")


def _depth(tree: ast.AST) -> int:
    """Depth of the syntax tree, computed without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            return d
        for child in ast.iter_child_nodes(node):
            # the left operand of a + - * / chain is a sibling, not a deeper level
            flat = (
                isinstance(node, ast.BinOp)
                and _is_chain_op(node.op)
                and child is node.left
                and isinstance(child, ast.BinOp)
                and _is_chain_op(child.op)
            )
            stack.append((child, d if flat else d + 1))
    return deepest


def parse_expression(
    text: str,
    variables: Iterable[str] | Mapping[str, sp.Symbol] = ("s",),
    what: str = "expression",
) -> sp.Expr:
    """Parse a formula into a sympy expression without evaluating any code.

    Parameters
    ----------
    text : str
        The formula, in Python syntax restricted to the grammar of this module's docstring:
        decimal numbers (kept exact), the allowed variables, ``pi``, ``+ - * / **``, unary
        ``+``/``-``, parentheses and one-argument calls of :data:`ALLOWED_FUNCTIONS`.
    variables : sequence of str, or mapping str -> sympy.Symbol
        The variable names the formula may use; given as names, each becomes a real Symbol.
    what : str
        How the text is called in error messages (``"kernel expression"``).

    Returns
    -------
    sympy.Expr
        A finite, real expression (no ``zoo``, ``nan``, ``oo`` or ``I``).

    Raises
    ------
    ValueError
        For text outside the grammar (naming the offending part), text longer than
        :data:`MAX_LENGTH` or nested deeper than :data:`MAX_DEPTH`, numbers or exponents beyond
        the limits of the module docstring, or a result that is not finite and real.
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a string, got {type(text).__name__}")
    symbols = _symbols(variables)
    if len(text) > MAX_LENGTH:
        raise ValueError(f"{what} is {len(text)} characters long; the limit is {MAX_LENGTH}")
    source = text.strip()
    if not source:
        raise ValueError(f"{what} is empty; {_grammar_hint(symbols)}")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError) as exc:  # ValueError: null bytes
        detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        raise ValueError(f"{what} {_short(text)} does not parse: {detail}") from None
    except (RecursionError, MemoryError):
        raise ValueError(f"{what} {_short(text)} is nested too deeply") from None
    if _depth(tree) > MAX_DEPTH:
        raise ValueError(
            f"{what} {_short(text)} is nested more than {MAX_DEPTH} levels deep; simplify it"
        )
    expr = _Builder(source, symbols, what).build(tree)
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ValueError(f"{what} {_short(text)} is not finite ({expr})")
    if expr.has(sp.I) or expr.is_real is False:
        raise ValueError(f"{what} {_short(text)} is not real ({expr})")
    return expr


class ExpressionFunction:
    """A vectorised numpy function of one variable built from a sympy expression.

    The expression (not generated code) is the state, so instances pickle with the standard
    library; the numpy function is made by :func:`sympy.lambdify` on first use (from the
    expression tree, never from user text).  Calling returns a float array of the argument's
    shape.
    """

    def __init__(self, expr: sp.Expr, symbol: sp.Symbol):
        self.expr = expr
        self.symbol = symbol
        self._func: Callable | None = None

    def __call__(self, x: NDArray) -> NDArray:
        if self._func is None:
            self._func = sp.lambdify(self.symbol, self.expr, modules="numpy")
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(np.asarray(self._func(x), dtype=float), x.shape).copy()

    def __getstate__(self) -> dict:
        return {"expr": self.expr, "symbol": self.symbol}

    def __setstate__(self, state: dict) -> None:
        self.expr = state["expr"]
        self.symbol = state["symbol"]
        self._func = None

    def __repr__(self) -> str:
        return f"ExpressionFunction({self.expr}, {self.symbol})"

