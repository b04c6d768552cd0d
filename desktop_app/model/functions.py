"""The catalog of curves d(x) and surfaces z = f(x, y) that every tab plays with.

Catalog entries are written by hand in NumPy with exact, hand-derived derivatives, so the
lessons never depend on the formula parser. Functions a student types in go through
:mod:`desktop_app.model.expression` instead (see :meth:`Curve.from_text` and
:meth:`Surface.from_text`); their minima are found numerically.

Every callable here is vectorised, returns float64, gives ``nan`` where the formula is
undefined and never emits a NumPy warning, so the views can feed whole grids to it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Curve", "Surface", "CURVES", "SURFACES"]

Bounds1D = tuple[float, float]
Bounds2D = tuple[tuple[float, float], tuple[float, float]]

# Sampling density for typed-in formulas: fine enough that two neighbouring valleys of any
# formula a student is likely to type never fall into the same sample interval.
_CURVE_SAMPLES = 2001
_SURFACE_SAMPLES = 101
_RANGE_SAMPLES = 801


# --------------------------------------------------------------------------------------
# Vectorisation helpers
# --------------------------------------------------------------------------------------


def _as_result(values, shape: tuple[int, ...]):
    """Float64 array of ``shape`` (a NumPy scalar when ``shape`` is ``()``)."""
    out = np.asarray(values, dtype=float)
    if out.shape != shape:
        # Constant formulas (a derivative like "2") come back as a single number.
        out = np.broadcast_to(out, shape)
    out = np.array(out, dtype=float)  # an owned, writable copy the caller may keep
    return out[()] if out.ndim == 0 else out


def _curve_callable(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapped(x):
        x = np.asarray(x, dtype=float)
        # Views evaluate far outside the interesting range (zoom, drag); overflow there is
        # expected and must not turn into a warning, which the test suite treats as an error.
        with np.errstate(all="ignore"):
            return _as_result(fn(x), x.shape)

    return wrapped


def _surface_callable(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapped(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        with np.errstate(all="ignore"):
            return _as_result(fn(x, y), x.shape)

    # The formula itself, for one point at a time (see Surface.at).
    wrapped.at_point = fn
    return wrapped


def _gradient_callable(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapped(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        with np.errstate(all="ignore"):
            gx, gy = fn(x, y)
            return _as_result(gx, x.shape), _as_result(gy, x.shape)

    wrapped.at_point = fn
    return wrapped


def _plot_range(values: np.ndarray) -> tuple[float, float]:
    """A (lo, hi) that shows ``values`` with a margin, ignoring nan/inf and lone spikes."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (-1.0, 1.0)
    lo, hi = float(v.min()), float(v.max())
    if v.size >= 20:
        # A pole (1/x typed by a student) puts a few samples at 1e15; showing those would
        # flatten the rest of the curve into a line, so clip to the bulk when they dominate.
        q_lo, q_hi = (float(q) for q in np.percentile(v, [2.0, 98.0]))
        bulk = q_hi - q_lo
        if bulk > 0 and (hi - lo) > 10.0 * bulk:
            lo, hi = q_lo - 0.5 * bulk, q_hi + 0.5 * bulk
    span = hi - lo
    if span <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        pad = max(1.0, 0.1 * abs(hi))  # a flat function still needs a visible window
    else:
        pad = 0.08 * span
    return (lo - pad, hi + pad)


def _check_bounds_1d(bounds) -> Bounds1D:
    lo, hi = (float(b) for b in bounds)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"bounds must be two finite numbers with lo < hi, got {bounds!r}")
    return (lo, hi)


def _check_bounds_2d(bounds) -> Bounds2D:
    bx, by = bounds
    return (_check_bounds_1d(bx), _check_bounds_1d(by))


def _expression_module():
    # Imported lazily: the hand-written catalog must keep working (and importing) even if
    # the parser is broken; only formulas typed by a student need it.
    from desktop_app.model import expression

    return expression


def _expression_callable(expr, n_vars: int) -> Callable:
    """Wrap a parsed Expression so it behaves like the hand-written catalog callables."""

    def evaluate(*args):
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in args))
        shape = arrays[0].shape
        # Flattened 1-D input: the parser is only promised to handle arrays, not 0-d scalars.
        flat = [np.ascontiguousarray(a).reshape(-1) for a in arrays]
        with np.errstate(all="ignore"):
            out = np.asarray(expr(*flat), dtype=float)
        if out.size == 1 and out.shape != shape:
            out = np.broadcast_to(out.reshape(()), shape)
        else:
            out = out.reshape(shape)
        return _as_result(out, shape)

    if n_vars == 1:
        return lambda x: evaluate(x)
    return lambda x, y: evaluate(x, y)


def _fmt(v: float) -> str:
    return f"{v:g}"


# --------------------------------------------------------------------------------------
# Numerical minimum search (typed formulas and the wavy catalog curve)
# --------------------------------------------------------------------------------------


def _bisect_slope(df: Callable, lo: np.ndarray, hi: np.ndarray):
    """Shrink brackets with df(lo) < 0 <= df(hi) to machine precision.

    Returns the refined points and a mask of brackets where df turned nan on the way.
    """
    lo, hi = lo.copy(), hi.copy()
    broken = np.zeros(lo.shape, dtype=bool)
    for _ in range(64):  # 64 halvings take any grid cell below one ulp
        mid = 0.5 * (lo + hi)
        d = np.asarray(df(mid), dtype=float)
        broken |= ~np.isfinite(d)
        lo = np.where(d < 0, mid, lo)
        hi = np.where(d >= 0, mid, hi)
    d_lo = np.abs(np.asarray(df(lo), dtype=float))
    d_hi = np.abs(np.asarray(df(hi), dtype=float))
    return np.where(d_lo < d_hi, lo, hi), broken


def _golden_min(f: Callable, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Golden-section search for a minimum of f on each [a, b]; nan counts as +inf."""
    invphi = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = a.astype(float), b.astype(float)
    c = b - invphi * (b - a)
    d = a + invphi * (b - a)

    def value(x):
        v = np.asarray(f(x), dtype=float)
        return np.where(np.isnan(v), np.inf, v)

    for _ in range(100):
        left = value(c) <= value(d)  # then the minimum lies in [a, d]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        c = b - invphi * (b - a)
        d = a + invphi * (b - a)
    return 0.5 * (a + b)


def _curve_minima(f: Callable, df: Callable, bounds: Bounds1D, n: int = _CURVE_SAMPLES):
    """x of every local minimum of f strictly inside bounds, lowest first."""
    lo_b, hi_b = bounds
    xs = np.linspace(lo_b, hi_b, n)
    step = xs[1] - xs[0]
    fs = np.asarray(f(xs), dtype=float)
    ds = np.asarray(df(xs), dtype=float)

    # Slope changing from downhill to uphill: a valley floor between two samples.
    brackets = np.nonzero((ds[:-1] < 0) & (ds[1:] >= 0))[0]
    found: list[float] = []
    if brackets.size:
        roots, broken = _bisect_slope(df, xs[brackets], xs[brackets + 1])
        if broken.any():
            roots[broken] = _golden_min(f, xs[brackets[broken]], xs[brackets[broken] + 1])
        found.extend(roots.tolist())

    # Samples lower than both neighbours that no slope bracket explains: kinks, or places
    # where the derivative is undefined although the function is not.
    covered = set(brackets.tolist()) | set((brackets + 1).tolist())
    c = fs[1:-1]
    is_dip = (
        np.isfinite(fs[:-2]) & np.isfinite(c) & np.isfinite(fs[2:])
        & (c <= fs[:-2]) & (c <= fs[2:]) & ((c < fs[:-2]) | (c < fs[2:]))
    )
    dips = np.array([j for j in np.nonzero(is_dip)[0] + 1 if j not in covered], dtype=int)
    if dips.size:
        found.extend(_golden_min(f, xs[dips - 1], xs[dips + 1]).tolist())

    minima: list[tuple[float, float]] = []
    for x in sorted(found):
        if not (lo_b < x < hi_b):
            continue
        fx, f_left, f_right = (float(v) for v in np.asarray(f(np.array([x, x - step, x + step]))))
        # Rejects inflection points (slope 0 without changing sign) and poles that a
        # bisection converges onto because the slope flips sign across them.
        if not (math.isfinite(fx) and math.isfinite(f_left) and math.isfinite(f_right)):
            continue
        if fx > f_left or fx > f_right:
            continue
        if minima and x - minima[-1][0] < 0.5 * step:
            if fx < minima[-1][1]:
                minima[-1] = (x, fx)
            continue
        minima.append((x, fx))
    minima.sort(key=lambda m: (m[1], m[0]))
    return tuple(float(x) for x, _ in minima)


def _hessian_fd(grad: Callable, px: np.ndarray, py: np.ndarray):
    """Symmetrised Hessian (hxx, hxy, hyy) by central differences of the exact gradient."""
    hx = 1e-6 * (1.0 + np.abs(px))
    hy = 1e-6 * (1.0 + np.abs(py))
    gxp, gyp = grad(px + hx, py)
    gxm, gym = grad(px - hx, py)
    gxq, gyq = grad(px, py + hy)
    gxr, gyr = grad(px, py - hy)
    hxx = (np.asarray(gxp) - gxm) / (2 * hx)
    hyy = (np.asarray(gyq) - gyr) / (2 * hy)
    hxy = 0.5 * ((np.asarray(gyp) - gym) / (2 * hx) + (np.asarray(gxq) - gxr) / (2 * hy))
    return hxx, hxy, hyy


def _newton_critical(grad: Callable, points, max_step: float = np.inf, require_min: bool = False):
    """Newton's method on grad = 0 from each start point, vectorised over the points.

    Returns the final points and a mask of the ones that converged (for ``require_min``:
    converged with a positive definite Hessian, i.e. to a minimum).
    """
    p = np.array(points, dtype=float).reshape(-1, 2)
    px, py = p[:, 0].copy(), p[:, 1].copy()
    active = np.ones(len(p), dtype=bool)
    converged = np.zeros(len(p), dtype=bool)
    failed = np.zeros(len(p), dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(60):
            if not active.any():
                break
            gx, gy = (np.asarray(g, dtype=float) for g in grad(px, py))
            hxx, hxy, hyy = _hessian_fd(grad, px, py)
            det = hxx * hyy - hxy * hxy
            sx = -(hyy * gx - hxy * gy) / det
            sy = -(hxx * gy - hxy * gx) / det
            bad = ~(np.isfinite(sx) & np.isfinite(sy)) | (det == 0)
            if require_min:
                bad |= ~((hxx > 0) & (det > 0))
            # A seed sits within one grid cell of its valley; capping the step keeps Newton
            # from leaping across the map to some other critical point.
            length = np.hypot(sx, sy)
            scale = np.where(length > max_step, max_step / np.where(length > 0, length, 1.0), 1.0)
            sx, sy = sx * scale, sy * scale
            newly_failed = active & bad
            failed |= newly_failed
            active &= ~bad
            px = np.where(active, px + sx, px)
            py = np.where(active, py + sy, py)
            done = active & (length <= 1e-13 * (1.0 + np.hypot(px, py)))
            converged |= done
            active &= ~done
        if active.any():
            # Out of iterations: accept only if the gradient has actually vanished.
            gx, gy = (np.asarray(g, dtype=float) for g in grad(px, py))
            converged |= active & (np.hypot(gx, gy) < 1e-10)
    return np.column_stack([px, py]), converged & ~failed


def _pattern_min(f: Callable, points: np.ndarray, widths: tuple[float, float]) -> np.ndarray:
    """Walk each point downhill on a small local grid of f values, no derivatives needed.

    The grid moves to its lowest point while that is lower than the centre and shrinks
    otherwise, so it can follow a curved valley floor instead of freezing halfway along.
    """
    p = np.array(points, dtype=float).reshape(-1, 2)
    offsets = np.linspace(-1.0, 1.0, 7)
    ox, oy = (a.ravel() for a in np.meshgrid(offsets, offsets, indexing="ij"))
    centre_index = len(ox) // 2
    scale = np.ones(len(p))
    rows = np.arange(len(p))
    for _ in range(400):
        if np.all(scale < 1e-10):
            break
        cx = p[:, :1] + (widths[0] * scale)[:, None] * ox[None, :]
        cy = p[:, 1:] + (widths[1] * scale)[:, None] * oy[None, :]
        v = np.asarray(f(cx, cy), dtype=float)
        v = np.where(np.isnan(v), np.inf, v)
        best = np.argmin(v, axis=1)
        moved = v[rows, best] < v[:, centre_index]
        p = np.where(moved[:, None], np.column_stack([cx[rows, best], cy[rows, best]]), p)
        scale = np.where(moved, scale, scale / 3.0)
    return p


def _is_strict_min(f: Callable, p, radius: float, rise: float) -> np.ndarray:
    """True where f at p is finite and a ring of points around it is higher by over ``rise``.

    Demanding a real rise, not just a higher float, rejects points on a flat-bottomed
    gutter (z = x^2 has a whole line of lowest points): rounding can make one point of the
    line look a hair lower than its neighbours.
    """
    p = np.asarray(p, dtype=float).reshape(-1, 2)
    angles = np.linspace(0.0, 2 * np.pi, 12, endpoint=False)
    rx = p[:, :1] + radius * np.cos(angles)[None, :]
    ry = p[:, 1:] + radius * np.sin(angles)[None, :]
    centre = np.asarray(f(p[:, 0], p[:, 1]), dtype=float)
    ring = np.asarray(f(rx, ry), dtype=float)
    return (
        np.isfinite(centre)
        & np.all(np.isfinite(ring), axis=1)
        & np.all(ring - centre[:, None] > rise, axis=1)
    )


def _surface_minima(f: Callable, grad: Callable, bounds: Bounds2D, n: int = _SURFACE_SAMPLES):
    """Every isolated local minimum of f strictly inside bounds, lowest first."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    hx, hy = xs[1] - xs[0], ys[1] - ys[0]
    xx, yy = np.meshgrid(xs, ys, indexing="ij")
    zz = np.asarray(f(xx, yy), dtype=float)

    centre = zz[1:-1, 1:-1]
    is_seed = np.isfinite(centre)
    strictly_lower = np.zeros_like(is_seed)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di == 0 and dj == 0:
                continue
            nb = zz[1 + di:n - 1 + di, 1 + dj:n - 1 + dj]
            is_seed &= np.isfinite(nb) & (centre <= nb)
            strictly_lower |= centre < nb
    ii, jj = np.nonzero(is_seed & strictly_lower)
    if ii.size == 0:
        return ()
    seeds = np.column_stack([xx[ii + 1, jj + 1], yy[ii + 1, jj + 1]])

    points, ok = _newton_critical(grad, seeds, max_step=math.hypot(hx, hy), require_min=True)
    if (~ok).any():
        # Newton needs a usable gradient and a curved bottom; cones and kinks get the
        # derivative-free search instead.
        points[~ok] = _pattern_min(f, seeds[~ok], (hx, hy))

    inside = (points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0) & (points[:, 1] < y1)
    finite = zz[np.isfinite(zz)]
    rise = 1e-12 * max(float(finite.max() - finite.min()), 1e-300)
    keep = inside & _is_strict_min(f, points, 0.5 * min(hx, hy), rise)
    points = points[keep]
    values = np.asarray(f(points[:, 0], points[:, 1]), dtype=float)

    minima: list[tuple[float, float, float]] = []
    tol = 1e-6 * max(x1 - x0, y1 - y0)
    for (px, py), v in sorted(zip(points.tolist(), values.tolist(), strict=True),
                              key=lambda t: (t[1], t[0])):
        if any(math.hypot(px - qx, py - qy) < tol for qx, qy, _ in minima):
            continue  # several seeds in one valley
        minima.append((px, py, v))
    return tuple((float(px), float(py)) for px, py, _ in minima)


def _polish(grad: Callable, seeds) -> tuple[tuple[float, float], ...]:
    """Critical points near hand-picked approximate locations, to machine precision."""
    points, _ = _newton_critical(grad, seeds)
    return tuple((float(px), float(py)) for px, py in points)


# --------------------------------------------------------------------------------------
# Curves and surfaces
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Curve:
    """A one-variable function d(x) with its exact slope and known valleys."""

    name: str
    title: str
    text: str
    f: Callable = field(repr=False)
    df: Callable = field(repr=False)
    bounds: Bounds1D
    minima: tuple[float, ...]
    description: str = ""
    derivative_text: str = ""

    @classmethod
    def from_text(cls, text: str, bounds: Bounds1D = (-4.0, 4.0)) -> Curve:
        """A curve from a formula in x typed by the student.

        Raises the parser's ExpressionError for typos, unknown variables and formulas that
        are undefined on the whole range.
        """
        bounds = _check_bounds_1d(bounds)
        expression = _expression_module()
        expr = expression.parse(text, variables=("x",))
        derivative = expr.derivative("x")
        f = _expression_callable(expr, 1)
        df = _expression_callable(derivative, 1)
        xs = np.linspace(bounds[0], bounds[1], _CURVE_SAMPLES)
        if not np.isfinite(f(xs)).any():
            raise expression.ExpressionError(
                "This function is not defined anywhere between "
                f"{_fmt(bounds[0])} and {_fmt(bounds[1])}."
            )
        return cls(
            name="custom",
            title="Your function",
            text=expr.text,
            f=f,
            df=df,
            bounds=bounds,
            minima=_curve_minima(f, df, bounds),
            description="A function you typed in yourself.",
            derivative_text=derivative.text,
        )

    def y_range(self) -> tuple[float, float]:
        """(lo, hi) of the finite values of f over the bounds, with a margin for plotting."""
        xs = np.linspace(self.bounds[0], self.bounds[1], _RANGE_SAMPLES)
        return _plot_range(self.f(xs))


@dataclass(frozen=True)
class Surface:
    """A two-variable function z = f(x, y) with its exact gradient and known landmarks."""

    name: str
    title: str
    text: str
    f: Callable = field(repr=False)
    grad: Callable = field(repr=False)
    bounds: Bounds2D
    minima: tuple[tuple[float, float], ...]
    saddles: tuple[tuple[float, float], ...] = ()
    description: str = ""

    @classmethod
    def from_text(cls, text: str, bounds: Bounds2D = ((-3.0, 3.0), (-3.0, 3.0))) -> Surface:
        """A surface from a formula in x and y typed by the student (saddles not searched)."""
        bounds = _check_bounds_2d(bounds)
        expression = _expression_module()
        expr = expression.parse(text, variables=("x", "y"))
        f = _expression_callable(expr, 2)
        gx_fn = _expression_callable(expr.derivative("x"), 2)
        gy_fn = _expression_callable(expr.derivative("y"), 2)

        def grad(x, y):
            return gx_fn(x, y), gy_fn(x, y)

        (x0, x1), (y0, y1) = bounds
        n = _SURFACE_SAMPLES
        xx, yy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        if not np.isfinite(f(xx, yy)).any():
            raise expression.ExpressionError(
                "This function is not defined anywhere in the square "
                f"{_fmt(x0)} ≤ x ≤ {_fmt(x1)}, {_fmt(y0)} ≤ y ≤ {_fmt(y1)}."
            )
        return cls(
            name="custom",
            title="Your function",
            text=expr.text,
            f=f,
            grad=grad,
            bounds=bounds,
            minima=_surface_minima(f, grad, bounds),
            description="A function you typed in yourself.",
        )

    def at(self, x: float, y: float) -> tuple[float, float, float]:
        """f(x, y) and the gradient there, as three floats (nan where undefined).

        The same numbers as ``f`` and ``grad``, made for a walker that asks thousands of
        times for one point: a catalog formula runs on the point directly, without the
        array handling around it (a third of the cost). The point stays a 0-d array:
        NumPy's scalars compute powers another way, a last digit apart.
        """
        f_point = getattr(self.f, "at_point", None)
        grad_point = getattr(self.grad, "at_point", None)
        with np.errstate(all="ignore"):
            if f_point is not None and grad_point is not None:
                x, y = np.array(x, dtype=np.float64), np.array(y, dtype=np.float64)
                z = f_point(x, y)
                gx, gy = grad_point(x, y)
            else:
                z = self.f(x, y)
                gx, gy = self.grad(x, y)
            return float(z), float(gx), float(gy)

    def grid(self, n: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """X, Y, Z (each n×n) over the bounds, indexed [i, j] = (x_i, y_j).

        The first axis runs along x, the layout pyqtgraph's GLSurfacePlotItem and ImageItem
        expect.
        """
        (x0, x1), (y0, y1) = self.bounds
        xx, yy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n), indexing="ij")
        return xx, yy, np.asarray(self.f(xx, yy), dtype=float)

    def z_range(self) -> tuple[float, float]:
        """(lo, hi) of the finite heights over the bounds, with a margin for plotting."""
        return _plot_range(self.grid(101)[2])


# --------------------------------------------------------------------------------------
# The curve catalog
# --------------------------------------------------------------------------------------


@_curve_callable
def _parabola(x):
    return x * x + 1.0


@_curve_callable
def _parabola_d(x):
    return 2.0 * x


# Two valleys: the +0.5x tilt makes the left one deeper than the right one.
_TWO_VALLEY_COEFFS = (0.25, 0.0, -1.0, 0.5, 2.0)


@_curve_callable
def _two_valleys(x):
    return np.polyval(_TWO_VALLEY_COEFFS, x)


@_curve_callable
def _two_valleys_d(x):
    return np.polyval(np.polyder(_TWO_VALLEY_COEFFS), x)


def _polynomial_minima(coeffs, bounds: Bounds1D) -> tuple[float, ...]:
    """Local minima of a polynomial from the real roots of its derivative, lowest first."""
    d1, d2 = np.polyder(coeffs), np.polyder(coeffs, 2)
    found = []
    for r in np.roots(d1):
        if abs(r.imag) > 1e-9:
            continue
        x = float(r.real)
        for _ in range(3):  # np.roots is only good to ~1e-12; Newton takes it to the last digit
            x -= float(np.polyval(d1, x)) / float(np.polyval(d2, x))
        if np.polyval(d2, x) > 0 and bounds[0] < x < bounds[1]:
            found.append(x)
    return tuple(sorted(found, key=lambda x: float(np.polyval(coeffs, x))))


@_curve_callable
def _plateau(x):
    return 2.0 - 2.0 * np.exp(-((x - 1.0) ** 2))


@_curve_callable
def _plateau_d(x):
    return 4.0 * (x - 1.0) * np.exp(-((x - 1.0) ** 2))


@_curve_callable
def _steep(x):
    return 8.0 * x * x + 1.0


@_curve_callable
def _steep_d(x):
    return 16.0 * x


@_curve_callable
def _lopsided(x):
    return np.exp(x) - 2.0 * x


@_curve_callable
def _lopsided_d(x):
    return np.exp(x) - 2.0


@_curve_callable
def _wavy(x):
    return x * x / 4.0 + np.sin(3.0 * x)


@_curve_callable
def _wavy_d(x):
    return x / 2.0 + 3.0 * np.cos(3.0 * x)


_TWO_VALLEY_BOUNDS = (-2.5, 2.5)
_WAVY_BOUNDS = (-4.0, 4.0)

CURVES: dict[str, Curve] = {
    c.name: c
    for c in (
        Curve(
            name="parabola",
            title="Parabola",
            text="x^2 + 1",
            f=_parabola,
            df=_parabola_d,
            bounds=(-3.0, 3.0),
            minima=(0.0,),
            description="The article's example: one smooth valley whose lowest point is at x = 0.",
            derivative_text="2x",
        ),
        Curve(
            name="two_valleys",
            title="Two valleys",
            text="0.25x^4 - x^2 + 0.5x + 2",
            f=_two_valleys,
            df=_two_valleys_d,
            bounds=_TWO_VALLEY_BOUNDS,
            minima=_polynomial_minima(_TWO_VALLEY_COEFFS, _TWO_VALLEY_BOUNDS),
            description=(
                "A deep valley and a shallow one: walking downhill from the right gets you "
                "stuck in the shallow valley, which is not the lowest point."
            ),
            derivative_text="x^3 - 2x + 0.5",
        ),
        Curve(
            name="plateau",
            title="Plateau",
            text="2 - 2exp(-(x - 1)^2)",
            f=_plateau,
            df=_plateau_d,
            bounds=(-4.0, 3.0),
            minima=(1.0,),
            description=(
                "A long, almost flat stretch before the valley: the slope there is so small "
                "that steps become tiny and progress crawls."
            ),
            derivative_text="4(x - 1)·exp(-(x - 1)^2)",
        ),
        Curve(
            name="steep_valley",
            title="Steep narrow valley",
            text="8x^2 + 1",
            f=_steep,
            df=_steep_d,
            bounds=(-3.0, 3.0),
            minima=(0.0,),
            description=(
                "A narrow valley with steep walls: the slope is so large that a step of "
                "ordinary size jumps right over the bottom to the other side."
            ),
            derivative_text="16x",
        ),
        Curve(
            name="lopsided",
            title="Lopsided valley",
            text="exp(x) - 2x",
            f=_lopsided,
            df=_lopsided_d,
            bounds=(-3.0, 3.0),
            minima=(math.log(2.0),),
            description=(
                "Gentle on the left, steep on the right: the same step size that is slow on "
                "one side overshoots on the other."
            ),
            derivative_text="exp(x) - 2",
        ),
        Curve(
            name="wavy",
            title="Wavy",
            text="x^2/4 + sin(3x)",
            f=_wavy,
            df=_wavy_d,
            bounds=_WAVY_BOUNDS,
            minima=_curve_minima(_wavy, _wavy_d, _WAVY_BOUNDS),
            description=(
                "A bumpy road with many small dips: where you start decides which dip you "
                "end up in."
            ),
            derivative_text="x/2 + 3cos(3x)",
        ),
    )
}


# --------------------------------------------------------------------------------------
# The surface catalog
# --------------------------------------------------------------------------------------


@_surface_callable
def _bowl(x, y):
    return x * x + y * y


@_gradient_callable
def _bowl_grad(x, y):
    return 2.0 * x, 2.0 * y


@_surface_callable
def _ravine(x, y):
    return x * x / 10.0 + 5.0 * y * y


@_gradient_callable
def _ravine_grad(x, y):
    return x / 5.0, 10.0 * y


@_surface_callable
def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


@_gradient_callable
def _rosenbrock_grad(x, y):
    r = y - x * x
    return -2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r


@_surface_callable
def _himmelblau(x, y):
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


@_gradient_callable
def _himmelblau_grad(x, y):
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


@_surface_callable
def _saddle(x, y):
    return x * x - y * y


@_gradient_callable
def _saddle_grad(x, y):
    return 2.0 * x, -2.0 * y


@_surface_callable
def _booth(x, y):
    return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2


@_gradient_callable
def _booth_grad(x, y):
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return 2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b


@_surface_callable
def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


@_gradient_callable
def _beale_grad(x, y):
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y**2
    c = 2.625 - x + x * y**3
    gx = 2.0 * a * (y - 1.0) + 2.0 * b * (y**2 - 1.0) + 2.0 * c * (y**3 - 1.0)
    gy = 2.0 * a * x + 4.0 * b * x * y + 6.0 * c * x * y**2
    return gx, gy


@_surface_callable
def _camel(x, y):
    return (4.0 - 2.1 * x**2 + x**4 / 3.0) * x**2 + x * y + (4.0 * y**2 - 4.0) * y**2


@_gradient_callable
def _camel_grad(x, y):
    return 8.0 * x - 8.4 * x**3 + 2.0 * x**5 + y, x - 8.0 * y + 16.0 * y**3


# Hills and valleys: a gentle bowl (so the edges rise) plus Gaussian dips and bumps,
# each (height, centre x, centre y); negative heights are valleys.
_HILL_TERMS = ((-3.0, 1.0, 1.0), (-2.0, -1.5, -1.0), (2.0, -1.0, 1.5), (1.5, 1.5, -1.5))
_HILL_BOWL = 0.1


@_surface_callable
def _hills(x, y):
    z = _HILL_BOWL * (x * x + y * y)
    for h, cx, cy in _HILL_TERMS:
        z = z + h * np.exp(-((x - cx) ** 2) - (y - cy) ** 2)
    return z


@_gradient_callable
def _hills_grad(x, y):
    gx = 2.0 * _HILL_BOWL * x
    gy = 2.0 * _HILL_BOWL * y
    for h, cx, cy in _HILL_TERMS:
        e = h * np.exp(-((x - cx) ** 2) - (y - cy) ** 2)
        gx = gx - 2.0 * (x - cx) * e
        gy = gy - 2.0 * (y - cy) * e
    return gx, gy


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface(
            name="bowl",
            title="Bowl",
            text="x^2 + y^2",
            f=_bowl,
            grad=_bowl_grad,
            bounds=((-3.0, 3.0), (-3.0, 3.0)),
            minima=((0.0, 0.0),),
            description="A perfectly round bowl: downhill always points straight at the bottom.",
        ),
        Surface(
            name="hills",
            title="Hills and valleys",
            text=(
                "0.1(x^2 + y^2) - 3exp(-(x - 1)^2 - (y - 1)^2) - 2exp(-(x + 1.5)^2 - (y + 1)^2)"
                " + 2exp(-(x + 1)^2 - (y - 1.5)^2) + 1.5exp(-(x - 1.5)^2 - (y + 1.5)^2)"
            ),
            f=_hills,
            grad=_hills_grad,
            bounds=((-3.0, 3.0), (-3.0, 3.0)),
            # Approximate spots from a fine grid search, sharpened by Newton's method.
            minima=_polish(_hills_grad, [(0.986, 0.965), (-1.429, -0.957)]),
            saddles=_polish(_hills_grad, [(-0.188, -0.197), (-1.823, 2.734), (2.436, -2.436)]),
            description=(
                "A landscape of hills and valleys like the article's picture: which valley you "
                "reach depends on where you start walking."
            ),
        ),
        Surface(
            name="ravine",
            title="Ravine",
            text="x^2/10 + 5y^2",
            f=_ravine,
            grad=_ravine_grad,
            bounds=((-5.0, 5.0), (-2.0, 2.0)),
            minima=((0.0, 0.0),),
            description=(
                "A long narrow valley: the steepest way down points mostly at the near wall, "
                "so plain gradient descent zig-zags across instead of walking along the floor."
            ),
        ),
        Surface(
            name="saddle",
            title="Saddle",
            text="x^2 - y^2",
            f=_saddle,
            grad=_saddle_grad,
            bounds=((-2.0, 2.0), (-2.0, 2.0)),
            minima=(),
            saddles=((0.0, 0.0),),
            description=(
                "A horse saddle: flat in the middle yet not a bottom, since it keeps going down "
                "in the y direction, so there is no lowest point at all."
            ),
        ),
        Surface(
            name="rosenbrock",
            title="Rosenbrock's banana",
            text="(1 - x)^2 + 100(y - x^2)^2",
            f=_rosenbrock,
            grad=_rosenbrock_grad,
            bounds=((-2.0, 2.0), (-1.0, 3.0)),
            minima=((1.0, 1.0),),
            description=(
                "A curved banana-shaped valley with steep walls and an almost flat floor: "
                "finding the valley is quick, following it to the bottom at (1, 1) is slow."
            ),
        ),
        Surface(
            name="himmelblau",
            title="Himmelblau",
            text="(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            f=_himmelblau,
            grad=_himmelblau_grad,
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            minima=_polish(
                _himmelblau_grad,
                [(3.0, 2.0), (-2.805, 3.131), (-3.779, -3.283), (3.584, -1.848)],
            ),
            saddles=_polish(
                _himmelblau_grad,
                [(3.385, 0.074), (0.087, 2.884), (-3.073, -0.081), (-0.128, -1.954)],
            ),
            description=(
                "Four valleys exactly equally deep: every one is a best answer, and the "
                "starting point decides which one you find."
            ),
        ),
        Surface(
            name="six_hump_camel",
            title="Six-hump camel",
            text="(4 - 2.1x^2 + x^4/3)·x^2 + x·y + (4y^2 - 4)·y^2",
            f=_camel,
            grad=_camel_grad,
            bounds=((-2.0, 2.0), (-1.0, 1.0)),
            minima=_polish(
                _camel_grad,
                [
                    (0.0898, -0.7127), (-0.0898, 0.7127),  # the two equally deep global ones
                    (1.7036, -0.7961), (-1.7036, 0.7961),
                    (1.6071, 0.5687), (-1.6071, -0.5687),
                ],
            ),
            saddles=_polish(
                _camel_grad,
                [
                    (0.0, 0.0), (-1.1092, 0.7683), (1.1092, -0.7683), (-1.6381, -0.2287),
                    (1.6381, 0.2287), (-1.2961, -0.6051), (1.2961, 0.6051),
                ],
            ),
            description=(
                "Six valleys of three different depths, two of them tied for lowest: a good "
                "place to see a walk downhill end in a valley that is not the best one."
            ),
        ),
        Surface(
            name="booth",
            title="Booth",
            text="(x + 2y - 7)^2 + (2x + y - 5)^2",
            f=_booth,
            grad=_booth_grad,
            bounds=((-3.0, 5.0), (-1.0, 7.0)),
            minima=((1.0, 3.0),),
            description=(
                "A tilted, stretched bowl: the steepest way down does not point straight at "
                "the bottom at (1, 3), so the path bends."
            ),
        ),
        Surface(
            name="beale",
            title="Beale",
            text="(1.5 - x + x·y)^2 + (2.25 - x + x·y^2)^2 + (2.625 - x + x·y^3)^2",
            f=_beale,
            grad=_beale_grad,
            bounds=((-1.5, 4.5), (-1.5, 1.5)),
            minima=((3.0, 0.5),),
            saddles=((0.0, 1.0),),
            description=(
                "Nearly flat ground next to very steep walls: the slope changes so much from "
                "place to place that no single step size suits everywhere."
            ),
        ),
    )
}


def curve_for(text: str) -> Curve:
    """The catalog curve with exactly this formula, or a new curve read from the text.

    Looking in the catalog first keeps the catalog's title, hand-written derivative and
    exact minima when a saved or typed formula matches one of its entries.
    Raises the parser's ExpressionError for a formula it cannot read.
    """
    for curve in CURVES.values():
        if curve.text == text:
            return curve
    return Curve.from_text(text)


def surface_for(text: str) -> Surface:
    """The catalog surface with exactly this formula, or a new one read from the text."""
    for surface in SURFACES.values():
        if surface.text == text:
            return surface
    return Surface.from_text(text)
