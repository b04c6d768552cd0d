"""The main window: one tab per idea, the shared playback bar, menus and shortcuts."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.paths import resource
from desktop_app.ui.hot_cold_tab import HotColdTab
from desktop_app.ui.playback import PlaybackBar
from desktop_app.ui.slope_tab import SlopeTab
from desktop_app.ui.surface_tab import SurfaceTab
from desktop_app.ui.tab import Tab

APP_NAME = "Deep Learning Made Simple"

# The tabs, in the article's order. Adding a tab is one line here.
TABS: tuple[type[Tab], ...] = (HotColdTab, SlopeTab, SurfaceTab)

SHORTCUTS = (
    ("Space", "Play / pause"),
    ("→ (Right)", "One step (in the dark room: move right)"),
    ("← (Left)", "In the dark room: move left"),
    ("R", "Reset"),
    ("Ctrl+1 … Ctrl+4", "Go to tab 1 … 4"),
    ("F11", "Full screen"),
    ("Ctrl+Q", "Quit"),
)


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(QIcon(str(resource("icons", "app.svg"))))
        self.resize(1280, 800)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.tab_pages: list[Tab] = []
        for tab_class in TABS:
            page = tab_class()
            self.tab_pages.append(page)
            self.tabs.addTab(page, page.title)
            page.status.connect(self._show_status)
            page.playing_changed.connect(self._on_playing_changed)

        self.playback = PlaybackBar()
        self.playback.play_toggled.connect(lambda: self.current_tab().toggle_play())
        self.playback.step_clicked.connect(lambda: self.current_tab().step())
        self.playback.reset_clicked.connect(lambda: self.current_tab().reset())
        self.playback.speed_changed.connect(self._set_speed)
        self.tabs.currentChanged.connect(self._on_tab_changed)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.playback)
        self.setCentralWidget(central)
        self.statusBar().setObjectName("status_bar")
        self.statusBar().showMessage("Welcome! Press Step (→) to make the first move.")

        self._build_menus()
        self._build_shortcuts()
        self._set_speed(self.playback.speed.value())

    # -- tabs --------------------------------------------------------------------------
    def current_tab(self) -> Tab:
        return self.tab_pages[self.tabs.currentIndex()]

    def tab_by_key(self, key: str) -> Tab | None:
        return next((page for page in self.tab_pages if page.key == key), None)

    def show_tab(self, key: str) -> bool:
        page = self.tab_by_key(key)
        if page is None:
            return False
        self.tabs.setCurrentWidget(page)
        return True

    def _on_tab_changed(self, _index: int) -> None:
        self.playback.show_playing(self.current_tab().playing)

    def _on_playing_changed(self, playing: bool) -> None:
        if self.sender() is self.current_tab():
            self.playback.show_playing(playing)

    def _set_speed(self, steps_per_second: float) -> None:
        for page in self.tab_pages:
            page.set_speed(steps_per_second)

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text)

    # -- menus and keys ------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setObjectName("action_quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self.full_screen_action = QAction("&Full screen", self)
        self.full_screen_action.setObjectName("action_full_screen")
        self.full_screen_action.setCheckable(True)
        self.full_screen_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.full_screen_action.toggled.connect(self.set_full_screen)
        view_menu.addAction(self.full_screen_action)

        help_menu = self.menuBar().addMenu("&Help")
        keys_action = QAction("&Keyboard shortcuts", self)
        keys_action.setObjectName("action_shortcuts")
        keys_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys_action)
        about_action = QAction("&About", self)
        about_action.setObjectName("action_about")
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    def _build_shortcuts(self) -> None:
        def key(sequence, slot) -> QShortcut:
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.activated.connect(slot)
            return shortcut

        self.shortcuts = {
            "play": key(Qt.Key.Key_Space, lambda: self.current_tab().toggle_play()),
            "step": key(Qt.Key.Key_Right, lambda: self.current_tab().step()),
            "reset": key(Qt.Key.Key_R, lambda: self.current_tab().reset()),
        }
        for number in range(1, 5):
            self.shortcuts[f"tab{number}"] = key(
                f"Ctrl+{number}",
                lambda n=number: self.tabs.setCurrentIndex(min(n, self.tabs.count()) - 1))

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
                       for k, what in SHORTCUTS)
        label = QLabel(f"<table cellpadding='4'>{rows}</table>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(label)
        layout.addWidget(buttons)
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

    # -- remembered between runs ---------------------------------------------------------------
    def restore_settings(self, settings: QSettings) -> None:
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        key = settings.value("window/tab")
        if isinstance(key, str):
            self.show_tab(key)

    def save_settings(self, settings: QSettings) -> None:
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/tab", self.current_tab().key)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        for page in self.tab_pages:
            page.pause()
        self.save_settings(QSettings())
        super().closeEvent(event)
