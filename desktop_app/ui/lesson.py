"""Guided lessons: a Markdown file of steps, shown in a panel beside every tab.

A lesson file (``resources/lessons/*.md``) looks like this::

    # A lesson title

    An optional introduction (shown as the title's tooltip).

    ## The first step's title

    What to say or ask, in Markdown (**bold**, *italics*, lists).

    ```app
    tab hot
    set function = x^2 + 1
    set start = -2
    reset
    step 3
    ```

Each ``##`` heading starts a step. A fenced block marked ``app`` holds the actions the app
performs when the step is shown, one a line (``#`` starts a comment):

``tab NAME``
    show a tab (``hot``, ``slope``, ``surface``, ``network``, ``digits``). A step that needs a
    tab this version does not have is left out of the lesson.
``set KEY = VALUE``
    change one setting of the step's tab: a name of its saved settings (``start``, ``q``,
    ``mode``, ``optimizers.adam.on`` …); VALUE is JSON (``-2``, ``true``, ``[1, 2]``,
    ``"text"``) or plain text (a formula such as ``x^2 + 1``).
``reset`` / ``play`` / ``pause``
    press Reset, Play or Pause on the step's tab.
``step [N]``
    press Step N times (1 if N is left out; at most 500).
``scenario FILE``
    open a ready-made scenario from ``resources/scenarios``.

The step's tab is the one named by the latest ``tab`` action, in this step or an earlier
one. Everything is checked when the lesson is opened: a mistake gives a :class:`LessonError`
naming the file, the line and what is wrong; nothing half-works.
"""

from __future__ import annotations

import copy
import difflib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model import scenario
from desktop_app.model.scenario import ScenarioError
from desktop_app.ui import theme
from desktop_app.ui.text_format import formula, number

#: Lesson files larger than this are refused (a lesson is text, not a book).
MAX_BYTES = 256 * 1024
MAX_STEPS = 300
MAX_REPEAT = 500
ACTIONS = ("tab", "set", "reset", "step", "play", "pause", "scenario")
_STEP_HEADING = re.compile(r"##(?!#)\s*(.*?)\s*#*\s*\Z")
_TITLE_HEADING = re.compile(r"#(?!#)\s*(.*?)\s*#*\s*\Z")
_FENCE = re.compile(r"(```+|~~~+)\s*([\w-]*)\s*\Z")
_SETTING = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file, line and problem."""


@dataclass
class Action:
    kind: str
    line: int
    tab: str | None = None
    key: str = ""
    value: Any = None
    count: int = 1
    path: Path | None = None
    text: str = ""


@dataclass
class Step:
    title: str
    text: str
    line: int
    actions: list[Action] = field(default_factory=list)
    tab: str | None = None  # the tab this step works on (the latest ``tab`` action)


@dataclass
class Lesson:
    title: str
    description: str
    steps: list[Step]
    path: Path | None = None
    skipped: list[str] = field(default_factory=list)


@dataclass
class LessonContext:
    """What a lesson may refer to: this window's tabs and the ready-made scenarios."""

    tabs: dict[str, str]  # key -> title, of the tabs this window has
    known_tabs: tuple[str, ...]  # every tab name the app knows (some may be missing here)
    scenarios: Path


# -- reading -----------------------------------------------------------------------------------

def read_lesson(path: Path | str, context: LessonContext) -> Lesson:
    """Read and check a lesson file; raises LessonError (never anything else)."""
    path = Path(path)
    name = path.name
    try:
        if path.is_dir():
            raise LessonError(f"{name} is a folder, not a lesson file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LessonError(f"{name} is too big for a lesson ({size:,} bytes; at most "
                              f"{MAX_BYTES:,})")
        data = path.read_bytes()[:MAX_BYTES + 1]
    except LessonError:
        raise
    except OSError as error:
        raise LessonError(f"{name} could not be read ({error.strerror or error})") from None
    except ValueError:
        raise LessonError(f"{name!r} is not a valid file name") from None
    if b"\0" in data:
        raise LessonError(f"{name} holds binary data, not a lesson in Markdown")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise LessonError(f"{name}, line {line}: the file is not UTF-8 text") from None
    lesson = parse_lesson(text, context, name)
    lesson.path = path
    return lesson


def parse_lesson(text: str, context: LessonContext, name: str = "lesson") -> Lesson:
    """Markdown text -> a checked Lesson; raises LessonError."""
    if len(text) > MAX_BYTES:
        raise LessonError(f"{name} is too big for a lesson")
    title = ""
    intro: list[str] = []
    steps: list[Step] = []
    body: list[str] = []
    block: list[tuple[int, str]] | None = None
    fence = ""
    in_other_fence = ""

    def where(line: int) -> str:
        return f"{name}, line {line}"

    for number_, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if block is not None:  # inside an ```app block
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                steps[-1].actions.extend(_parse_action(n, t, where) for n, t in block)
                block = None
            else:
                block.append((number_, line))
            continue
        stripped = line.strip()
        fenced = _FENCE.match(stripped)
        if in_other_fence:
            if stripped.startswith(in_other_fence) and not stripped.strip(in_other_fence[0]):
                in_other_fence = ""
            body.append(line)
            continue
        if fenced and fenced.group(2).lower() == "app":
            if not steps:
                raise LessonError(f"{where(number_)}: actions must belong to a step: put a "
                                  "'## Step title' line above them")
            block, fence = [], fenced.group(1)
            continue
        if fenced:
            in_other_fence = fenced.group(1)
            body.append(line)
            continue
        step_heading = _STEP_HEADING.match(stripped)
        if step_heading:
            if steps:
                steps[-1].text = "\n".join(body).strip()
            elif body:
                intro = body
            body = []
            heading = step_heading.group(1)
            if not heading:
                raise LessonError(f"{where(number_)}: a step needs a title after '##'")
            if len(steps) >= MAX_STEPS:
                raise LessonError(f"{name} has more than {MAX_STEPS} steps")
            steps.append(Step(heading[:200], "", number_))
            continue
        title_heading = _TITLE_HEADING.match(stripped)
        if title_heading and not steps and not title:
            title = title_heading.group(1)[:200]
            continue
        body.append(line)
    if block is not None:
        raise LessonError(f"{name}: the block of actions that starts on line "
                          f"{block[0][0] - 1 if block else 'the last line'} is never closed "
                          f"with {fence}")
    if steps:
        steps[-1].text = "\n".join(body).strip()
    else:
        raise LessonError(f"{name} has no steps: start each step with a '## Title' line")
    if not title:
        title = Path(name).stem.replace("-", " ").replace("_", " ").capitalize()
    lesson = Lesson(title, "\n".join(intro).strip(), steps)
    _check(lesson, context, name)
    return lesson


def _parse_action(line_number: int, line: str, where) -> Action | None:
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    word, _, rest = text.partition(" ")
    word = word.lower()
    rest = rest.strip()
    here = where(line_number)
    if word not in ACTIONS:
        close = difflib.get_close_matches(word, ACTIONS, n=1, cutoff=0.6)
        hint = f" — did you mean '{close[0]}'?" if close else ""
        raise LessonError(f"{here}: unknown action {word!r}{hint} (actions: "
                          f"{', '.join(ACTIONS)})")
    action = Action(word, line_number, text=text)
    if word == "tab":
        if not rest or " " in rest:
            raise LessonError(f"{here}: 'tab' needs one tab name, e.g. 'tab hot'")
        action.tab = rest.lower()
    elif word == "set":
        key, equals, value = rest.partition("=")
        key = key.strip()
        if not equals or not key or not value.strip():
            raise LessonError(f"{here}: write 'set NAME = VALUE', e.g. 'set start = -2'")
        if not _SETTING.match(key):
            raise LessonError(f"{here}: {key!r} is not the name of a setting")
        action.key = key
        action.value = _value(value.strip())
    elif word == "step":
        if rest:
            try:
                action.count = int(rest)
            except ValueError:
                raise LessonError(f"{here}: 'step' takes a whole number of steps, got "
                                  f"{rest!r}") from None
            if not 1 <= action.count <= MAX_REPEAT:
                raise LessonError(f"{here}: 'step' takes 1 to {MAX_REPEAT} steps, got "
                                  f"{action.count}")
    elif word == "scenario":
        if not rest:
            raise LessonError(f"{here}: 'scenario' needs the name of a file in "
                              "resources/scenarios")
        action.path = Path(rest)
    elif rest:
        raise LessonError(f"{here}: '{word}' takes nothing after it")
    return action


def _refuse(name: str):
    raise ValueError(name)


def _value(text: str) -> Any:
    """JSON if the text is JSON (numbers, true/false, "quoted", lists), else the text itself."""
    try:
        return json.loads(text, parse_constant=_refuse)
    except (ValueError, RecursionError):
        return text


def _check(lesson: Lesson, context: LessonContext, name: str) -> None:
    """Resolve each step's tab, check every action, and drop steps for missing tabs."""
    current: str | None = None
    kept: list[Step] = []
    for step in lesson.steps:
        step.actions = [a for a in step.actions if a is not None]
        missing = None
        for action in step.actions:
            here = f"{name}, line {action.line}"
            if action.kind == "tab":
                if action.tab not in context.known_tabs:
                    close = difflib.get_close_matches(action.tab, context.known_tabs, n=1,
                                                      cutoff=0.6)
                    hint = f" — did you mean '{close[0]}'?" if close else ""
                    raise LessonError(f"{here}: unknown tab {action.tab!r}{hint} (tabs: "
                                      f"{', '.join(context.known_tabs)})")
                current = action.tab
                if current not in context.tabs:
                    missing = current
                continue
            action.tab = current
            if action.kind in ("set", "reset", "step", "play", "pause") and current is None:
                raise LessonError(f"{here}: '{action.kind}' needs a tab first: add a line "
                                  "such as 'tab hot' above it")
            if current is not None and current not in context.tabs:
                missing = current
                continue
            if action.kind == "set":
                _check_setting(action, here)
            elif action.kind == "scenario":
                _check_scenario(action, context, here)
        step.tab = current
        if missing is not None:
            lesson.skipped.append(f"{step.title} (needs the '{missing}' tab)")
            continue
        kept.append(step)
    if not kept:
        raise LessonError(f"{name}: every step needs a tab this version does not have")
    lesson.steps = kept


def _check_setting(action: Action, here: str) -> None:
    from desktop_app.ui.scenario_schemas import field_at

    try:
        checker = field_at(action.tab, action.key)
        action.value = checker.validate(action.value, action.key)
    except ScenarioError as error:
        raise LessonError(f"{here}: set {action.key}: {error.problem}") from None


def _check_scenario(action: Action, context: LessonContext, here: str) -> None:
    path = action.path
    if path.is_absolute() or ".." in path.parts:
        raise LessonError(f"{here}: name a file inside resources/scenarios, e.g. "
                          "'scenario 01-hot-cold-from-minus-2.json'")
    full = context.scenarios / path
    try:
        document = scenario.load_document(full)
    except ScenarioError as error:
        raise LessonError(f"{here}: the scenario {str(path)!r} cannot be used: {error}") from None
    action.path = full
    action.value = document.get("title") or path.stem


# -- words for what a step does ----------------------------------------------------------------

def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (int, float)) and math.isfinite(value):
        return number(float(value))
    if isinstance(value, str):
        return formula(value)
    if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
        return "(" + ", ".join(number(float(v)) for v in value) + ")"
    return json.dumps(value, ensure_ascii=False)


def describe(action: Action, titles: dict[str, str]) -> str:
    """A few words for what an action does, for the line under the step's text."""
    if action.kind == "tab":
        return f"“{titles.get(action.tab, action.tab)}”"
    if action.kind == "set":
        *owner, last = action.key.split(".")
        if last == "on" and isinstance(action.value, bool):
            return f"{' '.join(owner)} {'on' if action.value else 'off'}"
        return f"{action.key.replace('.', ' ').replace('_', ' ')} = {_shown(action.value)}"
    if action.kind == "step":
        return "Step" if action.count == 1 else f"Step ×{action.count}"
    if action.kind == "scenario":
        return f"example “{action.value}”"
    return action.kind.capitalize()  # Reset, Play, Pause


# -- doing it ----------------------------------------------------------------------------------

def _merged(state: dict, key: str, value: Any) -> dict:
    result = copy.deepcopy(state)
    target = result
    parts = key.split(".")
    for part in parts[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[parts[-1]] = value
    return result


def perform(step: Step, window) -> None:
    """Do a step's actions in ``window`` (a MainWindow); raises ValueError on a refusal."""
    if step.actions and step.tab is not None:
        window.show_tab(step.tab)
    pending: dict[str, dict] = {}

    def flush() -> None:
        for key, state in pending.items():
            page = window.tab_by_key(key)
            page.pause()
            page.restore(state)
        pending.clear()

    for action in step.actions:
        page = window.tab_by_key(action.tab) if action.tab else None
        if action.kind == "set":
            base = pending.get(action.tab) or page.state()
            pending[action.tab] = _merged(base, action.key, action.value)
            continue
        flush()
        if action.kind == "tab":
            window.show_tab(action.tab)
        elif action.kind == "reset":
            page.reset()
        elif action.kind == "step":
            page.pause()
            for _ in range(action.count):
                page.step()
        elif action.kind == "play":
            page.play()
        elif action.kind == "pause":
            page.pause()
        elif action.kind == "scenario":
            window.load_scenario(action.path)
    flush()


# -- the panel ---------------------------------------------------------------------------------

class LessonPanel(QDockWidget):
    """The lesson beside every tab: the step's title and text, and the way through them."""

    #: The step shown changed: (index, count).
    step_changed = Signal(int, int)
    #: A lesson was opened: its file.
    lesson_opened = Signal(str)

    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__("Lesson", parent)
        self.setObjectName("lesson")
        self.setAccessibleName("Lesson")
        self.window_ = window
        self.lesson: Lesson | None = None
        self.index = 0
        self.compact = False
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)

        body = QWidget()
        body.setObjectName("lesson_body")
        self.choice = QComboBox()
        self.choice.setObjectName("lesson_choice")
        self.choice.setAccessibleName("Choose a lesson")
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.choice.activated.connect(self._on_choice)
        self.counter = QLabel()
        self.counter.setObjectName("lesson_counter")
        self.first_button = self._button("lesson_first", "« First",
                                         "Back to the first step (Home)", self.first_step)
        self.back_button = self._button("lesson_previous", "◀ Back",
                                        "The step before (Page Up)", self.previous_step)
        self.next_button = self._button("lesson_next", "Next ▶", "The next step (Page Down)",
                                        self.next_step)
        self.again_button = self._button("lesson_again", "↻ Again",
                                         "Do this step's actions again", self.do_again)

        self.step_title = QLabel()
        self.step_title.setObjectName("lesson_step_title")
        self.step_title.setWordWrap(True)
        font = self.step_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.step_title.setFont(font)
        self.text = QTextBrowser()
        self.text.setObjectName("lesson_text")
        self.text.setAccessibleName("What this step is about")
        self.text.setOpenExternalLinks(True)
        self.text.setFrameShape(QTextBrowser.Shape.NoFrame)
        text_font = self.text.font()
        text_font.setPointSizeF(text_font.pointSizeF() * 1.15)
        self.text.setFont(text_font)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.text.setMinimumHeight(60)
        self.doing = QLabel()
        self.doing.setObjectName("lesson_actions")
        self.doing.setWordWrap(True)
        self.doing.setStyleSheet("color: #444444;")
        self.problem = QLabel()
        self.problem.setObjectName("lesson_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {theme.ERROR_TEXT};")
        self.problem.hide()

        top = QHBoxLayout()
        top.addWidget(self.step_title, 1)
        top.addWidget(self.counter)
        for button in (self.first_button, self.back_button, self.again_button,
                       self.next_button):
            top.addWidget(button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.doing, 1)
        bottom.addWidget(self.choice)
        column = QVBoxLayout(body)
        column.setContentsMargins(8, 2, 8, 4)
        column.setSpacing(3)
        column.addLayout(top)
        column.addWidget(self.text, 1)
        column.addWidget(self.problem)
        column.addLayout(bottom)
        self.setWidget(body)
        self._fill_choice()
        self._show()

    def _button(self, name: str, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(tip.split(" (")[0])
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(slot)
        return button

    def set_compact(self, on: bool) -> None:
        """In front of a class: the line saying what the app sets up moves into the Again
        button's tooltip, leaving more room for the pictures."""
        self.compact = bool(on)
        self._show()

    def preferred_height(self) -> int:
        """Room for the buttons, about three lines of text and the line of actions."""
        body = self.widget()
        rows = max(self.step_title.sizeHint().height(), self.next_button.sizeHint().height())
        bottom = 0 if self.compact else max(self.choice.sizeHint().height(),
                                            self.doing.sizeHint().height())
        text = 3 * self.text.fontMetrics().lineSpacing() + 12
        margins = body.layout().contentsMargins()
        return rows + text + bottom + margins.top() + margins.bottom() + 3 * 3 + 24

    # -- lessons -------------------------------------------------------------------------------
    def context(self) -> LessonContext:
        from desktop_app.app import TAB_NAMES
        from desktop_app.paths import resource

        tabs = self.window_.tab_titles()
        known = tuple(dict.fromkeys((*TAB_NAMES, *tabs)))
        return LessonContext(tabs, known, resource("scenarios"))

    @staticmethod
    def bundled() -> list[Path]:
        from desktop_app.paths import resource

        folder = resource("lessons")
        return sorted(folder.glob("*.md")) if folder.is_dir() else []

    def choices(self) -> list[tuple[str, Path]]:
        """(title, file) of every bundled lesson."""
        found = []
        for path in self.bundled():
            title = path.stem
            try:
                first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
                heading = _TITLE_HEADING.match(first.strip())
                if heading:
                    title = heading.group(1)
            except (OSError, UnicodeDecodeError, IndexError):
                pass
            found.append((title, path))
        return found

    def _fill_choice(self) -> None:
        self.choice.blockSignals(True)
        self.choice.clear()
        for title, path in self.choices():
            self.choice.addItem(title, str(path))
        self.choice.addItem("Open a lesson file…", "")
        self.choice.blockSignals(False)
        self._select_in_choice()

    def _select_in_choice(self) -> None:
        path = str(self.lesson.path) if self.lesson and self.lesson.path else None
        index = self.choice.findData(path) if path else -1
        self.choice.blockSignals(True)
        self.choice.setCurrentIndex(index if index >= 0 else self.choice.count() - 1)
        self.choice.blockSignals(False)

    def _on_choice(self, index: int) -> None:
        path = self.choice.itemData(index)
        if path:
            self.window_.open_lesson(path)
        else:
            self.window_.open_lesson_dialog()
            self._select_in_choice()

    def load(self, path: Path | str, index: int = 0) -> Lesson:
        """Open a lesson (raises LessonError, keeping the lesson shown so far)."""
        lesson = read_lesson(path, self.context())
        self.lesson = lesson
        self.index = max(0, min(index, len(lesson.steps) - 1))
        self._select_in_choice()
        self._show()
        self.lesson_opened.emit(str(lesson.path))
        return lesson

    # -- moving through the steps --------------------------------------------------------------
    @property
    def count(self) -> int:
        return len(self.lesson.steps) if self.lesson else 0

    def go(self, index: int, act: bool = True) -> bool:
        """Show step ``index`` and (with ``act``) do its actions; False if there is none."""
        if self.lesson is None or not 0 <= index < self.count:
            return False
        self.index = index
        self._show()
        if act:
            self.do_again()
        self.step_changed.emit(self.index, self.count)
        return True

    def next_step(self) -> bool:
        if self.lesson is not None and self.index + 1 >= self.count:
            self.window_.statusBar().showMessage("That was the last step of the lesson.")
            return False
        return self.go(self.index + 1)

    def previous_step(self) -> bool:
        if self.lesson is not None and self.index == 0:
            self.window_.statusBar().showMessage("This is the first step of the lesson.")
            return False
        return self.go(self.index - 1)

    def first_step(self) -> bool:
        return self.go(0)

    def do_again(self) -> None:
        if self.lesson is None:
            return
        step = self.lesson.steps[self.index]
        self.problem.hide()
        try:
            perform(step, self.window_)
        except (ValueError, ScenarioError) as error:
            self.problem.setText(f"This step could not be done: {error}")
            self.problem.show()

    # -- drawing -------------------------------------------------------------------------------
    def _show(self) -> None:
        lesson = self.lesson
        has = lesson is not None
        for button in (self.first_button, self.back_button, self.again_button, self.next_button):
            button.setEnabled(has)
        if not has:
            self.setWindowTitle("Lesson")
            self.counter.setText("")
            self.step_title.setText("Choose a lesson to follow it step by step.")
            self.text.setMarkdown("Each step explains one idea and sets the app up to show "
                                  "it. Use **Page Down** (or a presentation clicker) for the "
                                  "next step and **Page Up** to go back.")
            self.doing.setText("")
            return
        step = lesson.steps[self.index]
        self.setWindowTitle(f"Lesson: {lesson.title}")
        self.choice.setToolTip(lesson.description)
        self.counter.setText(f"Step {self.index + 1} of {self.count}")
        self.first_button.setEnabled(self.index > 0)
        self.back_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index + 1 < self.count)
        self.again_button.setEnabled(bool(step.actions))
        self.step_title.setText(step.title)
        self.text.setMarkdown(step.text)
        titles = self.window_.tab_titles()
        words = [describe(a, titles) for a in step.actions]
        self.doing.setText("▶ The app sets up: " + " · ".join(words) if words else "")
        self.again_button.setToolTip("Do this step's actions again"
                                     + (f"\n{self.doing.text()}" if words else ""))
        self.doing.setVisible(not self.compact)
        self.choice.setVisible(not self.compact)
