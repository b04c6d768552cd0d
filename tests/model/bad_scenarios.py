"""Corrupted and hostile scenario files, each with a fragment of the message it must give.

Every entry is a :class:`BadFile`: either the exact bytes of the file (``data``) or a
function ``make(folder) -> path`` that builds something in a temporary folder (a folder
instead of a file, a 30 MB file, a FIFO...).  ``scenario.load`` must raise
``ScenarioError`` — never another exception — whose message contains ``expected``, and it
must answer at once.

The corpus is built from :data:`VALID_STATE`, a realistic hot-and-cold + slope state, so a
single wrong value stands out in an otherwise valid file.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FORMAT = "deep-learning-made-simple/scenario"

VALID_STATE = {
    "title": "Lesson 2 — walking downhill",
    "notes": "Start with the parabola, then try the two valleys.\nAsk: which way is hotter?",
    "current_tab": "slope",
    "tabs": {
        "hot": {
            "function": "0.25x^4 - x^2 + 0.5x + 2",
            "start": -2.5,
            "step": 0.75,
            "first_direction": -1,
            "halve_when_stuck": True,
            "dark_room": False,
        },
        "slope": {
            "function": "x^2/4 + sin(3x)",
            "x": 1.25,
            "q": 0.016,
            "mode": "descend",
            "learning_rate": 0.1,
            "use_secant": True,
            "show_tangent": False,
            "start": 3.0,
            "descent_steps": 12,
            "guess": -0.5,
        },
    },
}

HUGE = 30 * 1024 * 1024  # bytes: 30 MB


def valid_document() -> dict:
    """A fresh valid version-1 document holding VALID_STATE."""
    return {"format": FORMAT, "version": 1, "saved_by": "0.1.0",
            **copy.deepcopy(VALID_STATE)}


def text_of(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=True)


VALID_TEXT = text_of(valid_document())
VALID_BYTES = VALID_TEXT.encode("utf-8")


def changed(*path, value) -> bytes:
    """The valid document with the setting at ``path`` set to ``value``."""
    document = valid_document()
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return text_of(document).encode("utf-8")


def removed(*path) -> bytes:
    document = valid_document()
    target = document
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return text_of(document).encode("utf-8")


def renamed(*path, to: str) -> bytes:
    """The valid document with the key at ``path`` renamed (a typo in a hand edit)."""
    document = valid_document()
    target = document
    for key in path[:-1]:
        target = target[key]
    target[to] = target.pop(path[-1])
    return text_of(document).encode("utf-8")


def replaced(old: str, new: str) -> bytes:
    """The valid text with one piece of text replaced (for what json.dumps cannot write)."""
    assert VALID_TEXT.count(old) == 1, old
    return VALID_TEXT.replace(old, new).encode("utf-8")


@dataclass(frozen=True)
class BadFile:
    name: str
    expected: str
    data: bytes | None = None
    make: Callable[[Path], Path] | None = None


# -- builders for things that are not just bytes ---------------------------------------------

def _folder(tmp: Path) -> Path:
    path = tmp / "lesson.json"
    path.mkdir()
    return path


def _missing(tmp: Path) -> Path:
    return tmp / "no such lesson.json"


def _below_a_file(tmp: Path) -> Path:
    (tmp / "plain.json").write_bytes(VALID_BYTES)
    return tmp / "plain.json" / "inner.json"


def _nul_in_name(tmp: Path) -> Path:
    return Path(str(tmp / "bad\0name.json"))


def _write_huge(path: Path, head: bytes, filler: bytes, tail: bytes) -> Path:
    """head + filler repeated + tail, HUGE bytes in all."""
    remaining = HUGE - len(head) - len(tail)
    chunk = filler * (1 << 20)
    with open(path, "wb") as stream:
        stream.write(head)
        while remaining > 0:
            stream.write(chunk[:remaining])
            remaining -= min(remaining, len(chunk))
        stream.write(tail)
    assert path.stat().st_size == HUGE
    return path


def _huge_whitespace(tmp: Path) -> Path:
    return _write_huge(tmp / "huge.json", VALID_BYTES[:-1], b" ", b"}")


def _huge_string(tmp: Path) -> Path:
    head, tail = replaced('"notes": "', '"notes": "\x00').split(b"\x00")
    return _write_huge(tmp / "huge-notes.json", head, b"a", tail)


def _huge_sparse(tmp: Path) -> Path:
    path = tmp / "sparse.json"
    with open(path, "wb") as stream:
        stream.truncate(HUGE)
    return path


def _fifo(tmp: Path) -> Path:
    path = tmp / "pipe.json"
    os.mkfifo(path)
    return path


# -- the corpus ---------------------------------------------------------------------------------

_CUTS = (1, 2, 30, len(VALID_BYTES) // 4, len(VALID_BYTES) // 2, 3 * len(VALID_BYTES) // 4,
         len(VALID_BYTES) - 1)

TRUNCATED = [BadFile(f"cut after {n} bytes", "cut off", VALID_BYTES[:n]) for n in _CUTS]

NOT_JSON = [
    BadFile("empty file", "the file is empty", b""),
    BadFile("only whitespace", "the file is empty", b"  \n\t\r\n "),
    BadFile("binary garbage", "binary data", bytes(range(256)) * 8),
    BadFile("a PNG picture", "binary data", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
    BadFile("a JPEG picture (not UTF-8)", "not UTF-8", b"\xff\xd8\xff\xe0\x10JFIF" + b"\x80" * 40),
    BadFile("UTF-16 with a byte-order mark", "UTF-16", VALID_TEXT.encode("utf-16")),
    BadFile("UTF-16 big-endian", "UTF-16", VALID_TEXT.encode("utf-16-be")),
    BadFile("UTF-16 little-endian without a mark", "UTF-16", VALID_TEXT.encode("utf-16-le")),
    BadFile("Latin-1 text (invalid UTF-8)", "line 5: the file is not UTF-8",
            VALID_TEXT.encode("utf-8").replace("—".encode(), "\xe9".encode("latin-1"))),
    BadFile("a lone continuation byte", "not UTF-8", b'{"format": "\x80"}'),
    BadFile("trailing comma", "line 16, column 5: the file is not valid JSON",
            replaced('"dark_room": false', '"dark_room": false,')),
    BadFile("single quotes", "not valid JSON", b"{'format': 'deep-learning-made-simple'}"),
    BadFile("two documents", "something after the end", VALID_BYTES + b"\n{}"),
    BadFile("a raw tab inside a text", "control character", replaced("Ask:", "Ask:\t")),
    BadFile("a bad escape", "backslash escape", replaced("Ask:", "Ask\\q")),
    BadFile("missing comma", "a comma is missing", replaced('"step": 0.75,', '"step": 0.75')),
    BadFile("a list instead of a document", "instead of a scenario", b"[1, 2, 3]"),
    BadFile("just a text", "instead of a scenario", b'"hello"'),
    BadFile("null", "instead of a scenario", b"null"),
    BadFile("a Python dict", "not valid JSON",
            b"{'format': 'deep-learning-made-simple/scenario', 'version': 1, 'tabs': {}}"),
]

SPECIAL_NUMBERS = [
    BadFile("NaN literal", "contains NaN", changed("tabs", "hot", "start", value=float("nan"))),
    BadFile("Infinity literal", "line 12, column 15: the file contains Infinity",
            changed("tabs", "hot", "step", value=float("inf"))),
    BadFile("-Infinity literal", "contains -Infinity",
            changed("tabs", "slope", "x", value=float("-inf"))),
    BadFile("a number overflowing to infinity", "'1e999' is too large",
            replaced('"start": -2.5', '"start": 1e999')),
    BadFile("a 5000-digit integer", "5,000 digits",
            replaced('"descent_steps": 12', '"descent_steps": ' + "9" * 5000)),
    BadFile("a duplicated setting", "'start' appears twice",
            replaced('"start": -2.5,', '"start": -2.5, "start": 4,')),
]

HOT = ("tabs", "hot")
WRONG_TYPES = [
    BadFile("function is a number", "tabs.hot.function: expected a formula (text), got the "
            "number 5", changed(*HOT, "function", value=5)),
    BadFile("start is text", "tabs.hot.start: expected a number, got text 'abc'",
            changed(*HOT, "start", value="abc")),
    BadFile("step is a list", "tabs.hot.step: expected a number, got a list of 1 item",
            changed(*HOT, "step", value=[1])),
    BadFile("first_direction is text", "tabs.hot.first_direction: expected a whole number, "
            "got text 'left'", changed(*HOT, "first_direction", value="left")),
    BadFile("halve_when_stuck is text", "tabs.hot.halve_when_stuck: expected true or false, "
            "got text 'yes'", changed(*HOT, "halve_when_stuck", value="yes")),
    BadFile("dark_room is null", "tabs.hot.dark_room: expected true or false, got nothing",
            changed(*HOT, "dark_room", value=None)),
    BadFile("dark_room is 1", "tabs.hot.dark_room: expected true or false, got the number 1",
            changed(*HOT, "dark_room", value=1)),
    BadFile("the hot tab is a list", "tabs.hot: expected a group of settings",
            changed(*HOT, value=[])),
    BadFile("tabs is a list", "tabs: expected a group of tabs", changed("tabs", value=[])),
    BadFile("slope mode is a number", "tabs.slope.mode: expected one of 'explore'",
            changed("tabs", "slope", "mode", value=2)),
    BadFile("title is a number", "title: expected text, got the number 3",
            changed("title", value=3)),
    BadFile("current_tab is a list", "current_tab: expected the key of a tab",
            changed("current_tab", value=["hot"])),
]

BOOLS_AS_NUMBERS = [
    BadFile("start is true", "tabs.hot.start: expected a number, got true",
            changed(*HOT, "start", value=True)),
    BadFile("step is false", "tabs.hot.step: expected a number, got false",
            changed(*HOT, "step", value=False)),
    BadFile("first_direction is true", "tabs.hot.first_direction: expected a whole number, "
            "got true", changed(*HOT, "first_direction", value=True)),
    BadFile("descent_steps is true", "tabs.slope.descent_steps: expected a whole number",
            changed("tabs", "slope", "descent_steps", value=True)),
]

OUT_OF_RANGE = [
    BadFile("start too far right", "tabs.hot.start: 1000.5 is out of range (allowed: from "
            "-1000 to 1000)", changed(*HOT, "start", value=1000.5)),
    BadFile("start too far left", "tabs.hot.start: -5000 is out of range",
            changed(*HOT, "start", value=-5000)),
    BadFile("start beyond any float", "line 11, column 16: a number has 400 digits",
            changed(*HOT, "start", value=10 ** 399)),
    BadFile("step zero", "tabs.hot.step: 0 is out of range (allowed: more than 0 and at most "
            "100)", changed(*HOT, "step", value=0)),
    BadFile("step negative", "tabs.hot.step: -1 is out of range",
            changed(*HOT, "step", value=-1.0)),
    BadFile("step too big", "tabs.hot.step: 100.5 is out of range",
            changed(*HOT, "step", value=100.5)),
    BadFile("first_direction zero", "tabs.hot.first_direction: the number 0 is not allowed "
            "(use one of -1, 1)", changed(*HOT, "first_direction", value=0)),
    BadFile("first_direction a fraction", "tabs.hot.first_direction: expected a whole "
            "number, got the number 0.5", changed(*HOT, "first_direction", value=0.5)),
    BadFile("slope q too big", "tabs.slope.q: 5 is out of range (allowed: from 1e-12 to 2)",
            changed("tabs", "slope", "q", value=5)),
    BadFile("slope q zero", "tabs.slope.q: 0 is out of range",
            changed("tabs", "slope", "q", value=0)),
    BadFile("slope learning rate zero", "tabs.slope.learning_rate: 0 is out of range",
            changed("tabs", "slope", "learning_rate", value=0)),
    BadFile("slope descent_steps negative", "tabs.slope.descent_steps: -1 is out of range",
            changed("tabs", "slope", "descent_steps", value=-1)),
    BadFile("slope descent_steps a billion", "tabs.slope.descent_steps: 1000000000 is out of "
            "range (allowed: from 0 to 10000)",
            changed("tabs", "slope", "descent_steps", value=10 ** 9)),
    BadFile("slope guess too big", "tabs.slope.guess: 51 is out of range",
            changed("tabs", "slope", "guess", value=51)),
    BadFile("a 300-character title", "title: the text is too long (300 characters",
            changed("title", value="t" * 300)),
]

UNKNOWN_KEYS = [
    BadFile("typo in a hot setting", "tabs.hot: unknown setting 'strat' — did you mean "
            "'start'?", renamed(*HOT, "start", to="strat")),
    BadFile("typo in a slope setting", "tabs.slope: unknown setting 'learningrate' — did you "
            "mean 'learning_rate'?", renamed("tabs", "slope", "learning_rate", to="learningrate")),
    BadFile("an unrelated setting", "tabs.hot: unknown setting 'colour' (known settings: "
            "function, start", changed(*HOT, "colour", value="red")),
    BadFile("typo at the top", "unknown setting 'tab' — did you mean 'tabs'?",
            renamed("tabs", to="tab")),
    BadFile("unknown tab", "tabs: unknown tab 'foo'", changed("tabs", "foo", value={})),
    BadFile("typo in a tab name", "unknown tab 'slop' — did you mean 'slope'?",
            renamed("tabs", "slope", to="slop")),
    BadFile("typo in current_tab", "current_tab: unknown tab 'hott' — did you mean 'hot'?",
            changed("current_tab", value="hott")),
    BadFile("typo in a mode", "tabs.slope.mode: expected one of 'explore', 'descend', "
            "'predict', got text 'desend' — did you mean 'descend'?",
            changed("tabs", "slope", "mode", value="desend")),
    BadFile("no tabs at all", "the scenario has no 'tabs' section", removed("tabs")),
]

FORMAT_AND_VERSION = [
    BadFile("format missing", "the 'format' tag is missing", removed("format")),
    BadFile("another program's file", "its format is 'other-app/settings'",
            changed("format", value="other-app/settings")),
    BadFile("format is a number", "its format is the number 1", changed("format", value=1)),
    BadFile("a plain JSON settings file", "the 'format' tag is missing",
            b'{"start": 3, "step": 1}'),
    BadFile("version 0", "version 0 is not a valid scenario version", changed("version", value=0)),
    BadFile("version -3", "version -3 is not a valid scenario version",
            changed("version", value=-3)),
    BadFile("version 2", "version 2 is newer than this app understands (it reads version 1)",
            changed("version", value=2)),
    BadFile("version 7", "version 7 is newer than this app understands",
            changed("version", value=7)),
    BadFile("version as text", "version: expected a whole number, got text '1'",
            changed("version", value="1")),
    BadFile("version 1.5", "version: expected a whole number, got the number 1.5",
            changed("version", value=1.5)),
    BadFile("version true", "version: expected a whole number, got true",
            changed("version", value=True)),
    BadFile("version missing", "the scenario has no version number", removed("version")),
]

_DEEP = "[" * 100_000
NESTING = [
    BadFile("100,000 open brackets", "nested too deeply", _DEEP.encode()),
    BadFile("100,000 balanced brackets", "nested too deeply",
            (_DEEP + "]" * 100_000).encode()),
    BadFile("100,000 nested objects", "nested too deeply", ('{"a":' * 100_000).encode()),
    BadFile("25 levels inside the notes", "nested too deeply",
            replaced('"notes": "', '"notes": ' + "[" * 25 + "]" * 25 + ', "x": "')),
]

HOSTILE_FORMULAS = [
    BadFile("code in the formula", "tabs.hot.function: the formula \"__import__('os')\" "
            "cannot be used: '_' at column 1", changed(*HOT, "function", value="__import__('os')")),
    BadFile("a tower of powers", "tabs.hot.function: the formula '9^9^9^9^9' cannot be used: "
            "This function is not defined anywhere",
            changed(*HOT, "function", value="9^9^9^9^9")),
    BadFile("a 10,000-character formula", "tabs.hot.function: the formula is too long (10,000 "
            "characters; at most 1,000)", changed(*HOT, "function", value="x+" * 5000)),
    BadFile("exec in the slope formula", "tabs.slope.function: the formula \"exec('1')\" "
            "cannot be used", changed("tabs", "slope", "function", value="exec('1')")),
    BadFile("deep parentheses", "tabs.hot.function: the formula",
            changed(*HOT, "function", value="(" * 60 + "x" + ")" * 60)),
    BadFile("a formula in y", "tabs.hot.function: the formula 'y^2 + 1' cannot be used",
            changed(*HOT, "function", value="y^2 + 1")),
    BadFile("an empty formula", "tabs.slope.function: the formula '' cannot be used",
            changed("tabs", "slope", "function", value="")),
]

PATHS = [
    BadFile("a folder instead of a file", "is a folder, not a scenario file", make=_folder),
    BadFile("a missing file", "does not exist", make=_missing),
    BadFile("a path below a file", "is a file, not a folder", make=_below_a_file),
    BadFile("a NUL character in the name", "is not a valid file name", make=_nul_in_name),
    BadFile("30 MB of whitespace", "too big for a scenario (30.0 MB", make=_huge_whitespace),
    BadFile("a 30 MB string", "too big for a scenario (30.0 MB", make=_huge_string),
    BadFile("a 30 MB sparse file", "too big for a scenario (30.0 MB", make=_huge_sparse),
]
if hasattr(os, "mkfifo"):
    PATHS.append(BadFile("a named pipe", "is not a regular file", make=_fifo))

BAD_FILES: list[BadFile] = (TRUNCATED + NOT_JSON + SPECIAL_NUMBERS + WRONG_TYPES
                            + BOOLS_AS_NUMBERS + OUT_OF_RANGE + UNKNOWN_KEYS
                            + FORMAT_AND_VERSION + NESTING + HOSTILE_FORMULAS + PATHS)

assert len({case.name for case in BAD_FILES}) == len(BAD_FILES), "case names must be unique"
