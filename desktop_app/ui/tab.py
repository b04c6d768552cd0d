"""The contract every tab fulfils, and the timer logic they share.

A tab owns its model and a QTimer. The timer runs only while the tab is both
playing and visible, so a paused or hidden tab costs no CPU.

The classroom features reach every tab through a few hooks with sensible defaults:
``set_presenter`` / ``set_text_scale`` (bigger text, thicker lines, larger markers in the
tab's pyqtgraph plots), ``set_colorblind`` (the colour-blind-safe palette),
``secondary_controls`` (what presenter mode tucks away), ``focus_candidates`` (what the
teacher may hide for a demo) and ``scenario_schema`` (how the tab's ``state()`` is checked
in a scenario file).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSlider,
    QSplitter,
    QTextEdit,
    QToolButton,
    QWidget,
)

from desktop_app.ui import presenter, theme

#: With bigger text, one-line labels wider than this (pixels) wrap instead of widening the tab.
LONG_LABEL = 260
#: The kinds of widgets the Focus checklist offers (when they have an objectName).
FOCUS_KINDS = (QGroupBox, QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QSlider,
               QAbstractItemView, QTextEdit, QLabel, pg.GraphicsView)


class Tab(QWidget):
    """Base class: subclasses set ``key``/``title`` and implement ``advance``."""

    key: str = ""
    title: str = ""
    #: objectNames of the less important widgets presenter mode hides (e.g. group boxes).
    secondary_controls: tuple[str, ...] = ()
    #: The scenario schema of ``state()`` ({name: scenario.Field}); None: the main window
    #: registers one worked out from the shape of ``state()`` and ``restore`` checks values.
    scenario_schema: dict | None = None

    #: A line for the status bar.
    status = Signal(str)
    #: Emitted whenever the tab starts or stops playing (also when it stops by itself).
    playing_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._playing = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._guarded_tick)
        self.set_speed(2.0)
        self.presenter = False
        self.text_scale = 1.0
        self._look_text = 1.0  # the text scale the plots were last drawn at

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

    # -- the classroom ----------------------------------------------------------------
    def set_presenter(self, on: bool) -> None:
        """Presenter mode: thick lines and large markers in every plot of the tab."""
        self.set_look(on, self.text_scale)

    def set_text_scale(self, scale: float) -> None:
        """Text inside the plots (ticks, axis labels, labels) at ``scale`` times its size."""
        self.set_look(self.presenter, scale)

    def set_look(self, presenter_on: bool, text_scale: float) -> None:
        """Both at once (one pass over the plots)."""
        self.presenter = bool(presenter_on)
        self.text_scale = float(text_scale)
        self.refresh_look()

    def refresh_look(self) -> None:
        """Apply the current look to the tab's plots; call it after making new plot items."""
        presenter.scale_plots(
            self, text=self.text_scale,
            line=theme.PRESENTER_LINES if self.presenter else 1.0,
            marker=theme.PRESENTER_MARKERS if self.presenter else 1.0,
            contrast=self.presenter, previous=self._look_text)
        self._look_text = self.text_scale
        self.fit_panels()
        if self.isVisible() and (self.presenter or self.text_scale > 1.0):
            # Again once the bigger text has been laid out.
            QTimer.singleShot(0, self, self.fit_panels)

    def fit_panels(self) -> None:
        """Side by side panels get the width their text needs (bigger text needs more),
        taken from the panels with room to spare, usually the pictures; at the normal look
        the remembered sizes come back. Long one-line labels wrap while text is bigger."""
        normal = not self.presenter and self.text_scale <= 1.0
        self._wrap_long_labels(not normal)
        for splitter in self.findChildren(QSplitter):
            if splitter.orientation() != Qt.Orientation.Horizontal or splitter.count() < 2:
                continue
            saved = splitter.property("dlms_sizes")
            if normal:
                if isinstance(saved, list) and len(saved) == splitter.count():
                    splitter.setSizes([int(v) for v in saved])
                splitter.setProperty("dlms_sizes", None)
                continue
            if not self.isVisible():
                continue  # widths are not known yet: showEvent fits the panels
            sizes = splitter.sizes()
            if sum(sizes) <= 0:
                continue
            if not isinstance(saved, list):
                splitter.setProperty("dlms_sizes", list(sizes))
            splitter.setSizes(_fitted(sizes, [_needed_width(splitter.widget(i))
                                              for i in range(splitter.count())]))

    def _wrap_long_labels(self, on: bool) -> None:
        for label in self.findChildren(QLabel):
            wrapped_by_us = bool(label.property("dlms_wrapped"))
            if on and not label.wordWrap() and not _is_internal(label, self) \
                    and label.sizeHint().width() > LONG_LABEL:
                label.setWordWrap(True)
                label.setProperty("dlms_wrapped", True)
            elif not on and wrapped_by_us:
                label.setWordWrap(False)
                label.setProperty("dlms_wrapped", False)

    def set_colorblind(self, on: bool) -> None:
        """The palette changed (theme.colorblind()): recolour what the tab has drawn.

        The default swaps the height colour map of every image and colour bar.
        """
        presenter.swap_height_maps(self, theme.surface_colormap())

    def refresh_view(self) -> None:
        """Redraw what the tab shows or hides by itself (after a hidden control comes back)."""

    def focus_candidates(self) -> list[QWidget]:
        """The named controls and groups a teacher may hide for a demo, in screen order."""
        found = []
        for widget in self.findChildren(QWidget):
            name = widget.objectName()
            if not name or name.startswith("qt_") or not isinstance(widget, FOCUS_KINDS):
                continue
            if _is_internal(widget, self):
                continue
            found.append(widget)
        return found

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

    def _guarded_tick(self) -> None:
        try:
            self._tick()
        except Exception:
            # The same fault would come back on every tick and flood the error log: stop
            # playing, then let the error reporter show it once.
            self.pause()
            raise

    def _sync_timer(self) -> None:
        if self._playing and self.isVisible():
            self._timer.start()
        else:
            self._timer.stop()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._sync_timer()
        if self.presenter or self.text_scale > 1.0:
            # Widths are known once the tab is laid out: fit the panels to bigger text then.
            QTimer.singleShot(0, self, self.fit_panels)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().hideEvent(event)
        self._sync_timer()


def _is_internal(widget: QWidget, top: QWidget) -> bool:
    """Parts of a compound control (the line edit in a spin box, a labeled slider's label)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, (QAbstractSpinBox, QComboBox, QAbstractItemView)):
            return True
        if "Labeled" in type(parent).__name__ or isinstance(parent, pg.GraphicsView):
            return True
        parent = parent.parentWidget()
    return False


def _needed_width(panel: QWidget) -> int:
    """The width under which ``panel`` clips words: the widest check box, button, one-line
    label or group title, from the panel's left edge. Lists, fields and pictures can
    shrink, so they do not count."""
    content, extra, need = panel, 0, 0
    if isinstance(panel, QScrollArea) and panel.widget() is not None:
        content = panel.widget()
        extra = panel.verticalScrollBar().sizeHint().width() + 2 * panel.frameWidth()
        # Without a sideways scroll bar, whatever the content cannot shrink below is cut off.
        if panel.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            need = content.minimumSizeHint().width()
    for widget in content.findChildren(QWidget):
        if not widget.isVisibleTo(content) or _is_internal(widget, content):
            continue
        if isinstance(widget, QAbstractButton) and not isinstance(widget, QToolButton):
            width = widget.minimumSizeHint().width()
        elif isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            width = widget.sizeHint().width()
        elif isinstance(widget, QGroupBox) and widget.title():
            width = widget.fontMetrics().horizontalAdvance(widget.title()) + 24
        else:
            continue
        left = widget.mapTo(content, QPoint(0, 0)).x()
        need = max(need, left + width + 12)
    return need + extra


def _fitted(sizes: list[int], needed: list[int]) -> list[int]:
    """``sizes`` changed as little as possible so that each is at least its ``needed``."""
    short = [max(0, n - s) for s, n in zip(sizes, needed, strict=True)]
    spare = [max(0, s - n) for s, n in zip(sizes, needed, strict=True)]
    want, have = sum(short), sum(spare)
    if want == 0 or have == 0:
        return list(sizes)
    take = min(want, have)
    result = []
    for size, lack, room in zip(sizes, short, spare, strict=True):
        if lack:
            result.append(size + round(lack * take / want))
        else:
            result.append(size - round(room * take / have))
    return result
