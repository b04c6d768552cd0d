"""The hot-and-cold picture: the curve d(x), the walker, and every move it tried.

All items are created once; each update only feeds them new data.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem

from desktop_app.model.hot_cold import Move
from desktop_app.ui import theme
from desktop_app.ui.plot_range import set_range_now
from desktop_app.ui.text_format import number


def _segments(moves: list[Move], ys_from, ys_to) -> tuple[np.ndarray, np.ndarray]:
    xs = np.empty(2 * len(moves))
    ys = np.empty(2 * len(moves))
    xs[0::2] = [m.x_from for m in moves]
    xs[1::2] = [m.x_to for m in moves]
    ys[0::2] = ys_from
    ys[1::2] = ys_to
    return xs, ys


# Degrees. Reusing a small fixed set of head shapes keeps pyqtgraph's symbol cache small.
_HEAD_ANGLE_STEP = 5
_head_cache: dict[int, QPainterPath] = {}
_brushes: dict[str, object] = {}


def _arrow_head(angle_degrees: float) -> QPainterPath:
    """A triangle centred on the point, turned to ``angle_degrees`` (screen, y down).

    pyqtgraph draws a symbol inside a square of side ``size`` around the point, so the
    path has to stay within ±0.5.
    """
    key = round(angle_degrees / _HEAD_ANGLE_STEP) * _HEAD_ANGLE_STEP % 360
    if key not in _head_cache:
        path = QPainterPath()
        path.moveTo(0.5, 0.0)
        path.lineTo(-0.5, -0.4)
        path.lineTo(-0.25, 0.0)
        path.lineTo(-0.5, 0.4)
        path.closeSubpath()
        _head_cache[key] = QTransform().rotate(key).map(path)
    return _head_cache[key]


class HotColdPlot(pg.PlotWidget):
    #: x of a click inside the plot (sets the start).
    clicked = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("hot_cold_plot")
        self.setAccessibleName("Plot of d(x) with the walker")
        item = self.getPlotItem()
        theme.style_plot(item, "x", "d(x)")
        item.setMouseEnabled(x=False, y=False)

        self.curve = item.plot(pen=pg.mkPen(theme.CURVE, width=3))
        # Every move repaints what lies under it, the whole 600-point thick curve
        # included; from a cached pixmap that is a copy, not a stroke. New data, a new pen
        # or a new view range redraw the picture.
        self.curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.start_line = pg.InfiniteLine(
            angle=90, movable=False,
            pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DotLine))
        item.addItem(self.start_line)
        self.hot_moves = item.plot(connect="pairs", pen=pg.mkPen(theme.HOT, width=3))
        self.cold_moves = item.plot(
            connect="pairs", pen=pg.mkPen(theme.COLD, width=2, style=Qt.PenStyle.DashLine))
        # A head halfway along every move shows its direction; the newest move also gets
        # the big ArrowItem at its end.
        self.heads = pg.ScatterPlotItem(size=15, pen=None)
        item.addItem(self.heads)
        self._head_segments = np.empty((0, 4))
        self._head_colours: list[str] = []
        # What the heads were last drawn from: the moves, their colours and the view's
        # scale. A new move under the same view adds one head; only a new view turns them.
        self._heads_drawn: tuple | None = None
        self._head_symbols: list[QPainterPath] = []
        self._moves_drawn: dict[int, tuple] = {}
        self._label_drawn: tuple | None = None
        self._arrow_drawn: tuple | None = None
        self.last_move = item.plot(pen=pg.mkPen(theme.HOT, width=5))
        self.arrow = pg.ArrowItem(headLen=22, tipAngle=36, tailLen=0, pen=None,
                                  brush=theme.HOT)
        item.addItem(self.arrow)
        self.minimum = pg.ScatterPlotItem(size=26, symbol="star",
                                          brush=theme.MINIMUM, pen=pg.mkPen("w", width=1))
        item.addItem(self.minimum)
        self.walker = pg.ScatterPlotItem(size=22, brush=theme.WALKER, pen=pg.mkPen("w", width=2))
        item.addItem(self.walker)
        self.minimum.setZValue(self.walker.zValue() + 1)
        self.label = pg.TextItem(anchor=(0.5, 1.3), color=theme.FOREGROUND)
        label_font = self.label.textItem.font()
        label_font.setPointSizeF(label_font.pointSizeF() * 1.3)
        label_font.setBold(True)
        self.label.setFont(label_font)
        item.addItem(self.label)
        self._arrow_move: tuple[float, float, float, float] | None = None
        self._arrow_brush = pg.mkBrush(theme.HOT)
        item.getViewBox().sigRangeChanged.connect(self._aim_arrow)
        item.getViewBox().sigResized.connect(self._aim_arrow)
        self.scene().sigMouseClicked.connect(self._on_click)

    # -- drawing -------------------------------------------------------------------
    def show_curve(self, xs: np.ndarray, ys: np.ndarray, visible: bool) -> None:
        self.curve.setData(xs, ys, connect="finite")
        self.curve.setVisible(visible)
        self.getPlotItem().getAxis("left").setStyle(showValues=visible)
        self.getPlotItem().setLabel("left", "d(x)" if visible else "moves ↓ (d is secret)")

    def show_moves(self, moves: list[Move], walker: tuple[float, float], start: float,
                   secret: bool = False) -> None:
        """Draw the history.

        With ``secret`` the curve is hidden, so no height may give d away: move k is
        drawn as a flat arrow on row −k, a trail of footsteps read from top to bottom.
        """
        if secret:
            rows = -np.arange(1, len(moves) + 1, dtype=float)
            y_from, y_to = rows, rows
            walker = (walker[0], float(-len(moves)))
        else:
            y_from = np.array([m.d_from for m in moves], dtype=float)
            y_to = np.array([m.d_to for m in moves], dtype=float)
        finite = np.array([math.isfinite(m.d_to) for m in moves], dtype=bool)
        hot = np.array([m.hotter for m in moves], dtype=bool)
        for item, mask in ((self.hot_moves, hot), (self.cold_moves, ~hot & finite)):
            group = [m for m, keep in zip(moves, mask, strict=True) if keep]
            xs, ys = _segments(group, y_from[mask], y_to[mask])
            # Each move adds to one of the two groups: the other one stays as it is.
            drawn = (xs.tobytes(), ys.tobytes())
            if self._moves_drawn.get(id(item)) != drawn:
                self._moves_drawn[id(item)] = drawn
                item.setData(xs, ys)
        shown = [m for m in moves if math.isfinite(m.d_to)]
        self._head_segments = np.column_stack([
            [m.x_from for m in shown], y_from[finite], [m.x_to for m in shown], y_to[finite],
        ]) if shown else np.empty((0, 4))
        self._head_colours = [theme.HOT if m.hotter else theme.COLD for m in shown]
        self._aim_heads()
        # Where d is undefined or overflows the walker has no height to be drawn at.
        shown_walker = all(math.isfinite(v) for v in walker)
        self.walker.setData(*(([walker[0]], [walker[1]]) if shown_walker else ([], [])))
        self.start_line.setPos(start)
        last = moves[-1] if moves else None
        if last is None or not math.isfinite(last.d_to):
            self.last_move.setData([], [])
            self.arrow.setVisible(False)
            self._set_label("", None)
            self._arrow_move = None
            return
        y0, y1 = float(y_from[-1]), float(y_to[-1])
        colour = theme.HOT if last.hotter else theme.COLD
        self.last_move.setData([last.x_from, last.x_to], [y0, y1])
        # A new pen repaints the move; the same width: presenter mode may have set it.
        if pg.mkPen(self.last_move.opts["pen"]).color() != QColor(colour):
            self._recolour(self.last_move, colour)
        self._arrow_brush = pg.mkBrush(colour)
        self.arrow.setPos(last.x_to, y1)
        self.arrow.setVisible(True)
        self._arrow_move = (last.x_from, y0, last.x_to, y1)
        self._aim_arrow()
        word = "hotter" if last.hotter else "colder"
        if secret:
            self._set_label(word, colour)
        else:
            self._set_label(f"{word}: d {number(last.d_from, 4)} → {number(last.d_to, 4)}",
                            colour)
        self.label.setPos(last.x_to, y1)

    def _set_label(self, text: str, colour: str | None) -> None:
        # A new text is laid out again even when it is the one shown.
        if (text, colour) == self._label_drawn:
            return
        self._label_drawn = (text, colour)
        self.label.setText(text)
        if colour is not None:
            self.label.setColor(colour)

    @staticmethod
    def _recolour(item: pg.PlotDataItem, colour: str) -> None:
        pen = QPen(pg.mkPen(item.opts["pen"]))
        pen.setColor(QColor(colour))
        item.setPen(pen)

    def apply_palette(self) -> None:
        """Hot and cold in the current palette (theme.HOT / theme.COLD)."""
        self._recolour(self.hot_moves, theme.HOT)
        self._recolour(self.cold_moves, theme.COLD)
        self.arrow.setStyle(brush=theme.HOT)
        self._arrow_brush = pg.mkBrush(theme.HOT)
        self._arrow_drawn = None
        self._moves_drawn.clear()
        self._heads_drawn = None
        self._label_drawn = None

    def show_minimum(self, point: tuple[float, float] | None) -> None:
        self.minimum.setData(*(([point[0]], [point[1]]) if point else ([], [])))

    def set_view(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        view = self.getPlotItem().getViewBox()
        if np.allclose(view.viewRange(), [x_range, y_range], rtol=1e-9, atol=0.0):
            return  # unchanged: setting it again would redraw both axes for nothing
        set_range_now(view, x_range, y_range)

    # -- helpers -------------------------------------------------------------------
    def _screen_angle(self, x0: float, y0: float, x1: float, y1: float) -> float | None:
        """Direction of a move on screen, in degrees with y pointing down."""
        vb = self.getPlotItem().getViewBox()
        p0 = vb.mapViewToDevice(QPointF(x0, y0))
        p1 = vb.mapViewToDevice(QPointF(x1, y1))
        if p0 is None or p1 is None:
            return None
        dx, dy = p1.x() - p0.x(), p1.y() - p0.y()
        if dx == 0 and dy == 0:
            return None
        return math.degrees(math.atan2(dy, dx))

    def _aim_heads(self) -> None:
        segments = self._head_segments
        colours = self._head_colours
        vb = self.getPlotItem().getViewBox()
        (vx0, vx1), (vy0, vy1) = vb.viewRange()
        scale = (vx0, vx1, vy0, vy1, vb.width(), vb.height())
        drawn = self._heads_drawn
        if drawn is not None and drawn[0] == scale:
            old_segments, old_colours = drawn[1], drawn[2]
            n = len(old_segments)
            if n == len(segments) and colours == old_colours and \
                    np.array_equal(segments, old_segments):
                return
            if n < len(segments) and colours[:n] == old_colours and \
                    np.array_equal(segments[:n], old_segments):
                # The same view turns the old heads the same way: add only the new ones.
                new = segments[n:]
                symbols = self._symbols_for(new)
                self._head_symbols.extend(symbols)
                self.heads.addPoints(x=(new[:, 0] + new[:, 2]) / 2,
                                     y=(new[:, 1] + new[:, 3]) / 2, symbol=symbols,
                                     brush=[self._brush(c) for c in colours[n:]])
                self._heads_drawn = (scale, segments.copy(), list(colours))
                return
        self._head_symbols = self._symbols_for(segments)
        self.heads.setData((segments[:, 0] + segments[:, 2]) / 2,
                           (segments[:, 1] + segments[:, 3]) / 2, symbol=self._head_symbols,
                           brush=[self._brush(c) for c in colours])
        self._heads_drawn = (scale, segments.copy(), list(colours))

    def _symbols_for(self, segments: np.ndarray) -> list[QPainterPath]:
        symbols = []
        for x0, y0, x1, y1 in segments:
            angle = self._screen_angle(x0, y0, x1, y1)
            symbols.append(_arrow_head(0.0 if angle is None else angle))
        return symbols

    @staticmethod
    def _brush(colour: str):
        # One brush per colour: pyqtgraph keys its symbol pictures by brush.
        brush = _brushes.get(colour)
        if brush is None:
            brush = _brushes[colour] = pg.mkBrush(colour)
        return brush

    def _aim_arrow(self, *_args) -> None:
        # Angles are in screen pixels, so the heads follow each move's on-screen slope.
        self._aim_heads()
        if self._arrow_move is None:
            return
        angle = self._screen_angle(*self._arrow_move)
        if angle is not None:
            drawn = (angle, self._arrow_brush.color().rgba())
            if drawn == self._arrow_drawn:
                return  # setStyle builds the arrow's path again
            self._arrow_drawn = drawn
            # ArrowItem's angle 0 points left, the opposite of the screen angle's 0.
            self.arrow.setStyle(angle=angle + 180.0, brush=self._arrow_brush)

    def _on_click(self, event) -> None:
        vb = self.getPlotItem().getViewBox()
        pos = event.scenePos()
        if event.button() != Qt.MouseButton.LeftButton or not vb.sceneBoundingRect().contains(pos):
            return
        self.clicked.emit(float(vb.mapSceneToView(pos).x()))
