"""The drawing pad: write a digit with the mouse, a pen (tablet) or a finger.

Strokes are kept as lists of points (in pad units: 0 … 1 across the square pad), so Undo
removes the newest stroke and draws the rest again, and a resized pad redraws them sharp.
While a stroke goes on, each new segment is painted onto the pad's picture (a QImage)
with a thick, round, anti-aliased pen, and ``drawn`` is emitted; ``changed`` follows when
the stroke ends (and after Undo and Clear).

Input devices
    Qt turns touches and pen (tablet) events into mouse events when a widget leaves them
    unhandled, so the mouse path alone would do; the pad also handles touch and tablet
    events itself (smoother points from a pen, a finger's own stroke), and ignores the
    mouse events a platform may still synthesise for a stroke it is already drawing, so
    nothing is drawn twice.

What the network sees
    ``ink_image`` draws the same strokes again for the network, with a pen whose width is
    a fixed share (``NETWORK_PEN``) of the drawing's size, so a small digit and a large one
    come out with strokes as thick as those in the data set's 32 × 32 bitmaps.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.ui import theme

Point = tuple[float, float]

#: The pen on screen, as a share of the pad's side.
PAD_PEN = 0.07
#: The pen for the network, as a share of the drawing's longer side (see the docstring).
NETWORK_PEN = 0.24
#: The network's picture of the drawing is drawn this many pixels across the drawing.
NETWORK_SIZE = 112
#: A drawing smaller than this (pad units) counts as this big when sizing the pen.
MIN_EXTENT = 0.04
PAPER = QColor("#ffffff")
INK = QColor("#111111")
GUIDE = QColor("#d6d6d6")
HINT = QColor("#8a8a8a")


def _pen(width: float, colour: QColor) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _draw_stroke(painter: QPainter, points: list[QPointF]) -> None:
    if len(points) == 1:
        painter.drawPoint(points[0])
        return
    path = QPainterPath(points[0])
    for p in points[1:]:
        path.lineTo(p)
    painter.drawPath(path)


class DrawPad(QWidget):
    """A square of paper to draw on; see the module docstring."""

    #: The drawing grew while a stroke is drawn: a new point or segment (often: throttle).
    drawn = Signal()
    #: The drawing is complete for now: a stroke ended (the finger, pen or mouse button
    #: was lifted), or Undo, Clear or ``set_strokes`` changed it.
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draw_pad")
        self.setAccessibleName("Drawing pad")
        self.setAccessibleDescription(
            "Draw one digit, 0 to 9, with the mouse, a pen or a finger; the network reads it "
            "as you draw.")
        self.setToolTip("Draw a digit here: big, in the middle")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(140, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._strokes: list[list[Point]] = []
        self._current: list[Point] | None = None
        self._device: str | None = None  # "mouse", "tablet" or "touch" while drawing
        self._canvas: QImage | None = None

    # -- the drawing -------------------------------------------------------------------------
    @property
    def strokes(self) -> list[list[Point]]:
        """Every stroke so far (the one being drawn too), as lists of (x, y) in pad units."""
        return [list(s) for s in self._strokes]

    @property
    def is_empty(self) -> bool:
        return not self._strokes

    @property
    def input_device(self) -> str | None:
        """What draws the stroke under way: "mouse", "tablet" or "touch" (None: nothing)."""
        return self._device

    @property
    def drawing(self) -> bool:
        """A stroke is under way."""
        return self._current is not None

    def clear(self) -> None:
        self._end_stroke(emit=False)
        self._strokes.clear()
        self._render()
        self.changed.emit()

    def undo(self) -> None:
        """Remove the newest stroke."""
        self._end_stroke(emit=False)
        if self._strokes:
            self._strokes.pop()
        self._render()
        self.changed.emit()

    def set_strokes(self, strokes) -> None:
        """Replace the drawing by these strokes (lists of (x, y) in pad units, 0 … 1)."""
        self._end_stroke(emit=False)
        self._strokes = [[(float(x), float(y)) for x, y in stroke] for stroke in strokes
                         if len(stroke)]
        self._render()
        self.changed.emit()

    # -- geometry ---------------------------------------------------------------------------
    def paper_rect(self) -> QRectF:
        """The square of paper inside the widget (the widget's coordinates)."""
        side = max(1.0, min(self.width(), self.height()) - 2.0)
        return QRectF((self.width() - side) / 2.0, (self.height() - side) / 2.0, side, side)

    def to_pad(self, position: QPointF) -> Point:
        rect = self.paper_rect()
        return ((position.x() - rect.x()) / rect.width(),
                (position.y() - rect.y()) / rect.height())

    def to_widget(self, point: Point) -> QPointF:
        rect = self.paper_rect()
        return QPointF(rect.x() + point[0] * rect.width(), rect.y() + point[1] * rect.height())

    # -- drawing onto the picture ------------------------------------------------------------
    def _canvas_scale(self) -> float:
        return self.paper_rect().width() * self.devicePixelRatioF()

    def _render(self) -> None:
        """Draw every stroke again onto a fresh picture of the pad's size."""
        scale = self._canvas_scale()
        side = max(1, round(scale))
        canvas = QImage(side, side, QImage.Format.Format_Grayscale8)
        canvas.fill(PAPER)
        painter = QPainter(canvas)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(_pen(PAD_PEN * scale, INK))
        for stroke in self._strokes:
            _draw_stroke(painter, [QPointF(x * scale, y * scale) for x, y in stroke])
        painter.end()
        self._canvas = canvas
        self.update()

    def _paint_segment(self, a: Point, b: Point) -> None:
        if self._canvas is None:
            self._render()
            return
        scale = self._canvas_scale()
        painter = QPainter(self._canvas)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(_pen(PAD_PEN * scale, INK))
        if a == b:
            painter.drawPoint(QPointF(a[0] * scale, a[1] * scale))
        else:
            painter.drawLine(QPointF(a[0] * scale, a[1] * scale),
                             QPointF(b[0] * scale, b[1] * scale))
        painter.end()
        pa, pb = self.to_widget(a), self.to_widget(b)
        pad = PAD_PEN * self.paper_rect().width() + 4.0
        self.update(QRectF(pa, pb).normalized().adjusted(-pad, -pad, pad, pad).toAlignedRect())

    def canvas(self) -> QImage:
        """The pad's picture as shown (white paper, dark ink)."""
        if self._canvas is None:
            self._render()
        return self._canvas

    def ink_image(self) -> np.ndarray:
        """The strokes drawn for the network (see the module docstring): a 2-D float array,
        ink 1 and paper 0; all zeros when nothing is drawn."""
        points = [p for stroke in self._strokes for p in stroke]
        if not points:
            return np.zeros((8, 8))
        xy = np.array(points, dtype=np.float64)
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        extent = max(float((hi - lo).max()), MIN_EXTENT)
        scale = NETWORK_SIZE / extent
        width = NETWORK_PEN * NETWORK_SIZE
        side = int(np.ceil(NETWORK_SIZE + width + 4))
        centre = (lo + hi) / 2.0
        image = QImage(side, side, QImage.Format.Format_Grayscale8)
        image.fill(QColor("#000000"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(_pen(width, QColor("#ffffff")))
        for stroke in self._strokes:
            _draw_stroke(painter, [QPointF((x - centre[0]) * scale + side / 2.0,
                                           (y - centre[1]) * scale + side / 2.0)
                                   for x, y in stroke])
        painter.end()
        return image_to_array(image)

    # -- the student's hands -------------------------------------------------------------------
    def _begin_stroke(self, position: QPointF, device: str) -> None:
        self._end_stroke()
        point = self.to_pad(position)
        self._current = [point]
        self._strokes.append(self._current)
        self._device = device
        self._paint_segment(point, point)
        self.drawn.emit()

    def _extend_stroke(self, position: QPointF) -> None:
        if self._current is None:
            return
        point = self.to_pad(position)
        last = self._current[-1]
        if point == last:
            return
        self._current.append(point)
        self._paint_segment(last, point)
        self.drawn.emit()

    def _end_stroke(self, emit: bool = True) -> None:
        if self._current is None:
            return
        self._current = None
        self._device = None
        if emit:
            self.changed.emit()

    def _mouse_is_echo(self) -> bool:
        """A mouse event while a pen or finger draws: the platform's copy of that stroke."""
        return self._device in ("tablet", "touch")

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() != Qt.MouseButton.LeftButton or self._mouse_is_echo():
            event.accept()
            return
        self._begin_stroke(event.position(), "mouse")
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._device == "mouse" and event.buttons() & Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position())
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._device == "mouse" and event.button() == Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position())
            self._end_stroke()
        event.accept()

    def tabletEvent(self, event) -> None:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin_stroke(event.position(), "tablet")
        elif kind == QEvent.Type.TabletMove and self._device == "tablet":
            self._extend_stroke(event.position())
        elif kind == QEvent.Type.TabletRelease and self._device == "tablet":
            self._extend_stroke(event.position())
            self._end_stroke()
        event.accept()

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            points = event.points()
            if kind == QEvent.Type.TouchBegin and points:
                self._begin_stroke(points[0].position(), "touch")
            elif kind == QEvent.Type.TouchUpdate and points and self._device == "touch":
                self._extend_stroke(points[0].position())
            elif kind in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel) and \
                    self._device == "touch":
                if points and kind == QEvent.Type.TouchEnd:
                    self._extend_stroke(points[0].position())
                self._end_stroke()
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier or \
                    event.key() == Qt.Key.Key_Delete:
                self.clear()
            else:
                self.undo()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- Qt -------------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._render()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        rect = self.paper_rect()
        painter.drawImage(rect, self.canvas())
        # Where to write: a dashed box over the middle, as on a form (under the ink's way).
        painter.setPen(QPen(GUIDE, 1.0, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inner = rect.adjusted(rect.width() * 0.12, rect.height() * 0.06,
                              -rect.width() * 0.12, -rect.height() * 0.06)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        painter.drawRect(inner)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        if not self._strokes:
            painter.setPen(HINT)
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.3)
            painter.setFont(font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
        frame = QColor(theme.COLD) if self.hasFocus() else QColor("#9a9a9a")
        painter.setPen(QPen(frame, 2.0))
        painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.end()


def image_to_array(image: QImage) -> np.ndarray:
    """A Grayscale8 QImage as floats 0 … 1 (rows × columns)."""
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * h)
    return data.reshape(h, stride)[:, :w].astype(np.float64) / 255.0
