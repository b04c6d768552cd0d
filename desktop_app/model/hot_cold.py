"""The hot-and-cold game: find the lowest point of d(x) by trying steps and listening.

The rule is the article's: move one step in the current direction and compare d
before and after. Lower is "hot" and the walker stays there; anything else is
"cold": the walker goes back and tries the other side. When both sides of the
current point are worse, the game stops there. With ``halve_when_stuck`` the step
is halved instead of stopping, which shows how the game reaches any precision.

``DarkRoomGame`` is the classroom variant: a person chooses every move and only
hears hot or cold; the walker always goes where it was sent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from psygnal import evented

HOT = "hot"
COLD = "cold"

# Why a game ended, shown to the student in words by the view.
MINIMUM = "minimum"          # both sides worse: a (local) minimum at this step size
PRECISION = "precision"      # halving reached the smallest step
GAVE_UP = "gave_up"          # too many moves: d keeps falling (no minimum in reach)

MAX_MOVES = 2000
SMALLEST_STEP = 1e-6


@evented
@dataclass
class HotColdParams:
    """The settings a student chooses; the tab's controls mirror these fields."""

    function: str = "x^2 + 1"
    start: float = -2.0
    step: float = 1.0
    first_direction: int = +1
    halve_when_stuck: bool = False


@dataclass(frozen=True)
class Move:
    """One try: where from, where to, both d values and what was heard."""

    number: int
    x_from: float
    x_to: float
    d_from: float
    d_to: float
    verdict: str           # HOT or COLD
    step: float            # step size used for this move
    accepted: bool         # True when the walker stayed at x_to

    @property
    def direction(self) -> int:
        return 1 if self.x_to > self.x_from else -1

    @property
    def hotter(self) -> bool:
        return self.verdict == HOT


def _value(d: Callable, x: float) -> float:
    return float(d(x))


def _is_hotter(d_from: float, d_to: float) -> bool:
    # An undefined d (nan) is never an improvement: the walker backs away from it.
    return math.isfinite(d_to) and d_to < d_from


@dataclass
class HotColdGame:
    """The automatic player. ``step()`` plays one move and returns it (None once done)."""

    d: Callable
    start: float
    step_size: float = 1.0
    first_direction: int = +1
    halve_when_stuck: bool = False
    smallest_step: float = SMALLEST_STEP
    max_moves: int = MAX_MOVES
    x: float = field(init=False)
    d_x: float = field(init=False)
    direction: int = field(init=False)
    done: bool = field(init=False, default=False)
    reason: str | None = field(init=False, default=None)
    history: list[Move] = field(init=False, default_factory=list)
    halvings: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.step_size) and self.step_size > 0):
            raise ValueError("the step size must be a positive number")
        if self.first_direction not in (-1, 1):
            raise ValueError("the first direction must be +1 (right) or -1 (left)")
        self.start = float(self.start)
        self.step_size = float(self.step_size)
        self.x = self.start
        self.d_x = _value(self.d, self.x)
        if not math.isfinite(self.d_x):
            raise ValueError(
                f"d is not defined at the start x = {self.start:g}; pick another start")
        self.direction = self.first_direction
        self._cold_sides: set[int] = set()

    @property
    def moves(self) -> int:
        return len(self.history)

    @property
    def blocked_by(self) -> list[Move]:
        """The latest tries from the current x, at the current step, that found no number.

        Where d is undefined (nan) or too large for the computer (±inf) the rule hears
        "cold", so a game can stop beside such a point although d is not higher there;
        the view must then not claim a minimum.
        """
        found = []
        for move in reversed(self.history):
            if move.accepted or move.x_from != self.x or move.step != self.step_size:
                break
            if not math.isfinite(move.d_to):
                found.append(move)
        return found[::-1]

    def step(self) -> Move | None:
        if self.done:
            return None
        x_to = self.x + self.direction * self.step_size
        d_to = _value(self.d, x_to)
        hotter = _is_hotter(self.d_x, d_to)
        move = Move(
            number=len(self.history) + 1,
            x_from=self.x,
            x_to=x_to,
            d_from=self.d_x,
            d_to=d_to,
            verdict=HOT if hotter else COLD,
            step=self.step_size,
            accepted=hotter,
        )
        self.history.append(move)
        if hotter:
            self.x, self.d_x = x_to, d_to
            self._cold_sides.clear()
        else:
            self._cold_sides.add(self.direction)
            self.direction = -self.direction
            if len(self._cold_sides) == 2:
                self._both_sides_worse()
        if not self.done and len(self.history) >= self.max_moves:
            self.done, self.reason = True, GAVE_UP
        return move

    def _both_sides_worse(self) -> None:
        if self.halve_when_stuck and self.step_size / 2 >= self.smallest_step:
            self.step_size /= 2
            self.halvings += 1
            self._cold_sides.clear()
            return
        self.done = True
        self.reason = PRECISION if self.halve_when_stuck else MINIMUM

    def run(self) -> list[Move]:
        """Play to the end; returns the whole history."""
        while not self.done:
            self.step()
        return self.history


def moves_needed(d: Callable, start: float, step: float, first_direction: int = +1) -> int:
    """How many moves the automatic player makes from ``start`` before it stops."""
    game = HotColdGame(d, start, step, first_direction)
    game.run()
    return game.moves


def missed_minimum(game: HotColdGame, minima: tuple[float, ...]) -> float | None:
    """The true minimum the game stepped over, if the step was too coarse to land on it.

    Returns the x of the nearest known minimum when the game stopped at a
    different point less than one step away from it, else None.
    """
    if not game.done or game.reason != MINIMUM or not minima:
        return None
    nearest = min(minima, key=lambda m: abs(m - game.x))
    gap = abs(nearest - game.x)
    if 1e-9 < gap < game.step_size:
        return nearest
    return None


@dataclass
class DarkRoomGame:
    """The class chooses each move and hears only hot or cold.

    Unlike the automatic player, the walker always goes where it is sent: in a
    dark room you find out only after you moved. ``best`` remembers the lowest
    place visited.
    """

    d: Callable
    start: float
    step_size: float = 1.0
    x: float = field(init=False)
    d_x: float = field(init=False)
    history: list[Move] = field(init=False, default_factory=list)
    best_x: float = field(init=False)
    best_d: float = field(init=False)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.step_size) and self.step_size > 0):
            raise ValueError("the step size must be a positive number")
        self.x = float(self.start)
        self.d_x = _value(self.d, self.x)
        if not math.isfinite(self.d_x):
            raise ValueError(
                f"d is not defined at the start x = {self.start:g}; pick another start")
        self.best_x, self.best_d = self.x, self.d_x

    @property
    def moves(self) -> int:
        return len(self.history)

    def move(self, direction: int) -> Move:
        if direction not in (-1, 1):
            raise ValueError("a move goes left (-1) or right (+1)")
        x_to = self.x + direction * self.step_size
        d_to = _value(self.d, x_to)
        hotter = _is_hotter(self.d_x, d_to)
        move = Move(
            number=len(self.history) + 1,
            x_from=self.x,
            x_to=x_to,
            d_from=self.d_x,
            d_to=d_to,
            verdict=HOT if hotter else COLD,
            step=self.step_size,
            accepted=math.isfinite(d_to),
        )
        self.history.append(move)
        if math.isfinite(d_to):
            self.x, self.d_x = x_to, d_to
            if d_to < self.best_d:
                self.best_x, self.best_d = x_to, d_to
        return move
