"""An optimizer walking down a surface z = f(x, y): its path, and when and why it stops.

``Descent`` is the model behind one walker of the surface tab. Each ``step()`` asks the
surface for the exact gradient at the current point, lets the optimizer turn it into a
move, and records the new point. The walk ends by itself:

- "converged": the gradient is almost zero (|∇f| < tol) *and* the last step was tiny
  (shorter than tol). Both are needed: a flat spot alone can be crossed at speed by a
  walker with momentum, and a tiny step alone happens on a steep wall with a small lr.
  A walker that converges has found a flat spot: usually a valley floor, but possibly a
  saddle (the saddle surface started exactly on its ridge).
- "diverged": the point, the height or the gradient stopped being a finite number, or
  the point flew far away: more than ``far`` times the width of the bounds beyond them.
- "max_steps": ``max_steps`` steps were made without either of the above.

``Race`` runs several walkers from the same start, one per optimizer.

Any object with ``f(x, y)``, ``grad(x, y) -> (gx, gy)`` and
``bounds = ((xmin, xmax), (ymin, ymax))`` can be walked, not just the catalog's surfaces.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["CONVERGED", "DIVERGED", "MAX_STEPS", "Descent", "Race"]

CONVERGED = "converged"
DIVERGED = "diverged"
MAX_STEPS = "max_steps"

_INITIAL_CAPACITY = 256


def _start_point(start) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in np.asarray(start, dtype=float).reshape(-1))
    except (TypeError, ValueError):
        raise ValueError(f"the start must be two numbers (x, y), got {start!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"the start must be two finite numbers, got {start!r}")
    return x, y


def _fmt(v: float) -> str:
    return f"{v:g}"


class Descent:
    """One optimizer walking the surface from ``start``.

    ``step()`` makes one move and returns the new point ``(x, y)``; once the walk is
    ``done`` it returns None and changes nothing. ``path`` (N×2) and ``values`` (N) hold
    every point visited, the start included, so N = ``steps`` + 1. They are read-only
    views of growing buffers: take a copy to keep one across later steps.
    """

    def __init__(self, surface, optimizer, start, tol: float = 1e-6,
                 max_steps: int = 10_000, far: float = 10.0) -> None:
        tol = float(tol)
        if not (math.isfinite(tol) and tol > 0):
            raise ValueError(f"tol must be a positive number, got {tol!r}")
        if int(max_steps) != max_steps or max_steps < 1:
            raise ValueError(f"max_steps must be a whole number of at least 1, got {max_steps!r}")
        far = float(far)
        if math.isnan(far) or far < 0:
            raise ValueError(f"far must be a number of at least 0 (or inf), got {far!r}")
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in surface.bounds)
        self.surface = surface
        self.optimizer = optimizer
        self.tol = tol
        self.max_steps = int(max_steps)
        self.far = far
        # Beyond these limits the walker counts as gone for good. (inf · 0 cannot happen:
        # spans of valid bounds are positive.)
        span_x, span_y = abs(x1 - x0), abs(y1 - y0)
        self._limits = (
            min(x0, x1) - far * span_x, max(x0, x1) + far * span_x,
            min(y0, y1) - far * span_y, max(y0, y1) + far * span_y,
        )
        self.start: tuple[float, float] = _start_point(start)
        self.reset()

    # -- state ----------------------------------------------------------------------------

    def reset(self, start=None) -> None:
        """Back to the start (a new one if given); also resets the optimizer.

        Raises ValueError, changing nothing, if f or its gradient is undefined at the start.
        """
        x, y = self.start if start is None else _start_point(start)
        z, gradient = self._evaluate(x, y)
        if not all(math.isfinite(v) for v in (z, *gradient)):
            raise ValueError(
                f"f or its gradient is not defined at ({_fmt(x)}, {_fmt(y)}); pick another start"
            )
        self.start = (x, y)
        self.optimizer.reset()
        capacity = min(self.max_steps + 1, _INITIAL_CAPACITY)
        self._path = np.empty((capacity, 2), dtype=float)
        self._values = np.empty(capacity, dtype=float)
        self._path[0] = (x, y)
        self._values[0] = z
        self._n = 1
        self._gradient = gradient
        self.steps = 0
        self.last_step_length = math.nan  # no step yet
        self.reason: str | None = None

    @property
    def path(self) -> np.ndarray:
        view = self._path[: self._n]
        view.flags.writeable = False
        return view

    @property
    def values(self) -> np.ndarray:
        view = self._values[: self._n]
        view.flags.writeable = False
        return view

    @property
    def point(self) -> tuple[float, float]:
        x, y = self._path[self._n - 1]
        return float(x), float(y)

    @property
    def value(self) -> float:
        """f at the current point."""
        return float(self._values[self._n - 1])

    @property
    def gradient(self) -> tuple[float, float]:
        """The exact gradient (∂f/∂x, ∂f/∂y) at the current point."""
        return self._gradient

    @property
    def gradient_norm(self) -> float:
        return _length(*self._gradient)

    @property
    def explanation(self) -> list[str]:
        """The optimizer's arithmetic for the last step (empty before the first step)."""
        if self.steps == 0:
            return []
        return list(getattr(self.optimizer, "last_explanation", []))

    @property
    def done(self) -> bool:
        return self.reason is not None

    @property
    def converged(self) -> bool:
        return self.reason == CONVERGED

    @property
    def diverged(self) -> bool:
        return self.reason == DIVERGED

    # -- walking --------------------------------------------------------------------------

    def step(self) -> tuple[float, float] | None:
        """One optimizer step from the current point; the new point, or None once done."""
        if self.reason is not None:
            return None
        x, y = self._path[self._n - 1].tolist()
        moved = self.optimizer.step(np.array((x, y)), np.array(self._gradient, dtype=float))
        new = np.asarray(moved, dtype=float).reshape(-1)
        if new.shape != (2,):
            raise ValueError(f"the optimizer returned {new.size} numbers instead of (x, y)")
        nx, ny = new.tolist()
        z, gradient = self._evaluate(nx, ny)
        self._append(nx, ny, z)
        self._gradient = gradient
        self.steps += 1
        # math.hypot, like np.hypot, gives inf rather than raising when the sum overflows.
        self.last_step_length = math.hypot(nx - x, ny - y)

        x_lo, x_hi, y_lo, y_hi = self._limits
        isfinite = math.isfinite
        gx, gy = gradient
        finite = isfinite(nx) and isfinite(ny) and isfinite(z) and isfinite(gx) and isfinite(gy)
        if not finite or not (x_lo <= nx <= x_hi and y_lo <= ny <= y_hi):
            self.reason = DIVERGED
        elif math.hypot(gx, gy) < self.tol and self.last_step_length < self.tol:
            self.reason = CONVERGED
        elif self.steps >= self.max_steps:
            self.reason = MAX_STEPS
        return nx, ny

    def run(self) -> str:
        """Step until done; returns the reason."""
        while self.reason is None:
            self.step()
        return self.reason

    # -- helpers --------------------------------------------------------------------------

    def _evaluate(self, x: float, y: float) -> tuple[float, tuple[float, float]]:
        """f and its gradient at (x, y); nan where the surface cannot say (overflow etc.)."""
        at = getattr(self.surface, "at", None)
        if at is not None:
            try:
                z, gx, gy = at(x, y)
                return z, (gx, gy)
            except ArithmeticError:
                pass  # each part on its own below: one may still have a value
        with np.errstate(all="ignore"):
            try:
                z = float(self.surface.f(x, y))
            except ArithmeticError:  # e.g. a pure-Python surface overflowing in x ** 2
                z = math.nan
            try:
                gx, gy = self.surface.grad(x, y)
                gradient = (float(gx), float(gy))
            except ArithmeticError:
                gradient = (math.nan, math.nan)
        return z, gradient

    def _append(self, x: float, y: float, z: float) -> None:
        if self._n == len(self._values):  # full: double the buffers (O(1) amortised)
            capacity = 2 * len(self._values)
            path = np.empty((capacity, 2), dtype=float)
            values = np.empty(capacity, dtype=float)
            path[: self._n] = self._path[: self._n]
            values[: self._n] = self._values[: self._n]
            self._path, self._values = path, values
        n = self._n
        self._path[n, 0] = x
        self._path[n, 1] = y
        self._values[n] = z
        self._n = n + 1

    def __repr__(self) -> str:
        x, y = self.point
        return (
            f"Descent({getattr(self.optimizer, 'name', type(self.optimizer).__name__)} at "
            f"({x:g}, {y:g}), steps={self.steps}, reason={self.reason!r})"
        )


def _length(dx: float, dy: float) -> float:
    with np.errstate(all="ignore"):
        return float(np.hypot(dx, dy))


class Race:
    """Several optimizers walking the same surface from the same start.

    ``optimizers`` maps a name (shown in the legend) to an optimizer; each gets its own
    ``Descent`` in ``descents`` (same order). Extra keyword arguments (``tol``,
    ``max_steps``, ``far``) go to every Descent.
    """

    def __init__(self, surface, optimizers: dict, start, **descent_options) -> None:
        if not optimizers:
            raise ValueError("a race needs at least one optimizer")
        if len({id(o) for o in optimizers.values()}) != len(optimizers):
            raise ValueError("each walker needs its own optimizer object (they keep state)")
        self.surface = surface
        self.descents: dict[str, Descent] = {
            name: Descent(surface, optimizer, start, **descent_options)
            for name, optimizer in optimizers.items()
        }
        self.rounds = 0
        self.finish_order: list[str] = []

    @property
    def done(self) -> bool:
        return all(d.done for d in self.descents.values())

    def step(self) -> dict[str, tuple[float, float]]:
        """Step every walker still going; returns their new points by name."""
        moved: dict[str, tuple[float, float]] = {}
        for name, descent in self.descents.items():
            if descent.done:
                continue
            point = descent.step()
            if point is not None:
                moved[name] = point
            if descent.done:
                self.finish_order.append(name)
        if moved:
            self.rounds += 1
        return moved

    def run(self) -> None:
        """Step until every walker is done."""
        while not self.done:
            self.step()

    def reset(self, start=None) -> None:
        """Every walker back to the start (a new one if given), optimizers reset."""
        if start is not None:
            start = _start_point(start)
            # Check the new start on one walker first so a bad start changes nothing.
            first = next(iter(self.descents.values()))
            first.reset(start)
        for descent in self.descents.values():
            descent.reset(start)
        self.rounds = 0
        self.finish_order = []
