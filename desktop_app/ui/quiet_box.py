"""A box for one widget whose text changes every frame of an animation.

A label given new words (or a group box a new title) asks every layout up to the window
to run again, and the window then repaints much of itself: headings, buttons, the other
plots. The box has no layout of its own, so that request stops here; the box passes it
on only when the widget really needs another size.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QLabel, QWidget

_DIGITS = re.compile(r"[0-9]")


class QuietBox(QWidget):
    """Holds ``child`` at its own size; its size hints are the child's."""

    def __init__(self, child: QWidget) -> None:
        super().__init__()
        self.child = child
        self._measured: dict[tuple, tuple] = {}  # see _measure
        self._tallest: dict[int, int] = {}  # see _needed
        child.setParent(self)
        self.setSizePolicy(child.sizePolicy())
        self.setMinimumSize(child.minimumSize())
        self.setMaximumSize(child.maximumSize())
        self._hints = self._child_hints()
        self.setVisible(not child.isHidden())
        # Hidden on purpose (a teacher's focus mode), the widget takes its room with it.
        child.installEventFilter(self)

    def _child_hints(self) -> tuple:
        """What of the child's size could move anything. A wrapped text takes the width
        its layout gives it: only its minimum and the height it needs at that width
        count, not its preferred width, which changes with nearly every new word."""
        child = self.child
        if child.hasHeightForWidth():
            # A minimum height set on the box (to keep a text's lines while it
            # animates) covers a child that needs less.
            _height, low = self._measure(self.width())
            # Its minimum width is that of its longest word, often a number that changes
            # each frame: it matters only once it is more than the box has.
            return low.width() > self.width(), low.height(), self._needed(self.width())
        return child.minimumSizeHint(), child.sizeHint()

    def _needed(self, width: int) -> int:
        """The height the box asks for at ``width``: what the child needs now, or more if
        it needed more before at this width and font.

        A text one line longer on one frame and one shorter on the next would lay the
        window out, and repaint what moved, twice; holding the taller height once is
        enough. Another width or font starts afresh.
        """
        height = max(self._measure(width)[0], self.minimumHeight())
        if len(self._tallest) > 64:
            self._tallest.clear()
        height = max(height, self._tallest.get(width, 0))
        self._tallest[width] = height
        return height

    def _measure(self, width: int) -> tuple[int, QSize]:
        """The child's height at ``width`` and its minimum size.

        A label is measured on a hidden twin: asking a rich-text label itself lays its
        text out again and repaints it, a second paint of every new text. Measuring costs
        half a millisecond, and an animated text changes mostly its digits, which are all
        equally wide: texts that differ only in which digits they show share one
        measurement.
        """
        child = self.child
        if not isinstance(child, QLabel):
            return child.heightForWidth(width), child.minimumSizeHint()
        key = (_DIGITS.sub("0", child.text()), width, child.font().key())
        known = self._measured.get(key)
        if known is not None:
            return known
        if len(self._measured) > 64:
            self._measured.clear()
        twin = self._twin
        if twin is None:
            twin = self._twin = QLabel(self)  # goes with the box; never shown
            twin.hide()
            twin.setWordWrap(child.wordWrap())
        if twin.font() != child.font():
            twin.setFont(child.font())
        twin.setTextFormat(child.textFormat())
        twin.setContentsMargins(child.contentsMargins())
        twin.setMargin(child.margin())
        twin.setIndent(child.indent())
        twin.setText(child.text())
        self._measured[key] = found = (twin.heightForWidth(width), twin.minimumSizeHint())
        return found

    _twin: QLabel | None = None

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.child.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.child.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return self.child.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        return self._needed(width)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.FontChange:
            self._tallest.clear()  # new letters: the heights held are not theirs
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.child.setGeometry(self.rect())
        self._hints = self._child_hints()
        super().resizeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        # While hidden, the child's changes (new text, a bigger font) asked for no layout.
        self.refit()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self.child and event.type() in (QEvent.Type.HideToParent,
                                                      QEvent.Type.ShowToParent):
            self.setVisible(not self.child.isHidden())
        return False

    def refit(self) -> None:
        """Pass the child's new size on now, if it needs one.

        Call it right after changing the child's text: the layout then runs before the
        next paint, as it would without the box, and a text that needs another line never
        shows cut for a frame.
        """
        hints = self._child_hints()
        if hints != self._hints:
            self._hints = hints
            self.updateGeometry()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.refit()
            return True
        return super().event(event)
