"""Scenario schemas for the tabs whose settings scenario.py does not describe itself.

* ``"surface"``: exactly what :meth:`SurfaceTab.state` writes (registered on import);
* any other tab without a schema (a tab under construction, say) gets a *loose* schema from
  :func:`loose_schema`: the names its ``state()`` uses, each holding any plain JSON value of
  a bounded size. Its ``restore()`` then checks the values, and the main window rolls every
  tab back if it refuses them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from desktop_app.model import scenario
from desktop_app.model.optimizers import OPTIMIZER_NAMES
from desktop_app.model.scenario import Field, ScenarioError
from desktop_app.model.surface_race import (
    HYPER_RANGES,
    HYPERPARAMETERS,
    LR_MAX_EXPONENT,
    surface_for,
)

#: Surface starts and camera numbers stay within these (the tab's spin boxes allow ±1000).
SURFACE_START_LIMIT = 1000.0
CAMERA_LIMIT = 1.0e6


def _usable_surface(text: str) -> None:
    """Refuse formulas the surface tab cannot draw (no gradient, say)."""
    try:
        surface_for(text)
    except ValueError as error:
        raise ValueError(f"the formula {text[:40]!r} cannot be used: {error}") from None


def _optimizer_schema(name: str) -> dict[str, Field]:
    fields = {"on": Field("bool"),
              "lr": Field("number", min=0.0, max=10.0 ** LR_MAX_EXPONENT, min_exclusive=True)}
    for key in HYPERPARAMETERS[name][1:]:
        low, high, _step, _decimals = HYPER_RANGES[key]
        fields[key] = Field("number", min=low, max=high)
    return fields


SURFACE_SCHEMA: dict[str, Field] = {
    "surface": Field("expression", variables=("x", "y"), check=_usable_surface),
    "start": Field("list", max_len=2,
                   items=Field("number", min=-SURFACE_START_LIMIT, max=SURFACE_START_LIMIT),
                   check=lambda v: _exactly(v, 2, "the start needs two numbers [x, y]")),
    "optimizers": Field("dict", items={
        name: Field("dict", items=_optimizer_schema(name)) for name in OPTIMIZER_NAMES}),
    "speed_up": Field("bool"),
    "camera": Field("dict", items={
        "elevation": Field("number", required=True, min=-CAMERA_LIMIT, max=CAMERA_LIMIT),
        "azimuth": Field("number", required=True, min=-CAMERA_LIMIT, max=CAMERA_LIMIT),
        "distance": Field("number", required=True, min=0.0, max=CAMERA_LIMIT,
                          min_exclusive=True),
    }),
}


def _exactly(values: list, count: int, message: str) -> None:
    if len(values) != count:
        raise ValueError(f"{message}, got {len(values)}")


# -- the loose schema ---------------------------------------------------------------------------

#: Bounds on a loose value (the file itself is at most scenario.MAX_BYTES and MAX_DEPTH deep).
LOOSE_TEXT = 10_000
LOOSE_LIST = 200_000
LOOSE_DICT = 1_000


class JsonValue(Field):
    """Any plain JSON value: null, true/false, a finite number, text, a list or a group."""

    def __init__(self) -> None:
        super().__init__("text")

    @property
    def expected(self) -> str:
        return "a plain value"

    def validate(self, value: Any, where: str = "") -> Any:
        return _plain(value, where)


def _plain(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ScenarioError("expected a finite number", where)
        return value
    if isinstance(value, str):
        if len(value) > LOOSE_TEXT:
            raise ScenarioError(f"the text is too long ({len(value):,} characters; at most "
                                f"{LOOSE_TEXT:,})", where)
        return value
    if isinstance(value, (list, tuple)):
        if len(value) > LOOSE_LIST:
            raise ScenarioError(f"the list is too long ({len(value):,} items)", where)
        return [_plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        if len(value) > LOOSE_DICT:
            raise ScenarioError(f"too many entries ({len(value):,})", where)
        result = {}
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 100:
                raise ScenarioError(f"{key!r} is not a valid name", where)
            result[key] = _plain(item, f"{where}.{key}" if where else key)
        return result
    try:  # NumPy numbers and the like
        number = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"a {type(value).__name__} value cannot be saved", where) from None
    return _plain(number, where)


def loose_schema(state: Mapping) -> dict[str, Field]:
    """A schema accepting the names of ``state`` with any plain JSON values."""
    return {str(key): JsonValue() for key in state}


def ensure_schema(tab) -> None:
    """Register a schema for ``tab`` unless scenario.py already knows its key."""
    if tab.key in scenario.TAB_SCHEMAS:
        return
    schema = tab.scenario_schema
    scenario.register_tab_schema(tab.key, schema if schema is not None
                                 else loose_schema(tab.state()))


def field_at(tab_key: str, dotted: str) -> Field:
    """The Field of a (possibly nested, ``optimizers.adam.lr``) setting of a tab.

    Raises ScenarioError naming the unknown part, with a suggestion.
    """
    schema: Mapping[str, Field] | None = scenario.TAB_SCHEMAS.get(tab_key)
    if schema is None:
        raise ScenarioError(f"the tab {tab_key!r} has no settings that can be set")
    parts = dotted.split(".")
    field: Field | None = None
    for depth, part in enumerate(parts):
        if schema is None:
            if isinstance(field, JsonValue):
                return field  # anything goes below a loose value
            raise ScenarioError(f"{'.'.join(parts[:depth])!r} has no part {part!r}")
        if part not in schema:
            import difflib

            close = difflib.get_close_matches(part, list(schema), n=1, cutoff=0.6)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            raise ScenarioError(f"unknown setting {part!r}{hint} (known settings: "
                                f"{', '.join(schema)})", tab_key)
        field = schema[part]
        schema = field.items if field.kind == "dict" and isinstance(field.items, Mapping) \
            else None
    return field


scenario.register_tab_schema("surface", SURFACE_SCHEMA)
