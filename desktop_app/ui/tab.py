"""The contract every tab fulfils, and the timer logic they share.

A tab owns its model and a QTimer. The timer runs only while the tab is both
playing and visible, so a paused or hidden tab costs no CPU.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget


class Tab(QWidget):
    """Base class: subclasses set ``key``/``title`` and implement ``advance``."""

    key: str = ""
    title: str = ""

    #: A line for the status bar.
    status = Signal(str)
    #: Emitted whenever the tab starts or stops playing (also when it stops by itself).
    playing_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._playing = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self.set_speed(2.0)

    # -- the contract -----------------------------------------------------------------
    def play(self) -> None:
        if self._playing:
            return
        if not self.can_play():
            self.status.emit(self.why_not_playing())
            return
        self._playing = True
        self._sync_timer()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self._playing:
            return
        self._playing = False
        self._sync_timer()
        self.playing_changed.emit(False)

    def step(self) -> None:
        if not self.advance():
            self.pause()

    def reset(self) -> None:
        self.pause()

    def state(self) -> dict:
        return {}

    def restore(self, state: dict) -> None:
        pass

    # -- for subclasses ---------------------------------------------------------------
    def advance(self) -> bool:
        """Make one step of the model and redraw; return False when there is nothing left."""
        raise NotImplementedError

    def can_play(self) -> bool:
        """Whether Play makes sense right now (e.g. not when the game is over)."""
        return True

    def why_not_playing(self) -> str:
        return "Nothing left to play: press Reset (R) to start again."

    # -- shared machinery -------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def timer_active(self) -> bool:
        return self._timer.isActive()

    def set_speed(self, steps_per_second: float) -> None:
        self._timer.setInterval(max(1, round(1000.0 / steps_per_second)))

    def toggle_play(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def _tick(self) -> None:
        if not self.advance():
            self.pause()

    def _sync_timer(self) -> None:
        if self._playing and self.isVisible():
            self._timer.start()
        else:
            self._timer.stop()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._sync_timer()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().hideEvent(event)
        self._sync_timer()
