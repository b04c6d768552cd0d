"""Command line, QApplication and the main window; nothing else lives here."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from desktop_app import qt_check

TAB_NAMES = ("hot", "slope", "surface", "network", "digits")
# Options whose feature is not built yet; each says so in one line and exits non-zero.
NOT_YET: dict[str, str] = {}
EXIT_NOT_AVAILABLE = 3
#: --scenario named a file that cannot be opened (the reason is printed in one line).
EXIT_BAD_SCENARIO = 4
#: The installed Qt for Python is a release known to crash the app (see qt_check).
EXIT_BAD_QT = 5


class UnavailableError(Exception):
    """A command-line option whose feature is not in this version."""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deep-learning-made-simple",
        description="Play with the ideas behind deep learning.")
    parser.add_argument("--tab", choices=TAB_NAMES, help="the tab to open")
    parser.add_argument("--scenario", metavar="FILE", type=Path, help="open a saved scenario")
    parser.add_argument("--presenter", action="store_true", help="large text for a classroom")
    parser.add_argument("--screenshot", metavar="PNG", type=Path,
                        help="save a picture of the window and quit")
    parser.add_argument("--steps", metavar="N", type=int, default=0,
                        help="press Step N times before the screenshot")
    parser.add_argument("--self-test", action="store_true",
                        help="open every tab, step it, and exit 0 if all went well")
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    args = make_parser().parse_args(argv)
    if args.tab in NOT_YET:
        raise UnavailableError(NOT_YET[args.tab])
    if args.steps < 0:
        raise UnavailableError("--steps needs a number of steps, 0 or more.")
    return args


def application():
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        # Must precede the QApplication: a second OpenGL view in one process needs it.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Deep Learning Made Simple")
    app.setOrganizationName("deep-learning-made-simple")
    app.setApplicationDisplayName("Deep Learning Made Simple")
    app.setDesktopFileName("deep-learning-made-simple")
    return app


def build_window(argv: list[str] | None = None):
    """The fully built, not yet shown MainWindow (the QApplication is made if needed)."""
    args = parse_args(argv if argv is not None else [])
    window = _build(args)
    window.finish_start()
    return window


def build_frame(argv: list[str] | None = None):
    """The main window as the app opens it: the frame is built now and drawn as soon as it
    is shown; the playback bar, the lesson and the tab shown follow right after that first
    paint. (``build_window`` builds them at once, for tests and tools.)"""
    window = _build(parse_args(argv if argv is not None else []))
    window.finish_start_after_first_paint()
    return window


def _build(args: argparse.Namespace):
    from PySide6.QtCore import QSettings

    from desktop_app.ui.main_window import MainWindow

    application()
    window = MainWindow()
    window.restore_settings(QSettings())
    if args.scenario is not None:
        window.load_scenario(args.scenario)  # ScenarioError: the window stays as it was
    if args.tab:
        window.show_tab(args.tab)
    if args.presenter:
        window.set_presenter(True)
    return window


def take_screenshot(window, path: Path) -> bool:
    from PySide6.QtWidgets import QApplication

    # Layouts settle over a few rounds of events (a font change relays out the menu bar
    # and every panel); draw only once they have.
    for _ in range(3):
        QApplication.processEvents()
    image = window.grab()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return image.save(str(path))


def self_test(window, out=sys.stdout) -> bool:
    """Open every tab, step it and play it briefly; True when nothing went wrong."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    errors: list[str] = []
    previous_hook = sys.excepthook
    sys.excepthook = lambda *exc: errors.append("".join(traceback.format_exception(*exc)))
    try:
        for index, page in enumerate(window.tab_pages):
            before = len(errors)
            try:
                window.tabs.setCurrentIndex(index)
                QApplication.processEvents()
                page.reset()
                for _ in range(5):
                    page.step()
                page.play()
                loop = QEventLoop()
                QTimer.singleShot(300, loop.quit)
                loop.exec()
                page.pause()
                page.restore(page.state())
                if window.grab().isNull():
                    errors.append(f"{page.key}: the window could not be drawn")
            except Exception:
                errors.append(traceback.format_exc())
            verdict = "ok" if len(errors) == before else "FAILED"
            print(f"self-test {page.key}: {verdict}", file=out)
    finally:
        sys.excepthook = previous_hook
    for error in errors:
        print(error, file=sys.stderr)
    print("self-test passed" if not errors else "self-test failed", file=out)
    return not errors


def main(argv: list[str] | None = None) -> int:
    # Before anything loads Qt: a binding known to crash must not get the chance to.
    refusal = qt_check.problem(qt_check.installed_version())
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return EXIT_BAD_QT
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except UnavailableError as reason:
        print(reason, file=sys.stderr)
        return EXIT_NOT_AVAILABLE

    from PySide6.QtCore import QTimer

    from desktop_app.model.scenario import ScenarioError
    from desktop_app.ui.errors import ErrorReporter

    app = application()
    try:
        window = _build(args)
    except ScenarioError as error:
        reason = " ".join(str(error).split())
        print(f"Could not open the scenario {args.scenario}: {reason}", file=sys.stderr)
        return EXIT_BAD_SCENARIO
    reporter = ErrorReporter(window)
    if args.self_test or args.screenshot is not None:
        window.finish_start()
    else:
        window.finish_start_after_first_paint()  # the frame shows first, the rest follows
    window.show()

    if args.self_test:
        return 0 if self_test(window) else 1
    if args.screenshot is not None:
        window.resize(1280, 800)  # pictures for the docs have one size, whatever was remembered
        page = window.current_tab()
        for _ in range(args.steps):
            page.step()
        saved = take_screenshot(window, args.screenshot)
        if not saved:
            print(f"Could not write the picture to {args.screenshot}", file=sys.stderr)
        return 0 if saved else 1

    reporter.install()
    # Lets Ctrl+C in the terminal reach Python between Qt events.
    keepalive = QTimer()
    keepalive.timeout.connect(lambda: None)
    keepalive.start(250)
    return app.exec()
