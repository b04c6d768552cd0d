"""Safe text -> function parser with exact symbolic derivatives.

Students type formulas such as ``x^2 + 1``, ``2sin(x)`` or ``f(x, y) = x·y`` and the app
plots them, evaluates them on NumPy grids and shows their exact derivatives.  The text comes
straight from a text box, so this module treats it as hostile.

Threat model
------------
* **No code execution.**  User text never reaches ``eval``/``exec``/``compile``.  We tokenise
  it ourselves, rebuild a normalised Python-syntax string out of *our own* tokens (so nothing
  the user typed is copied through verbatim except whitelisted names and re-printed numbers),
  run ``ast.parse(..., mode="eval")`` on it and walk the tree with a whitelist: only
  ``Expression``, ``BinOp`` (+ - * / **), ``UnaryOp`` (unary - and +), ``Constant`` (int or
  float), ``Name`` (the given variables, ``pi``, ``e``) and ``Call`` of a known function with
  exactly one positional argument.  Anything else is an :class:`ExpressionError`.  The tree is
  converted into small immutable node classes that are evaluated with NumPy ufuncs only.
  Underscores, quotes, dots outside numbers, commas, ``=`` (outside a leading ``y =`` /
  ``f(x) =``), ``[`` used for indexing, keywords, ``@ % & | ~ ;``, control and invisible
  characters are all refused by the tokenizer, so attribute access, strings, subscripts,
  lambdas and imports cannot even be spelt.
* **No denial of service.**  Every limit is checked before the expensive step it protects:
  text length <= ``MAX_LENGTH`` (1000 characters, checked before anything else); bracket
  nesting <= ``MAX_NESTING`` (40, checked while tokenising, because ``ast.parse`` on very deep
  brackets can exhaust the C stack); <= ``MAX_NODES`` (400) tree nodes, counted while
  tokenising and again after conversion; tree depth <= ``MAX_DEPTH`` (200) so that our
  recursive walks stay far from Python's recursion limit; number literals <= 30 characters and
  ``|value| <= 1e15``.  All arithmetic is float64 (never Python ints), so ``9^9^9^9`` is just
  ``inf`` instead of a never-ending big-integer power.  Derivative trees are capped at
  ``MAX_DERIVATIVE_NODES`` (20,000, counted as an expanded tree) and ``MAX_DERIVATIVE_DEPTH``
  (300); beyond that :meth:`Expression.derivative` raises "too complicated to differentiate".
* **Numbers never raise.**  Evaluation runs under ``np.errstate(all="ignore")``.  Points where
  the maths is undefined give ``nan``: log/log10/log2 of values <= 0, sqrt of negatives,
  division by zero, ``0^negative``, asin/acos outside [-1, 1], a negative base with a
  non-integer exponent (so ``(-8)^(1/3)`` is nan).  Overflow gives ``±inf`` (``exp(1000)``,
  ``10^400``); operations with no value on infinities (``inf - inf``, ``0·inf``) give nan.
  ``0^0`` is 1, as in NumPy.

Syntax choices
--------------
``^`` and ``**`` are powers, right-associative and tighter than unary minus (``-x^2`` is
``-(x^2)``, ``2^3^2`` is 512).  Implicit multiplication has the same precedence as ``*``,
so ``2x^2`` is ``2·x²`` and ``1/2x`` is ``(1/2)·x`` (read left to right, like most
calculators); ``2^3x`` is ``8x``.  A number directly after something else (``x 2``, ``(x)2``)
is refused rather than guessed.  Letters stuck together that are not a known name (``xy``,
``sinx``) are refused with a suggestion (``x*y``, ``sin(x)``).  ``step`` (0 for x <= 0, 1 for
x > 0) is accepted because the derivative of ``relu`` is printed with it.

``Expression.text`` re-parses to the same function as long as it fits within the limits
above (a long formula can grow past 1000 characters once spaces are added, and big
derivatives can be far longer; those texts are then refused like any other over-long input).
Numbers in ``text`` have at most 12 significant digits.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
import unicodedata
from collections.abc import Iterator

import numpy as np

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_DERIVATIVE_DEPTH",
    "MAX_DERIVATIVE_NODES",
    "MAX_LENGTH",
    "MAX_NESTING",
    "MAX_NODES",
    "MAX_NUMBER",
    "MAX_NUMBER_CHARS",
    "Expression",
    "ExpressionError",
    "parse",
]

MAX_LENGTH = 1000
MAX_NESTING = 40
MAX_NODES = 400
MAX_DEPTH = 200
MAX_NUMBER_CHARS = 30
MAX_NUMBER = 1e15
MAX_DERIVATIVE_NODES = 20_000
MAX_DERIVATIVE_DEPTH = 300


class ExpressionError(ValueError):
    """A formula the student typed cannot be used; ``str(err)`` says what and where.

    ``column`` is the 1-based column in the text as typed, or None when the problem has no
    single place (empty text, text too long, ...).
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


class _TooComplicatedError(Exception):
    """Raised inside tree building when a derivative grows past its caps."""


# --------------------------------------------------------------------------------------
# Functions

def _positive_only(fn):
    def apply(a):
        return np.where(a > 0, fn(a), np.nan)
    return apply


def _sigmoid(a):
    # exp(-|a|) never overflows, so both branches are finite for every finite a.
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def _softplus(a):
    return np.log1p(np.exp(-np.abs(a))) + np.maximum(a, 0.0)


def _step(a):
    return np.where(np.isnan(a), np.nan, np.where(a > 0, 1.0, 0.0))


_EVALUATORS = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "asin": np.arcsin,
    "acos": np.arccos,
    "atan": np.arctan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "exp": np.exp,
    "log": _positive_only(np.log),
    "ln": _positive_only(np.log),
    "log10": _positive_only(np.log10),
    "log2": _positive_only(np.log2),
    "sqrt": np.sqrt,
    "abs": np.abs,
    "sign": np.sign,
    "sigmoid": _sigmoid,
    "relu": lambda a: np.maximum(a, 0.0),
    "softplus": _softplus,
    "step": _step,
}

#: Every function name a student may type, mapped to the name used in ``text``.
FUNCTIONS: dict[str, str] = {name: name for name in _EVALUATORS}
FUNCTIONS.update({"arcsin": "asin", "arccos": "acos", "arctan": "atan"})

_CONSTANTS = {"pi": math.pi, "e": math.e}


# --------------------------------------------------------------------------------------
# Tree nodes (immutable; equality is structural, hashing is cached)

class _Node:
    __slots__ = ("_hash", "depth", "free", "size")

    def _finish(self, children: tuple, key: tuple) -> None:
        size = 1 + sum(c.size for c in children)
        depth = 1 + max((c.depth for c in children), default=0)
        if size > MAX_DERIVATIVE_NODES or depth > MAX_DERIVATIVE_DEPTH:
            raise _TooComplicatedError
        free: frozenset = frozenset()
        for c in children:
            free = c.free if free <= c.free else free | c.free
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "depth", depth)
        object.__setattr__(self, "free", free)
        object.__setattr__(self, "_hash", hash((type(self).__name__,) + key))

    def __setattr__(self, name, value):
        raise AttributeError("expression nodes are immutable")

    def _key(self) -> tuple:
        raise NotImplementedError

    def __eq__(self, other) -> bool:
        if self is other:
            return True
        if (type(self) is not type(other) or self._hash != other._hash
                or self.size != other.size):
            return False
        return self._key() == other._key()

    def __hash__(self) -> int:
        return self._hash


class _Num(_Node):
    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        object.__setattr__(self, "value", float(value))
        self._finish((), (self.value,))

    def _key(self):
        return (self.value,)


class _Var(_Node):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)
        self._finish((), (name,))
        object.__setattr__(self, "free", frozenset((name,)))

    def _key(self):
        return (self.name,)


class _Const(_Node):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)
        self._finish((), (name,))

    def _key(self):
        return (self.name,)


class _Neg(_Node):
    __slots__ = ("arg",)

    def __init__(self, arg: _Node) -> None:
        object.__setattr__(self, "arg", arg)
        self._finish((arg,), (arg._hash,))

    def _key(self):
        return (self.arg,)


class _Bin(_Node):
    __slots__ = ("left", "op", "right")

    def __init__(self, op: str, left: _Node, right: _Node) -> None:
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "left", left)
        object.__setattr__(self, "right", right)
        self._finish((left, right), (op, left._hash, right._hash))

    def _key(self):
        return (self.op, self.left, self.right)


class _Call(_Node):
    __slots__ = ("arg", "fn")

    def __init__(self, fn: str, arg: _Node) -> None:
        object.__setattr__(self, "fn", fn)
        object.__setattr__(self, "arg", arg)
        self._finish((arg,), (fn, arg._hash))

    def _key(self):
        return (self.fn, self.arg)


_ZERO = _Num(0.0)
_ONE = _Num(1.0)
_TWO = _Num(2.0)


# --------------------------------------------------------------------------------------
# Evaluation

def _evaluate(node: _Node, env: dict, memo: dict):
    # Derivative trees share subtrees, so caching by identity keeps evaluation linear in the
    # number of distinct nodes rather than in the expanded size.
    hit = memo.get(id(node))
    if hit is not None:
        return hit
    if isinstance(node, _Num):
        out = np.float64(node.value)
    elif isinstance(node, _Var):
        out = env[node.name]
    elif isinstance(node, _Const):
        out = np.float64(_CONSTANTS[node.name])
    elif isinstance(node, _Neg):
        out = np.negative(_evaluate(node.arg, env, memo))
    elif isinstance(node, _Call):
        out = _EVALUATORS[node.fn](_evaluate(node.arg, env, memo))
    else:
        a = _evaluate(node.left, env, memo)
        b = _evaluate(node.right, env, memo)
        out = _apply_binary(node.op, a, b)
    memo[id(node)] = out
    return out


def _apply_binary(op: str, a, b):
    if op == "+":
        return np.add(a, b)
    if op == "-":
        return np.subtract(a, b)
    if op == "*":
        return np.multiply(a, b)
    if op == "/":
        return np.where(b == 0, np.nan, np.divide(a, b))
    power = np.power(a, b)
    return np.where((a == 0) & (b < 0), np.nan, power)


# --------------------------------------------------------------------------------------
# Printing

_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return format(value, ".12g")


def _nice(value: float) -> bool:
    """True when ``value`` prints exactly (so folding it keeps ``text`` faithful)."""
    return (math.isfinite(value) and abs(value) <= MAX_NUMBER
            and float(_fmt(value)) == value)


def _is_literal(node: _Node) -> bool:
    while isinstance(node, _Neg):
        node = node.arg
    return isinstance(node, _Num)


def _wrap(text: str, prec: int, limit: int, sign_too: bool = True) -> str:
    # Right-hand operands that start with '-' get brackets for readability: x - (-3).
    if prec <= limit or (sign_too and text.startswith("-")):
        return f"({text})"
    return text


def _render(node: _Node, memo: dict) -> tuple[str, int]:
    hit = memo.get(id(node))
    if hit is not None:
        return hit
    if isinstance(node, _Num):
        out = ("-" + _fmt(-node.value), _NEG) if node.value < 0 else (_fmt(node.value), _ATOM)
    elif isinstance(node, (_Var, _Const)):
        out = (node.name, _ATOM)
    elif isinstance(node, _Call):
        out = (f"{node.fn}({_render(node.arg, memo)[0]})", _ATOM)
    elif isinstance(node, _Neg):
        text, prec = _render(node.arg, memo)
        out = ("-" + _wrap(text, prec, _ADD, sign_too=False), _NEG)
    else:
        lt, lp = _render(node.left, memo)
        rt, rp = _render(node.right, memo)
        op = node.op
        if op in "+-":
            out = (f"{lt} {op} {_wrap(rt, rp, _ADD)}", _ADD)
        elif op == "*":
            left = _wrap(lt, lp, _ADD, sign_too=False)
            right = _wrap(rt, rp, _NEG)
            if _is_literal(node.left) and _juxtaposable(right):
                out = (left + right, _MUL)
            else:
                out = (f"{left}·{right}", _MUL)
        elif op == "/":
            out = (f"{_wrap(lt, lp, _ADD, sign_too=False)}/{_wrap(rt, rp, _NEG)}", _MUL)
        else:
            out = (f"{_wrap(lt, lp, _POW, sign_too=False)}^{_wrap(rt, rp, _NEG)}", _POW)
    memo[id(node)] = out
    return out


def _juxtaposable(right: str) -> bool:
    first = right[0]
    if first == "(":
        return True
    if not ("a" <= first <= "z" or "A" <= first <= "Z"):
        return False
    # "2e3" would read back as 2000, so a name like e3 (or e followed by a sign and digit)
    # must not be glued to a number.
    if first in "eE" and len(right) > 1:
        nxt = right[1]
        if nxt.isdigit() or (nxt in "+-" and len(right) > 2 and right[2].isdigit()):
            return False
    return True


# --------------------------------------------------------------------------------------
# Simplifying constructors (used for derivatives only: the student's own formula is shown
# as typed, merely reformatted)

def _num_value(node: _Node) -> float | None:
    sign = 1.0
    while isinstance(node, _Neg):
        node, sign = node.arg, -sign
    if isinstance(node, _Num):
        return sign * node.value
    return None


def _fold(value) -> _Num | None:
    value = float(value)
    return _Num(value) if _nice(value) else None


def _small_equal(a: _Node, b: _Node) -> bool:
    # Structural equality is linear in size; bounding it keeps simplification cheap.
    return a.size <= 60 and a == b


def _coefficient(node: _Node) -> tuple[float, _Node]:
    """Split off the leading number of a product: -2x·y -> (-2, x·y)."""
    if isinstance(node, _Neg):
        c, rest = _coefficient(node.arg)
        return -c, rest
    if isinstance(node, _Bin) and node.op == "*":
        c = _num_value(node.left)
        if c is not None:
            if _num_value(node.right) is None:
                return c, node.right
        else:
            c, rest = _coefficient(node.left)
            if c != 1:
                return c, _Bin("*", rest, node.right)
    return 1.0, node


_MAX_SUM_TERMS = 12


def _collect(node: _Node, sign: float, terms: list) -> bool:
    """Append (coefficient, rest) for each term of a small sum; rest is None for numbers."""
    if len(terms) > _MAX_SUM_TERMS:
        return False
    if isinstance(node, _Bin) and node.op in "+-":
        return (_collect(node.left, sign, terms)
                and _collect(node.right, sign if node.op == "+" else -sign, terms))
    if isinstance(node, _Neg):
        return _collect(node.arg, -sign, terms)
    value = _num_value(node)
    if value is not None:
        terms.append((sign * value, None))
    else:
        c, rest = _coefficient(node)
        terms.append((sign * c, rest))
    return True


def _s_sum(a: _Node, b: _Node, sign: float) -> _Node | None:
    """``a + sign·b`` with like terms collected, or None when the sum is too big to bother."""
    terms: list = []
    if not (_collect(a, 1.0, terms) and _collect(b, sign, terms)):
        return None
    merged: list[list] = []
    constant, constant_at = 0.0, None
    for c, rest in terms:
        if rest is None:
            constant += c
            if constant_at is None:
                constant_at = len(merged)
                merged.append([0.0, None])
            continue
        for entry in merged:
            if entry[1] is not None and _small_equal(entry[1], rest):
                entry[0] += c
                break
        else:
            merged.append([c, rest])
    if constant_at is not None:
        merged[constant_at][0] = constant
    kept = [(c, rest) for c, rest in merged if c != 0]
    if any(not _nice(c) for c, _ in kept):
        return None
    if not kept:
        return _ZERO
    # "1 - x" reads better than "-x + 1": lead with a positive term when there is one.
    first_positive = next((i for i, (c, _) in enumerate(kept) if c > 0), 0)
    kept.insert(0, kept.pop(first_positive))
    result = None
    for c, rest in kept:
        part = _Num(abs(c)) if rest is None else _s_mul(_Num(abs(c)), rest)
        if result is None:
            result = part if c > 0 else _s_neg(part)
        else:
            result = _Bin("+" if c > 0 else "-", result, part)
    return result


def _s_add(a: _Node, b: _Node) -> _Node:
    na, nb = _num_value(a), _num_value(b)
    if na is not None and nb is not None:
        folded = _fold(na + nb)
        if folded is not None:
            return folded
    if na == 0:
        return b
    if nb == 0:
        return a
    summed = _s_sum(a, b, 1.0)
    if summed is not None:
        return summed
    if nb is not None and nb < 0:
        return _Bin("-", a, _Num(-nb))
    if isinstance(b, _Neg):
        return _Bin("-", a, b.arg)
    return _Bin("+", a, b)


def _s_sub(a: _Node, b: _Node) -> _Node:
    na, nb = _num_value(a), _num_value(b)
    if na is not None and nb is not None:
        folded = _fold(na - nb)
        if folded is not None:
            return folded
    if nb == 0:
        return a
    if na == 0:
        return _s_neg(b)
    summed = _s_sum(a, b, -1.0)
    if summed is not None:
        return summed
    if nb is not None and nb < 0:
        return _Bin("+", a, _Num(-nb))
    if isinstance(b, _Neg):
        return _Bin("+", a, b.arg)
    return _Bin("-", a, b)


def _negated(a: _Node) -> _Node | None:
    """``-a`` without a new minus node in front (``-2x``, ``1 - x``), or None."""
    na = _num_value(a)
    if na is not None:
        return _Num(-na)
    if isinstance(a, _Neg):
        return a.arg
    if isinstance(a, _Bin):
        if a.op == "-":
            return _s_sub(a.right, a.left)
        if a.op in "*/":
            left = _negated(a.left)
            if left is not None:
                return (_s_mul if a.op == "*" else _s_div)(left, a.right)
    return None


def _s_neg(a: _Node) -> _Node:
    out = _negated(a)
    return out if out is not None else _Neg(a)


def _s_mul(a: _Node, b: _Node) -> _Node:
    na, nb = _num_value(a), _num_value(b)
    if na is not None and nb is not None:
        folded = _fold(na * nb)
        if folded is not None:
            return folded
        return _Bin("*", a, b)
    if nb is not None:
        a, b, na, nb = b, a, nb, na
    if na is not None:
        if na == 0:
            return _ZERO
        if na == 1:
            return b
        if na == -1:
            return _s_neg(b)
        if isinstance(b, _Neg):
            return _s_mul(_Num(-na), b.arg)
        if isinstance(b, _Bin) and b.op in "*/":
            inner = _num_value(b.left)
            if inner is not None:
                folded = _fold(na * inner)
                if folded is not None:
                    return (_s_mul if b.op == "*" else _s_div)(folded, b.right)
            elif b.op == "*":
                # 2·(x·y) reads better as 2x·y.
                return _Bin("*", _s_mul(a, b.left), b.right)
            else:
                return _s_div(_s_mul(a, b.left), b.right)
        return _Bin("*", _Num(na), b)
    ca, ra = _coefficient(a)
    cb, rb = _coefficient(b)
    if ca != 1 or cb != 1:
        # Gather the numbers in front: (2x)·(-3y) -> -6x·y.
        folded = _fold(ca * cb)
        if folded is not None:
            return _s_mul(folded, _s_mul(ra, rb))
    if isinstance(b, _Bin) and b.op == "/" and _num_value(b.left) == 1:
        return _s_div(a, b.right)
    if isinstance(b, _Bin) and b.op == "*":
        # Keep products left-nested, x·(y·z) -> x·y·z, so that they print without brackets.
        return _s_mul(_s_mul(a, b.left), b.right)
    if _small_equal(a, b):
        return _s_pow(a, _TWO)
    if isinstance(a, _Bin) and a.op == "*" and _small_equal(a.right, b):
        return _s_mul(a.left, _s_pow(b, _TWO))
    return _Bin("*", a, b)


def _s_div(a: _Node, b: _Node) -> _Node:
    na, nb = _num_value(a), _num_value(b)
    if na is not None and nb is not None and nb != 0:
        folded = _fold(na / nb)
        if folded is not None:
            return folded
    if nb == 1:
        return a
    if nb == -1:
        return _s_neg(a)
    if na == 0:
        return _ZERO
    if isinstance(a, _Neg):
        return _s_neg(_s_div(a.arg, b))
    if isinstance(b, _Neg):
        return _s_neg(_s_div(a, b.arg))
    if isinstance(a, _Bin) and a.op == "*" and _num_value(a.left) is not None:
        c = _num_value(a.left)
        if nb is not None and nb != 0:
            folded = _fold(c / nb)
            if folded is not None:
                return _s_mul(folded, a.right)
        elif isinstance(b, _Bin) and b.op == "*" and _num_value(b.left):
            # -2x/(2y) -> -x/y
            folded = _fold(c / _num_value(b.left))
            if folded is not None:
                return _s_div(_s_mul(folded, a.right), b.right)
    if _small_equal(a, b):
        return _ONE
    return _Bin("/", a, b)


def _s_pow(a: _Node, b: _Node) -> _Node:
    na, nb = _num_value(a), _num_value(b)
    if na is not None and nb is not None and not (na == 0 and nb < 0):
        with np.errstate(all="ignore"):
            value = float(np.power(np.float64(na), np.float64(nb)))
        folded = _fold(value)
        if folded is not None:
            return folded
    if nb == 0:
        return _ONE
    if nb == 1:
        return a
    if nb is not None and nb < 0:
        return _s_div(_ONE, _s_pow(a, _Num(-nb)))
    if (nb is not None and nb.is_integer() and isinstance(a, _Bin) and a.op == "^"):
        inner = _num_value(a.right)
        if inner is not None and inner.is_integer():
            folded = _fold(inner * nb)
            if folded is not None:
                return _s_pow(a.left, folded)
    return _Bin("^", a, b)


def _s_call(fn: str, arg: _Node) -> _Node:
    if fn in ("ln", "log") and isinstance(arg, _Const) and arg.name == "e":
        return _ONE
    value = _num_value(arg)
    if value is not None:
        with np.errstate(all="ignore"):
            result = float(_EVALUATORS[fn](np.float64(value)))
        folded = _fold(result)
        if folded is not None:
            return folded
    return _Call(fn, arg)


# --------------------------------------------------------------------------------------
# Differentiation

def _d_call(node: _Call, dg: _Node) -> _Node:
    fn, g = node.fn, node.arg
    if fn == "sin":
        return _s_mul(dg, _s_call("cos", g))
    if fn == "cos":
        return _s_neg(_s_mul(dg, _s_call("sin", g)))
    if fn == "tan":
        return _s_div(dg, _s_pow(_s_call("cos", g), _TWO))
    if fn in ("asin", "acos"):
        out = _s_div(dg, _s_call("sqrt", _s_sub(_ONE, _s_pow(g, _TWO))))
        return out if fn == "asin" else _s_neg(out)
    if fn == "atan":
        return _s_div(dg, _s_add(_ONE, _s_pow(g, _TWO)))
    if fn == "sinh":
        return _s_mul(dg, _s_call("cosh", g))
    if fn == "cosh":
        return _s_mul(dg, _s_call("sinh", g))
    if fn == "tanh":
        return _s_mul(dg, _s_sub(_ONE, _s_pow(node, _TWO)))
    if fn == "exp":
        return _s_mul(dg, node)
    if fn in ("log", "ln"):
        return _s_div(dg, g)
    if fn in ("log10", "log2"):
        base = _Num(10.0 if fn == "log10" else 2.0)
        return _s_div(dg, _s_mul(g, _s_call("ln", base)))
    if fn == "sqrt":
        return _s_div(dg, _s_mul(_TWO, node))
    if fn == "abs":
        return _s_mul(dg, _s_call("sign", g))
    if fn in ("sign", "step"):
        return _ZERO
    if fn == "sigmoid":
        return _s_mul(dg, _s_mul(node, _s_sub(_ONE, node)))
    if fn == "relu":
        return _s_mul(dg, _s_call("step", g))
    if fn == "softplus":
        return _s_mul(dg, _s_call("sigmoid", g))
    raise AssertionError(f"no derivative rule for {fn}")  # pragma: no cover


def _diff(node: _Node, var: str, memo: dict) -> _Node:
    if var not in node.free:
        return _ZERO
    hit = memo.get(id(node))
    if hit is not None:
        return hit
    if isinstance(node, _Var):
        out = _ONE
    elif isinstance(node, _Neg):
        out = _s_neg(_diff(node.arg, var, memo))
    elif isinstance(node, _Call):
        out = _d_call(node, _diff(node.arg, var, memo))
    else:
        out = _diff_binary(node, var, memo)
    memo[id(node)] = out
    return out


def _diff_binary(node: _Bin, var: str, memo: dict) -> _Node:
    a, b = node.left, node.right
    da, db = _diff(a, var, memo), _diff(b, var, memo)
    a_const, b_const = var not in a.free, var not in b.free
    op = node.op
    if op == "+":
        return _s_add(da, db)
    if op == "-":
        return _s_sub(da, db)
    if op == "*":
        if a_const:
            return _s_mul(a, db)
        if b_const:
            return _s_mul(da, b)
        return _s_add(_s_mul(da, b), _s_mul(a, db))
    if op == "/":
        if b_const:
            return _s_div(da, b)
        if a_const:
            return _s_div(_s_neg(_s_mul(a, db)), _s_pow(b, _TWO))
        return _s_div(_s_sub(_s_mul(da, b), _s_mul(a, db)), _s_pow(b, _TWO))
    if b_const:
        return _s_mul(_s_mul(b, _s_pow(a, _s_sub(b, _ONE))), da)
    if a_const:
        return _s_mul(_s_mul(node, _s_call("ln", a)), db)
    return _s_mul(node, _s_add(_s_mul(db, _s_call("ln", a)), _s_div(_s_mul(b, da), a)))


# --------------------------------------------------------------------------------------
# The public object

class Expression:
    """A parsed formula: call it on arrays, ask for ``derivative(var)``, show ``text``."""

    __slots__ = ("_derivatives", "_root", "_text", "_variables")

    def __init__(self, root: _Node, variables: tuple[str, ...]) -> None:
        self._root = root
        self._variables = tuple(variables)
        self._text = _render(root, {})[0]
        self._derivatives: dict[str, Expression] = {}

    @property
    def variables(self) -> tuple[str, ...]:
        return self._variables

    @property
    def text(self) -> str:
        return self._text

    @property
    def node_count(self) -> int:
        return self._root.size

    def __call__(self, *values):
        if len(values) != len(self._variables):
            names = ", ".join(self._variables) or "no inputs"
            raise TypeError(f"expected {len(self._variables)} input(s) ({names}), "
                            f"got {len(values)}")
        arrays = [np.asarray(v, dtype=np.float64) for v in values]
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        env = dict(zip(self._variables, arrays, strict=True))
        with np.errstate(all="ignore"):
            out = _evaluate(self._root, env, {})
            out = np.asarray(out, dtype=np.float64)
        if shape == ():
            return np.float64(out)
        return np.array(np.broadcast_to(out, shape), dtype=np.float64)

    def derivative(self, var: str) -> Expression:
        if var not in self._variables:
            raise ExpressionError(
                f"'{var}' is not a variable of this formula (it uses "
                f"{', '.join(self._variables) or 'no variables'})")
        cached = self._derivatives.get(var)
        if cached is not None:
            return cached
        try:
            result = Expression(_diff(self._root, var, {}), self._variables)
        except (_TooComplicatedError, RecursionError):
            raise ExpressionError(
                "this formula is too complicated to differentiate — try a simpler one"
            ) from None
        self._derivatives[var] = result
        return result

    def __repr__(self) -> str:
        return f"parse({self._text!r}, variables={self._variables!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return (self._text, self._variables) == (other._text, other._variables)

    def __hash__(self) -> int:
        return hash((self._text, self._variables))


# --------------------------------------------------------------------------------------
# Tokenizer

_SPACES = frozenset(" \u00a0\u2009\u202f")
_MINUS = frozenset("-\u2212\u2013")
_TIMES = frozenset("*\u00d7\u00b7\u22c5\u2219")
_DIVIDE = frozenset("/\u00f7\u2215")
_SUPERSCRIPTS = {
    "\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4",
    "\u2075": "5", "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9",
    "\u207b": "-", "\u207a": "+",
}
_CLOSING = {"(": ")", "[": "]"}
_CHAR_HINTS = {
    ",": " — write decimals with a point, like 1.5; functions take a single input",
    "'": " — quotes are not used in formulas",
    '"': " — quotes are not used in formulas",
    "|": " — for a distance from zero write abs(x)",
    "!": " — factorials are not supported",
    "%": " — for a percentage divide by 100",
    "<": " — comparisons are not supported",
    ">": " — comparisons are not supported",
    "{": " — use ( ) for brackets",
    "}": " — use ( ) for brackets",
    ";": " — type a single formula",
    "\\": " — use / to divide",
}
_LHS = re.compile(
    r"[ \u00a0]*[A-Za-z][A-Za-z0-9]*[ \u00a0]*"
    r"(?:\([ \u00a0]*[A-Za-z][A-Za-z0-9]*[ \u00a0]*"
    r"(?:,[ \u00a0]*[A-Za-z][A-Za-z0-9]*[ \u00a0]*)*\))?[ \u00a0]*")
_VARIABLE_NAME = re.compile(r"[A-Za-z]+[0-9]*")


class _Tok:
    __slots__ = ("col", "kind", "src", "value")

    def __init__(self, kind: str, value, col: int, src: str) -> None:
        self.kind = kind    # num var const func op lpar rpar sup
        self.value = value
        self.col = col
        self.src = src


def _short(text: str, limit: int = 24) -> str:
    """Quote at most ``limit`` characters of user text in a message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _is_letter(ch: str) -> bool:
    return "a" <= ch <= "z" or "A" <= ch <= "Z"


def _bad_char(ch: str, col: int) -> ExpressionError:
    category = unicodedata.category(ch)
    if category == "Cc":
        return ExpressionError(
            f"a control character (U+{ord(ch):04X}) at column {col} is not allowed in a "
            "formula", col)
    if category[0] in "CMZ":
        return ExpressionError(
            f"an invisible character (U+{ord(ch):04X}) at column {col} is not allowed in a "
            "formula", col)
    hint = _CHAR_HINTS.get(ch, "")
    if not hint:
        plain = unicodedata.normalize("NFKC", ch)
        if len(plain) == 1 and plain.isascii() and plain.isalnum():
            hint = f" — did you mean the ordinary '{plain}'?"
    return ExpressionError(f"'{ch}' at column {col} is not allowed in a formula{hint}", col)


def _scan_number(body: str, i: int, col: int) -> tuple[_Tok, int]:
    n = len(body)
    j = i
    while j < n and _is_digit(body[j]):
        j += 1
    if j < n and body[j] == ".":
        j += 1
        while j < n and _is_digit(body[j]):
            j += 1
    if j < n and body[j] in "eE":
        k = j + 1
        if k < n and (body[k] in "+-" or body[k] == "\u2212"):
            k += 1
        if k < n and _is_digit(body[k]):
            while k < n and _is_digit(body[k]):
                k += 1
            j = k
    src = body[i:j]
    if j < n and body[j] == ".":
        bad = col + (j - i)
        raise ExpressionError(f"'.' at column {bad}: a number can have only one decimal point",
                              bad)
    if len(src) > MAX_NUMBER_CHARS:
        raise ExpressionError(f"the number at column {col} is too long (at most "
                              f"{MAX_NUMBER_CHARS} characters)", col)
    value = float(src.replace("\u2212", "-"))
    if value > MAX_NUMBER:
        raise ExpressionError(f"the number {src} at column {col} is too big — numbers can "
                              "be at most 1e15", col)
    return _Tok("num", value, col, src), j


def _scan_superscript(body: str, i: int, col: int) -> tuple[_Tok, int]:
    j = i
    while j < len(body) and body[j] in _SUPERSCRIPTS:
        j += 1
    src = body[i:j]
    plain = "".join(_SUPERSCRIPTS[c] for c in src)
    if not re.fullmatch(r"[+-]?[0-9]+", plain):
        raise ExpressionError(f"the superscript {_short(src)} at column {col} must be "
                              "digits, like x² or x⁻¹", col)
    digits = plain.lstrip("+-")
    if len(digits) > MAX_NUMBER_CHARS or float(digits) > MAX_NUMBER:
        raise ExpressionError(f"the power {_short(src)} at column {col} is too big", col)
    return _Tok("sup", (float(digits), plain.startswith("-")), col, src), j


class _Names:
    """What each word means for one tuple of variables."""

    def __init__(self, variables: tuple[str, ...]) -> None:
        self.variables = variables
        self.var_set = frozenset(variables)

    def resolve(self, word: str, col: int) -> _Tok | None:
        if word in self.var_set:
            return _Tok("var", word, col, word)
        if word in _CONSTANTS:
            return _Tok("const", word, col, word)
        if word in FUNCTIONS:
            return _Tok("func", FUNCTIONS[word], col, word)
        return None

    def all_names(self) -> list[str]:
        return list(self.variables) + [c for c in _CONSTANTS if c not in self.var_set] + \
            list(FUNCTIONS)

    def unknown(self, word: str, col: int, before_bracket: bool) -> ExpressionError:
        return ExpressionError(f"unknown name '{_short(word)}' at column {col}"
                               f"{self._suggest(word, before_bracket)}", col)

    def _suggest(self, word: str, before_bracket: bool) -> str:
        names = self.all_names()
        for name in names:
            if name.lower() == word.lower():
                return f" — did you mean {name}?"
        letters = word.rstrip("0123456789")
        digits = word[len(letters):]
        if digits and (letters in self.var_set or letters in _CONSTANTS):
            return f" — did you mean {letters}^{digits} or {letters}*{digits}?"
        pieces = self._split(word) if not digits and len(word) <= 40 else None
        # A split that uses a variable ("xy", "sinx") is the likely intent; one made only of
        # functions and constants ("sine" = sin(e)) is more likely a misspelling.
        if pieces and any(p in self.var_set for p in pieces):
            return f" — did you mean {self._join(pieces)}?"
        # Words that begin like a function are usually its long name: sine, cosine, tangent.
        prefixes = [f for f in FUNCTIONS if len(word) > len(f) and word.startswith(f)]
        if prefixes:
            return f" — did you mean {max(prefixes, key=len)}?"
        if len(word) <= 20:
            close = difflib.get_close_matches(word, names, n=1, cutoff=0.75)
            if close:
                return f" — did you mean {close[0]}?"
        if pieces:
            return f" — did you mean {self._join(pieces)}?"
        if before_bracket:
            return (" — it is not a function this app knows (try sin, cos, exp, log, sqrt "
                    "or abs)")
        if not self.variables:
            return " — this formula has no variables"
        if len(self.variables) == 1:
            return f" — the variable here is {self.variables[0]}"
        listed = ", ".join(self.variables[:-1]) + " and " + self.variables[-1]
        return f" — the variables here are {listed}"

    def _split(self, word: str) -> list[str] | None:
        # Fewest pieces first: best[i] is the shortest split of word[i:] into known names.
        names = [n for n in self.all_names() if _is_letter(n[-1])]
        best: list[list[str] | None] = [None] * (len(word) + 1)
        best[len(word)] = []
        for i in range(len(word) - 1, -1, -1):
            for name in names:
                if word.startswith(name, i) and best[i + len(name)] is not None:
                    candidate = [name] + best[i + len(name)]
                    if best[i] is None or len(candidate) < len(best[i]):
                        best[i] = candidate
        pieces = best[0]
        return pieces if pieces and len(pieces) > 1 else None

    def _join(self, pieces: list[str]) -> str:
        head, rest = pieces[0], pieces[1:]
        if not rest:
            return head
        if head in FUNCTIONS and head not in self.var_set:
            return f"{head}({self._join(rest)})"
        return f"{head}*{self._join(rest)}"


def _tokens(body: str, offset: int, names: _Names) -> Iterator[_Tok]:
    """Yield tokens left to right so that the first problem in the text is reported first."""
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        col = offset + i + 1
        if ch in _SPACES:
            i += 1
        elif _is_digit(ch) or (ch == "." and i + 1 < n and _is_digit(body[i + 1])):
            tok, i = _scan_number(body, i, col)
            yield tok
        elif _is_letter(ch):
            j = i
            while j < n and _is_letter(body[j]):
                j += 1
            while j < n and _is_digit(body[j]):
                j += 1
            word = body[i:j]
            tok = names.resolve(word, col)
            if tok is None:
                k = j
                while k < n and body[k] in _SPACES:
                    k += 1
                raise names.unknown(word, col, k < n and body[k] in "([")
            yield tok
            i = j
        elif ch == "\u03c0":
            tok = names.resolve("pi", col)
            tok.src = ch
            yield tok
            i += 1
        elif ch in _SUPERSCRIPTS:
            tok, i = _scan_superscript(body, i, col)
            yield tok
        elif ch == "*" and i + 1 < n and body[i + 1] == "*":
            yield _Tok("op", "^", col, "**")
            i += 2
        else:
            if ch == "+":
                yield _Tok("op", "+", col, ch)
            elif ch in _MINUS:
                yield _Tok("op", "-", col, ch)
            elif ch in _TIMES:
                yield _Tok("op", "*", col, ch)
            elif ch in _DIVIDE:
                yield _Tok("op", "/", col, ch)
            elif ch == "^":
                yield _Tok("op", "^", col, ch)
            elif ch in "([":
                yield _Tok("lpar", ch, col, ch)
            elif ch in ")]":
                yield _Tok("rpar", ch, col, ch)
            elif ch == ".":
                raise ExpressionError(f"'.' at column {col} is not allowed here — a point can "
                                      "only be part of a number, like 1.5", col)
            elif ch == "=":
                raise ExpressionError(f"'=' at column {col} is not allowed here — a formula "
                                      "may start with one name and '=', like y = or f(x) =",
                                      col)
            else:
                raise _bad_char(ch, col)
            i += 1


# --------------------------------------------------------------------------------------
# Grammar check and translation to a Python-syntax string

class _Translation:
    """The normalised Python text and, for each of its characters, the user's column."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.columns: list[int] = []

    def emit(self, text: str, col: int) -> None:
        self.parts.append(text)
        self.columns.extend([col] * len(text))

    def source(self) -> str:
        return "".join(self.parts)

    def column_at(self, offset: int | None) -> int | None:
        if offset is None or not self.columns:
            return None
        return self.columns[min(max(offset, 0), len(self.columns) - 1)]


def _translate(body: str, offset: int, names: _Names) -> _Translation:
    out = _Translation()
    expect_operand = True
    prev: _Tok | None = None
    # Each open bracket: (token, was it a function's bracket, did a '^' precede it).
    stack: list[tuple[_Tok, _Tok | None, bool]] = []
    pending_func: _Tok | None = None
    pending_pow = False
    after_pow = False          # the last binary operator (unary signs aside) was '^'
    last_operand_pow = False   # the operand just finished is the exponent of a '^'
    nodes = 0

    def count(k: int, tok: _Tok) -> None:
        nonlocal nodes
        nodes += k
        if nodes > MAX_NODES:
            raise ExpressionError(f"the formula is too long — it has more than {MAX_NODES} "
                                  f"parts (stopped at column {tok.col})", tok.col)

    def example_input(tok: _Tok | None) -> str:
        if tok is not None and tok.kind in ("num", "var", "const"):
            return tok.src
        return names.variables[0] if names.variables else "x"

    for tok in _tokens(body, offset, names):
        if pending_func is not None and tok.kind != "lpar":
            fname = pending_func.src
            if tok.kind == "sup" or (tok.kind == "op" and tok.value == "^"):
                raise ExpressionError(
                    f"{fname} at column {pending_func.col} needs its input in brackets "
                    f"before a power: write {fname}(x)^2, not {fname}^2(x)",
                    pending_func.col)
            raise ExpressionError(
                f"{fname} at column {pending_func.col} needs its input in brackets: "
                f"{fname}({example_input(tok)})", pending_func.col)
        if not expect_operand and (tok.kind in ("var", "const", "func")
                                   or (tok.kind == "lpar" and tok.value == "(")):
            out.emit("*", tok.col)    # implicit multiplication: 2x, x(x+1), (x+1)(x-1)
            count(1, tok)
            expect_operand = True
            after_pow = False
        if expect_operand:
            if tok.kind in ("num", "var", "const"):
                out.emit(repr(tok.value) if tok.kind == "num" else tok.value, tok.col)
                count(1, tok)
                expect_operand = False
                last_operand_pow = after_pow
            elif tok.kind == "func":
                out.emit(tok.value, tok.col)
                count(1, tok)
                pending_func, pending_pow = tok, after_pow
            elif tok.kind == "lpar":
                if len(stack) >= MAX_NESTING:
                    raise ExpressionError(f"too many brackets inside each other at column "
                                          f"{tok.col} (at most {MAX_NESTING})", tok.col)
                if pending_func is not None:
                    stack.append((tok, pending_func, pending_pow))
                    pending_func = None
                else:
                    stack.append((tok, None, after_pow))
                out.emit("(", tok.col)
                after_pow = False
            elif tok.kind == "op" and tok.value in "+-":
                out.emit(tok.value, tok.col)
                if tok.value == "-":
                    count(1, tok)
            elif tok.kind == "rpar":
                if prev is not None and prev.kind == "lpar":
                    func = stack[-1][1] if stack else None
                    if func is not None:
                        raise ExpressionError(
                            f"{func.src} at column {func.col} needs something inside its "
                            f"brackets, like {func.src}({example_input(None)})", func.col)
                    raise ExpressionError(f"empty brackets at column {prev.col} — put "
                                          "something inside, like (x + 1)", prev.col)
                raise ExpressionError(_unexpected(tok, prev), tok.col)
            elif tok.kind == "sup":
                raise ExpressionError(f"the superscript {_short(tok.src)} at column {tok.col} "
                                      "must follow a number, a name or a closing bracket",
                                      tok.col)
            else:
                raise ExpressionError(_unexpected(tok, prev), tok.col)
        else:
            if tok.kind == "op":
                out.emit("**" if tok.value == "^" else tok.value, tok.col)
                count(1, tok)
                expect_operand = True
                after_pow = tok.value == "^"
            elif tok.kind == "rpar":
                if not stack:
                    raise ExpressionError(f"unexpected '{tok.src}' at column {tok.col} — "
                                          "there is no '(' before it to close", tok.col)
                opener, _func, opener_pow = stack.pop()
                if _CLOSING[opener.value] != tok.value:
                    raise ExpressionError(f"'{tok.src}' at column {tok.col} does not match "
                                          f"the '{opener.src}' at column {opener.col}",
                                          tok.col)
                out.emit(")", tok.col)
                last_operand_pow = opener_pow
            elif tok.kind == "sup":
                if prev is not None and prev.kind == "sup":
                    raise ExpressionError(f"two superscripts in a row at column {tok.col}",
                                          tok.col)
                if last_operand_pow:
                    raise ExpressionError(
                        f"the superscript {_short(tok.src)} at column {tok.col} comes right "
                        "after a power, which is unclear — use brackets, like (x^2)^3", tok.col)
                exponent, negative = tok.value
                out.emit("**(" + ("-" if negative else "") + repr(exponent) + ")", tok.col)
                count(3 if negative else 2, tok)
            elif tok.kind == "num":
                raise ExpressionError(f"missing operator before the number {tok.src} at "
                                      f"column {tok.col} (for example * or +)", tok.col)
            else:   # '[' straight after an operand
                raise ExpressionError(
                    f"'{tok.src}' at column {tok.col} cannot follow '{prev.src}' directly — "
                    "square brackets only group, so put an operator such as * before it",
                    tok.col)
        prev = tok

    if pending_func is not None:
        raise ExpressionError(f"{pending_func.src} at column {pending_func.col} needs its "
                              f"input in brackets: {pending_func.src}({example_input(None)})",
                              pending_func.col)
    if prev is None:
        raise ExpressionError("type a function, for example x^2 + 1")
    if expect_operand:
        raise ExpressionError(f"the formula ends too early after '{prev.src}' (column "
                              f"{prev.col})", prev.col)
    if stack:
        opener = stack[-1][0]
        raise ExpressionError(f"missing '{_CLOSING[opener.value]}' for the '{opener.src}' at "
                              f"column {opener.col}", opener.col)
    return out


def _unexpected(tok: _Tok, prev: _Tok | None) -> str:
    if prev is None:
        return f"'{tok.src}' at column {tok.col} needs something before it"
    return (f"unexpected '{tok.src}' at column {tok.col} — something is missing between "
            f"'{prev.src}' and '{tok.src}'")


# --------------------------------------------------------------------------------------
# Whitelisted AST walk

_BIN_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}


def _check_depth(tree: ast.Expression, translation: _Translation) -> None:
    # Iterative, so that measuring depth cannot itself recurse too deeply.
    todo = [(tree.body, 1)]
    while todo:
        node, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"the formula is nested too deeply (more than {MAX_DEPTH} levels) — try "
                "writing it more simply",
                translation.column_at(node.col_offset))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                todo.append((child, depth + 1))


def _convert(node: ast.AST, names: _Names, translation: _Translation) -> _Node:
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN_OPS:
        return _Bin(_BIN_OPS[type(node.op)], _convert(node.left, names, translation),
                    _convert(node.right, names, translation))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _Neg(_convert(node.operand, names, translation))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
        return _convert(node.operand, names, translation)
    if (isinstance(node, ast.Constant) and type(node.value) in (int, float)
            and math.isfinite(node.value)):
        return _Num(float(node.value))
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        if node.id in names.var_set:
            return _Var(node.id)
        if node.id in _CONSTANTS:
            return _Const(node.id)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in _EVALUATORS and node.func.id not in names.var_set
            and len(node.args) == 1 and not node.keywords
            and not isinstance(node.args[0], ast.Starred)):
        return _Call(node.func.id, _convert(node.args[0], names, translation))
    column = translation.column_at(node.col_offset if isinstance(node, ast.expr) else None)
    where = f" at column {column}" if column is not None else ""
    raise ExpressionError(f"this part of the formula{where} is not allowed", column)


# --------------------------------------------------------------------------------------
# parse()

def _check_variables(variables) -> tuple[str, ...]:
    if isinstance(variables, str):
        variables = (variables,)
    variables = tuple(variables)
    for name in variables:
        if (not isinstance(name, str) or not _VARIABLE_NAME.fullmatch(name)
                or keyword.iskeyword(name) or name in FUNCTIONS):
            raise ValueError(f"{name!r} cannot be a variable name: use letters optionally "
                             "followed by digits, and not a function name")
    if len(set(variables)) != len(variables):
        raise ValueError(f"variable names repeat: {variables!r}")
    return variables


def _strip_left_side(text: str) -> tuple[str, int]:
    """Drop a leading ``y =`` / ``f(x, y) =``; return the rest and its offset in ``text``."""
    equals = text.find("=")
    if equals >= 0 and _LHS.fullmatch(text, 0, equals):
        body = text[equals + 1:]
        if not body.strip(" \u00a0"):
            raise ExpressionError("nothing after '=' — type a function, for example "
                                  "x^2 + 1", equals + 1)
        return body, equals + 1
    return text, 0


def parse(text: str, variables=("x",)) -> Expression:
    """Turn what a student typed into an :class:`Expression`.

    Raises :class:`ExpressionError` (a ``ValueError``) for every string that is not an
    acceptable formula, with a message naming the problem and its column.  A non-string
    ``text`` is a ``TypeError``; bad ``variables`` are a ``ValueError`` (programming errors).
    """
    if not isinstance(text, str):
        raise TypeError(f"the formula must be a str, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the formula is too long ({len(text)} characters; at most "
                              f"{MAX_LENGTH})")
    names = _Names(_check_variables(variables))
    body, offset = _strip_left_side(text)
    translation = _translate(body, offset, names)
    source = translation.source()
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        # The tokenizer accepts only what Python can read, so this is a last line of defence.
        offset_in_source = err.offset if isinstance(err, SyntaxError) else None
        column = translation.column_at(offset_in_source - 1 if offset_in_source else None)
        where = f" near column {column}" if column is not None else ""
        raise ExpressionError(f"this formula could not be read{where}", column) from None
    if not isinstance(tree, ast.Expression):
        raise ExpressionError("this formula could not be read")  # pragma: no cover
    _check_depth(tree, translation)
    try:
        root = _convert(tree.body, names, translation)
    except _TooComplicatedError:  # pragma: no cover - the limits above are far tighter
        raise ExpressionError("the formula is too long") from None
    if root.size > MAX_NODES:
        raise ExpressionError(f"the formula is too long — it has more than {MAX_NODES} parts")
    return Expression(root, names.variables)
