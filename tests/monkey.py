"""A seeded random-action ("monkey") driver for the main window.

Each action is picked at random among what the live window offers at that moment: a
button, a slider, a spin box, a list to choose from, a text field, a window action, a
key, a tab, a click or drag on a plot, a click in a list or table, or a pause that lets
timers run. Dialogs that open are dismissed (sometimes after a click inside them). An
exception that reaches the event loop, or the error dialog appearing, is a failure; the
report then gives the seed and the last actions, enough to replay the run.

The test suite imports :class:`Monkey`; ``python -m tests.monkey --actions 20000 --seed 3``
runs a long session on demand (exit code 1 on any failure).

The order of actions follows from the seed, but timers run between actions, so a replay
reaches the same state only as far as the timers do: replay a failure with its seed and
look at the last actions the report lists.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

#: What the monkey does, with how often (relative weights).
KINDS: dict[str, int] = {
    "button": 20,   # click an enabled button, check box or radio button
    "slider": 10,   # move a slider (set, drag or keys)
    "spin": 12,     # set a spin box (extremes too), type into it or step it
    "combo": 8,     # choose an entry of a drop-down list
    "text": 6,      # type a formula or other text, usually ending with Enter
    "action": 8,    # trigger one of the window's named actions (menus, shortcuts)
    "key": 10,      # press a key of the shortcut table on whatever has the keyboard
    "tab": 6,       # switch tabs (tab bar or programmatically)
    "plot": 12,     # click, drag or scroll on a plot or picture
    "list": 3,      # click a row or cell of a list or table
    "wait": 5,      # let timers run for a moment (a playing tab moves on)
}

#: Actions the monkey leaves alone: they close the window or leave the 1280×800 size.
SKIPPED_ACTIONS = frozenset({"action_quit", "action_full_screen"})
#: Keys of the shortcut table left alone, for the same reasons.
SKIPPED_KEYS = frozenset({"quit", "full_screen"})
ACTION_PREFIXES = ("action_", "example_", "recent_", "lesson_file_")

#: What gets typed into text fields: good formulas, bad ones and plain nonsense.
TEXTS: tuple[str, ...] = (
    "x^2", "sin(x)+y", "x^2 + y^2", "x^4 - 3x^2 + x", "exp(-x^2)", "abs(x) - 1",
    "log(x)", "sqrt(x)", "tanh(x)", "x*y", "0", "1e15", "-x", "y",
    "x**999", "1/0", "sin(", "", " ", "__import__('os')", "x" * 300, "9^9^9^9",
    "((((((((((x))))))))))", "x y", "nan", "inf", "é", "1e400", "x/0", "log(-1)",
    "32", "64, 32", "8, 8, 8", "none", "-3", "0, 0", "100000", "3.5", "1;2", "a, b",
)
#: What gets typed into spin boxes.
SPIN_TEXTS: tuple[str, ...] = ("0", "-0", "1", "-1", "1e9", "99999999", "abc", "", "0.5",
                               "-1e9", "3,5")
SIZE = (1280, 800)


@dataclass(frozen=True)
class Done:
    """One action, as the log and the failure report show it."""

    index: int
    tab: str
    kind: str
    target: str
    value: str

    def __str__(self) -> str:
        return f"#{self.index} [{self.tab}] {self.kind} {self.target} {self.value}".rstrip()


@dataclass
class Failure:
    index: int
    action: str
    details: str


@dataclass
class Report:
    seed: int
    actions: int = 0
    seconds: float = 0.0
    kinds: Counter = field(default_factory=Counter)
    tabs: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    last: list[Done] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    #: Seconds spent per kind of action (where the time of a long run goes).
    busy: Counter = field(default_factory=Counter)

    def describe(self) -> str:
        lines = [f"seed {self.seed}: {self.actions} actions in {self.seconds:.1f} s, "
                 f"{len(self.failures)} failure(s)"]
        for failure in self.failures[:5]:
            lines += [f"--- failure at action #{failure.index}: {failure.action}",
                      failure.details.rstrip()]
        if self.failures:
            lines.append(f"--- the last {len(self.last)} actions (replay: python -m "
                         f"tests.monkey --seed {self.seed} --actions "
                         f"{self.failures[0].index + 1}):")
            lines += [f"  {done}" for done in self.last]
        return "\n".join(lines)

    def summary(self) -> str:
        lines = [self.describe(),
                 "actions by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items())),
                 "actions by tab:  " + ", ".join(f"{k} {n}" for k, n in sorted(self.tabs.items())),
                 "seconds by kind: " + ", ".join(f"{k} {s:.1f}" for k, s in
                                                 self.busy.most_common()),
                 "slowest: " + ", ".join(f"{s:.2f} s {what}" for s, what in self.slowest)]
        return "\n".join(lines)


class _Collector:
    """Stands in for sys.excepthook, where Qt hands exceptions raised inside slots."""

    def __init__(self) -> None:
        self.caught: list[str] = []

    def __call__(self, exc_type, exc, tb) -> None:
        self.caught.append("".join(traceback.format_exception(exc_type, exc, tb)))


class Monkey:
    """Drives ``window`` (a shown MainWindow) with actions picked by ``random.Random(seed)``.

    ``folder`` receives the scenarios, pictures and broken files the file hooks hand out.
    """

    def __init__(self, window, seed: int, folder: Path, keep: int = 20,
                 stop_on_failure: bool = True) -> None:
        from PySide6.QtGui import QKeySequence

        from desktop_app.ui.main_window import KEYS

        self.window = window
        self.seed = seed
        self.rng = random.Random(seed)
        self.folder = Path(folder)
        self.stop_on_failure = stop_on_failure
        self.report = Report(seed)
        self._recent: deque[Done] = deque(maxlen=keep)
        self._collector = _Collector()
        self._notes: list[str] = []
        #: Set by a hook for one action: long work runs to its end, not dismissed.
        self._let_finish = False
        self._kinds = list(KINDS)
        self._weights = [KINDS[k] for k in self._kinds]
        self.keys: list[tuple[str, object, object]] = []
        for binding in KEYS:
            if binding.name in SKIPPED_KEYS:
                continue
            for text in binding.keys:
                combo = QKeySequence(text)[0]
                self.keys.append((text, combo.key(), combo.keyboardModifiers()))
        for text in ["Left", "Right", "Up", "Down", "Tab", "Shift+Tab", "Escape", "Return",
                     "Delete", "Backspace", "Ctrl+Z", "PgUp", "PgDown", "Home", "End"] + \
                [f"Ctrl+{n}" for n in range(1, window.tabs.count() + 1)]:
            combo = QKeySequence(text)[0]
            self.keys.append((text, combo.key(), combo.keyboardModifiers()))
        self._prepare_files()
        window.ask_open_path = self._open_path
        window.ask_save_path = self._save_path
        window.ask_export_path = self._export_path
        window.ask_lesson_path = self._lesson_path

    # -- running ---------------------------------------------------------------------------------
    def run(self, count: int, progress=None, every: int = 1000) -> Report:
        """Do ``count`` actions (fewer if one fails and ``stop_on_failure``)."""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        previous = sys.excepthook
        sys.excepthook = self._collector
        # Long work (recording an animation) runs the event loop under a modal progress
        # dialog; this dismisses such dialogs while an action is still going on.
        watchdog = QTimer()
        watchdog.setInterval(50)
        watchdog.timeout.connect(self._dismiss_running)
        watchdog.start()
        start = time.perf_counter()
        try:
            self.window.activateWindow()
            QApplication.processEvents()
            first = self.report.actions
            for index in range(first, first + count):
                self._one(index)
                self.report.seconds = time.perf_counter() - start
                if self.report.failures and self.stop_on_failure:
                    break
                if progress is not None and (index + 1) % every == 0:
                    progress(self.report)
        finally:
            watchdog.stop()
            sys.excepthook = previous
        self.report.last = list(self._recent)
        return self.report

    def _one(self, index: int) -> None:
        self._notes = []
        self._let_finish = False
        began = time.perf_counter()
        tab = self._tab_key()
        done = kind = None
        try:
            # A kind with nothing to act on right now (no list on this tab) gives way.
            for _ in range(20):
                kind = self.rng.choices(self._kinds, self._weights)[0]
                done = getattr(self, f"_do_{kind}")()
                if done is not None:
                    break
            if done is not None:
                target, value = done
                value = " ".join([value, *self._notes]).strip()
                done = Done(index, tab, kind, target, value)
                self._recent.append(done)
                self.report.kinds[kind] += 1
                self.report.tabs[tab] += 1
            self._settle(index, tab)
        except Exception:
            self._fail(index, str(done or f"[{tab}] a {kind} action, before it was logged"),
                       traceback.format_exc())
        self.report.actions = index + 1
        for details in self._collector.caught:
            self._fail(index, str(done), details)
        self._collector.caught.clear()
        took = time.perf_counter() - began
        if isinstance(done, Done):
            self.report.busy[done.kind] += took
        slowest = self.report.slowest
        if len(slowest) < 5 or took > slowest[-1][0]:
            slowest.append((took, str(done)))
            slowest.sort(key=lambda pair: -pair[0])
            del slowest[5:]

    def _fail(self, index: int, action: str, details: str) -> None:
        self.report.failures.append(Failure(index, action, details))
        self.report.last = list(self._recent)

    def _dismiss_running(self) -> None:
        from PySide6.QtWidgets import QApplication, QDialog, QMenu

        if self._let_finish:
            return
        for widget in QApplication.topLevelWidgets():
            if not widget.isVisible():
                continue
            # A pop-up menu runs its own loop too (the menu bar's » button when the
            # bar does not fit): a user closes it with Escape.
            if isinstance(widget, QMenu) or isinstance(widget, QDialog) and widget.isModal() \
                    and widget.objectName() != "error_dialog":
                self._note(f"(dismissed {widget.objectName() or type(widget).__name__} "
                           "while it ran)")
                _dismiss(widget)

    def _settle(self, index: int, tab: str) -> None:
        """Let the action's events run, dismiss what it opened, keep the window's size."""
        from PySide6.QtWidgets import QApplication, QDialog, QMenu

        QApplication.processEvents()
        for _ in range(4):
            dialogs = [w for w in QApplication.topLevelWidgets()
                       if w.isVisible() and isinstance(w, (QDialog, QMenu))]
            if not dialogs:
                break
            for dialog in dialogs:
                if dialog.objectName() == "error_dialog":
                    text = getattr(dialog, "informativeText", lambda: "")()
                    detail = getattr(dialog, "detailedText", lambda: "")()
                    self._fail(index, f"[{tab}] the error dialog appeared",
                               f"{text}\n{detail}")
                elif isinstance(dialog, QDialog) and self.rng.random() < 0.3:
                    poked = self._poke(dialog)
                    if poked:
                        self._recent.append(Done(index, tab, "dialog", dialog.objectName(),
                                                 poked))
                    QApplication.processEvents()
                _dismiss(dialog)
            QApplication.processEvents()
        window = self.window
        if window.isFullScreen() or window.isMaximized() or window.isMinimized():
            window.showNormal()
        if (window.width(), window.height()) != SIZE:
            window.resize(*SIZE)
        if QApplication.activeWindow() is not window:
            window.activateWindow()

    def _poke(self, dialog) -> str:
        """One click inside a dialog before it goes: a button, or a tick in a list."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QAbstractButton, QListWidget

        lists = [w for w in dialog.findChildren(QListWidget) if w.isVisible() and w.count()]
        if lists and self.rng.random() < 0.7:
            box = self.rng.choice(lists)
            item = box.item(self.rng.randrange(box.count()))
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                checked = item.checkState() == Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
                return f"tick {item.text().strip()!r} {'off' if checked else 'on'}"
        buttons = [b for b in dialog.findChildren(QAbstractButton)
                   if b.isVisible() and b.isEnabled()]
        if not buttons:
            return ""
        button = self.rng.choice(buttons)
        button.click()
        return f"click {button.objectName() or button.text()!r}"

    # -- finding what to act on -----------------------------------------------------------------
    def _tab_key(self) -> str:
        return self.window.current_tab().key

    def _controls(self, *types) -> list:
        """The visible, enabled widgets of these types in the window, dialogs excluded,
        found afresh each time (tabs, presenter mode and focus change what is there)."""
        from PySide6.QtWidgets import QWidget

        window = self.window
        self.window.current_tab()  # a tab built on first use is built before the search
        found = []
        for widget in window.findChildren(QWidget):
            if not isinstance(widget, types) or not widget.isVisible() \
                    or not widget.isEnabled() or _inside_other(widget, window):
                continue
            found.append(widget)
        return found

    # -- the actions (each returns (target, value), or None when it found nothing) ------------
    def _do_button(self):
        from PySide6.QtWidgets import QAbstractButton

        buttons = self._controls(QAbstractButton)
        if not buttons:
            return None
        button = self.rng.choice(buttons)
        name = _name(button)
        text = button.text().replace("&", "")
        button.click()
        return name, repr(text) if text else ""

    def _do_slider(self):
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QAbstractSlider

        sliders = self._controls(QAbstractSlider)
        if not sliders:
            return None
        slider = self.rng.choice(sliders)
        name = _name(slider)
        low, high = slider.minimum(), slider.maximum()
        how = self.rng.choice(("set", "set", "drag", "key", "end"))
        if how == "key":
            key = self.rng.choice((Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Up,
                                   Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End))
            QTest.keyClick(slider, key)
            return name, f"key {key.name}"
        if how == "end":
            value = self.rng.choice((low, high))
        elif isinstance(low, float) or isinstance(high, float):
            value = self.rng.uniform(low, high)
        else:
            value = self.rng.randint(low, high)
        if how == "drag":
            slider.setSliderDown(True)
            slider.setSliderPosition(value)
            slider.setSliderDown(False)
        else:
            slider.setValue(value)
        return name, f"{how} {value:g}"

    def _do_spin(self):
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

        boxes = self._controls(QSpinBox, QDoubleSpinBox)
        if not boxes:
            return None
        box = self.rng.choice(boxes)
        name = _name(box)
        low, high = box.minimum(), box.maximum()
        how = self.rng.choice(("min", "max", "random", "random", "type", "key"))
        if how == "type":
            text = self.rng.choice(SPIN_TEXTS + (str(low), str(high)))
            QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            _type(box, text)
            QTest.keyClick(box, Qt.Key.Key_Return)
            return name, f"type {text!r}"
        if how == "key":
            key = self.rng.choice((Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp,
                                   Qt.Key.Key_PageDown))
            QTest.keyClick(box, key)
            return name, f"key {key.name}"
        if how == "min":
            value = low
        elif how == "max":
            value = high
        elif isinstance(box, QDoubleSpinBox):
            value = round(self.rng.uniform(low, high), box.decimals())
        else:
            value = self.rng.randint(low, high)
        box.setValue(value)
        return name, f"{how} {value:g}"

    def _do_combo(self):
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QComboBox

        combos = [c for c in self._controls(QComboBox) if c.count()]
        if not combos:
            return None
        combo = self.rng.choice(combos)
        name = _name(combo)
        if self.rng.random() < 0.25:
            key = self.rng.choice((Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home,
                                   Qt.Key.Key_End))
            QTest.keyClick(combo, key)
            return name, f"key {key.name} -> {combo.currentText()!r}"
        index = self.rng.randrange(combo.count())
        # What QComboBox does when an entry is picked from its pop-up list.
        combo.setCurrentIndex(index)
        combo.activated.emit(index)
        combo.textActivated.emit(combo.itemText(index))
        return name, f"{index} {combo.itemText(index)!r}"

    def _do_text(self):
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QLineEdit

        fields = [f for f in self._controls(QLineEdit) if not f.isReadOnly()]
        if not fields:
            return None
        line = self.rng.choice(fields)
        name = _name(line)
        text = self.rng.choice(TEXTS)
        QTest.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(line, Qt.Key.Key_Backspace)
        _type(line, text)
        end = self.rng.choice(("Return", "Return", "Return", "none"))
        if end == "Return":
            QTest.keyClick(line, Qt.Key.Key_Return)
        shown = text if len(text) <= 40 else f"{text[:20]}…({len(text)} chars)"
        return name, f"{shown!r} {end}"

    def _do_action(self):
        from PySide6.QtGui import QAction

        actions = [a for a in self.window.findChildren(QAction)
                   if a.objectName().startswith(ACTION_PREFIXES)
                   and a.objectName() not in SKIPPED_ACTIONS and a.isEnabled()]
        if not actions:
            return None
        action = self.rng.choice(actions)
        name = action.objectName()
        action.trigger()
        return name, ""

    def _do_key(self):
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import (
            QAbstractButton,
            QAbstractSlider,
            QAbstractSpinBox,
            QApplication,
            QComboBox,
        )

        where = ""
        if self.rng.random() < 0.3:
            controls = self._controls(QAbstractButton, QAbstractSlider, QAbstractSpinBox,
                                      QComboBox)
            if controls:
                control = self.rng.choice(controls)
                control.setFocus()
                where = f"on {_name(control)}"
        text, key, modifiers = self.rng.choice(self.keys)
        target = QApplication.focusWidget()
        if target is None or not target.isVisible() or target.window() is not self.window:
            target = self.window
        QTest.keyClick(target, key, modifiers)
        return text, where or f"on {_name(target)}"

    def _do_tab(self):
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        tabs = self.window.tabs
        index = self.rng.randrange(tabs.count())
        if self.rng.random() < 0.5 and tabs.tabBar().isVisible():
            bar = tabs.tabBar()
            QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             bar.tabRect(index).center())
            how = "click"
        else:
            tabs.setCurrentIndex(index)
            how = "set"
        return "tabs", f"{how} {index} -> {self._tab_key()}"

    def _do_plot(self):
        from PySide6.QtCore import QPoint, QPointF, Qt
        from PySide6.QtGui import QWheelEvent
        from PySide6.QtOpenGLWidgets import QOpenGLWidget
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

        pictures = [w for w in self._controls(QWidget)
                    if isinstance(w, (QGraphicsView, QOpenGLWidget)) or _draws(w)]
        if not pictures:
            return None
        picture = self.rng.choice(pictures)
        name = _name(picture)
        surface = picture.viewport() if isinstance(picture, QGraphicsView) else picture
        width, height = max(1, surface.width()), max(1, surface.height())

        def somewhere() -> QPoint:
            return QPoint(self.rng.randrange(width), self.rng.randrange(height))

        spot = somewhere()
        if isinstance(picture, QGraphicsView) and picture.scene() is not None \
                and self.rng.random() < 0.4:
            # Aim at something drawn (a neuron, a weight, a marker) rather than anywhere.
            items = [i for i in picture.scene().items() if i.isVisible()]
            if items:
                item = items[self.rng.randrange(len(items))]
                aimed = picture.mapFromScene(item.sceneBoundingRect().center())
                if 0 <= aimed.x() < width and 0 <= aimed.y() < height:
                    spot = aimed
        left = Qt.MouseButton.LeftButton
        none = Qt.KeyboardModifier.NoModifier
        how = self.rng.choice(("click", "click", "click", "drag", "wheel"))
        if how == "click":
            QTest.mouseClick(surface, left, none, spot)
        elif how == "drag":
            end = somewhere()
            QTest.mousePress(surface, left, none, spot)
            for step in range(1, 5):
                QTest.mouseMove(surface, spot + (end - spot) * (step / 4))
            QTest.mouseRelease(surface, left, none, end)
            return name, f"drag ({spot.x()},{spot.y()})->({end.x()},{end.y()})"
        else:
            turn = self.rng.choice((-240, -120, 120, 240))
            wheel = QWheelEvent(QPointF(spot), QPointF(surface.mapToGlobal(spot)), QPoint(0, 0),
                                QPoint(0, turn), Qt.MouseButton.NoButton, none,
                                Qt.ScrollPhase.NoScrollPhase, False)
            QApplication.sendEvent(surface, wheel)
            return name, f"wheel {turn} at ({spot.x()},{spot.y()})"
        return name, f"click ({spot.x()},{spot.y()})"

    def _do_list(self):
        from PySide6.QtCore import QAbstractListModel, QModelIndex, QPoint, Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QAbstractItemView

        views = [v for v in self._controls(QAbstractItemView) if v.model() is not None]
        if not views:
            return None
        view = self.rng.choice(views)
        name = _name(view)
        model = view.model()
        rows = model.rowCount(QModelIndex())
        # A list model keeps columnCount private: it has one column.
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
        spot = QPoint(self.rng.randrange(max(1, view.viewport().width())),
                      self.rng.randrange(max(1, view.viewport().height())))
        where = f"({spot.x()},{spot.y()})"
        if rows and columns and self.rng.random() < 0.7:
            row, column = self.rng.randrange(rows), self.rng.randrange(columns)
            index = model.index(row, column)
            view.scrollTo(index)
            spot = view.visualRect(index).center()
            where = f"row {row} column {column}"
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, spot)
        return name, where

    def _do_wait(self):
        from PySide6.QtTest import QTest

        ms = self.rng.randint(5, 60)
        QTest.qWait(ms)
        return "events", f"{ms} ms"

    # -- the file hooks --------------------------------------------------------------------------
    def _prepare_files(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._broken = self.folder / "broken.json"
        self._broken.write_text("{ this is not json", encoding="utf-8")
        self._wrong = self.folder / "wrong.json"
        self._wrong.write_text('{"format": "something else", "tabs": 3}', encoding="utf-8")
        self._saved = self.folder / "saved.json"
        self._bad_lesson = self.folder / "broken.md"
        self._bad_lesson.write_text("no title, no steps\n\x00\x01", encoding="utf-8")
        self._missing = self.folder / "missing" / "nothing.json"

    def _note(self, text: str) -> None:
        self._notes.append(text)

    def _open_path(self):
        examples = self.window.example_files()
        choices = [None, self._broken, self._wrong, self._missing]
        if self._saved.exists():
            choices.append(self._saved)
        if examples:
            choices.append(self.rng.choice(examples))
        path = self.rng.choice(choices)
        self._note(f"(open: {path.name if path else 'cancelled'})")
        return None if path is None else str(path)

    def _save_path(self):
        path = self.rng.choice([None, self._saved, self._saved, self.folder, self._missing])
        self._note(f"(save: {path.name if path else 'cancelled'})")
        return None if path is None else str(path)

    def _export_path(self, kind: str):
        if self.rng.random() >= 0.6:
            self._note(f"(export {kind}: cancelled)")
            return None
        # An animation records up to 120 steps (seconds): usually it is cancelled midway.
        self._let_finish = kind == "png" or self.rng.random() < 0.1
        path = self.rng.choice([self.folder / f"picture.{kind}", self.folder / f"picture.{kind}",
                                self.folder / "missing" / f"picture.{kind}"])
        self._note(f"(export {kind}: {path.relative_to(self.folder)})")
        return str(path)

    def _lesson_path(self):
        from desktop_app.ui.lesson import LessonPanel

        choices = [None, self._bad_lesson, self.folder / "missing.md", *LessonPanel.bundled()]
        path = self.rng.choice(choices)
        self._note(f"(lesson: {Path(path).name if path else 'cancelled'})")
        return None if path is None else str(path)


def _dismiss(dialog) -> None:
    """What a user does to get rid of a dialog or menu: Cancel on a progress dialog, else
    Escape (reject), else the close button."""
    from PySide6.QtWidgets import QMenu, QProgressDialog

    if isinstance(dialog, QMenu):
        dialog.close()
    if isinstance(dialog, QProgressDialog) and dialog.isVisible():
        dialog.cancel()
    if dialog.isVisible():
        dialog.reject()
    if dialog.isVisible():
        dialog.close()


def _type(widget, text: str) -> None:
    """Type ``text`` key by key (QTest.keyClicks only knows ASCII and aborts on the rest)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    for char in text:
        if char.isascii():
            QTest.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def _inside_other(widget, window) -> bool:
    """Inside a dialog (dismissed, never driven directly), or part of a compound control:
    the text field of a spin box or drop-down, an editor inside a table."""
    from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QComboBox, QDialog

    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, (QDialog, QAbstractSpinBox, QComboBox, QAbstractItemView)):
            return True
        parent = parent.parentWidget()
    return isinstance(widget, QDialog)


def _draws(widget) -> bool:
    """An app widget that answers the mouse itself (the digit drawing pad)."""
    cls = type(widget)
    return cls.__module__.startswith("desktop_app") and any(
        "mousePressEvent" in vars(base) for base in cls.__mro__
        if base.__module__.startswith("desktop_app"))


def _name(widget) -> str:
    """The widget's objectName (or class), after its nearest named ancestor."""
    own = widget.objectName() or type(widget).__name__
    parent = widget.parentWidget()
    while parent is not None:
        name = parent.objectName()
        if name and not name.startswith("qt_"):
            return f"{name}/{own}"
        parent = parent.parentWidget()
    return own


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.monkey",
                                     description="Random actions on the main window.")
    parser.add_argument("--actions", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=1000, help="progress every N actions")
    parser.add_argument("--keep-going", action="store_true",
                        help="carry on after a failure (the report lists the first five)")
    parser.add_argument("--allow-warnings", action="store_true",
                        help="do not treat warnings as errors (the test suite does)")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="dlms-monkey-")
    # Settings and logs go to a throw-away home, never the user's own.
    for name in ("CONFIG", "DATA", "CACHE"):
        os.environ[f"XDG_{name}_HOME"] = os.path.join(home, name.lower())
    if not args.allow_warnings:
        warnings.simplefilter("error")

    from PySide6.QtCore import QSettings

    from desktop_app.app import application, build_window

    application()
    QSettings().clear()
    window = build_window([])
    window.resize(*SIZE)
    window.show()
    monkey = Monkey(window, args.seed, Path(home) / "files",
                    stop_on_failure=not args.keep_going)

    def progress(report: Report) -> None:
        print(f"{report.actions} actions, {report.seconds:.0f} s, "
              f"{len(report.failures)} failure(s)", flush=True)

    report = monkey.run(args.actions, progress, args.every)
    for page in window.tab_pages:
        page.pause()
    window.close()
    print(report.summary(), flush=True)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
