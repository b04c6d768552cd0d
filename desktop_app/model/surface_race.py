"""The surface tab's model: which surface, where to start, which optimizers race, and how.

``RaceSettings`` holds what a student chooses (an evented dataclass, so the tab's controls
can follow it both ways); ``SurfaceRace`` turns the settings into a ``descent.Race`` and
rebuilds it whenever they change. Everything here runs without Qt.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from psygnal import evented

from desktop_app.model import optimizers
from desktop_app.model.descent import Race
from desktop_app.model.functions import SURFACES, Surface, surface_for
from desktop_app.model.optimizers import OPTIMIZER_NAMES

__all__ = [
    "DEFAULT_ON",
    "HYPERPARAMETERS",
    "HYPER_RANGES",
    "LR_MAX_EXPONENT",
    "LR_MIN_EXPONENT",
    "LR_NOTCHES_PER_DECADE",
    "RaceSettings",
    "SurfaceRace",
    "default_hyperparameters",
    "default_start",
    "lr_from_notch",
    "notch_from_lr",
    "steps_per_tick",
    "surface_for",
]

#: The optimizers switched on when the tab opens.
DEFAULT_ON = ("gd", "momentum", "adam")

#: The hyperparameters a student can change, per optimizer (eps stays at its default).
HYPERPARAMETERS: dict[str, tuple[str, ...]] = {
    "gd": ("lr",),
    "momentum": ("lr", "momentum"),
    "nesterov": ("lr", "momentum"),
    "adagrad": ("lr",),
    "rmsprop": ("lr", "alpha"),
    "adam": ("lr", "beta1", "beta2"),
}

#: (lowest, highest, step, decimals) of each hyperparameter other than the learning rate.
HYPER_RANGES: dict[str, tuple[float, float, float, int]] = {
    "momentum": (0.0, 0.99, 0.05, 2),
    "alpha": (0.0, 0.999, 0.01, 3),
    "beta1": (0.0, 0.999, 0.01, 3),
    "beta2": (0.0, 0.9999, 0.001, 4),
}

#: The learning-rate slider runs over 10^LR_MIN_EXPONENT .. 10^LR_MAX_EXPONENT.
LR_MIN_EXPONENT = -4
LR_MAX_EXPONENT = 1
LR_NOTCHES_PER_DECADE = 20

#: The race's timer never ticks faster than this; higher speeds take more steps per tick.
MAX_TICKS_PER_SECOND = 10.0
#: With "speed up long runs", the steps per tick double every this many rounds ...
SPEED_UP_EVERY = 25
#: ... up to this many times the normal number.
SPEED_UP_LIMIT = 128

#: Walks longer than this count as "still walking" forever (Descent's max_steps).
MAX_STEPS = 10_000


def default_hyperparameters(name: str) -> dict[str, float]:
    """The starting values of ``name``'s adjustable hyperparameters."""
    chosen = optimizers.make(name).hyperparameters()
    return {key: float(chosen[key]) for key in HYPERPARAMETERS[name]}


def _all_defaults() -> dict[str, dict[str, float]]:
    return {name: default_hyperparameters(name) for name in OPTIMIZER_NAMES}


def default_start(bounds) -> tuple[float, float]:
    """A start near the top-left corner of ``bounds`` (15 % in from both edges), rounded."""
    (x0, x1), (y0, y1) = bounds
    x = x0 + 0.15 * (x1 - x0)
    y = y1 - 0.15 * (y1 - y0)
    return round(x, 1), round(y, 1)


def _inside(bounds, point) -> bool:
    (x0, x1), (y0, y1) = bounds
    return x0 <= point[0] <= x1 and y0 <= point[1] <= y1


def lr_from_notch(notch: int) -> float:
    """The learning rate at a notch of the log-scale slider: 10^(notch/20), 2 digits.

    Rounding to two significant digits puts the notches on numbers a class can read
    (0.01, 0.02, 0.005, 0.5) while keeping them evenly spaced on the log scale.
    """
    value = 10.0 ** (notch / LR_NOTCHES_PER_DECADE)
    return float(f"{value:.2g}")


def notch_from_lr(lr: float) -> int:
    """The slider notch nearest to ``lr`` (clamped to the slider's range)."""
    lo = LR_MIN_EXPONENT * LR_NOTCHES_PER_DECADE
    hi = LR_MAX_EXPONENT * LR_NOTCHES_PER_DECADE
    if not (lr > 0 and math.isfinite(lr)):
        return lo
    return int(min(hi, max(lo, round(math.log10(lr) * LR_NOTCHES_PER_DECADE))))


def steps_per_tick(steps_per_second: float, rounds_done: int, speed_up: bool = True) -> int:
    """How many steps the race makes on one timer tick.

    The timer ticks at most ``MAX_TICKS_PER_SECOND`` times a second, so faster speeds take
    several steps per tick. With ``speed_up`` the count also doubles every
    ``SPEED_UP_EVERY`` rounds (up to ``SPEED_UP_LIMIT`` times): the first steps go slowly
    enough to follow, the long crawl into the bottom of a valley does not take minutes.
    """
    base = max(1, round(steps_per_second / MAX_TICKS_PER_SECOND))
    if not speed_up:
        return base
    boost = min(SPEED_UP_LIMIT, 2 ** (max(0, int(rounds_done)) // SPEED_UP_EVERY))
    return base * boost


@evented
@dataclass
class RaceSettings:
    """What the student chose; the surface tab's controls mirror these fields."""

    surface: str = SURFACES["bowl"].text
    start_x: float = -2.0
    start_y: float = 2.0
    enabled: tuple[str, ...] = DEFAULT_ON
    hyper: dict[str, dict[str, float]] = field(default_factory=_all_defaults)


def _check_start(value) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"the start must be two numbers [x, y], got {value!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"the start must be two finite numbers, got {value!r}")
    return x, y


class SurfaceRace:
    """The race the surface tab shows, rebuilt from ``settings`` whenever asked.

    ``race`` is None when no optimizer is switched on or f is undefined at the start;
    ``problem`` then says why in a sentence.
    """

    def __init__(self, settings: RaceSettings | None = None) -> None:
        self.settings = settings if settings is not None else RaceSettings()
        self.surface: Surface = surface_for(self.settings.surface)
        self.race: Race | None = None
        self.problem = ""
        self.rebuild()

    # -- building -------------------------------------------------------------------------
    def set_surface(self, text: str) -> Surface:
        """Switch to the surface of ``text`` (raises ExpressionError, changing nothing).

        A start outside the new surface's square moves to that surface's default start.
        """
        surface = surface_for(text)
        self.surface = surface
        start = (self.settings.start_x, self.settings.start_y)
        with self.settings.events.blocked():
            if not _inside(surface.bounds, start):
                self.settings.start_x, self.settings.start_y = default_start(surface.bounds)
            self.settings.surface = surface.text
        self.rebuild()
        return surface

    def rebuild(self) -> None:
        """A fresh race from the current settings (every walker back at the start)."""
        s = self.settings
        if self.surface.text != s.surface:
            self.surface = surface_for(s.surface)
        names = [name for name in OPTIMIZER_NAMES if name in s.enabled]
        self.race = None
        if not names:
            self.problem = "Switch on at least one optimizer to start a race."
            return
        walkers = {name: optimizers.make(name, **s.hyper[name]) for name in names}
        try:
            self.race = Race(self.surface, walkers, (s.start_x, s.start_y), max_steps=MAX_STEPS)
        except ValueError:
            self.problem = (f"This surface has no height or no slope at the start "
                            f"({s.start_x:g}, {s.start_y:g}). Click somewhere else to start "
                            "there.")
            return
        self.problem = ""

    # -- walking --------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self.race is None or self.race.done

    @property
    def rounds(self) -> int:
        return 0 if self.race is None else self.race.rounds

    def step(self, count: int = 1, seconds: float | None = None) -> int:
        """Up to ``count`` rounds of the race, stopping early once ``seconds`` have passed
        (None: no limit; at least one round is made); returns how many were made."""
        made = 0
        start = time.perf_counter()
        while self.race is not None and made < count and not self.race.done:
            self.race.step()
            made += 1
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
        return made

    # -- what the views show --------------------------------------------------------------
    @property
    def start(self) -> tuple[float, float]:
        return self.settings.start_x, self.settings.start_y

    def lead(self):
        """The first walker switched on (its point is the "current point"), or None."""
        if self.race is None:
            return None
        return next(iter(self.race.descents.values()))

    def current_point(self) -> tuple[float, float]:
        """The start before the first step, then the lead walker's point."""
        lead = self.lead()
        if lead is None or lead.steps == 0:
            return self.start
        return lead.point

    def gradient_at(self, point) -> tuple[float, float]:
        gx, gy = self.surface.grad(point[0], point[1])
        return float(gx), float(gy)

    def height_at(self, point) -> float:
        return float(self.surface.f(point[0], point[1]))

    # -- saving ---------------------------------------------------------------------------
    def state(self) -> dict:
        s = self.settings
        return {
            "surface": s.surface,
            "start": [s.start_x, s.start_y],
            "optimizers": {
                name: {"on": name in s.enabled, **s.hyper[name]} for name in OPTIMIZER_NAMES
            },
        }

    def checked(self, state: dict) -> tuple[Surface, dict]:
        """The surface and new settings fields a saved ``state`` asks for.

        Raises ValueError (ExpressionError for a bad formula) on anything wrong; nothing is
        changed either way: ``apply`` does that.
        """
        if not isinstance(state, dict):
            raise ValueError("the surface tab's settings must be a dictionary")
        s = self.settings
        text = state.get("surface", s.surface)
        if not isinstance(text, str):
            raise ValueError(f"the surface must be a formula, got {text!r}")
        surface = surface_for(text)
        start = _check_start(state.get("start", [s.start_x, s.start_y]))
        chosen = state.get("optimizers", {})
        if not isinstance(chosen, dict):
            raise ValueError("'optimizers' must map optimizer names to their settings")
        unknown = sorted(set(chosen) - set(OPTIMIZER_NAMES))
        if unknown:
            raise ValueError(f"unknown optimizer {unknown[0]!r}; choose from "
                             f"{', '.join(OPTIMIZER_NAMES)}")
        enabled = []
        hyper = {name: dict(values) for name, values in s.hyper.items()}
        for name, values in chosen.items():
            if not isinstance(values, dict):
                raise ValueError(f"the settings of {name!r} must be a dictionary")
            extra = sorted(set(values) - {"on", *HYPERPARAMETERS[name]})
            if extra:
                raise ValueError(f"{name!r} has no setting {extra[0]!r}")
            for key in HYPERPARAMETERS[name]:
                if key in values:
                    hyper[name][key] = values[key]
            optimizers.make(name, **hyper[name])  # raises ValueError on a bad value
            hyper[name] = {key: float(v) for key, v in hyper[name].items()}
        for name in OPTIMIZER_NAMES:
            on = chosen.get(name, {}).get("on", name in s.enabled)
            if not isinstance(on, bool):
                raise ValueError(f"'on' of {name!r} must be true or false, got {on!r}")
            if on:
                enabled.append(name)
        return surface, {"surface": surface.text, "start_x": start[0], "start_y": start[1],
                         "enabled": tuple(enabled), "hyper": hyper}

    def apply(self, surface: Surface, fields: dict) -> None:
        """Set the fields returned by ``checked`` quietly (no change events) and rebuild."""
        self.surface = surface
        with self.settings.events.blocked():
            for key, value in fields.items():
                setattr(self.settings, key, value)
        self.rebuild()
