"""Tests for scenario files: round trips, atomic saving, schemas and a corpus of bad files."""

from __future__ import annotations

import copy
import json
import math
import os
import stat
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desktop_app import __version__
from desktop_app.model import scenario
from desktop_app.model.scenario import (
    FORMAT,
    MAX_BYTES,
    TAB_SCHEMAS,
    VERSION,
    Field,
    ScenarioError,
    dumps,
    load,
    load_document,
    loads,
    register_tab_schema,
    save,
    validate,
)

from . import bad_scenarios
from .bad_scenarios import BAD_FILES, VALID_BYTES, VALID_STATE, valid_document

TIME_LIMIT = 1.0   # seconds: a safety bound for "answers at once", not a benchmark


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------


def test_round_trip_of_a_realistic_state(tmp_path):
    path = tmp_path / "lesson.json"
    save(path, VALID_STATE)
    loaded = load(path)
    assert loaded == VALID_STATE
    assert files_in(tmp_path) == ["lesson.json"]
    # The file is the documented, versioned, pretty-printed UTF-8 document.
    raw = path.read_bytes()
    document = json.loads(raw.decode("utf-8"))
    assert document["format"] == FORMAT == "deep-learning-made-simple/scenario"
    assert document["version"] == VERSION == 1
    assert document["saved_by"] == __version__
    assert document["tabs"] == VALID_STATE["tabs"]
    assert document["current_tab"] == "slope"
    assert raw.startswith(b'{\n  "format": ')
    assert raw.endswith(b"}\n")
    assert "Lesson 2 — walking downhill".encode() in raw   # UTF-8, not \u escapes
    assert load_document(path) == document


def test_load_returns_fresh_dicts_each_time(tmp_path):
    path = tmp_path / "lesson.json"
    save(path, VALID_STATE)
    first = load(path)
    first["tabs"]["hot"]["start"] = 99.0
    second = load(path)
    assert second["tabs"]["hot"]["start"] == -2.5
    assert second is not first and second["tabs"] is not first["tabs"]


def test_numbers_are_normalised_and_partial_states_are_fine(tmp_path):
    state = {"tabs": {"hot": {"start": 2, "step": np.float64(0.5), "first_direction": -1.0},
                      "slope": {"descent_steps": np.int64(3), "q": 1}}}
    path = tmp_path / "partial.json"
    save(path, state)
    loaded = load(path)
    assert loaded == {"tabs": {"hot": {"start": 2.0, "step": 0.5, "first_direction": -1},
                               "slope": {"descent_steps": 3, "q": 1.0}}}
    assert type(loaded["tabs"]["hot"]["start"]) is float
    assert type(loaded["tabs"]["hot"]["first_direction"]) is int
    assert type(loaded["tabs"]["slope"]["descent_steps"]) is int
    assert "current_tab" not in loaded
    save(path, {"tabs": {}})
    assert load(path) == {"tabs": {}}


def test_envelope_keys_in_a_state_are_replaced_by_the_apps_own():
    text = dumps({**VALID_STATE, "format": "junk", "version": 99, "saved_by": "someone"})
    document = json.loads(text)
    assert (document["format"], document["version"], document["saved_by"]) == (
        FORMAT, VERSION, __version__)


def test_dumps_and_loads_agree_and_accept_bytes_and_a_byte_order_mark():
    text = dumps(VALID_STATE)
    assert loads(text) == VALID_STATE
    assert loads(text.encode("utf-8")) == VALID_STATE
    assert loads(b"\xef\xbb\xbf" + text.encode("utf-8")) == VALID_STATE
    assert loads("\ufeff" + text) == VALID_STATE


def test_validate_returns_a_normalised_copy_and_leaves_its_input_alone():
    document = valid_document()
    document["tabs"]["hot"]["start"] = 3
    before = copy.deepcopy(document)
    result = validate(document)
    assert document == before
    assert result["tabs"]["hot"]["start"] == 3.0 and type(result["tabs"]["hot"]["start"]) is float
    assert result["tabs"] is not document["tabs"]
    assert result["tabs"]["hot"] is not document["tabs"]["hot"]
    bad = valid_document()
    bad["tabs"]["slope"]["mode"] = "sideways"
    bad_before = copy.deepcopy(bad)
    with pytest.raises(ScenarioError, match="tabs.slope.mode"):
        validate(bad)
    assert bad == bad_before


def test_catalog_and_typed_formulas_are_accepted():
    for text in ("x^2 + 1", "2 - 2exp(-(x - 1)^2)", "x^2/4 + sin(3x)", "3(x+1)^2 - 2x",
                 "sqrt(x^2 + 1)"):
        state = {"tabs": {"hot": {"function": text}, "slope": {"function": text}}}
        assert loads(dumps(state)) == state


# --------------------------------------------------------------------------------------
# Saving: refusals and atomicity
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), np.nan,
                                   np.float64("inf")])
def test_saving_nan_or_infinity_is_refused_and_touches_nothing(tmp_path, value):
    path = tmp_path / "lesson.json"
    save(path, VALID_STATE)
    old = path.read_bytes()
    state = copy.deepcopy(VALID_STATE)
    state["tabs"]["hot"]["start"] = value
    with pytest.raises(ScenarioError, match=r"^tabs\.hot\.start: expected a finite number"):
        save(path, state)
    assert path.read_bytes() == old
    assert files_in(tmp_path) == ["lesson.json"]


@pytest.mark.parametrize(("state", "fragment"), [
    ({"tabs": {"hot": {"start": "abc"}}}, "tabs.hot.start: expected a number, got text 'abc'"),
    ({"tabs": {"hot": {"step": 10 ** 400}}}, "tabs.hot.step: the number 100000000000… (401 "
     "digits) is far too large (allowed: more than 0 and at most 100)"),
    ({"tabs": {"hot": {"start": 1.0}, "network": {}}}, "tabs: unknown tab 'network'"),
    ({"tabs": {"hot": {1: 2}}}, "tabs.hot: unknown setting 1"),
    ({"tabs": {"hot": {"function": "x\ud800"}}}, "tabs.hot.function: the text holds an "
     "invalid character"),
    ({"tabs": {}, "notes": "\ud800"}, "notes: the text holds an invalid character"),
    ({"current_tab": "hot"}, "the scenario has no 'tabs' section"),
    ([("tabs", {})], "a state must be a group of settings"),
    ({"tabs": {}, "notes": "n" * 20_001}, "notes: the text is too long"),
])
def test_saving_an_invalid_state_is_refused(tmp_path, state, fragment):
    path = tmp_path / "lesson.json"
    with pytest.raises(ScenarioError) as caught:
        save(path, state)
    assert fragment in str(caught.value)
    assert files_in(tmp_path) == []


def test_a_state_too_big_for_a_file_is_not_saved(tmp_path, monkeypatch):
    register_in(monkeypatch, "big", {"items": Field("list", max_len=100_000,
                                                    items=Field("text"))})
    path = tmp_path / "big.json"
    with pytest.raises(ScenarioError, match="too big to save"):
        save(path, {"tabs": {"big": {"items": ["x" * 9_000] * 200}}})
    assert files_in(tmp_path) == []


def boom(*args, **kwargs):
    raise OSError(28, "No space left on device")


class HalfWriter:
    """A file that takes half of what is written, then reports a full disk."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.stream.close()

    def write(self, data: bytes) -> int:
        self.stream.write(data[: len(data) // 2])
        self.stream.flush()
        raise OSError(28, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.stream, name)


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_failure_while_saving_keeps_the_old_file_and_leaves_no_temporary(
        tmp_path, monkeypatch, step):
    path = tmp_path / "lesson.json"
    save(path, VALID_STATE)
    old = path.read_bytes()
    changed = copy.deepcopy(VALID_STATE)
    changed["tabs"]["hot"]["start"] = 1.5
    if step == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: HalfWriter(real_fdopen(fd, *a, **k)))
    else:
        monkeypatch.setattr(os, step, boom)
    with pytest.raises(ScenarioError, match="could not be saved \\(No space left on device\\)"):
        save(path, changed)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert load(path) == VALID_STATE
    assert files_in(tmp_path) == ["lesson.json"]


def test_a_crash_that_is_not_an_os_error_still_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / "lesson.json"
    save(path, VALID_STATE)
    old = path.read_bytes()

    def interrupted(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(path, {"tabs": {}})
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert files_in(tmp_path) == ["lesson.json"]


def test_a_failed_first_save_leaves_no_file_at_all(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(ScenarioError):
        save(tmp_path / "new.json", VALID_STATE)
    monkeypatch.undo()
    assert files_in(tmp_path) == []


def test_save_fsyncs_the_file_and_its_folder(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)
    monkeypatch.setattr(os, "fsync", fsync)
    save(tmp_path / "lesson.json", VALID_STATE)
    assert synced == [False, True]


def test_save_keeps_permissions_and_follows_links(tmp_path):
    path = tmp_path / "lesson.json"
    save(path, {"tabs": {}})
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    path.chmod(0o640)
    save(path, VALID_STATE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    link = tmp_path / "link.json"
    link.symlink_to(path)
    save(link, {"tabs": {}})
    assert link.is_symlink()
    assert load(path) == {"tabs": {}}


@pytest.mark.parametrize(("where", "fragment"), [
    ("folder", "is a folder, not a scenario file"),
    ("missing/lesson.json", "the folder for"),
])
def test_save_to_an_impossible_place(tmp_path, where, fragment):
    (tmp_path / "folder").mkdir()
    with pytest.raises(ScenarioError, match=fragment):
        save(tmp_path / where, VALID_STATE)
    assert files_in(tmp_path) == ["folder"]
    assert files_in(tmp_path / "folder") == []


# --------------------------------------------------------------------------------------
# The corpus of bad files
# --------------------------------------------------------------------------------------

def _make(case, tmp_path: Path) -> Path:
    if case.make is not None:
        return case.make(tmp_path)
    path = tmp_path / "lesson.json"
    path.write_bytes(case.data)
    return path


def test_the_corpus_is_big_enough():
    assert len(BAD_FILES) >= 30
    assert all(case.expected for case in BAD_FILES)
    assert all((case.data is None) != (case.make is None) for case in BAD_FILES)


@pytest.mark.parametrize("case", BAD_FILES, ids=[case.name for case in BAD_FILES])
def test_every_bad_file_gives_a_clear_scenario_error(tmp_path, case):
    path = _make(case, tmp_path)
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load(path)
    elapsed = time.perf_counter() - started
    assert type(caught.value) is ScenarioError
    assert case.expected in str(caught.value)
    assert elapsed < TIME_LIMIT
    if case.data is not None:   # the same answer without a file
        with pytest.raises(ScenarioError) as again:
            loads(case.data)
        assert str(again.value) == str(caught.value)


def _named(*names):
    by_name = {case.name: case for case in BAD_FILES}
    return [by_name[name] for name in names]


def test_the_corpus_holds_every_kind_of_bad_file_the_hardening_issue_lists():
    # Truncated, wrong types, unknown keys, wrong version, 30 MB, 100,000 nested brackets,
    # NaN literals and hostile expressions: each kind is in the corpus that every file
    # test (model and window) runs through.
    assert len(bad_scenarios.TRUNCATED) >= 5
    assert all(len(c.data) < len(VALID_BYTES) for c in bad_scenarios.TRUNCATED)
    assert len(bad_scenarios.WRONG_TYPES) >= 10
    assert len(bad_scenarios.UNKNOWN_KEYS) >= 5
    versions = [c for c in bad_scenarios.FORMAT_AND_VERSION if "version" in c.name]
    assert {"version 0", "version 2", "version as text", "version missing"} <= \
        {c.name for c in versions}
    huge = _named("30 MB of whitespace", "a 30 MB string", "a 30 MB sparse file")
    assert bad_scenarios.HUGE == 30 * 1024 * 1024 and all(c.make for c in huge)
    deep = _named("100,000 open brackets", "100,000 balanced brackets",
                  "100,000 nested objects")
    assert all(c.data.count(b"[") + c.data.count(b"{") >= 100_000 for c in deep)
    special = _named("NaN literal", "Infinity literal", "-Infinity literal")
    assert [b"NaN" in special[0].data, b"Infinity" in special[1].data,
            b"-Infinity" in special[2].data] == [True, True, True]
    assert len(bad_scenarios.HOSTILE_FORMULAS) >= 5
    assert any("__import__" in c.data.decode() for c in bad_scenarios.HOSTILE_FORMULAS)


def test_thirty_megabytes_of_text_are_refused_without_parsing(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("json.loads must not see a text over the size limit")
    monkeypatch.setattr(scenario.json, "loads", no_parsing)
    text = " " * (30 * 1024 * 1024 - 2) + "{}"
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match=r"the scenario is too big \(31,457,280 characters"):
        loads(text)
    with pytest.raises(ScenarioError, match="larger than 1 MB"):
        loads(text.encode("utf-8"))
    assert time.perf_counter() - started < TIME_LIMIT


def test_the_valid_base_of_the_corpus_loads(tmp_path):
    path = tmp_path / "lesson.json"
    path.write_bytes(VALID_BYTES)
    assert load(path) == VALID_STATE


def test_deep_nesting_is_refused_before_json_parses_it(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("json.loads must not see a deeply nested text")
    monkeypatch.setattr(scenario.json, "loads", no_parsing)
    for text in ("[" * 100_000, "{\"a\":" * 100_000 + "1" + "}" * 100_000,
                 "[" * 21 + "]" * 21):
        with pytest.raises(ScenarioError, match="nested too deeply"):
            loads(text)


def test_brackets_inside_texts_do_not_count_as_nesting():
    state = copy.deepcopy(VALID_STATE)
    state["notes"] = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{{{{{{{{{{{{{{ \"[[[[[[[[[[[[\\"
    assert loads(dumps(state)) == state
    document = valid_document()
    document["notes"] = "[" * 18
    document["tabs"]["hot"] = {"dark_room": True}
    text = json.dumps(document)
    assert loads(text)["tabs"]["hot"] == {"dark_room": True}


def test_a_huge_file_is_refused_by_its_size_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    with open(path, "wb") as stream:
        stream.truncate(30 * 1024 * 1024)

    def no_reading(*args):
        raise AssertionError("a file over the size limit must not be read")
    monkeypatch.setattr(scenario, "_read_at_most", no_reading)
    with pytest.raises(ScenarioError, match=r"too big for a scenario \(30\.0 MB"):
        load(path)


def test_reading_stops_after_the_cap():
    class Endless:
        served = 0

        def read(self, n):
            self.served += n
            return b" " * n
    stream = Endless()
    data = scenario._read_at_most(stream, MAX_BYTES + 1)
    assert len(data) == stream.served == MAX_BYTES + 1
    with pytest.raises(ScenarioError, match="larger than 1 MB"):
        loads(data)


def test_a_file_of_exactly_the_cap_is_read_but_one_byte_more_is_not(tmp_path):
    document = json.dumps(valid_document()).encode()
    path = tmp_path / "padded.json"
    path.write_bytes(document + b" " * (MAX_BYTES - len(document)))
    assert load(path) == VALID_STATE
    path.write_bytes(document + b" " * (MAX_BYTES - len(document) + 1))
    with pytest.raises(ScenarioError, match="too big for a scenario"):
        load(path)


def test_a_file_without_read_permission(tmp_path):
    path = tmp_path / "locked.json"
    path.write_bytes(VALID_BYTES)
    path.chmod(0)
    try:
        if os.geteuid() == 0:   # root reads every file: the permission bits cannot stop it
            assert load(path) == VALID_STATE
        else:
            with pytest.raises(ScenarioError, match="you do not have permission to read"):
                load(path)
    finally:
        path.chmod(0o644)


def test_a_permission_error_becomes_a_scenario_error(tmp_path, monkeypatch):
    path = tmp_path / "locked.json"
    path.write_bytes(VALID_BYTES)

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(ScenarioError, match="you do not have permission to read"):
        load(path)


def test_another_os_error_while_reading_becomes_a_scenario_error(tmp_path, monkeypatch):
    path = tmp_path / "lesson.json"
    path.write_bytes(VALID_BYTES)
    monkeypatch.setattr(scenario, "_read_at_most", lambda *args: boom())
    with pytest.raises(ScenarioError, match="could not be read \\(No space left on device\\)"):
        load(path)


# --------------------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------------------


def test_an_older_supported_version_is_migrated(monkeypatch):
    def rename_walk(document):   # pretend version 1 called the slope walk "walk_steps"
        document = dict(document)
        tabs = {key: dict(value) for key, value in document["tabs"].items()}
        if "walk_steps" in tabs.get("slope", {}):
            tabs["slope"]["descent_steps"] = tabs["slope"].pop("walk_steps")
        document["tabs"] = tabs
        return document
    monkeypatch.setattr(scenario, "VERSION", 2)
    monkeypatch.setattr(scenario, "MIGRATIONS", {1: rename_walk})
    old = valid_document()
    old["tabs"]["slope"]["walk_steps"] = old["tabs"]["slope"].pop("descent_steps")
    document = scenario.loads_document(json.dumps(old))
    assert document["version"] == 2
    assert document["tabs"] == VALID_STATE["tabs"]
    with pytest.raises(ScenarioError, match="version 0 is not a valid scenario version "
                                            r"\(this app reads versions 1 to 2\)"):
        loads(json.dumps({**old, "version": 0}))
    with pytest.raises(ScenarioError, match="version 3 is newer"):
        loads(json.dumps({**old, "version": 3}))


def test_a_migration_that_fails_gives_a_scenario_error(monkeypatch):
    monkeypatch.setattr(scenario, "VERSION", 2)
    monkeypatch.setattr(scenario, "MIGRATIONS", {1: lambda document: document["missing"]})
    with pytest.raises(ScenarioError, match="version 1 scenario could not be upgraded"):
        loads(json.dumps(valid_document()))


# --------------------------------------------------------------------------------------
# The schema system and the registry
# --------------------------------------------------------------------------------------


def register_in(monkeypatch, key, schema):
    """Register a schema for this test only."""
    monkeypatch.setattr(scenario, "TAB_SCHEMAS", dict(scenario.TAB_SCHEMAS))
    register_tab_schema(key, schema)
    return scenario.TAB_SCHEMAS


def must_be_even(number: int) -> None:
    if number % 2:
        raise ValueError("must be even")


DEMO = {
    "name": Field("text", required=True, max_len=10),
    "count": Field("integer", min=1, max=5),
    "colour": Field("choice", choices=("red", "green", None)),
    "surface": Field("expression", variables=("x", "y")),
    "points": Field("list", max_len=3, items=Field("dict", items={
        "x": Field("number", required=True), "label": Field("text")})),
    "camera": Field("dict", items={"distance": Field("number", min=1, max=100),
                                   "angles": Field("list", max_len=2, items=Field("number"))}),
    "weights": Field("dict", max_len=2, items=Field("number", min=0)),
    "even": Field("integer", check=lambda n: must_be_even(n)),
}


def test_registered_schemas_validate_every_kind(monkeypatch):
    schemas = register_in(monkeypatch, "demo", DEMO)
    assert set(schemas) >= {"hot", "slope", "demo"}
    good = {"name": "plan", "count": 2.0, "colour": None, "surface": "x^2 + y^2",
            "points": [{"x": 1}, {"x": -2.5, "label": "b"}],
            "camera": {"distance": 10, "angles": [30, 45.5]},
            "weights": {"adam": 0.5, "sgd": 1}, "even": 4}
    result = loads(dumps({"tabs": {"demo": good}, "current_tab": "demo"}))
    assert result["tabs"]["demo"] == {
        "name": "plan", "count": 2, "colour": None, "surface": "x^2 + y^2",
        "points": [{"x": 1.0}, {"x": -2.5, "label": "b"}],
        "camera": {"distance": 10.0, "angles": [30.0, 45.5]},
        "weights": {"adam": 0.5, "sgd": 1.0}, "even": 4}
    assert result["current_tab"] == "demo"


@pytest.mark.parametrize(("change", "fragment"), [
    ({"name": None}, "tabs.demo.name: expected text, got nothing (null)"),
    ({"name": "a" * 11}, "tabs.demo.name: the text is too long (11 characters; at most 10)"),
    ({"count": 6}, "tabs.demo.count: 6 is out of range (allowed: from 1 to 5)"),
    ({"count": 2.5}, "tabs.demo.count: expected a whole number, got the number 2.5"),
    ({"colour": "gren"}, "tabs.demo.colour: expected one of 'red', 'green', null, got text "
                         "'gren' — did you mean 'green'?"),
    ({"colour": True}, "tabs.demo.colour: expected one of"),
    ({"surface": "x^2 + z"}, "tabs.demo.surface: the formula 'x^2 + z' cannot be used"),
    ({"points": [{"x": 1}] * 4}, "tabs.demo.points: the list is too long (4 items; at most 3)"),
    ({"points": [{"x": 1}, {"x": 2}, {"x": "3"}]},
     "tabs.demo.points[2].x: expected a number, got text '3'"),
    ({"points": [{"label": "no x"}]}, "tabs.demo.points[0]: the setting 'x' is missing"),
    ({"points": [{"x": 1, "lable": "a"}]}, "tabs.demo.points[0]: unknown setting 'lable' — "
                                           "did you mean 'label'?"),
    ({"points": {"x": 1}}, "tabs.demo.points: expected a list [...], got a group of settings"),
    ({"camera": {"distance": 0.5}}, "tabs.demo.camera.distance: 0.5 is out of range"),
    ({"camera": {"angles": [1, None]}}, "tabs.demo.camera.angles[1]: expected a number"),
    ({"camera": {"distanse": 3}}, "tabs.demo.camera: unknown setting 'distanse' — did you "
                                  "mean 'distance'?"),
    ({"weights": {"a": 1, "b": 2, "c": 3}}, "tabs.demo.weights: too many entries (3; at "
                                             "most 2)"),
    ({"weights": {"odd name": -1}}, "tabs.demo.weights['odd name']: -1 is out of range"),
    ({"even": 3}, "tabs.demo.even: must be even"),
])
def test_registered_schemas_name_the_wrong_place(monkeypatch, change, fragment):
    register_in(monkeypatch, "demo", DEMO)
    state = {"tabs": {"demo": {"name": "plan", **change}}}
    with pytest.raises(ScenarioError) as caught:
        loads(json.dumps({"format": FORMAT, "version": 1, **state}))
    assert fragment in str(caught.value)
    assert caught.value.where is not None and caught.value.where.startswith("tabs.demo")
    assert str(caught.value) == f"{caught.value.where}: {caught.value.problem}"


def test_a_required_setting_must_be_present(monkeypatch):
    register_in(monkeypatch, "demo", DEMO)
    with pytest.raises(ScenarioError, match="^tabs.demo: the setting 'name' is missing$"):
        validate({"format": FORMAT, "version": 1, "tabs": {"demo": {"count": 1}}})


def test_registering_replaces_and_unregistered_tabs_are_unknown(monkeypatch):
    register_in(monkeypatch, "demo", {"a": Field("bool")})
    assert loads(dumps({"tabs": {"demo": {"a": True}}})) == {"tabs": {"demo": {"a": True}}}
    register_tab_schema("demo", {"b": Field("bool")})
    with pytest.raises(ScenarioError, match="tabs.demo: unknown setting 'a'"):
        loads(json.dumps({"format": FORMAT, "version": 1, "tabs": {"demo": {"a": True}}}))
    monkeypatch.undo()
    assert "demo" not in TAB_SCHEMAS
    with pytest.raises(ScenarioError, match="unknown tab 'demo'"):
        loads(json.dumps({"format": FORMAT, "version": 1, "tabs": {"demo": {}}}))


@pytest.mark.parametrize(("key", "schema"), [
    ("Hot Tab", {}),
    ("", {}),
    (3, {}),
    ("ok", [Field("bool")]),
    ("ok", {"a": "number"}),
    ("ok", {"": Field("bool")}),
])
def test_malformed_schemas_are_programming_errors(monkeypatch, key, schema):
    monkeypatch.setattr(scenario, "TAB_SCHEMAS", dict(scenario.TAB_SCHEMAS))
    before = set(scenario.TAB_SCHEMAS)  # the UI registers more tabs once it is imported
    assert {"hot", "slope"} <= before
    with pytest.raises(TypeError):
        register_tab_schema(key, schema)
    assert set(scenario.TAB_SCHEMAS) == before


@pytest.mark.parametrize("kwargs", [
    {"kind": "float"},
    {"kind": "number", "min": 5, "max": 1},
    {"kind": "number", "min": float("nan")},
    {"kind": "choice"},
    {"kind": "choice", "choices": ()},
    {"kind": "list"},
    {"kind": "list", "items": "number"},
    {"kind": "dict"},
    {"kind": "dict", "items": {"a": 1}},
    {"kind": "text", "max_len": -1},
    {"kind": "text", "max_len": True},
])
def test_malformed_fields_are_programming_errors(kwargs):
    with pytest.raises(TypeError):
        Field(**kwargs)


def test_built_in_schemas_match_the_tabs():
    hot, slope = TAB_SCHEMAS["hot"], TAB_SCHEMAS["slope"]
    assert list(hot) == ["function", "start", "step", "first_direction", "halve_when_stuck",
                         "dark_room"]
    assert list(slope) == ["function", "x", "q", "mode", "learning_rate", "use_secant",
                           "show_tangent", "start", "descent_steps", "guess"]
    assert (hot["start"].min, hot["start"].max) == (-1000, 1000)
    assert (hot["step"].min, hot["step"].max, hot["step"].min_exclusive) == (0, 100, True)
    assert hot["first_direction"].choices == (-1, 1)
    assert slope["mode"].choices == ("explore", "descend", "predict")
    assert (slope["q"].min, slope["q"].max) == (1e-12, 2.0)
    assert not any(field.required for field in (*hot.values(), *slope.values()))


def test_messages_describe_values_in_plain_words():
    field = Field("number")
    cases = {"abc": "text 'abc'", "": "empty text", None: "nothing (null)",
             True: "true (a yes/no value)", (): "an empty list", (1, 2): "a list of 2 items",
             "y" * 100: "… (100 characters)", 1.5e-7: "the number 1.5e-07"}
    for value, words in cases.items():
        with pytest.raises(ScenarioError) as caught:
            Field("integer").validate(value, "where")
        assert words in str(caught.value)
    with pytest.raises(ScenarioError, match="expected a number, got an empty group"):
        field.validate({}, "where")


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (st.lists(inner, max_size=4)
                   | st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)

PLACES = ([("tabs", "hot", key) for key in TAB_SCHEMAS["hot"]]
          + [("tabs", "slope", key) for key in TAB_SCHEMAS["slope"]]
          + [("tabs", "hot"), ("tabs", "slope"), ("tabs",), ("tabs", "surface"),
             ("tabs", "hot", "unknown"), ("format",), ("version",), ("saved_by",), ("title",),
             ("notes",), ("current_tab",), ("extra",)])


def oracle(place, value):
    """Whether a value at a numeric or yes/no place must be accepted (None: no opinion)."""
    field = TAB_SCHEMAS.get(place[1], {}).get(place[-1]) if len(place) == 3 else None
    if field is None or field.kind not in ("number", "integer", "bool"):
        return None
    if field.kind == "bool":
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int) and len(str(abs(value))) > scenario.MAX_INT_DIGITS:
        return False
    if not math.isfinite(value):
        return False
    if field.kind == "integer":
        if value != int(value):
            return False
        if field.choices is not None:
            return int(value) in field.choices
    low_ok = value > field.min if field.min_exclusive else value >= field.min
    return low_ok and value <= field.max


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("scenario-properties")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=st.sampled_from(PLACES),
       value=json_values | st.integers(-1100, 1100) | st.floats(-1100, 1100))
def test_any_value_anywhere_loads_or_gives_a_scenario_error(scratch, place, value):
    document = valid_document()
    target = document
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value
    path = scratch / "random-value.json"
    path.write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
    try:
        state = load(path)
    except ScenarioError as error:
        event("refused")
        assert str(error)
        assert oracle(place, value) is not True, f"refused a valid value: {error}"
        return
    event("accepted")
    assert oracle(place, value) is not False, f"accepted {value!r} at {place}"
    assert loads(dumps(state)) == state
    if oracle(place, value):
        assert state["tabs"][place[1]][place[2]] == value


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600) | st.builds(
    lambda cut, junk, at: VALID_BYTES[:at] + junk + VALID_BYTES[at + cut:],
    st.integers(0, 8), st.binary(max_size=8), st.integers(0, len(VALID_BYTES))))
def test_any_bytes_load_or_give_a_scenario_error(scratch, data):
    path = scratch / "random-bytes.json"
    path.write_bytes(data)
    try:
        state = load(path)
    except ScenarioError as error:
        assert str(error)
        return
    assert set(state) <= set(scenario.STATE_KEYS) and "tabs" in state
    assert loads(dumps(state)) == state


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from('{}[]":,0123456789.eE-+ \ntrufalsn\\abNIy'),
                    max_size=200))
def test_any_json_like_text_loads_or_gives_a_scenario_error(text):
    try:
        state = loads(text)
    except ScenarioError as error:
        assert str(error)
        return
    assert loads(dumps(state)) == state


# --------------------------------------------------------------------------------------
# focus: the controls a teacher hid, per tab
# --------------------------------------------------------------------------------------

def test_focus_round_trips_and_drops_repeated_names():
    state = {"tabs": {"hot": {"start": -2.0}}, "focus": {"hot": ["dark_room_box", "move_log"],
                                                         "slope": []}}
    assert loads(dumps(state)) == state
    again = loads(dumps({"tabs": {}, "focus": {"hot": ["move_log", "move_log"]}}))
    assert again["focus"] == {"hot": ["move_log"]}


@pytest.mark.parametrize(("focus", "message"), [
    (["hot"], "focus: expected a group of tabs {...}, got a list of 1 item"),
    ({"hott": []}, "focus: unknown tab 'hott' — did you mean 'hot'?"),
    ({"hot": "move_log"}, "focus.hot: expected a list of control names [...], got text"),
    ({"hot": [3]}, "focus.hot[0]: expected the name of a control (text), got the number 3"),
    ({"hot": ["a b"]}, "focus.hot[0]: 'a b' is not the name of a control"),
    ({"hot": ["x" * 101]}, "focus.hot[0]: 'xxxx"),
    ({"hot": ["n"] * 501}, "focus.hot: the list is too long (501 items; at most 500)"),
])
def test_bad_focus_is_refused_with_its_place(focus, message):
    text = json.dumps({"format": FORMAT, "version": 1, "tabs": {}, "focus": focus})
    with pytest.raises(ScenarioError) as caught:
        loads(text)
    assert message in str(caught.value)
