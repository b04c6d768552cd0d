"""The shell: tabs, menus, remembered settings and the error dialog."""

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton

from desktop_app.app import build_window
from desktop_app.ui import errors
from desktop_app.ui.main_window import TABS


def test_every_tab_fulfils_the_contract(window):
    assert window.tabs.count() == len(TABS) == len(window.tab_pages)
    for page in window.tab_pages:
        assert page.key and page.title
        for name in ("play", "pause", "step", "reset", "state", "restore"):
            assert callable(getattr(page, name))
        page.restore(page.state())


def test_every_control_has_an_object_name_and_accessible_name(window):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
    )

    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QAbstractSlider)
    controls = [w for kind in kinds for w in window.findChildren(kind)
                if w.isVisibleTo(window) and not w.objectName().startswith("qt_")
                and w.parent() is not None and "Labeled" not in type(w.parent()).__name__]
    assert len(controls) > 10
    unnamed = [w for w in controls if not w.objectName()]
    assert unnamed == [], [type(w).__name__ + ":" + getattr(w, "text", lambda: "")()
                           for w in unnamed]
    assert all(w.accessibleName() for w in controls)


def test_menus_open_the_shortcut_list_and_about_box(window, qtbot):
    dialog = window.show_shortcuts()
    assert isinstance(dialog, QDialog) and dialog.isVisible()
    dialog.reject()
    about = window.show_about()
    assert isinstance(about, QMessageBox) and "Deep Learning Made Simple" in about.text()
    about.close()


def test_full_screen_toggles(window, qtbot):
    window.set_full_screen(True)
    assert window.full_screen_action.isChecked()
    window.set_full_screen(False)
    assert not window.full_screen_action.isChecked()


def test_geometry_and_last_tab_are_remembered(window, qtbot):
    window.resize(720, 590)  # inside the offscreen screen (800×600), which restoring clamps to
    size = (window.width(), window.height())
    assert size != (1280, 800)
    window.close()
    assert QSettings().value("window/tab") == "hot"
    again = build_window([])
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == size
    assert again.current_tab().key == "hot"


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_shows_a_dialog_is_logged_and_the_app_goes_on(window, qtbot):
    reporter = errors.ErrorReporter(window)
    reporter.install()
    try:
        boom = QPushButton("boom")
        boom.clicked.connect(lambda: 1 / 0)
        qtbot.addWidget(boom)
        QTimer.singleShot(0, boom.click)
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    finally:
        reporter.uninstall()
    assert "keeps running" in reporter.dialog.text()
    assert "ZeroDivisionError" in reporter.dialog.informativeText()
    assert "Traceback" in reporter.dialog.detailedText()
    log = errors.error_log_path().read_text(encoding="utf-8")
    assert "ZeroDivisionError: division by zero" in log
    reporter.dialog.close()
    # Still alive: the game steps as before.
    tab = window.current_tab()
    tab.step()
    assert tab.game.moves == 1


# -- opening: the frame first, each tab on first show ----------------------------------------


def test_the_tab_list_names_each_tab_as_the_tab_itself_does(window):
    for spec, page in zip(TABS, window.tab_pages, strict=True):
        assert (spec.key, spec.title) == (page.key, page.title)
        assert window.tabs.tabText(TABS.index(spec)) == page.title


def test_the_frame_shows_first_and_each_tab_is_built_when_first_shown(qtbot):
    from desktop_app.app import application, build_frame

    application()
    QSettings().clear()
    window = build_frame([])
    qtbot.addWidget(window)
    assert window.built_pages() == []  # nothing heavy before the first paint
    window.show()
    qtbot.waitUntil(lambda: window.lesson_if_built() is not None)  # after the first paint
    first = window.tabs.currentWidget()
    assert [p.key for p in window.built_pages()] == [TABS[0].key]
    assert first.page.isVisible() and first.note.isHidden()
    assert window.playback.isVisible()
    window.show_tab("slope")  # a click on the tab builds it there and then
    assert [p.key for p in window.built_pages()] == ["hot", "slope"]
    assert window.current_tab().isVisible()
    window.set_presenter(True)
    digits = window.tab_by_key("digits")  # built late: it takes the window's look at once
    assert digits.presenter and digits.text_scale > 1.0
    window.set_presenter(False)


def test_the_first_paint_needs_neither_pyqtgraph_nor_numpy(tmp_path):
    import os
    import subprocess
    import sys

    child = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from desktop_app.app import application, build_frame
app = application()
window = build_frame([])
class Spy(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj is window:
            print(sorted(m for m in ("pyqtgraph", "numpy", "superqt") if m in sys.modules))
            window.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False
spy = Spy()
window.installEventFilter(spy)
window.show()
app.exec()
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
