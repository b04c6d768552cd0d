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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from psygnal import evented

__all__ = [
    "Q_VALUES",
    "ROUNDOFF_EXPLANATION",
    "DescentRun",
    "DescentStep",
    "QRow",
    "SecantArithmetic",
    "SlopeDescent",
    "SlopeParams",
    "best_q",
    "descend",
    "q_table",
    "secant_line",
    "secant_slope",
    "slope_arithmetic",
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
            raise ValueError(f"the start x must lie between {MINUS}{self.blowup:g} and {self.blowup:g}")
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
                f"{RISING_STEPS} steps in a row landed higher, each longer than the last: the walker "
                "jumps over the valley and up the other side, so the learning rate is too large.",
            )
        elif slope_to == 0.0 or (abs(step) < self.tol and abs(slope_to) < math.sqrt(self.tol)):
            self._stop(CONVERGED, "The steps became tiny and the curve is flat here: a valley floor.")
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
