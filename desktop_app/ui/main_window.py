"""The main window: one tab per idea, the shared playback bar, menus and shortcuts, and the
classroom around them: presenter mode, the lesson panel, scenarios, focus and export.

Every key the app answers to is listed once, in :data:`KEYS`: the actions are made from
it and Help → Keyboard shortcuts is generated from it, so the list cannot drift.

The window opens in two stages so it is on screen at once: the constructor builds only the
frame (tab bar, menus, status bar), which needs nothing but Qt; ``finish_start`` then adds
the playback bar, the lesson panel and the tab being shown. Every other tab is built the
first time it is shown (or asked for), and with it pyqtgraph, NumPy and the models load.
"""

from __future__ import annotations

import copy
import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QScrollBar,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.model.scenario_error import ScenarioError
from desktop_app.paths import resource
from desktop_app.ui import theme
from desktop_app.ui.focus import FOCUS, PRESENTER, FocusDialog, Hider

if TYPE_CHECKING:
    from desktop_app.ui.lesson import LessonPanel
    from desktop_app.ui.playback import PlaybackBar
    from desktop_app.ui.tab import Tab

APP_NAME = "Deep Learning Made Simple"


@dataclass(frozen=True)
class TabSpec:
    """Where a tab's class lives; importing it is left for the moment the tab is shown."""

    key: str
    title: str
    module: str
    class_name: str

    def load(self) -> type[Tab]:
        return getattr(importlib.import_module(self.module), self.class_name)


# The tabs, in the article's order. Adding a tab is one line here.
TABS: tuple[TabSpec, ...] = (
    TabSpec("hot", "Hot and cold", "desktop_app.ui.hot_cold_tab", "HotColdTab"),
    TabSpec("slope", "Slope explorer", "desktop_app.ui.slope_tab", "SlopeTab"),
    TabSpec("surface", "Surface descent", "desktop_app.ui.surface_tab", "SurfaceTab"),
    TabSpec("network", "Network builder", "desktop_app.ui.network_tab", "NetworkTab"),
    TabSpec("digits", "Digits", "desktop_app.ui.digits_tab", "DigitsTab"),
)


class _TabSlot(QWidget):
    """What the tab bar holds for a tab: a note until the tab itself is built, then the tab.

    It has no layout of its own on purpose. ``QLayout.activate`` asks its widget for new
    geometry every time it runs, so with a layout here each new text in a tab (a label's
    ``setText`` re-runs the layouts above it) would reach the ``QTabWidget``, which repaints
    the whole tab on every layout request: a full-window repaint per animation frame. The
    slot passes a request on only when the tab's size hints really changed.
    """

    def __init__(self, spec: TabSpec) -> None:
        super().__init__()
        self.setObjectName(f"slot_{spec.key}")
        self.page: Tab | None = None
        self.note = QLabel(f"Opening “{spec.title}”…", self)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._child: QWidget = self.note
        self._hints = self._child_hints()

    def hold(self, page: Tab) -> None:
        self.page = page
        self.note.hide()  # deleted later; until then it would show through gaps in the tab
        self.note.deleteLater()
        page.setParent(self)
        self._child = page
        page.setGeometry(self.rect())
        if self.isVisible():
            page.show()
        self._pass_on_new_hints(force=True)

    def _child_hints(self) -> tuple:
        # Only the limits: a shown window never grows to a new size hint, but it must keep
        # to a new minimum. ``sizeHint`` is still answered live below.
        child = self._child
        return (child.minimumSizeHint(), child.minimumSize(), child.maximumSize(),
                child.sizePolicy())

    def _pass_on_new_hints(self, force: bool = False) -> None:
        hints = self._child_hints()
        if force or hints != self._hints:
            self._hints = hints
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self._child.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        child = self._child
        return child.minimumSizeHint().expandedTo(child.minimumSize())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._pass_on_new_hints()
            return True
        return super().event(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._child.setGeometry(self.rect())
        super().resizeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # Requests made while hidden were not posted here: catch up on being shown.
        self._child.setGeometry(self.rect())
        self._pass_on_new_hints()
        super().showEvent(event)


@dataclass(frozen=True)
class KeyBinding:
    """One entry of the keyboard table: an action's name, its keys and what it does."""

    name: str
    keys: tuple[str, ...]
    what: str
    #: How the keys are written in the help ("" = from ``keys``).
    label: str = ""
    #: The tab itself answers this key (listed for completeness; no window action).
    by_tab: bool = False


#: Every key of the app, in the order the help lists them. ``tabs`` stands for Ctrl+1 … Ctrl+N.
KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("play", ("Space",), "Play / pause"),
    KeyBinding("step", ("Right",), "One step (in the dark room: move right)", "→ (Right)"),
    KeyBinding("left", ("Left",), "In the dark room: move left", "← (Left)", by_tab=True),
    KeyBinding("reset", ("R",), "Reset"),
    KeyBinding("tabs", (), "Go to tab 1, 2, …"),
    KeyBinding("lesson_next", ("PgDown",), "Next lesson step (what a presentation clicker "
               "sends)", "Page Down"),
    KeyBinding("lesson_previous", ("PgUp",), "Previous lesson step", "Page Up"),
    KeyBinding("lesson_first", ("Home",), "First lesson step"),
    KeyBinding("lesson", ("Ctrl+L",), "Show or hide the lesson"),
    KeyBinding("presenter", ("F5",), "Presenter mode: big text, thick lines, high contrast"),
    KeyBinding("full_screen", ("F11",), "Full screen"),
    KeyBinding("zoom_in", ("Ctrl+=", "Ctrl++"), "Bigger text", "Ctrl+= (or Ctrl++)"),
    KeyBinding("zoom_out", ("Ctrl+-",), "Smaller text", "Ctrl+−"),
    KeyBinding("zoom_reset", ("Ctrl+0",), "Text at its normal size"),
    KeyBinding("open", ("Ctrl+O",), "Open a scenario"),
    KeyBinding("save", ("Ctrl+S",), "Save the scenario"),
    KeyBinding("export_png", ("Ctrl+Shift+S",), "Save a picture of the view (PNG)"),
    KeyBinding("quit", ("Ctrl+Q",), "Quit"),
)

#: Kept for older callers: (keys as written, what they do).
SHORTCUTS = tuple((k.label or " / ".join(k.keys), k.what) for k in KEYS if k.keys)

MAX_RECENT = 8
SCENARIO_FILTER = "Scenarios (*.json);;All files (*)"

#: The application's own font and palette, before presenter mode or zoom changed them.
_ORIGINAL: dict = {}


def _original_look(app: QApplication) -> tuple[QFont, object]:
    from desktop_app.ui import presenter

    if "font" not in _ORIGINAL:
        _ORIGINAL["font"] = QFont(app.font())
        _ORIGINAL["palette"] = app.palette()
        presenter.set_base_points(presenter.font_size(app.font()))
    return _ORIGINAL["font"], _ORIGINAL["palette"]


class _KeysForControls(QObject):
    """Page Up / Page Down / Home go to the lesson, except while a control that uses them
    itself has the keyboard (a slider, a spin box, a list to choose from, a text field)."""

    LESSON_KEYS = (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window_ = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() not in self.LESSON_KEYS or not plain:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window_:
            return False
        panel = self.window_.lesson_if_built()
        if panel is not None and panel.isAncestorOf(watched):
            return False
        if self._uses(watched, event.key()):
            event.accept()  # the control gets the key, not the lesson
            return True
        return False

    @staticmethod
    def _uses(widget: QWidget, key) -> bool:
        if isinstance(widget, QAbstractSlider) and not isinstance(widget, QScrollBar):
            return True
        if isinstance(widget, (QAbstractSpinBox, QComboBox)):
            return True
        if isinstance(widget, QLineEdit):
            return key == Qt.Key.Key_Home or isinstance(widget.parent(), QAbstractSpinBox)
        if isinstance(widget, (QTextEdit, QPlainTextEdit)):
            return not widget.isReadOnly()
        return False


def _sentence(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text[:1].upper() + text[1:]


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(QIcon(str(resource("icons", "app.svg"))))
        self.resize(1280, 800)
        self._base_font, self._base_palette = _original_look(QApplication.instance())
        theme.set_colorblind(False)  # the palette is chosen by restore_settings or the menu
        self.presenter = False
        self.zoom = 1.0
        self._look_scale = 1.0
        self.hider = Hider(self)
        self.hider.released.connect(self._on_control_back)
        self.recent: list[str] = []
        self.scenario_path: str | None = None
        self.scenario_error_dialog: QMessageBox | None = None
        self.export_error_dialog: QMessageBox | None = None
        self.focus_dialog: FocusDialog | None = None
        #: Hooks that ask the user for a file; tests (and tools) replace them.
        self.ask_open_path: Callable[[], str | None] = self._ask_open_path
        self.ask_save_path: Callable[[], str | None] = self._ask_save_path
        self.ask_export_path: Callable[[str], str | None] = self._ask_export_path
        self.ask_lesson_path: Callable[[], str | None] = self._ask_lesson_path

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self._slots = [_TabSlot(spec) for spec in TABS]
        for slot, spec in zip(self._slots, TABS, strict=True):
            self.tabs.addTab(slot, spec.title)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._started = False
        self._speed: float | None = None
        self._playback: PlaybackBar | None = None
        self._lesson: LessonPanel | None = None
        #: The lesson to open when the panel is built: (file or None, step, shown).
        self._lesson_wanted: tuple[str | None, int, bool] = (None, 0, False)
        self._gif_recorder = None

        central = QWidget()
        self._central_layout = layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.statusBar().setObjectName("status_bar")
        self.statusBar().showMessage("Welcome! Press Step (→) to make the first move.")

        self._keys_for_controls = _KeysForControls(self)
        QApplication.instance().installEventFilter(self._keys_for_controls)
        self._build_actions()
        self._build_menus()
        self._finish_on_paint = False

    # -- the second stage of opening ----------------------------------------------------------
    def finish_start(self) -> None:
        """Build what the frame left out: the playback bar, the lesson panel, the menus that
        read files, and the tab being shown. Safe to call more than once."""
        self._finish_on_paint = False
        self._started = True
        _ = self.playback, self.lesson
        if not self._menus_filled:
            self._menus_filled = True
            self._fill_examples()
            self._fill_lesson_menu()
        self.current_tab()
        self._on_tab_changed(self.tabs.currentIndex())

    def finish_start_after_first_paint(self) -> None:
        """Let the frame be painted before the rest is built (the app's own start)."""
        self._finish_on_paint = True

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().paintEvent(event)
        if self._finish_on_paint:
            self._finish_on_paint = False
            QTimer.singleShot(0, self, self.finish_start)

    @property
    def playback(self) -> PlaybackBar:
        if self._playback is None:
            from desktop_app.ui.playback import PlaybackBar

            bar = self._playback = PlaybackBar()
            bar.play_toggled.connect(lambda: self.current_tab().toggle_play())
            bar.step_clicked.connect(lambda: self.current_tab().step())
            bar.reset_clicked.connect(lambda: self.current_tab().reset())
            bar.speed_changed.connect(self._set_speed)
            self._central_layout.addWidget(bar)
            if self.isVisible():
                bar.show()
            self._set_speed(bar.speed.value())
            if self._look_scale != 1.0:
                bar.fit_text()
            page = self._pages()[self.tabs.currentIndex()]
            bar.show_playing(page is not None and page.playing)
        return self._playback

    def lesson_if_built(self) -> LessonPanel | None:
        return self._lesson

    @property
    def lesson(self) -> LessonPanel:
        if self._lesson is None:
            from desktop_app.ui.lesson import LessonPanel

            panel = self._lesson = LessonPanel(self)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, panel)
            panel.hide()
            panel.step_changed.connect(self._on_lesson_step)
            panel.visibilityChanged.connect(self._on_lesson_visible)
            panel.set_compact(self.presenter)
            path, index, shown = self._lesson_wanted
            opened = path is not None and self._try_lesson(path, act=False, index=index)
            if not opened:
                lessons = LessonPanel.bundled()
                if lessons:
                    self._try_lesson(lessons[0], act=False)
            if shown:
                panel.show()
        return self._lesson

    def _on_lesson_visible(self, shown: bool) -> None:
        if self.lesson_action.isChecked() != shown:
            self.lesson_action.setChecked(shown)
        if shown:
            self.fit_lesson()

    def _show_lesson(self, on: bool) -> None:
        if self.lesson.isVisible() != on:
            self.lesson.setVisible(on)

    @property
    def gif_recorder(self):
        if self._gif_recorder is None:
            from desktop_app.ui import export

            self._gif_recorder = export.GifRecorder(self)
        return self._gif_recorder

    # -- tabs --------------------------------------------------------------------------
    @property
    def tab_pages(self) -> list[Tab]:
        """Every tab, in order (the ones not built yet are built now)."""
        return [self._page(index) for index in range(len(TABS))]

    def _pages(self) -> list[Tab | None]:
        """Every tab that has been built, None for the others."""
        return [slot.page for slot in self._slots]

    def built_pages(self) -> list[Tab]:
        return [page for page in self._pages() if page is not None]

    def tab_titles(self) -> dict[str, str]:
        return {spec.key: spec.title for spec in TABS}

    def _page(self, index: int) -> Tab:
        page = self._slots[index].page
        return page if page is not None else self._build_page(index)

    def _build_page(self, index: int) -> Tab:
        from desktop_app.ui import scenario_schemas

        page = TABS[index].load()()
        self._slots[index].hold(page)
        page.status.connect(self._show_status)
        page.playing_changed.connect(self._on_playing_changed)
        scenario_schemas.ensure_schema(page)
        page.set_look(False, 1.0)  # remember every plot's normal look
        # A tab built later than the window catches up with the window's look.
        if theme.colorblind():
            page.set_colorblind(True)
        if self.presenter:
            for name in page.secondary_controls:
                widget = page.findChild(QWidget, name)
                if widget is not None:
                    self.hider.hide(widget, PRESENTER)
        if self.presenter or self._look_scale != 1.0:
            page.set_look(self.presenter, self._look_scale)
        if self._speed is not None:
            page.set_speed(self._speed)
        return page

    def current_tab(self) -> Tab:
        return self._page(self.tabs.currentIndex())

    def tab_by_key(self, key: str) -> Tab | None:
        index = next((i for i, spec in enumerate(TABS) if spec.key == key), None)
        return None if index is None else self._page(index)

    def show_tab(self, key: str) -> bool:
        index = next((i for i, spec in enumerate(TABS) if spec.key == key), None)
        if index is None:
            return False
        self.tabs.setCurrentIndex(index)
        return True

    def _on_tab_changed(self, _index: int) -> None:
        if not self._started:
            return  # finish_start builds the tab shown once the frame is on screen
        self.playback.show_playing(self.current_tab().playing)

    def _on_playing_changed(self, playing: bool) -> None:
        if self.sender() is self.current_tab():
            self.playback.show_playing(playing)

    def _set_speed(self, steps_per_second: float) -> None:
        self._speed = steps_per_second
        for page in self.built_pages():
            page.set_speed(steps_per_second)

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text)

    # -- actions, menus and keys ----------------------------------------------------------
    def _handlers(self) -> dict[str, Callable[[], object]]:
        return {
            "play": lambda: self.current_tab().toggle_play(),
            "step": lambda: self.current_tab().step(),
            "reset": lambda: self.current_tab().reset(),
            "lesson_next": lambda: self.lesson.next_step(),
            "lesson_previous": lambda: self.lesson.previous_step(),
            "lesson_first": lambda: self.lesson.first_step(),
            "zoom_in": self.zoom_in,
            "zoom_out": self.zoom_out,
            "zoom_reset": self.zoom_reset,
            "open": self.open_scenario_dialog,
            "save": self.save_scenario_dialog,
            "export_png": self.export_png_dialog,
            "quit": self.close,
        }

    def _action(self, name: str, text: str, slot=None, keys: tuple[str, ...] = (),
                checkable: bool = False) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.setCheckable(checkable)
        if slot is not None:
            (action.toggled if checkable else action.triggered).connect(slot)
        self.addAction(action)  # keys work on every tab, with or without a menu
        return action

    def _build_actions(self) -> None:
        handlers = self._handlers()
        texts = {"open": "&Open scenario…", "save": "&Save scenario…",
                 "export_png": "Export &picture (PNG)…", "quit": "&Quit",
                 "zoom_in": "&Bigger text", "zoom_out": "&Smaller text",
                 "zoom_reset": "&Normal text size", "lesson_next": "&Next step",
                 "lesson_previous": "&Previous step", "lesson_first": "&First step"}
        self.actions_by_name: dict[str, QAction] = {}
        for binding in KEYS:
            if binding.by_tab or binding.name not in handlers:
                continue
            self.actions_by_name[binding.name] = self._action(
                binding.name, texts.get(binding.name, binding.what),
                handlers[binding.name], binding.keys)
        for number in range(1, min(9, len(TABS)) + 1):
            self.actions_by_name[f"tab{number}"] = self._action(
                f"tab{number}", f"Tab {number}",
                lambda _=False, n=number: self.tabs.setCurrentIndex(n - 1),
                (f"Ctrl+{number}",))

        keys = {b.name: b.keys for b in KEYS}
        self.presenter_action = self._action("presenter", "&Presenter mode", self.set_presenter,
                                             keys["presenter"], checkable=True)
        self.full_screen_action = self._action("full_screen", "&Full screen",
                                               self.set_full_screen, keys["full_screen"],
                                               checkable=True)
        self.colorblind_action = self._action("colorblind", "&Colour-blind-safe colours",
                                              self.set_colorblind, checkable=True)
        self.lesson_action = self._action("lesson", "&Lesson", self._show_lesson,
                                          keys["lesson"], checkable=True)
        self.focus_action = self._action("focus", "F&ocus…", self.show_focus_dialog)
        self.focus_clear_action = self._action("focus_clear", "Show &every control",
                                               self.clear_focus)
        self.export_gif_action = self._action("export_gif", "Export &animation (GIF)…",
                                              self.export_gif_dialog)
        self.open_lesson_action = self._action("open_lesson", "Open a lesson &file…",
                                               self.open_lesson_dialog)
        self.shortcuts = {**self.actions_by_name, "presenter": self.presenter_action,
                          "full_screen": self.full_screen_action, "lesson": self.lesson_action}

    def _build_menus(self) -> None:
        a = self.actions_by_name
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(a["open"])
        file_menu.addAction(a["save"])
        self.examples_menu = file_menu.addMenu("E&xamples")
        self.examples_menu.setObjectName("examples_menu")
        self.recent_menu = file_menu.addMenu("&Recent scenarios")
        self.recent_menu.setObjectName("recent_menu")
        file_menu.addSeparator()
        file_menu.addAction(a["export_png"])
        file_menu.addAction(self.export_gif_action)
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])
        self._menus_filled = False  # the examples and lessons are read by finish_start
        self.examples_menu.aboutToShow.connect(self._fill_menus_once)
        self.examples_menu.setEnabled(bool(self.example_files()))
        self._fill_recent()

        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.lesson_action)
        view_menu.addAction(self.presenter_action)
        view_menu.addAction(self.full_screen_action)
        view_menu.addSeparator()
        for name in ("zoom_in", "zoom_out", "zoom_reset"):
            view_menu.addAction(a[name])
        view_menu.addSeparator()
        view_menu.addAction(self.colorblind_action)
        view_menu.addSeparator()
        view_menu.addAction(self.focus_action)
        view_menu.addAction(self.focus_clear_action)

        lesson_menu = self.menuBar().addMenu("&Lesson")
        lesson_menu.addAction(self.lesson_action)
        for name in ("lesson_next", "lesson_previous", "lesson_first"):
            lesson_menu.addAction(a[name])
        lesson_menu.addSeparator()
        lesson_menu.addAction(self.open_lesson_action)
        lesson_menu.aboutToShow.connect(self._fill_menus_once)
        self.lesson_menu = lesson_menu

        help_menu = self.menuBar().addMenu("&Help")
        keys_action = QAction("&Keyboard shortcuts", self)
        keys_action.setObjectName("action_shortcuts")
        keys_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys_action)
        about_action = QAction("&About", self)
        about_action.setObjectName("action_about")
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    def _fill_menus_once(self) -> None:
        if not self._menus_filled:
            self._menus_filled = True
            self._fill_examples()
            self._fill_lesson_menu()

    def _fill_lesson_menu(self) -> None:
        for index, (title, path) in enumerate(self.lesson.choices()):
            action = QAction(title, self.lesson_menu)
            action.setObjectName(f"lesson_file_{index}")
            action.triggered.connect(lambda _=False, p=path: self.open_lesson(p))
            self.lesson_menu.insertAction(self.open_lesson_action, action)

    def key_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the help, straight from KEYS."""
        rows = []
        for binding in KEYS:
            if binding.name == "tabs":
                count = min(9, len(TABS))
                rows.append((f"Ctrl+1 … Ctrl+{count}", f"Go to tab 1 … {count}"))
                continue
            label = binding.label or " / ".join(
                QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
                for k in binding.keys)
            rows.append((label, binding.what))
        return rows

    def set_full_screen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
        if self.full_screen_action.isChecked() != on:
            self.full_screen_action.setChecked(on)

    def show_shortcuts(self) -> QDialog:
        dialog = QDialog(self)
        dialog.setObjectName("shortcuts_dialog")
        dialog.setWindowTitle("Keyboard shortcuts")
        rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{what}</td></tr>"
                       for k, what in self.key_rows())
        label = QLabel(f"<table cellpadding='3'>{rows}</table>")
        label.setObjectName("shortcuts_table")
        scroll = QScrollArea()
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        hint = label.sizeHint()
        dialog.resize(min(hint.width() + 60, 1000), min(hint.height() + 90, 700))
        dialog.open()
        return dialog

    def show_about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setObjectName("about_dialog")
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setText(f"<b>{APP_NAME}</b> {__version__}")
        box.setInformativeText(
            "Play with the ideas behind deep learning: a function, the distance between "
            "two functions, the hot-and-cold game, slopes, gradient descent and networks "
            "that learn their own constants.")
        box.open()
        return box

    # -- presenter mode, zoom and colours --------------------------------------------------------
    def text_scale(self) -> float:
        """Every font's factor: the zoom, times presenter mode's enlargement."""
        return self.zoom * (theme.PRESENTER_TEXT if self.presenter else 1.0)

    def set_presenter(self, on: bool) -> None:
        """Big text, thick lines, high contrast, secondary controls tucked away (F5)."""
        on = bool(on)
        if self.presenter_action.isChecked() != on:
            self.presenter_action.setChecked(on)  # comes back here through toggled
            return
        self.presenter = on
        QApplication.instance().setPalette(
            theme.high_contrast_palette(self._base_palette) if on else self._base_palette)
        for page in self.built_pages():
            for name in page.secondary_controls:
                widget = page.findChild(QWidget, name)
                if widget is None:
                    continue
                if on:
                    self.hider.hide(widget, PRESENTER)
                else:
                    self.hider.show(widget, PRESENTER)
        if self._lesson is not None:
            self._lesson.set_compact(on)
        self._apply_look()
        self.statusBar().showMessage("Presenter mode is on: F5 turns it off." if on else
                                     "Presenter mode is off.")

    def set_zoom(self, zoom: float) -> None:
        low, high = theme.ZOOM_RANGE
        self.zoom = float(min(high, max(low, zoom)))
        self._apply_look()
        self.statusBar().showMessage(f"Text size: {round(100 * self.zoom)} %")

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * theme.ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / theme.ZOOM_STEP)

    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    def _apply_look(self) -> None:
        from desktop_app.ui import presenter

        scale = self.text_scale()
        app = QApplication.instance()
        font = QFont(self._base_font)
        font.setPointSizeF(presenter.font_size(self._base_font) * scale)
        app.setFont(font)
        presenter.scale_widget_fonts(self, scale, self._look_scale)
        if self._playback is not None:
            self._playback.fit_text()
        for page in self.built_pages():
            page.set_look(self.presenter, scale)
        self._look_scale = scale
        self.fit_lesson()

    def set_colorblind(self, on: bool) -> None:
        """The colour-blind-safe palette: cividis for heights, vermillion and blue for
        hot and cold."""
        on = bool(on)
        if self.colorblind_action.isChecked() != on:
            self.colorblind_action.setChecked(on)
            return
        theme.set_colorblind(on)
        for page in self.built_pages():
            page.set_colorblind(on)

    def _restore_app_look(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.setFont(self._base_font)
            app.setPalette(self._base_palette)
        theme.set_colorblind(False)

    # -- focus ------------------------------------------------------------------------------------
    def focus_hidden(self, page: Tab) -> list[str]:
        """objectNames of the controls hidden for a demo on ``page``, in screen order."""
        hidden = set(self.hider.hidden(FOCUS))
        names = []
        for widget in page.focus_candidates():
            if widget in hidden and widget.objectName() not in names:
                names.append(widget.objectName())
        return names

    def _focus_widgets(self, page: Tab, names: list[str], where: str) -> list[QWidget]:
        known: dict[str, QWidget] = {}
        for widget in page.focus_candidates():
            known.setdefault(widget.objectName(), widget)
        widgets = []
        for index, name in enumerate(names):
            if name not in known:
                raise ScenarioError(f"there is no control called {name!r} on the "
                                    f"“{page.title}” tab", f"{where}[{index}]")
            widgets.append(known[name])
        return widgets

    def set_focus_hidden(self, page: Tab, names: list[str]) -> None:
        """Hide exactly these controls of ``page`` (and show its others again)."""
        widgets = self._focus_widgets(page, list(names), f"focus.{page.key}")
        self._replace_focus(page, widgets)

    def _replace_focus(self, page: Tab, widgets: list[QWidget]) -> None:
        for widget in self.hider.hidden(FOCUS):
            if page.isAncestorOf(widget) and widget not in widgets:
                self.hider.show(widget, FOCUS)
        for widget in widgets:
            self.hider.hide(widget, FOCUS)

    def _on_control_back(self, widget: QWidget) -> None:
        for page in self.built_pages():
            if page.isAncestorOf(widget):
                page.refresh_view()

    def clear_focus(self) -> None:
        self.hider.release_all(FOCUS)
        if self.focus_dialog is not None:
            self.focus_dialog.close()

    def show_focus_dialog(self) -> FocusDialog:
        if self.focus_dialog is not None:
            self.focus_dialog.close()
            self.focus_dialog.deleteLater()
        self.focus_dialog = FocusDialog(self.current_tab(), self.hider, self)
        self.focus_dialog.open()
        return self.focus_dialog

    # -- scenarios ---------------------------------------------------------------------------------
    def capture_state(self) -> dict:
        """Everything a scenario holds: every tab's settings, the tab shown, the focus."""
        state: dict = {"current_tab": self.current_tab().key,
                       "tabs": {page.key: page.state() for page in self.tab_pages}}
        focus = {page.key: self.focus_hidden(page) for page in self.tab_pages}
        focus = {key: names for key, names in focus.items() if names}
        if focus:
            state["focus"] = focus
        return state

    def save_scenario(self, path) -> None:
        """Write the whole app state to ``path`` atomically; ScenarioError if it cannot."""
        from desktop_app.model import scenario

        scenario.save(path, self.capture_state())
        self.scenario_path = str(path)
        self._remember_recent(str(path))

    def load_scenario(self, path) -> dict:
        """Apply a scenario file, or raise ScenarioError leaving the window exactly as it was."""
        from desktop_app.model import scenario

        state = scenario.load(path)
        self.apply_state(state)
        if not self._is_example(path):  # the examples are not where a teacher saves
            self.scenario_path = str(path)
            self._remember_recent(str(path))
        return state

    def apply_state(self, state: dict) -> None:
        """Apply a validated state (scenario.load's result); all or nothing."""
        tabs = state.get("tabs", {})
        for key in tabs:
            if self.tab_by_key(key) is None:
                raise ScenarioError(f"this version has no {key!r} tab", "tabs")
        current = state.get("current_tab")
        if current is not None and self.tab_by_key(current) is None:
            raise ScenarioError(f"this version has no {current!r} tab", "current_tab")
        focus = {}
        for key, names in state.get("focus", {}).items():
            page = self.tab_by_key(key)
            if page is None:
                raise ScenarioError(f"this version has no {key!r} tab", "focus")
            focus[key] = self._focus_widgets(page, names, f"focus.{key}")

        before = {page.key: page.state() for page in self.tab_pages}
        for page in self.tab_pages:
            page.pause()
        tried: list[str] = []
        try:
            for key, tab_state in tabs.items():
                tried.append(key)
                self.tab_by_key(key).restore(copy.deepcopy(tab_state))
        except Exception as error:  # a tab refused its settings: put every tab back
            failed = tried[-1]
            for key in tried:
                try:
                    self.tab_by_key(key).restore(before[key])
                except Exception:  # the old state was the tab's own: keep going
                    pass
            raise ScenarioError(str(error).strip() or type(error).__name__,
                                f"tabs.{failed}") from None
        for page in self.tab_pages:
            self._replace_focus(page, focus.get(page.key, []))
        if current is not None:
            self.show_tab(current)

    def open_scenario(self, path) -> bool:
        """Open a scenario from a menu: on a problem, a dialog says what and where."""
        try:
            state = self.load_scenario(path)
        except ScenarioError as error:
            self.show_scenario_error(path, error)
            return False
        title = state.get("title") or Path(str(path)).stem
        self.statusBar().showMessage(f"Opened the scenario “{title}”.")
        return True

    def show_scenario_error(self, path, error: ScenarioError) -> QMessageBox:
        if self.scenario_error_dialog is None:
            box = self.scenario_error_dialog = QMessageBox(self)
            box.setObjectName("scenario_error")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("This scenario cannot be opened")
        box = self.scenario_error_dialog
        box.setText(f"<b>{Path(str(path)).name}</b> was not opened, and nothing in the app "
                    "has changed.")
        details = str(error)
        if error.where:
            details += (f"\n\n“{error.where}” is the place in the file: the section, then "
                        "the setting.")
        box.setInformativeText(details)
        box.open()  # not exec(): the app (and a test) goes on while it is shown
        return box

    def open_scenario_dialog(self) -> bool:
        path = self.ask_open_path()
        return bool(path) and self.open_scenario(path)

    def save_scenario_dialog(self) -> bool:
        path = self.ask_save_path()
        if not path:
            return False
        try:
            self.save_scenario(path)
        except ScenarioError as error:
            self._export_problem("The scenario was not saved", str(error))
            return False
        self.statusBar().showMessage(f"Saved the scenario to {Path(path).name}.")
        return True

    def _ask_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a scenario", self._folder(),
                                              SCENARIO_FILTER)
        return path or None

    def _ask_save_path(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the scenario",
                                              self.scenario_path or self._folder(),
                                              SCENARIO_FILTER)
        if path and not Path(path).suffix:
            path += ".json"
        return path or None

    def _folder(self) -> str:
        if self.scenario_path:
            return str(Path(self.scenario_path).parent)
        return str(Path.home())

    @staticmethod
    def example_files() -> list[Path]:
        folder = resource("scenarios")
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    def _fill_examples(self) -> None:
        from desktop_app.model import scenario

        self.examples_menu.clear()
        self.examples_menu.setToolTipsVisible(True)
        for index, path in enumerate(self.example_files()):
            try:
                document = scenario.load_document(path)
            except ScenarioError:
                continue
            action = self.examples_menu.addAction(document.get("title") or path.stem)
            action.setObjectName(f"example_{index}")
            action.setData(str(path))
            action.setToolTip(document.get("notes", ""))
            action.triggered.connect(lambda _=False, p=path: self.open_scenario(p))
        self.examples_menu.setEnabled(not self.examples_menu.isEmpty())

    @staticmethod
    def _is_example(path) -> bool:
        try:
            return Path(path).resolve().parent == resource("scenarios").resolve()
        except (OSError, ValueError):
            return False

    def _remember_recent(self, path: str) -> None:
        if self._is_example(path):
            return  # the examples have their own menu
        self.recent = [path] + [p for p in self.recent if p != path]
        del self.recent[MAX_RECENT:]
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for index, path in enumerate(self.recent):
            action = self.recent_menu.addAction(f"&{index + 1}  {Path(path).name}")
            action.setObjectName(f"recent_{index}")
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.open_scenario(p))
        if self.recent:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear the list")
            clear.setObjectName("recent_clear")
            clear.triggered.connect(self.clear_recent)
        self.recent_menu.setEnabled(bool(self.recent))

    def clear_recent(self) -> None:
        self.recent = []
        self._fill_recent()

    # -- export ------------------------------------------------------------------------------------
    def export_png(self, path) -> bool:
        from desktop_app.ui import export

        try:
            export.save_png(self.current_tab(), path)
        except export.ExportError as error:
            self._export_problem("The picture was not saved", str(error))
            return False
        self.statusBar().showMessage(f"Saved a picture of the view to {Path(path).name}.")
        return True

    def export_png_dialog(self) -> bool:
        path = self.ask_export_path("png")
        return bool(path) and self.export_png(path)

    def export_gif(self, path, steps: int | None = None) -> bool:
        """Record the current tab's animation (up to ``steps`` steps, by default
        ``export.GIF_MAX_STEPS``) as a GIF."""
        from desktop_app.ui import export

        if steps is None:
            steps = export.GIF_MAX_STEPS
        page = self.current_tab()
        if not page.can_play():
            self.statusBar().showMessage(f"Nothing to animate here: {page.why_not_playing()}")
            return False
        speed = max(0.5, float(self.playback.speed.value()))
        try:
            done = self.gif_recorder.record(page, path, steps=steps, delay=1.0 / speed)
        except export.ExportError as error:
            self._export_problem("The animation was not saved", str(error))
            return False
        self.statusBar().showMessage(f"Saved the animation to {Path(path).name}." if done
                                     else "The animation was cancelled; no file was written.")
        return done

    def export_gif_dialog(self) -> bool:
        path = self.ask_export_path("gif")
        return bool(path) and self.export_gif(path)

    def _ask_export_path(self, kind: str) -> str | None:
        what = {"png": ("Save a picture of the view", "PNG pictures (*.png)"),
                "gif": ("Save the animation", "GIF animations (*.gif)")}[kind]
        name = f"{self.current_tab().key}.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, what[0], str(Path.home() / name), what[1])
        if path and not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        return path or None

    def _export_problem(self, title: str, text: str) -> QMessageBox:
        if self.export_error_dialog is None:
            self.export_error_dialog = QMessageBox(self)
            self.export_error_dialog.setObjectName("export_error")
            self.export_error_dialog.setIcon(QMessageBox.Icon.Warning)
        box = self.export_error_dialog
        box.setWindowTitle(title)
        box.setText(f"<b>{title}.</b>")
        box.setInformativeText(_sentence(Exception(text)))
        box.open()
        return box

    # -- lessons -----------------------------------------------------------------------------------
    def open_lesson(self, path, act: bool = True) -> bool:
        """Open a lesson and show its first step; a bad file gives a dialog saying why."""
        if not self._try_lesson(path, act=act, report=True):
            return False
        self.lesson.show()
        return True

    def _try_lesson(self, path, act: bool, report: bool = False, index: int = 0) -> bool:
        from desktop_app.ui.lesson import LessonError

        try:
            self.lesson.load(path, index)
        except LessonError as error:
            if report:
                self._lesson_problem(str(error))
            return False
        if act:
            self.lesson.go(index)
        return True

    def _lesson_problem(self, text: str) -> QMessageBox:
        box = QMessageBox(self)
        box.setObjectName("lesson_error")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("This lesson cannot be opened")
        box.setText("<b>The lesson was not opened.</b>")
        box.setInformativeText(text)
        box.open()
        self.lesson_error_dialog = box
        return box

    def open_lesson_dialog(self) -> bool:
        path = self.ask_lesson_path()
        return bool(path) and self.open_lesson(path)

    def _ask_lesson_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a lesson", str(resource("lessons")),
                                              "Lessons (*.md);;All files (*)")
        return path or None

    def fit_lesson(self) -> None:
        """Give the lesson panel the height its text needs (more for bigger text)."""
        if self._lesson is None:
            return
        if self.lesson.isVisible() and not self.lesson.isFloating():
            self.resizeDocks([self.lesson], [self.lesson.preferred_height()],
                             Qt.Orientation.Vertical)

    def _on_lesson_step(self, index: int, count: int) -> None:
        step = self.lesson.lesson.steps[index]
        self.statusBar().showMessage(f"Lesson step {index + 1} of {count}: {step.title}")

    # -- remembered between runs ---------------------------------------------------------------
    def restore_settings(self, settings: QSettings) -> None:
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        key = settings.value("window/tab")
        if isinstance(key, str):
            self.show_tab(key)  # built by finish_start, once the frame is on screen
        recent = settings.value("scenarios/recent")
        if isinstance(recent, str):
            recent = [recent]
        if isinstance(recent, list):
            self.recent = [p for p in recent if isinstance(p, str)][:MAX_RECENT]
            self._fill_recent()
        lesson = settings.value("lesson/file")
        wanted = (lesson if isinstance(lesson, str) and lesson else None,
                  _int(settings.value("lesson/step"), 0),
                  _bool(settings.value("lesson/visible"), False))
        if self._lesson is None:
            self._lesson_wanted = wanted  # opened with the panel, after the first paint
        else:
            if wanted[0] is not None:
                self._try_lesson(wanted[0], act=False, index=wanted[1])
            if wanted[2]:
                self.lesson.show()
        if _bool(settings.value("view/colorblind"), False):
            self.set_colorblind(True)
        zoom = _float(settings.value("view/zoom"), 1.0)
        if zoom != 1.0:
            self.set_zoom(zoom)
        if _bool(settings.value("view/presenter"), False):
            self.set_presenter(True)

    def save_settings(self, settings: QSettings) -> None:
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/tab", TABS[self.tabs.currentIndex()].key)
        settings.setValue("scenarios/recent", list(self.recent))
        settings.setValue("view/presenter", self.presenter)
        settings.setValue("view/zoom", self.zoom)
        settings.setValue("view/colorblind", theme.colorblind())
        if self._lesson is None:  # never built: what was asked for stays asked for
            path, index, shown = self._lesson_wanted
            settings.setValue("lesson/file", path or "")
            settings.setValue("lesson/step", index)
            settings.setValue("lesson/visible", shown)
            return
        lesson = self._lesson.lesson
        settings.setValue("lesson/file", str(lesson.path) if lesson and lesson.path else "")
        settings.setValue("lesson/step", self._lesson.index)
        settings.setValue("lesson/visible", self._lesson.isVisible())

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        for page in self.built_pages():
            page.pause()
        self.save_settings(QSettings())
        self._restore_app_look()
        QApplication.instance().removeEventFilter(self._keys_for_controls)
        super().closeEvent(event)


def _bool(value, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return default


def _float(value, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
