"""What happens to an error nobody expected: a log entry, a calm dialog, and the app goes on."""

from __future__ import annotations

import datetime
import faulthandler
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def log_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(base) / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def error_log_path() -> Path:
    return log_dir() / "errors.log"


class ErrorReporter:
    """Installed as ``sys.excepthook``: Qt calls it for exceptions raised inside slots."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent
        self.dialog: QMessageBox | None = None
        self._fault_file = None
        self._reporting = False
        self._previous_hook = sys.excepthook

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        sys.excepthook = self
        try:
            # A hard crash (segfault in a driver, say) leaves its Python stack in this file.
            self._fault_file = open(log_dir() / "crash.log", "a", encoding="utf-8")
            faulthandler.enable(self._fault_file)
        except OSError:
            pass

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous_hook
        if self._fault_file is not None:
            faulthandler.enable(sys.__stderr__)
            self._fault_file.close()
            self._fault_file = None

    def __call__(self, exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        where = self._write_log(details)
        sys.stderr.write(details)
        if self._reporting:  # an error while showing the dialog: the log must do
            return
        self._reporting = True
        try:
            self._show(exc, details, where)
        finally:
            self._reporting = False

    def _write_log(self, details: str) -> Path | None:
        try:
            path = error_log_path()
            stamp = datetime.datetime.now().isoformat(timespec="seconds")
            with open(path, "a", encoding="utf-8") as log:
                log.write(f"--- {stamp}\n{details}\n")
            return path
        except OSError:
            return None

    def _show(self, exc: BaseException, details: str, where: Path | None) -> None:
        if QApplication.instance() is None:
            return
        text = "Something went wrong, but your work is still here and the app keeps running."
        info = f"{type(exc).__name__}: {exc}"
        if where is not None:
            info += f"\n\nThe details were saved to {where}"
        if self.dialog is None:
            self.dialog = QMessageBox(self.parent)
            self.dialog.setObjectName("error_dialog")
            self.dialog.setIcon(QMessageBox.Icon.Warning)
            self.dialog.setWindowTitle("Unexpected error")
        self.dialog.setText(text)
        self.dialog.setInformativeText(info)
        self.dialog.setDetailedText(details)
        # Not exec(): a modal loop inside a timer slot would stack up one dialog per tick.
        self.dialog.show()
