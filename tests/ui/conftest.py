import pytest


@pytest.fixture
def window(qtbot):
    """A shown main window with no remembered settings."""
    from PySide6.QtCore import QSettings

    from desktop_app.app import application, build_window

    application()  # gives the QApplication its names, which QSettings uses
    QSettings().clear()
    win = build_window([])
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for page in win.tab_pages:
        page.pause()
