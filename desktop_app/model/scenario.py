"""Scenario files: versioned, validated, atomic save and load of the whole app state.

A scenario is what a teacher saves before a lesson and opens in front of the class: the
settings of every tab plus the tab that was showing.  On disk it is one pretty-printed UTF-8
JSON document::

    {
      "format": "deep-learning-made-simple/scenario",
      "version": 1,
      "saved_by": "0.1.0",
      "current_tab": "hot",
      "tabs": {
        "hot": {"function": "x^2 + 1", "start": -2.0, "step": 1.0, ...},
        "slope": {...}
      },
      "focus": {"hot": ["dark_room_box"]}
    }

``focus`` (optional) lists, per tab, the objectNames of the controls the teacher hid for a
demo (View → Focus…).

In memory, :func:`save` takes and :func:`load` returns a *state*: the same dict without the
envelope (``format``, ``version``, ``saved_by``), so ``load(path) == state`` after
``save(path, state)``.  :func:`load_document` returns the whole normalised document.

Files come from e-mail, USB sticks and hand edits, so :func:`load` treats them as hostile and
checks everything before returning anything (it never half-applies a file):

* size (at most :data:`MAX_BYTES`, checked with ``fstat`` before reading; at most
  ``MAX_BYTES + 1`` bytes are ever read), regular file (not a folder, FIFO or device);
* text: UTF-8 (an optional UTF-8 byte-order mark is accepted), not UTF-16, no binary data;
* nesting depth <= :data:`MAX_DEPTH`, measured by scanning the text *before* ``json.loads``
  (whose C scanner recurses once per bracket and would raise ``RecursionError`` on 100,000
  nested brackets);
* JSON syntax with line and column; ``NaN``/``Infinity``/``-Infinity`` literals, numbers that
  overflow to infinity (``1e999``), integers longer than 100 digits and duplicate keys are
  refused;
* the ``format`` tag, the ``version`` (missing, invalid, older and migrated, or newer than this
  app), the known top-level keys;
* every tab against its declarative schema in :data:`TAB_SCHEMAS` (:class:`Field`): types,
  ranges, choices, lengths, formulas that must parse; unknown settings are refused with a
  "did you mean" suggestion.

Every problem raises :class:`ScenarioError` (a ``ValueError``) whose message says what is wrong
and where, in words a teacher understands, e.g. ``tabs.hot.start: expected a number, got text
'abc'``.  Nothing else escapes :func:`load` for a bad file.

:func:`save` validates the state first (refusing NaN and infinities), then writes a temporary
file in the same folder, flushes and fsyncs it, atomically renames it over the target with
``os.replace`` and fsyncs the folder.  A crash at any point leaves either the old file or the
new one, never a mixture, and no temporary file is left behind by a failed save.

UI tabs describe their settings by calling :func:`register_tab_schema`; the hot-and-cold
(``"hot"``) and slope (``"slope"``) schemas are built in.  Pure standard library + NumPy: this
module never imports Qt.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import stat
import tempfile
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from desktop_app import __version__
from desktop_app.model import expression as _expression
from desktop_app.model.scenario_error import ScenarioError
from desktop_app.model.slope import Q_NOTCHES

__all__ = [
    "ENVELOPE_KEYS",
    "FORMAT",
    "HOT_SCHEMA",
    "KINDS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MIGRATIONS",
    "SLOPE_SCHEMA",
    "STATE_KEYS",
    "TAB_SCHEMAS",
    "VERSION",
    "Field",
    "ScenarioError",
    "dumps",
    "load",
    "load_document",
    "loads",
    "loads_document",
    "register_tab_schema",
    "save",
    "validate",
]

#: The value of the ``format`` tag of every scenario file.
FORMAT = "deep-learning-made-simple/scenario"
#: The version this app writes. Older versions listed in :data:`MIGRATIONS` are upgraded.
VERSION = 1
#: The largest scenario file accepted (and written), in bytes.
MAX_BYTES = 1024 * 1024
#: The deepest bracket nesting accepted (the document itself is level 1).
MAX_DEPTH = 20
#: Integers with more digits than this are refused while parsing (Python's own limit is
#: 4300 digits, which raises a plain ValueError deep inside json).
MAX_INT_DIGITS = 100
#: Default caps for fields that do not give ``max_len``.
DEFAULT_TEXT_LEN = 10_000
DEFAULT_LIST_LEN = 1_000
DEFAULT_DICT_LEN = 100

#: Keys written by :func:`save` around the state, and the keys a state may hold.
ENVELOPE_KEYS = ("format", "version", "saved_by")
STATE_KEYS = ("title", "notes", "current_tab", "tabs", "focus")

#: ``MIGRATIONS[v]`` turns a normalised-enough version ``v`` document into version ``v + 1``.
#: Version 1 is the first format, so there is nothing to migrate yet.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}

KINDS = ("number", "integer", "bool", "text", "expression", "choice", "list", "dict")

_TAB_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}\Z")


# --------------------------------------------------------------------------------------
# Describing values in a teacher's words
# --------------------------------------------------------------------------------------


def _short(text: str, limit: int = 40) -> str:
    """``repr`` of a text, cut to about ``limit`` characters."""
    if len(text) > limit:
        return repr(text[:limit]) + f"… ({len(text):,} characters)"
    return repr(text)


def _num(value: float | int) -> str:
    """A number as a teacher would write it: 1000, -2.5, 1e-12."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        text = str(value)
        return text if len(text) <= 20 else f"{text[:12]}… ({len(text)} digits)"
    if isinstance(value, float) and math.isfinite(value) and value == int(value) \
            and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".12g")


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float, np.integer, np.floating))
            and not _is_bool(value))


def _describe(value: Any) -> str:
    """What a value is, for messages: 'text 'abc'', 'the number 5', 'true (a yes/no value)'."""
    if value is None:
        return "nothing (null)"
    if _is_bool(value):
        return f"{'true' if value else 'false'} (a yes/no value)"
    if isinstance(value, (np.integer, int)):
        return f"the number {_num(int(value))}"
    if isinstance(value, (np.floating, float)):
        number = float(value)
        if math.isnan(number):
            return "NaN (not a number)"
        if math.isinf(number):
            return "infinity" if number > 0 else "minus infinity"
        return f"the number {_num(number)}"
    if isinstance(value, str):
        return f"text {_short(value)}" if value else "empty text"
    if isinstance(value, (list, tuple)):
        n = len(value)
        return f"a list of {n} item{'s' if n != 1 else ''}" if n else "an empty list"
    if isinstance(value, Mapping):
        return "a group of settings {…}" if value else "an empty group of settings {}"
    return f"a {type(value).__name__} value"


def _key_text(key: Any) -> str:
    return _short(key) if isinstance(key, str) else repr(key)


def _did_you_mean(key: Any, known) -> str:
    if not isinstance(key, str):
        return ""
    close = difflib.get_close_matches(key[:100], [str(k) for k in known], n=1, cutoff=0.6)
    return f" — did you mean {close[0]!r}?" if close else ""


def _known_list(known) -> str:
    names = [str(k) for k in known]
    return ", ".join(names) if names else "none"


def _child(where: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    if isinstance(key, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return f"{where}.{key}" if where else key
    return f"{where}[{_key_text(key)}]"


# --------------------------------------------------------------------------------------
# The declarative schema
# --------------------------------------------------------------------------------------

_EXPECTED = {
    "number": "a number",
    "integer": "a whole number",
    "bool": "true or false",
    "text": "text",
    "expression": "a formula (text)",
    "list": "a list [...]",
    "dict": "a group of settings {...}",
}


@dataclass(frozen=True, eq=False)
class Field:
    """One setting of a tab (or of a nested group) and the values it accepts.

    ``kind`` is one of :data:`KINDS`:

    * ``"number"`` — a finite float (ints accepted and turned into floats; true/false, NaN
      and infinities refused), within ``[min, max]`` (``min_exclusive`` makes the lower end
      open, e.g. a step that must be more than 0);
    * ``"integer"`` — a whole number (``2.0`` is accepted as ``2``), within ``[min, max]``;
    * ``"bool"`` — ``true``/``false`` only (not 0/1);
    * ``"text"`` — a string of at most ``max_len`` characters;
    * ``"expression"`` — text that :func:`expression.parse` accepts with ``variables``;
    * ``"choice"`` — one of ``choices`` (any JSON scalars);
    * ``"list"`` — a list of at most ``max_len`` items, each checked by the Field ``items``;
    * ``"dict"`` — a group of settings: ``items`` is either a nested schema
      (``dict[str, Field]``: fixed keys, unknown ones refused) or one Field that every value
      must satisfy (free keys, at most ``max_len`` of them).

    ``choices`` also restricts number, integer and text fields.  ``check`` is an optional
    extra test run on the normalised value; it raises ``ValueError`` with a message (or
    returns nothing).
    """

    kind: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None
    max_len: int | None = None
    items: Any = None
    min_exclusive: bool = False
    variables: tuple[str, ...] = ("x",)
    check: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise TypeError(f"unknown Field kind {self.kind!r}: use one of {', '.join(KINDS)}")
        for name in ("min", "max"):
            bound = getattr(self, name)
            if bound is not None and not (_is_number(bound) and math.isfinite(bound)):
                raise TypeError(f"Field {name} must be a finite number, got {bound!r}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise TypeError(f"Field min {self.min!r} is larger than max {self.max!r}")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
            if not self.choices:
                raise TypeError("Field choices must not be empty")
        if self.kind == "choice" and self.choices is None:
            raise TypeError("a 'choice' Field needs choices")
        if self.max_len is not None and (not isinstance(self.max_len, int)
                                         or isinstance(self.max_len, bool)
                                         or self.max_len < 0):
            raise TypeError(f"Field max_len must be a whole number >= 0, got {self.max_len!r}")
        if self.kind == "list" and not isinstance(self.items, Field):
            raise TypeError("a 'list' Field needs items=Field(...)")
        if self.kind == "dict":
            if isinstance(self.items, Mapping):
                object.__setattr__(self, "items", _checked_schema(self.items, "nested schema"))
            elif not isinstance(self.items, Field):
                raise TypeError("a 'dict' Field needs items: a schema {name: Field} or a Field")
        object.__setattr__(self, "variables", tuple(self.variables))

    @property
    def expected(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(_choice_text(c) for c in self.choices)
        return _EXPECTED[self.kind]

    def validate(self, value: Any, where: str = "") -> Any:
        """The normalised value, or :class:`ScenarioError` naming ``where`` (a dotted place)."""
        result = _CHECKERS[self.kind](self, value, where)
        if self.choices is not None and self.kind != "choice" and result not in self.choices:
            raise ScenarioError(
                f"{_describe(result)} is not allowed (use one of "
                f"{', '.join(_choice_text(c) for c in self.choices)})", where)
        if self.check is not None:
            try:
                self.check(result)
            except ScenarioError as error:
                raise ScenarioError(error.problem, _join_where(where, error.where)) from None
            except Exception as error:  # a tab's check must not crash a load
                raise ScenarioError(str(error) or type(error).__name__, where) from None
        return result


def _join_where(outer: str, inner: str | None) -> str:
    if not inner:
        return outer
    return f"{outer}{inner}" if inner.startswith("[") else f"{outer}.{inner}"


def _choice_text(choice: Any) -> str:
    if isinstance(choice, str):
        return repr(choice)
    if choice is None:
        return "null"
    return _num(choice) if _is_number(choice) or _is_bool(choice) else repr(choice)


def _wrong_type(field: Field, value: Any, where: str) -> ScenarioError:
    return ScenarioError(f"expected {field.expected}, got {_describe(value)}", where)


def _range_text(field: Field) -> str:
    lo, hi = field.min, field.max
    if lo is not None and hi is not None:
        if field.min_exclusive:
            return f"more than {_num(lo)} and at most {_num(hi)}"
        return f"from {_num(lo)} to {_num(hi)}"
    if lo is not None:
        return f"more than {_num(lo)}" if field.min_exclusive else f"at least {_num(lo)}"
    return f"at most {_num(hi)}"


def _check_range(field: Field, number: float | int, where: str) -> None:
    lo, hi = field.min, field.max
    below = lo is not None and (number <= lo if field.min_exclusive else number < lo)
    above = hi is not None and number > hi
    if below or above:
        raise ScenarioError(f"{_num(number)} is out of range (allowed: {_range_text(field)})",
                            where)


def _check_number(field: Field, value: Any, where: str) -> float:
    if not _is_number(value):
        raise _wrong_type(field, value, where)
    try:
        number = float(value)
    except OverflowError:
        allowed = f" (allowed: {_range_text(field)})" if field.min is not None \
            or field.max is not None else ""
        raise ScenarioError(f"the number {_num(int(value))} is far too large{allowed}",
                            where) from None
    if not math.isfinite(number):
        raise ScenarioError(f"expected a finite number, got {_describe(number)}", where)
    _check_range(field, number, where)
    return number


def _check_integer(field: Field, value: Any, where: str) -> int:
    if not _is_number(value):
        raise _wrong_type(field, value, where)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            raise ScenarioError(f"expected a whole number, got {_describe(number)}", where)
        if number != int(number):
            raise ScenarioError(f"expected a whole number, got {_describe(number)}", where)
        value = int(number)
    result = int(value)
    _check_range(field, result, where)
    return result


def _check_bool(field: Field, value: Any, where: str) -> bool:
    if not _is_bool(value):
        raise _wrong_type(field, value, where)
    return bool(value)


def _check_unicode(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ScenarioError(f"the text holds an invalid character (a lone surrogate) at "
                            f"position {error.start + 1}", where) from None


def _check_text(field: Field, value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(field, value, where)
    _check_unicode(value, where)
    limit = field.max_len if field.max_len is not None else DEFAULT_TEXT_LEN
    if len(value) > limit:
        raise ScenarioError(f"the text is too long ({len(value):,} characters; at most "
                            f"{limit:,})", where)
    return str(value)


def _check_expression(field: Field, value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(field, value, where)
    limit = field.max_len if field.max_len is not None else _expression.MAX_LENGTH
    if len(value) > limit:
        raise ScenarioError(f"the formula is too long ({len(value):,} characters; at most "
                            f"{limit:,})", where)
    _check_unicode(value, where)
    try:
        _expression.parse(value, variables=field.variables)
    except _expression.ExpressionError as error:
        raise ScenarioError(f"the formula {_short(value)} cannot be used: {error}",
                            where) from None
    except Exception as error:  # the parser promises not to; belt and braces
        raise ScenarioError(f"the formula {_short(value)} could not be read "
                            f"({type(error).__name__})", where) from None
    return str(value)


def _check_choice(field: Field, value: Any, where: str) -> Any:
    for choice in field.choices:
        # 1 == True and 1.0 == 1 in Python: compare types as well, so true is not 1.
        if _is_bool(choice) != _is_bool(value):
            continue
        if isinstance(choice, str) != isinstance(value, str):
            continue
        if _is_number(choice) and not _is_number(value):
            continue
        try:
            equal = bool(value == choice)
        except Exception:  # odd in-memory values
            equal = False
        if equal:
            return choice
    hint = ""
    if isinstance(value, str):
        hint = _did_you_mean(value, [c for c in field.choices if isinstance(c, str)])
    raise ScenarioError(f"expected {field.expected}, got {_describe(value)}{hint}", where)


def _check_list(field: Field, value: Any, where: str) -> list:
    if not isinstance(value, (list, tuple)):
        raise _wrong_type(field, value, where)
    limit = field.max_len if field.max_len is not None else DEFAULT_LIST_LEN
    if len(value) > limit:
        raise ScenarioError(f"the list is too long ({len(value):,} items; at most "
                            f"{limit:,})", where)
    return [field.items.validate(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _check_dict(field: Field, value: Any, where: str) -> dict:
    if isinstance(field.items, Field):
        if not isinstance(value, Mapping):
            raise _wrong_type(field, value, where)
        limit = field.max_len if field.max_len is not None else DEFAULT_DICT_LEN
        if len(value) > limit:
            raise ScenarioError(f"too many entries ({len(value):,}; at most {limit:,})", where)
        result = {}
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 100:
                raise ScenarioError(f"{_key_text(key)} is not a valid name", where)
            _check_unicode(key, where)
            result[key] = field.items.validate(item, _child(where, key))
        return result
    return _check_group(field.items, value, where)


_CHECKERS: dict[str, Callable[[Field, Any, str], Any]] = {
    "number": _check_number,
    "integer": _check_integer,
    "bool": _check_bool,
    "text": _check_text,
    "expression": _check_expression,
    "choice": _check_choice,
    "list": _check_list,
    "dict": _check_dict,
}


def _check_group(schema: Mapping[str, Field], value: Any, where: str) -> dict:
    """A group of settings against a schema: unknown keys refused, required keys present."""
    if not isinstance(value, Mapping):
        raise ScenarioError(f"expected a group of settings {{...}}, got {_describe(value)}",
                            where)
    for key in value:
        if key not in schema or not isinstance(key, str):
            raise ScenarioError(
                f"unknown setting {_key_text(key)}{_did_you_mean(key, schema)} "
                f"(known settings: {_known_list(schema)})", where)
    for key, field in schema.items():
        if field.required and key not in value:
            raise ScenarioError(f"the setting {key!r} is missing", where)
    return {key: schema[key].validate(item, _child(where, key)) for key, item in value.items()}


def _checked_schema(schema: Any, what: str) -> dict[str, Field]:
    if not isinstance(schema, Mapping):
        raise TypeError(f"a {what} must be a dict of name -> Field, got {type(schema).__name__}")
    checked = {}
    for name, field in schema.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"setting names in a {what} must be non-empty text, got {name!r}")
        if not isinstance(field, Field):
            raise TypeError(f"{what} setting {name!r} must be a Field, got {field!r}")
        checked[name] = field
    return checked


#: Tab key -> schema of that tab's ``state()``. Tabs add theirs with register_tab_schema.
TAB_SCHEMAS: dict[str, dict[str, Field]] = {}


def register_tab_schema(key: str, schema: Mapping[str, Field]) -> None:
    """Declare the settings a tab saves: ``key`` is the tab's key (``"surface"``).

    Registering a key again replaces its schema (a tab may refine it).  Raises ``TypeError``
    for a malformed schema, so a programming mistake shows up at import time.
    """
    if not isinstance(key, str) or not _TAB_KEY.match(key):
        raise TypeError(f"a tab key is lower-case letters, digits and '_', got {key!r}")
    TAB_SCHEMAS[key] = _checked_schema(schema, f"schema of tab {key!r}")


# --------------------------------------------------------------------------------------
# Built-in schemas: the hot-and-cold tab and the slope tab
# --------------------------------------------------------------------------------------

def _usable_curve(text: str) -> None:
    """Refuse formulas the tabs cannot draw (no derivative, undefined on the whole plot)."""
    from desktop_app.model.functions import CURVES, Curve

    if any(curve.text == text for curve in CURVES.values()):
        return
    try:
        Curve.from_text(text)
    except ValueError as error:  # ExpressionError, with a message for a student
        raise ValueError(f"the formula {_short(text)} cannot be used: {error}") from None


#: Limits shared with the tabs (desktop_app/ui/hot_cold_tab.py and slope_tab.py).
POSITION_LIMIT = 1000.0
HOT_STEP_MAX = 100.0
SLOPE_LEARNING_RATE_RANGE = (0.001, 5.0)
SLOPE_GUESS_LIMIT = 50.0
SLOPE_MODES = ("explore", "descend", "predict")
#: A slope walk stops by itself after this many steps (slope.SlopeDescent.max_steps).
SLOPE_MAX_DESCENT_STEPS = 10_000

HOT_SCHEMA: dict[str, Field] = {
    "function": Field("expression", variables=("x",), check=_usable_curve),
    "start": Field("number", min=-POSITION_LIMIT, max=POSITION_LIMIT),
    "step": Field("number", min=0.0, max=HOT_STEP_MAX, min_exclusive=True),
    "first_direction": Field("integer", choices=(-1, 1)),
    "halve_when_stuck": Field("bool"),
    "dark_room": Field("bool"),
}

SLOPE_SCHEMA: dict[str, Field] = {
    "function": Field("expression", variables=("x",), check=_usable_curve),
    "x": Field("number", min=-POSITION_LIMIT, max=POSITION_LIMIT),
    "q": Field("number", min=min(Q_NOTCHES), max=max(Q_NOTCHES)),
    "mode": Field("choice", choices=SLOPE_MODES),
    "learning_rate": Field("number", min=SLOPE_LEARNING_RATE_RANGE[0],
                           max=SLOPE_LEARNING_RATE_RANGE[1]),
    "use_secant": Field("bool"),
    "show_tangent": Field("bool"),
    "start": Field("number", min=-POSITION_LIMIT, max=POSITION_LIMIT),
    "descent_steps": Field("integer", min=0, max=SLOPE_MAX_DESCENT_STEPS),
    "guess": Field("number", min=-SLOPE_GUESS_LIMIT, max=SLOPE_GUESS_LIMIT),
}

register_tab_schema("hot", HOT_SCHEMA)
register_tab_schema("slope", SLOPE_SCHEMA)


# --------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------

_DOCUMENT_FIELDS = {
    "saved_by": Field("text", max_len=100),
    "title": Field("text", max_len=200),
    "notes": Field("text", max_len=20_000),
}
_TOP_LEVEL_KEYS = ENVELOPE_KEYS + STATE_KEYS


def _check_version(document: Mapping) -> int:
    if "version" not in document:
        raise ScenarioError("the scenario has no version number (the 'version' key is missing)")
    version = document["version"]
    if not _is_number(version) or (isinstance(version, (float, np.floating))
                                   and not (math.isfinite(version)
                                            and version == int(version))):
        raise ScenarioError(f"expected a whole number, got {_describe(version)}", "version")
    version = int(version)
    oldest = min([VERSION, *MIGRATIONS])
    if version > VERSION:
        raise ScenarioError(f"version {_num(version)} is newer than this app understands (it "
                            f"reads version {VERSION}) — please update Deep Learning Made "
                            f"Simple to open this file")
    if version < oldest:
        reads = (f"version {VERSION}" if oldest == VERSION
                 else f"versions {oldest} to {VERSION}")
        raise ScenarioError(f"version {_num(version)} is not a valid scenario version "
                            f"(this app reads {reads})")
    return version


def validate(document: Mapping) -> dict:
    """Check a whole in-memory document; return a normalised copy at :data:`VERSION`.

    The copy holds fresh dicts and lists, numbers as floats, whole numbers as ints; older
    versions are migrated.  Raises :class:`ScenarioError` at the first problem.
    """
    if not isinstance(document, Mapping):
        raise ScenarioError(f"the file holds {_describe(document)} instead of a scenario "
                            f"(a group of settings {{...}})")
    if "format" not in document:
        raise ScenarioError("this is not a Deep Learning Made Simple scenario: the 'format' "
                            "tag is missing")
    found = document["format"]
    if not (isinstance(found, str) and found == FORMAT):
        shown = _short(found) if isinstance(found, str) else _describe(found)
        raise ScenarioError(f"this is not a Deep Learning Made Simple scenario: its format "
                            f"is {shown}, expected {FORMAT!r}")
    version = _check_version(document)
    document = dict(document)
    while version < VERSION:
        try:
            document = dict(MIGRATIONS[version](document))
        except ScenarioError:
            raise
        except Exception as error:  # a damaged old file must not crash a load
            raise ScenarioError(f"this version {version} scenario could not be upgraded to "
                                f"version {version + 1} ({type(error).__name__}: {error})"
                                ) from None
        version += 1
        document["version"] = version

    for key in document:
        if key not in _TOP_LEVEL_KEYS or not isinstance(key, str):
            raise ScenarioError(f"unknown setting {_key_text(key)}"
                                f"{_did_you_mean(key, _TOP_LEVEL_KEYS)} (known settings: "
                                f"{_known_list(_TOP_LEVEL_KEYS)})")
    result: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for key, field in _DOCUMENT_FIELDS.items():
        if key in document:
            result[key] = field.validate(document[key], key)
    if "current_tab" in document:
        current = document["current_tab"]
        if not isinstance(current, str):
            raise ScenarioError(f"expected the key of a tab (text), got {_describe(current)}",
                                "current_tab")
        if current not in TAB_SCHEMAS:
            raise ScenarioError(f"unknown tab {_short(current)}"
                                f"{_did_you_mean(current, TAB_SCHEMAS)} (this app has: "
                                f"{_known_list(TAB_SCHEMAS)})", "current_tab")
        result["current_tab"] = current
    if "tabs" not in document:
        raise ScenarioError("the scenario has no 'tabs' section")
    tabs = document["tabs"]
    if not isinstance(tabs, Mapping):
        raise ScenarioError(f"expected a group of tabs {{...}}, got {_describe(tabs)}", "tabs")
    result["tabs"] = {}
    for key, tab_state in tabs.items():
        if not isinstance(key, str) or key not in TAB_SCHEMAS:
            raise ScenarioError(f"unknown tab {_key_text(key)}{_did_you_mean(key, TAB_SCHEMAS)}"
                                f" (this app has: {_known_list(TAB_SCHEMAS)})", "tabs")
        result["tabs"][key] = _check_group(TAB_SCHEMAS[key], tab_state, _child("tabs", key))
    if "focus" in document:
        result["focus"] = _check_focus(document["focus"])
    return result


#: At most this many hidden controls per tab in ``focus``.
MAX_FOCUS_NAMES = 500
_WIDGET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}\Z")


def _check_focus(focus: Any) -> dict[str, list[str]]:
    """``focus``: {tab key: [objectName of a hidden control, ...]}."""
    if not isinstance(focus, Mapping):
        raise ScenarioError(f"expected a group of tabs {{...}}, got {_describe(focus)}", "focus")
    result: dict[str, list[str]] = {}
    for key, names in focus.items():
        if not isinstance(key, str) or key not in TAB_SCHEMAS:
            raise ScenarioError(f"unknown tab {_key_text(key)}{_did_you_mean(key, TAB_SCHEMAS)}"
                                f" (this app has: {_known_list(TAB_SCHEMAS)})", "focus")
        where = _child("focus", key)
        if not isinstance(names, (list, tuple)):
            raise ScenarioError(f"expected a list of control names [...], got "
                                f"{_describe(names)}", where)
        if len(names) > MAX_FOCUS_NAMES:
            raise ScenarioError(f"the list is too long ({len(names):,} items; at most "
                                f"{MAX_FOCUS_NAMES:,})", where)
        checked = []
        for index, name in enumerate(names):
            place = f"{where}[{index}]"
            if not isinstance(name, str):
                raise ScenarioError(f"expected the name of a control (text), got "
                                    f"{_describe(name)}", place)
            if not _WIDGET_NAME.match(name):
                raise ScenarioError(f"{_short(name)} is not the name of a control (letters, "
                                    f"digits and '_')", place)
            if name not in checked:
                checked.append(name)
        result[key] = checked
    return result


def _state_of(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in ENVELOPE_KEYS}


# --------------------------------------------------------------------------------------
# Text <-> document
# --------------------------------------------------------------------------------------

# A JSON string (escapes included), or an unterminated one running to the end of the text.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.S)
_BRACKETS = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}

_JSON_MESSAGES = (
    ("Expecting value", "a value is missing or mistyped"),
    ("Expecting ',' delimiter", "a comma is missing"),
    ("Expecting ':' delimiter", "a colon is missing"),
    ("Expecting property name enclosed in double quotes",
     "expected a setting name in double quotes, or there is one comma too many"),
    ("Unterminated string", "a text in quotes is not closed"),
    ("Invalid control character", "a text holds a control character (such as a tab or line "
     "break) that must be written with a backslash"),
    ("Invalid \\escape", "a backslash escape is not valid"),
    ("Invalid \\uXXXX escape", "a backslash escape is not valid"),
    ("Extra data", "there is something after the end of the scenario"),
)


class _RefusedError(Exception):
    """Raised by the json hooks; turned into a ScenarioError with a position afterwards."""

    def __init__(self, problem: str, token: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.token = token


def _refuse_constant(name: str):
    raise _RefusedError(f"the file contains {name}, which is not a number a scenario can "
                        f"hold", name)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _RefusedError(f"the number {_short(text, 30)} is too large", text)
    return value


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _RefusedError(f"a number has {digits:,} digits (at most {MAX_INT_DIGITS})", text)
    return int(text)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise _RefusedError(f"the setting {_short(key)} appears twice in the same group")
        result[key] = value
    return result


def _line_column(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column}"


def _scan_depth(text: str) -> tuple[int, bool]:
    """(deepest bracket nesting outside strings, whether the text ends inside something).

    NumPy keeps this linear and fast even for a megabyte of brackets; json.loads is only
    called once the depth is known to be small.
    """
    outside = _STRING.sub('""', text)
    unterminated = _ends_in_open_string(text)
    data = np.frombuffer(outside.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    steps = np.zeros(data.shape, dtype=np.int64)
    for code, step in _BRACKETS.items():
        steps[data == code] = step
    if steps.size == 0:
        return 0, unterminated
    depth = np.cumsum(steps)
    return int(depth.max()), unterminated or bool(depth[-1] > 0)


def _ends_in_open_string(text: str) -> bool:
    found = deque(_STRING.finditer(text), maxlen=1)  # the last string in the text
    last = found[0] if found else None
    if last is None or last.end() != len(text):
        return False
    body = last.group()
    return len(body) == 1 or not body.endswith('"') or _escaped_quote_at_end(body)


def _escaped_quote_at_end(body: str) -> bool:
    # '"abc\"' ends with a quote that is escaped (odd number of backslashes before it).
    backslashes = len(body[:-1]) - len(body[:-1].rstrip("\\"))
    return backslashes % 2 == 1


def _position_of(text: str, token: str) -> str:
    masked = _STRING.sub(lambda m: " " * len(m.group()), text)
    pos = masked.find(token)
    return _line_column(text, pos) + ": " if pos >= 0 else ""


def _parse_json(text: str) -> Any:
    """JSON text -> Python values, or ScenarioError (never RecursionError or plain ValueError)."""
    if len(text) > MAX_BYTES:
        raise ScenarioError(f"the scenario is too big ({len(text):,} characters; scenario "
                            f"files are at most {MAX_BYTES // (1024 * 1024)} MB)")
    if not text.strip():
        raise ScenarioError("the file is empty")
    depth, cut_off = _scan_depth(text)
    if depth > MAX_DEPTH:
        raise ScenarioError(f"the file is nested too deeply (more than {MAX_DEPTH} levels of "
                            f"brackets) — it is not a scenario file")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_parse_float,
                          parse_int=_parse_int, object_pairs_hook=_no_duplicates)
    except _RefusedError as refused:
        where = _position_of(text, refused.token) if refused.token else ""
        raise ScenarioError(where + refused.problem) from None
    except json.JSONDecodeError as error:
        detail = next((friendly for start, friendly in _JSON_MESSAGES
                       if error.msg.startswith(start)), error.msg)
        ending = "; it seems to be cut off" if cut_off else ""
        raise ScenarioError(f"{_line_column(text, error.pos)}: the file is not valid JSON "
                            f"({detail}){ending}") from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise ScenarioError(f"the file is not valid JSON ({type(error).__name__})") from None


def _decode(data: bytes) -> str:
    """Bytes of a file -> text, refusing UTF-16, binary data and invalid UTF-8."""
    if len(data) > MAX_BYTES:
        raise ScenarioError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB — too "
                            f"big for a scenario")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            len(data) >= 4 and (data[1:4:2] == b"\0\0" or data[0:3:2] == b"\0\0")):
        raise ScenarioError("the file is saved as UTF-16 text; scenario files must be UTF-8 "
                            "(save it again as UTF-8)")
    if data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark some editors add
        data = data[3:]
    if not data.strip():
        raise ScenarioError("the file is empty")
    if b"\0" in data:
        raise ScenarioError("the file holds binary data, not text — it is not a scenario file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ScenarioError(f"line {line}: the file is not UTF-8 text (byte "
                            f"0x{data[error.start]:02x} cannot be read) — it may be damaged, "
                            f"or not a scenario file") from None


def loads_document(text: str | bytes) -> dict:
    """JSON text (or UTF-8 bytes) -> the whole validated, normalised document."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = _decode(bytes(text))
    elif not isinstance(text, str):
        raise TypeError(f"loads needs text or bytes, got {type(text).__name__}")
    elif text.startswith("\ufeff"):
        text = text[1:]
    return validate(_parse_json(text))


def loads(text: str | bytes) -> dict:
    """JSON text (or UTF-8 bytes) -> the state (the document without its envelope)."""
    return _state_of(loads_document(text))


def dumps(state: Mapping) -> str:
    """State -> the pretty-printed JSON text of its document; validates it first.

    ``state`` holds ``tabs`` and optionally ``current_tab``, ``title``, ``notes``; envelope
    keys (``format``, ``version``, ``saved_by``) are replaced by this app's own.
    """
    if not isinstance(state, Mapping):
        raise ScenarioError(f"a state must be a group of settings {{...}}, got "
                            f"{_describe(state)}")
    document = {"format": FORMAT, "version": VERSION, "saved_by": __version__}
    document.update((k, v) for k, v in state.items() if k not in ENVELOPE_KEYS)
    document = validate(document)
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise ScenarioError(f"the scenario is too big to save ({size:,} bytes; at most "
                            f"{MAX_BYTES:,})")
    return text


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def _name(path) -> str:
    return _short(os.fsdecode(path), 80)


def _os_problem(error: OSError, path, doing: str) -> ScenarioError:
    """An operating-system error while reading (``doing="read"``) or saving a file."""
    name = _name(path)
    reading = doing == "read"
    if isinstance(error, FileNotFoundError):
        return ScenarioError(f"the file {name} does not exist" if reading
                             else f"the folder for {name} does not exist")
    if isinstance(error, IsADirectoryError):
        return ScenarioError(f"{name} is a folder, not a scenario file")
    if isinstance(error, PermissionError):
        return ScenarioError(f"you do not have permission to {'read' if reading else 'save'} "
                             f"{name}")
    if isinstance(error, NotADirectoryError):
        return ScenarioError(f"part of the path {name} is a file, not a folder")
    reason = error.strerror or str(error) or type(error).__name__
    return ScenarioError(f"the file {name} could not be {'read' if reading else 'saved'} "
                         f"({reason})")


def _read_at_most(stream, limit: int) -> bytes:
    """Read until end of file but never more than ``limit`` bytes."""
    chunks, total = [], 0
    while total < limit:
        chunk = stream.read(min(limit - total, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _read(path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: a FIFO must not hang the app
    except OSError as error:
        raise _os_problem(error, path, "read") from None
    except ValueError:  # an embedded NUL character in the path
        raise ScenarioError(f"{_name(path)} is not a valid file name") from None
    try:
        with os.fdopen(fd, "rb", buffering=0) as stream:
            info = os.fstat(stream.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise ScenarioError(f"{_name(path)} is a folder, not a scenario file")
            if not stat.S_ISREG(info.st_mode):
                raise ScenarioError(f"{_name(path)} is not a regular file")
            if info.st_size > MAX_BYTES:
                raise ScenarioError(
                    f"the file is too big for a scenario ({info.st_size / (1024 * 1024):.1f} MB; "
                    f"scenario files are at most {MAX_BYTES // (1024 * 1024)} MB)")
            return _read_at_most(stream, MAX_BYTES + 1)
    except OSError as error:
        raise _os_problem(error, path, "read") from None


def load_document(path) -> dict:
    """Read, check and return the whole normalised document of a scenario file."""
    return loads_document(_decode(_read(path)))


def load(path) -> dict:
    """Read a scenario file and return its state: a fresh dict, only if everything is valid.

    Raises :class:`ScenarioError` (never anything else) for a missing, unreadable, too big,
    damaged or invalid file; only a ``path`` that is not a path at all (``None``) is a
    ``TypeError``.
    """
    return _state_of(load_document(path))


def _fsync_folder(folder: str) -> None:
    """Make the rename durable; not possible (nor needed) on every system."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save(path, state: Mapping) -> None:
    """Write ``state`` to ``path`` atomically: afterwards the file is the old one or the new one.

    Validation comes first (a bad state, NaN or infinity raises :class:`ScenarioError` and
    touches nothing).  Then a temporary file is written next to the target, flushed, fsynced
    and renamed over it with ``os.replace``; the folder is fsynced too.  On any failure the
    temporary file is removed; operating-system errors become :class:`ScenarioError`.  An
    existing file keeps its permissions; a symbolic link is followed, not replaced.
    """
    data = dumps(state).encode("utf-8")
    target = os.path.realpath(os.fsdecode(os.fspath(path)))
    if os.path.isdir(target):
        raise ScenarioError(f"{_name(path)} is a folder, not a scenario file")
    folder = os.path.dirname(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = 0o644
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.",
                                         suffix=".saving", dir=folder)
    except OSError as error:
        raise _os_problem(error, path, "write") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            if hasattr(os, "fchmod"):
                os.fchmod(stream.fileno(), mode)
        os.replace(temporary, target)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise _os_problem(error, path, "write") from error
        raise
    _fsync_folder(folder)
