"""The slope of d(x), the q -> 0 limit, and walking downhill by the slope in 1-D.

The article's second idea in three parts, each a small piece of plain NumPy the slope
tab only has to display:

1. The secant slope between x and x + q is ``(d(x + q) - d(x)) / q``
   (:func:`secant_slope`, :func:`slope_arithmetic` for the worked numbers, and
   :func:`secant_line` / :func:`tangent_line` so the view draws lines without math).
2. As q shrinks the secant slope approaches the derivative, but on a computer only up
   to a point: :func:`q_table` shows the error falling with q and then rising again
   once rounding takes over (:data:`ROUNDOFF_EXPLANATION` says why in plain words).
3. The update ``x <- x - learning_rate * slope`` takes big steps where the curve is
   steep and small ones near the bottom (:class:`SlopeDescent` steps it one move at a
   time for the tab's timer; :func:`descend` runs it in one call).

Functions may be plain callables (called with one Python float), a catalog ``Curve``
(its ``f`` and exact ``df`` are used) or a parsed ``Expression`` (evaluated on a
one-element array, as the parser promises arrays only). Every value is turned into a
Python float; where d is undefined or overflows the result is ``nan`` and no NumPy
warning escapes, since the test suite treats warnings as errors.
"""

from __future__ import annotations

import math
import operator
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from psygnal import evented

__all__ = [
    "Q_NOTCHES",
    "Q_VALUES",
    "ROUNDOFF_EXPLANATION",
    "DescentRun",
    "DescentStep",
    "GuessCheck",
    "HotColdComparison",
    "QRow",
    "SecantArithmetic",
    "SlopeDescent",
    "SlopeParams",
    "best_q",
    "check_guess",
    "clip_line",
    "compare_with_hot_cold",
    "decimal_text",
    "decimals_of",
    "descend",
    "equation_decimals",
    "exact_slope_text",
    "line_through",
    "nearest_notch",
    "nearest_row",
    "practice_x",
    "q_table",
    "q_text",
    "secant_line",
    "secant_slope",
    "slope_arithmetic",
    "slope_between",
    "tangent_line",
]

MINUS = "\u2212"   # the typographic minus the views show, never the hyphen
TIMES = "\u00b7"   # the middle dot used for "learning rate times slope"

# 1, 0.1, ..., 1e-12, each parsed from its decimal text so it is the float nearest to it.
Q_VALUES: tuple[float, ...] = tuple(float(f"1e-{k}") for k in range(13))

ROUNDOFF_EXPLANATION = (
    "When q is tiny, d(x + q) and d(x) agree in almost every digit the computer keeps, "
    "so their difference is left with only a few meaningful digits and some rounding "
    "noise, and dividing by the tiny q blows that noise up into a large error."
)

# Why a walk ended (``SlopeDescent.reason``); the view puts ``detail`` into words.
CONVERGED = "converged"
DIVERGED = "diverged"
MAX_STEPS = "max_steps"

# How many uphill moves in a row, each longer than the one before, count as running away.
RISING_STEPS = 5


@evented
@dataclass
class SlopeParams:
    """The settings a student chooses on the slope tab; its controls mirror these fields."""

    function: str = "x^2 + 1"
    x: float = 1.0                # where the slope is measured
    q: float = 0.5                # the gap to the second point of the secant
    start: float = 3.0            # where the downhill walk starts
    learning_rate: float = 0.25
    use_secant: bool = False      # walk with the secant slope (q) instead of the derivative
    show_tangent: bool = True     # draw the tangent line at x next to the secant
    guess: float = 0.0            # the student's guess of the tangent's slope (predict mode)


# --------------------------------------------------------------------------------------
# Evaluating whatever the student gave us
# --------------------------------------------------------------------------------------


def _number(value) -> float:
    """One Python float from a callable's result (a float, a 0-d or one-element array)."""
    arr = np.asarray(value, dtype=float)
    if arr.size != 1:
        raise TypeError(f"the function must give one number for one x, got {arr.size} numbers")
    return float(arr.reshape(()))


def _evaluate(fn: Callable, x: float) -> float:
    """fn(x) as a float; nan where fn is undefined, overflows or refuses the input.

    Plain Python functions such as ``math.log`` raise instead of returning nan
    (``ValueError: math domain error``, ``OverflowError``); for a student those mean
    the same as nan: d has no usable value there.
    """
    with np.errstate(all="ignore"):
        try:
            return _number(fn(x))
        except (ArithmeticError, ValueError):
            return math.nan


def _is_curve(obj) -> bool:
    return not callable(obj) and callable(getattr(obj, "f", None)) and callable(
        getattr(obj, "df", None)
    )


def _is_expression(obj) -> bool:
    return callable(obj) and callable(getattr(obj, "derivative", None))


def _from_expression(expr) -> Callable:
    # The parser promises arrays, not scalars: evaluate on a one-element array.
    return lambda x: expr(np.array([x], dtype=float))


def _as_function(f) -> Callable:
    """A float -> value callable from a plain callable, a Curve or an Expression."""
    if _is_curve(f):
        return f.f
    if _is_expression(f):
        return _from_expression(f)
    if callable(f):
        return f
    raise TypeError("d must be a function of x (a callable, a Curve or an Expression)")


def _derivative_of(f, df) -> Callable | None:
    """The exact slope function: ``df`` if given, else the Curve's or Expression's own."""
    if df is not None:
        return _as_function(df)
    if _is_curve(f):
        return f.df
    if _is_expression(f):
        return _from_expression(f.derivative("x"))
    return None


def _need_derivative(f, df) -> Callable:
    dfn = _derivative_of(f, df)
    if dfn is None:
        raise ValueError(
            "the exact slope needs the derivative of d: pass df "
            "(or a Curve or Expression, which know their own derivative)"
        )
    return dfn


def _check_q(q) -> float:
    q = float(q)
    if q == 0.0:
        raise ValueError(
            "q cannot be 0: the two points would be the same point, and 0 / 0 has no value"
        )
    if not math.isfinite(q):
        raise ValueError("q must be a finite number")
    return q


def _finite_or_nan(v: float) -> float:
    return v if math.isfinite(v) else math.nan


# --------------------------------------------------------------------------------------
# Slopes and lines
# --------------------------------------------------------------------------------------


def _secant(fn: Callable, x: float, q: float) -> float:
    # Python float arithmetic gives inf/nan silently (no warning, no exception).
    return _finite_or_nan((_evaluate(fn, x + q) - _evaluate(fn, x)) / q)


def secant_slope(f, x: float, q: float) -> float:
    """(d(x + q) − d(x)) / q: the slope of the straight line through two points of d.

    ``q`` may be negative (the second point on the left). ``q == 0`` raises
    ``ValueError``; an undefined or overflowing value gives ``nan``.
    """
    return _secant(_as_function(f), float(x), _check_q(q))


def _line_through(x: float, y: float, slope: float) -> tuple[float, float]:
    intercept = y - slope * x
    if not (math.isfinite(slope) and math.isfinite(intercept)):
        return (math.nan, math.nan)
    return (slope, intercept)


def tangent_line(f, df, x: float) -> tuple[float, float]:
    """(slope, intercept) of the line touching d at x: y = slope · t + intercept.

    ``df`` may be None when ``f`` is a Curve or an Expression. (nan, nan) where d or its
    slope is undefined.
    """
    x = float(x)
    slope = _finite_or_nan(_evaluate(_need_derivative(f, df), x))
    return _line_through(x, _evaluate(_as_function(f), x), slope)


def secant_line(f, x: float, q: float) -> tuple[float, float]:
    """(slope, intercept) of the line through (x, d(x)) and (x + q, d(x + q))."""
    x, q = float(x), _check_q(q)
    fn = _as_function(f)
    return _line_through(x, _evaluate(fn, x), _secant(fn, x, q))


# --------------------------------------------------------------------------------------
# Showing the arithmetic
# --------------------------------------------------------------------------------------


def _fmt(v: float, digits: int) -> str:
    """A number as the student reads it: fixed decimals, a real minus sign, no "−0.00"."""
    if math.isnan(v):
        return "undefined"
    if math.isinf(v):
        return "∞" if v > 0 else MINUS + "∞"
    s = f"{v:.{digits}f}"
    if float(s) == 0.0:
        s = s.lstrip("-")
    return s.replace("-", MINUS)


def _operand(v: float, digits: int) -> str:
    """A number written after a minus or times sign: negatives get brackets, "3 − (−2)"."""
    s = _fmt(v, digits)
    return f"({s})" if s.startswith(MINUS) else s


def _fmt_setting(v: float, digits: int) -> str:
    """A value the student typed (a learning rate): never rounded away, 0.001 stays 0.001."""
    s = f"{v:.{digits}f}"
    return _fmt(v, digits) if float(s) == v else f"{v:.6g}".replace("-", MINUS)


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _power_of_ten(exponent: int) -> str:
    return "10" + str(exponent).translate(_SUPERSCRIPTS)


def _fmt_sig(v: float, significant: int) -> str:
    """A number with up to ``significant`` digits and no padding: 3, 0.375, 2.5×10⁻⁹."""
    if math.isnan(v):
        return "undefined"
    if math.isinf(v):
        return "∞" if v > 0 else MINUS + "∞"
    if v == 0:
        return "0"
    s = f"{v:.{max(1, significant)}g}"
    if "e" in s:
        mantissa, exponent = s.split("e")
        s = f"{mantissa}×{_power_of_ten(int(exponent))}"
    return s.replace("-", MINUS)


def _check_digits(digits) -> int:
    digits = operator.index(digits)
    if digits < 0:
        raise ValueError("digits must be 0 or more")
    return digits


@dataclass(frozen=True)
class SecantArithmetic:
    """Every number in one secant-slope computation, so the view prints without math."""

    x: float
    q: float
    d_x: float       # d(x)
    d_xq: float      # d(x + q)
    slope: float     # (d_xq - d_x) / q, nan when undefined

    @property
    def x_q(self) -> float:
        return self.x + self.q

    def text(self, digits: int = 2) -> str:
        """``(d(1.50) − d(1.00)) / 0.50 = (3.25 − 2.00) / 0.50 = 2.50``."""
        n = _check_digits(digits)
        x, xq = _fmt(self.x, n), _fmt(self.x_q, n)
        q = _operand(self.q, n)
        return (
            f"(d({xq}) {MINUS} d({x})) / {q} = "
            f"({_fmt(self.d_xq, n)} {MINUS} {_operand(self.d_x, n)}) / {q} = "
            f"{_fmt(self.slope, n)}"
        )

    def readable_text(self) -> str:
        """The same equation with as many decimals as this q needs (see equation_decimals).

        ``(d(1.50) − d(1.00)) / 0.50 = (3.25 − 2.00) / 0.50 = 2.50`` for q = 0.5, and for
        q = 10⁻⁵ enough digits that the tiny difference and the rounding noise both show.
        """
        xd, vd = equation_decimals(self.q, self.x)
        x, xq = _fmt(self.x, xd), _fmt(self.x_q, xd)
        q = q_text(self.q)
        if q.startswith(MINUS):
            q = f"({q})"
        return (
            f"(d({xq}) {MINUS} d({x})) / {q} = "
            f"({_fmt(self.d_xq, vd)} {MINUS} {_operand(self.d_x, vd)}) / {q} = "
            f"{_fmt(self.slope, vd)}"
        )


def slope_arithmetic(f, x: float, q: float) -> SecantArithmetic:
    """The worked secant computation at x with gap q."""
    x, q = float(x), _check_q(q)
    fn = _as_function(f)
    d_x, d_xq = _evaluate(fn, x), _evaluate(fn, x + q)
    return SecantArithmetic(x=x, q=q, d_x=d_x, d_xq=d_xq, slope=_finite_or_nan((d_xq - d_x) / q))


# --------------------------------------------------------------------------------------
# q -> 0: the derivative, and where the computer stops following
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QRow:
    """One line of the q table: the secant slope for this q against the exact slope."""

    q: float
    secant: float
    exact: float
    error: float     # |secant - exact|, nan when either is undefined


def q_table(f, df, x: float, qs: Sequence[float] = Q_VALUES) -> list[QRow]:
    """The secant slope at x for each q, next to the exact derivative and the gap.

    For a smooth d the error first shrinks in step with q (the secant leans by about
    q · d''(x) / 2), then grows again for very small q (see ROUNDOFF_EXPLANATION).
    ``df`` may be None when ``f`` is a Curve or an Expression.
    """
    x = float(x)
    fn = _as_function(f)
    exact = _finite_or_nan(_evaluate(_need_derivative(f, df), x))
    rows = []
    for q in qs:
        q = _check_q(q)
        secant = _secant(fn, x, q)
        rows.append(QRow(q=q, secant=secant, exact=exact, error=abs(secant - exact)))
    return rows


def best_q(rows: Sequence[QRow]) -> float | None:
    """The q whose secant came closest to the exact slope (the larger q on a tie).

    None when no row has a usable error (d or its slope undefined at that x).
    """
    usable = [r for r in rows if math.isfinite(r.error)]
    if not usable:
        return None
    return min(usable, key=lambda r: r.error).q


# --------------------------------------------------------------------------------------
# Walking downhill by the slope
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DescentStep:
    """One move x_to = x_from − learning_rate · slope, with what it did."""

    number: int
    x_from: float
    x_to: float
    d_from: float
    d_to: float
    slope: float          # the slope at x_from that set this step
    step: float           # x_to - x_from
    overshoot: bool       # the slope changed sign: the walker jumped over a valley floor
    diverging: bool       # this move went wrong: uphill with a longer step, undefined, or too far
    learning_rate: float = math.nan
    slope_to: float = math.nan   # the slope at x_to, which sets the next step

    def text(self, digits: int = 2) -> str:
        """``x = 3.00 − 0.25 · 6.00 = 1.50``."""
        n = _check_digits(digits)
        return (
            f"x = {_fmt(self.x_from, n)} {MINUS} {_fmt_setting(self.learning_rate, n)} "
            f"{TIMES} {_operand(self.slope, n)} = {_fmt(self.x_to, n)}"
        )

    def plain_text(self, significant: int = 6) -> str:
        """``x = 0.75 − 0.25 · 1.5 = 0.375``: each number as short as it can be written.

        Up to ``significant`` digits, no padding zeros, and powers of ten for tiny numbers
        (``2.79397×10⁻⁹``), so the arithmetic stays meaningful however close x gets to 0.
        """
        n = _check_digits(significant)
        slope = _fmt_sig(self.slope, n)
        if slope.startswith(MINUS):
            slope = f"({slope})"
        return (
            f"x = {_fmt_sig(self.x_from, n)} {MINUS} {_fmt_sig(self.learning_rate, n)} "
            f"{TIMES} {slope} = {_fmt_sig(self.x_to, n)}"
        )


def _check_positive(name: str, value) -> float:
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"the {name} must be a positive number")
    return value


@dataclass(eq=False)
class SlopeDescent:
    """The walker for the slope tab: ``step()`` makes one move and returns it (None once done).

    The slope at x is the exact derivative when ``q`` is None (``df``, or the Curve's or
    Expression's own), otherwise the secant slope with that q, which leads the walker to
    where the *secant* is flat: for x² that is x = −q/2, not 0.

    The walk stops

    - ``converged``: the last step was shorter than ``tol`` *and* the slope there is below
      √tol (a short step alone can just mean a tiny learning rate on a steep curve), or
      the slope is exactly 0 (the walker would never move again);
    - ``diverged``: x left ±``blowup`` or is no longer a number; or d or the slope became
      undefined (``undefined`` is then True); or for ``RISING_STEPS`` moves in a row d went
      up *and* the step grew. We compare d itself, not |d|: on a curve below zero, like
      x² − 10, |d| grows on the way *down*. And we watch the step, not the distance from
      x0: a secant walker heading for its own flat point (x = −q/2 on x²) moves steadily
      away from the start with d rising slightly, yet settles down;
    - ``max_steps``: ``max_steps`` moves were made without either.

    ``learning_rate`` may be changed between steps (the tab's slider); ``reset()`` goes
    back to the start.
    """

    f: Callable
    x0: float
    learning_rate: float
    df: Callable | None = None
    q: float | None = None
    tol: float = 1e-8
    max_steps: int = 10_000
    blowup: float = 1e6
    x: float = field(init=False)
    d_x: float = field(init=False)
    slope: float = field(init=False)            # the slope at x: what the next step uses
    history: list[DescentStep] = field(init=False, default_factory=list)
    converged: bool = field(init=False, default=False)
    diverged: bool = field(init=False, default=False)
    undefined: bool = field(init=False, default=False)
    reason: str | None = field(init=False, default=None)
    detail: str = field(init=False, default="")  # why it stopped, in words for the student

    def __post_init__(self) -> None:
        self.x0 = float(self.x0)
        if not math.isfinite(self.x0):
            raise ValueError("the start x must be a finite number")
        self.learning_rate = _check_positive("learning rate", self.learning_rate)
        self.tol = _check_positive("tolerance", self.tol)
        self.blowup = _check_positive("blow-up limit", self.blowup)
        if abs(self.x0) > self.blowup:
            raise ValueError(f"the start x must lie between {MINUS}{self.blowup:g} and "
                             f"{self.blowup:g}")
        self.max_steps = operator.index(self.max_steps)
        if self.max_steps < 0:
            raise ValueError("the number of steps must be 0 or more")
        if self.q is not None:
            self.q = _check_q(self.q)
        self._fn = _as_function(self.f)
        self._dfn = _derivative_of(self.f, self.df)
        if self.q is None and self._dfn is None:
            raise ValueError(
                "walking by the exact slope needs the derivative of d: pass df, "
                "or give q to walk by the secant slope instead"
            )
        self.reset()

    # -- reading the curve ------------------------------------------------------------

    def value_at(self, x: float) -> float:
        return _evaluate(self._fn, float(x))

    def slope_at(self, x: float) -> float:
        """The slope this walker uses at x: exact, or the secant with its q."""
        x = float(x)
        if self.q is None:
            return _finite_or_nan(_evaluate(self._dfn, x))
        return _secant(self._fn, x, self.q)

    # -- state ------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.reason is not None

    @property
    def steps(self) -> int:
        return len(self.history)

    def reset(self) -> None:
        """Back to x0 with an empty history."""
        self.history = []
        self.converged = self.diverged = self.undefined = False
        self.reason, self.detail = None, ""
        self._rising = 0
        self.x = self.x0
        self.d_x = self.value_at(self.x)
        self.slope = self.slope_at(self.x)
        if not (math.isfinite(self.d_x) and math.isfinite(self.slope)):
            self._stop_undefined()
        elif self.slope == 0.0:
            self._stop(CONVERGED, "The curve is flat right here: there is no downhill to walk.")
        elif self.max_steps == 0:
            self._stop(MAX_STEPS, "No steps were allowed.")

    def _stop(self, reason: str, detail: str) -> None:
        self.reason, self.detail = reason, detail
        self.converged = reason == CONVERGED
        self.diverged = reason == DIVERGED

    def _stop_undefined(self) -> None:
        self.undefined = True
        what = "d" if not math.isfinite(self.d_x) else "The slope"
        self._stop(
            DIVERGED,
            f"{what} is not defined (or too large to compute) at "
            f"x = {_fmt(self.x, 2)}, so the walk cannot go on.",
        )

    # -- moving -----------------------------------------------------------------------

    def step(self) -> DescentStep | None:
        """One move x ← x − learning_rate · slope; None once the walk is over."""
        if self.done:
            return None
        x_from, d_from = self.x, self.d_x
        slope = self.slope_at(x_from)
        x_to = x_from - self.learning_rate * slope
        d_to = self.value_at(x_to)
        slope_to = self.slope_at(x_to)
        step = x_to - x_from

        runaway = not math.isfinite(x_to) or abs(x_to) > self.blowup
        undefined = not (math.isfinite(d_to) and math.isfinite(slope_to))
        previous = abs(self.history[-1].step) if self.history else 0.0
        rising = d_to > d_from and abs(step) > previous
        self._rising = self._rising + 1 if rising else 0

        move = DescentStep(
            number=len(self.history) + 1,
            x_from=x_from,
            x_to=x_to,
            d_from=d_from,
            d_to=d_to,
            slope=slope,
            step=step,
            overshoot=slope * slope_to < 0,   # False when either is nan
            diverging=runaway or undefined or rising,
            learning_rate=self.learning_rate,
            slope_to=slope_to,
        )
        self.history.append(move)
        self.x, self.d_x, self.slope = x_to, d_to, slope_to

        if runaway:
            self._stop(
                DIVERGED,
                f"x ran past {MINUS}{self.blowup:g}…{self.blowup:g}: every step is bigger than "
                "the last, so the learning rate is too large for this curve.",
            )
        elif undefined:
            self._stop_undefined()
        elif self._rising >= RISING_STEPS:
            self._stop(
                DIVERGED,
                f"{RISING_STEPS} steps in a row landed higher, each longer than the last: the "
                "walker jumps over the valley and up the other side, so the learning rate is "
                "too large.",
            )
        elif slope_to == 0.0 or (abs(step) < self.tol and abs(slope_to) < math.sqrt(self.tol)):
            self._stop(CONVERGED,
                       "The steps became tiny and the curve is flat here: a valley floor.")
        elif len(self.history) >= self.max_steps:
            self._stop(MAX_STEPS, f"Stopped after {self.max_steps} steps without settling.")
        return move

    def run(self) -> list[DescentStep]:
        """Step until the walk is over; returns the whole history."""
        while not self.done:
            self.step()
        return self.history

    def arithmetic(self, digits: int = 2) -> str:
        """The last move as ``x = 3.00 − 0.25 · 6.00 = 1.50`` ("" before the first move)."""
        return self.history[-1].text(digits) if self.history else ""

    def result(self) -> DescentRun:
        """The walk so far as an immutable DescentRun."""
        points = [self.x0] + [m.x_to for m in self.history]
        values = [self.history[0].d_from if self.history else self.d_x]
        values += [m.d_to for m in self.history]
        slopes = [m.slope for m in self.history] + [self.slope]
        return DescentRun(
            points=_frozen_array(points),
            values=_frozen_array(values),
            slopes=_frozen_array(slopes),
            overshoots=tuple(m.number for m in self.history if m.overshoot),
            converged=self.converged,
            diverged=self.diverged,
            reason=self.reason,
            undefined=self.undefined,
            detail=self.detail,
            history=tuple(self.history),
        )


def _frozen_array(values: list[float]) -> np.ndarray:
    arr = np.array(values, dtype=float)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class DescentRun(Sequence):
    """A finished (or cut short) walk. Also a sequence of the visited points.

    ``points[0]`` is x0 and ``points[k]`` is x after step k; ``values[k]`` is d there and
    ``slopes[k]`` the slope there (the one the next step would use), so all three have
    the same length. ``overshoots`` holds the numbers of the steps that jumped over a
    valley floor.
    """

    points: np.ndarray
    values: np.ndarray
    slopes: np.ndarray
    overshoots: tuple[int, ...]
    converged: bool
    diverged: bool
    reason: str | None
    undefined: bool = False
    detail: str = ""
    history: tuple[DescentStep, ...] = ()

    @property
    def x(self) -> float:
        """Where the walk ended."""
        return float(self.points[-1])

    @property
    def steps(self) -> int:
        return len(self.points) - 1

    def __len__(self) -> int:
        return len(self.points)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.points[index]
        return float(self.points[index])

    def __iter__(self) -> Iterator[float]:
        return (float(x) for x in self.points)


def descend(
    f,
    x0: float,
    learning_rate: float,
    steps: int,
    *,
    df=None,
    q: float | None = None,
    tol: float = 1e-8,
    blowup: float = 1e6,
) -> DescentRun:
    """Apply x ← x − learning_rate · slope up to ``steps`` times from x0.

    Stops early when the walk converges or diverges (see :class:`SlopeDescent`, which
    also explains the choice of slope); ``reason`` is ``"max_steps"`` when all the steps
    were used. Never raises or warns because of the curve; only bad settings raise.
    """
    walker = SlopeDescent(
        f, x0, learning_rate, df=df, q=q, tol=tol, max_steps=steps, blowup=blowup
    )
    walker.run()
    return walker.result()


# --------------------------------------------------------------------------------------
# What the slope tab shows: the q slider, readable numbers, guesses and a comparison
# --------------------------------------------------------------------------------------

# Each decade of the q slider is cut into ten nearly equal steps on a log scale (the
# "preferred numbers" engineers use, rounded so a half and a quarter appear exactly).
_NOTCH_MANTISSAS = ("1", "1.25", "1.6", "2", "2.5", "3.2", "4", "5", "6.3", "8")

#: The values of q the slider stops at, smallest first: 10⁻¹², 1.25×10⁻¹², ..., 1, 1.25,
#: 1.6, 2. Each is parsed from its decimal text, so 0.5 is exactly 0.5 and every value in
#: Q_VALUES is one of them.
Q_NOTCHES: tuple[float, ...] = tuple(
    float(f"{m}e{e}") for e in range(-12, 1) for m in _NOTCH_MANTISSAS
)[:124]

_NOTCH_LOGS = tuple(math.log10(q) for q in Q_NOTCHES)


def nearest_notch(q: float) -> int:
    """The index in Q_NOTCHES of the notch nearest to |q| on the slider's log scale."""
    size = abs(_check_q(q))
    target = math.log10(size)
    return min(range(len(Q_NOTCHES)), key=lambda i: abs(_NOTCH_LOGS[i] - target))


def nearest_row(rows: Sequence[QRow], q: float) -> int | None:
    """The index of the table row whose q is nearest to q (log scale); None for no rows."""
    if not rows:
        return None
    target = math.log10(abs(_check_q(q)))
    return min(range(len(rows)), key=lambda i: abs(math.log10(abs(rows[i].q)) - target))


def decimals_of(q: float) -> int:
    """How many decimals write |q| exactly as it was typed: 0.5 → 1, 1.25×10⁻⁵ → 7 (at most 15)."""
    size = abs(float(q))
    for n in range(16):
        if float(f"{size:.{n}f}") == size:
            return n
    return 15


def q_text(q: float) -> str:
    """q as a student reads it: 0.50, 1.25, 0.0016, and powers of ten below 0.001 (10⁻⁵)."""
    q = float(q)
    if not math.isfinite(q):
        return _fmt(q, 2)
    if q < 0:
        return MINUS + q_text(-q)
    if q == 0 or q >= 1e-3:
        return f"{q:.{max(2, decimals_of(q))}f}"
    mantissa, exponent = f"{q:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = _power_of_ten(int(exponent))
    return power if mantissa == "1" else f"{mantissa}×{power}"


def equation_decimals(q: float, x: float | None = None) -> tuple[int, int]:
    """(decimals for x and x + q, decimals for the d values and slopes) in the equation.

    A q written with at most one decimal (2, 1, 0.5, 0.1) keeps the classroom's two
    decimals. A finer q needs its own decimals for x + q to differ from x, and about
    twice as many for d: d(x + q) and d(x) then show the digits in which they differ,
    and the slope shows how far it is from the exact one, rounding noise included
    (at most 15 decimals, about what a computer's number holds). An x with more
    decimals (0.375, where a walk downhill landed) is shown in full up to 6 decimals,
    and d with twice as many, so the numbers on screen still add up.
    """
    k = decimals_of(q)
    xd, vd = (2, 2) if k <= 1 else (max(2, k), min(15, 2 * k + 2))
    if x is not None and math.isfinite(x):
        kx = min(decimals_of(x), 6)
        if kx > xd:
            xd, vd = kx, min(15, max(vd, 2 * kx))
    return (xd, vd)


def decimal_text(value: float, decimals: int) -> str:
    """A number with fixed decimals as the equations write it: −2.50, "undefined" for nan."""
    return _fmt(float(value), _check_digits(decimals))


def exact_slope_text(x: float, slope: float, q: float) -> str:
    """``d′(1.00) = 2.00``, with the decimals the equation for this q and x uses."""
    xd, vd = equation_decimals(q, x)
    return f"d′({_fmt(x, xd)}) = {_fmt(slope, vd)}"


def line_through(x: float, y: float, slope: float) -> tuple[float, float]:
    """(slope, intercept) of the line with this slope through (x, y); (nan, nan) if undefined."""
    return _line_through(float(x), float(y), float(slope))


def slope_between(x0: float, y0: float, x1: float, y1: float) -> float:
    """(y1 − y0) / (x1 − x0): the slope of the line through two points; nan when x1 = x0."""
    run = float(x1) - float(x0)
    if run == 0:
        return math.nan
    return _finite_or_nan((float(y1) - float(y0)) / run)


def clip_line(
    slope: float,
    intercept: float,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The piece of y = slope · t + intercept inside a rectangle: its (left, right) ends.

    None when the line misses the rectangle or is undefined. The view draws exactly this
    piece, so a line always runs across the whole plot and a label can sit at its end.
    """
    m, b = float(slope), float(intercept)
    (x0, x1), (y0, y1) = (sorted(map(float, x_range)), sorted(map(float, y_range)))
    if not (math.isfinite(m) and math.isfinite(b)):
        return None
    if m == 0:
        return ((x0, b), (x1, b)) if y0 <= b <= y1 else None
    ta, tb = (y0 - b) / m, (y1 - b) / m
    lo, hi = max(x0, min(ta, tb)), min(x1, max(ta, tb))
    if not lo <= hi:
        return None
    return ((lo, m * lo + b), (hi, m * hi + b))


@dataclass(frozen=True)
class GuessCheck:
    """A student's guess of the tangent's slope against the true one."""

    guess: float
    true: float
    error: float     # |guess − true|
    percent: float   # the error as a percentage of |true|; nan when the true slope is 0


def check_guess(guess: float, true: float) -> GuessCheck:
    guess, true = float(guess), float(true)
    error = abs(guess - true)
    percent = 100.0 * error / abs(true) if true != 0 and math.isfinite(true) else math.nan
    return GuessCheck(guess=guess, true=true, error=error, percent=_finite_or_nan(percent))


def practice_x(bounds: tuple[float, float], n: int, seed: int = 0) -> float:
    """The n-th point of a fixed, seeded sequence of practice points (tenths) inside bounds.

    The same seed always gives the same sequence, and no point repeats the one before it.
    The outer tenth of the range on each side is skipped so the point is never at an edge.
    """
    n = operator.index(n)
    if n < 0:
        raise ValueError("n must be 0 or more")
    lo, hi = (float(b) for b in bounds)
    margin = 0.1 * (hi - lo)
    first, last = math.ceil(10 * (lo + margin)), math.floor(10 * (hi - margin))
    if first >= last:
        return round((lo + hi) / 2, 1)
    rng = random.Random(seed)
    previous = None
    for _ in range(n + 1):
        k = rng.randint(first, last)
        while k == previous:
            k = rng.randint(first, last)
        previous = k
    return previous / 10


@dataclass(frozen=True)
class HotColdComparison:
    """The slope walk and the hot-and-cold player on the same curve from the same start."""

    start: float
    learning_rate: float
    descent_steps: int
    descent_x: float
    descent_reason: str | None
    plain_moves: int        # hot and cold with a step of 1, stopping when both sides are worse
    plain_x: float
    halving_moves: int      # hot and cold halving its step down to `precision`
    halving_x: float
    precision: float


def compare_with_hot_cold(
    f,
    start: float,
    learning_rate: float,
    *,
    df=None,
    q: float | None = None,
    tol: float = 1e-8,
    max_steps: int = 10_000,
) -> HotColdComparison:
    """Walk by the slope to the end, and play hot and cold from the same start.

    Hot and cold plays twice: with a step of 1 (the plain game, first try to the right),
    and halving its step whenever both sides are worse, down to ``tol``, the precision at
    which the slope walk calls itself done. Raises ValueError for bad settings or a start
    where d is undefined.
    """
    from desktop_app.model.hot_cold import HotColdGame

    walker = SlopeDescent(f, start, learning_rate, df=df, q=q, tol=tol, max_steps=max_steps)
    walker.run()
    fn = _as_function(f)

    def d(x: float) -> float:
        return _evaluate(fn, x)

    plain = HotColdGame(d, walker.x0, 1.0)
    plain.run()
    halving = HotColdGame(d, walker.x0, 1.0, halve_when_stuck=True, smallest_step=walker.tol)
    halving.run()
    return HotColdComparison(
        start=walker.x0,
        learning_rate=walker.learning_rate,
        descent_steps=walker.steps,
        descent_x=walker.x,
        descent_reason=walker.reason,
        plain_moves=plain.moves,
        plain_x=plain.x,
        halving_moves=halving.moves,
        halving_x=halving.x,
        precision=walker.tol,
    )
