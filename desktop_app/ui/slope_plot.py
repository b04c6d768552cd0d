"""The slope explorer's two pictures: d(x) with its lines on top, d′(x) below.

Every item is created once in the constructor; updates only feed them new data, so
dragging the point or animating q never creates anything. The plots draw what the tab
hands them (points, line segments already clipped to the view, texts); they compute
no slopes themselves.

An animation frame changes little (q shrinks: the second point, the secant and two
labels move; the curve, the tangent and the derivative plot stay), so every setter
below skips what is already shown: pyqtgraph redraws an item, and re-lays out a text,
even when it is handed the very data it has.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGraphicsItem

from desktop_app.ui import theme
from desktop_app.ui.plot_grid import show_grid
from desktop_app.ui.plot_marks import Dot, Dots
from desktop_app.ui.plot_range import set_range_now

SECANT = theme.COLD
TANGENT = theme.MINIMUM
GUESS = theme.WALKER
POINT = theme.WALKER
PATH = theme.HOT

AXIS_WIDTH = 58

Segment = tuple[tuple[float, float], tuple[float, float]]


def _label(colour: str, scale: float = 1.15, bold: bool = True) -> pg.TextItem:
    """A text with a soft white background, so it stays readable on top of a line."""
    item = pg.TextItem(color=colour, fill=pg.mkBrush(255, 255, 255, 215),
                       border=pg.mkPen(colour, width=1))
    font = item.textItem.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    item.setFont(font)
    return item


class _Shown:
    """What each item was last given, so a frame re-sets only what changed."""

    def __init__(self) -> None:
        self._last: dict[tuple[int, str], object] = {}

    def changed(self, item, what: str, value) -> bool:
        key = (id(item), what)
        if key in self._last and self._last[key] == value:
            return False
        self._last[key] = value
        return True

    def set_data(self, item, xs, ys) -> None:
        if self.changed(item, "data", (tuple(xs), tuple(ys))):
            item.setData(xs, ys)

    def set_text(self, label: pg.TextItem, text: str) -> None:
        if self.changed(label, "text", text):
            label.setText(text)

    def set_anchor(self, label: pg.TextItem, anchor: tuple[float, float]) -> None:
        if self.changed(label, "anchor", anchor):
            label.setAnchor(anchor)

    def set_pos(self, item, x: float, y: float) -> None:
        if self.changed(item, "pos", (x, y)):
            item.setPos(x, y)


def _keep_drawn(item: pg.PlotDataItem) -> None:
    """Paint a long curve that animations leave alone from a picture of it.

    A frame that moves a point or a line repaints whatever lies under it, the whole
    600-point thick curve included; from a cached pixmap that is a copy, not a stroke.
    New data, a new pen or a new view range redraw the picture.
    """
    item.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def _plain_plot(widget: pg.PlotWidget, left: str) -> pg.PlotItem:
    item = widget.getPlotItem()
    show_grid(item)
    theme.keep_axes(item, ("left", "bottom"))
    item.setLabel("left", left)
    item.setMouseEnabled(x=False, y=False)
    item.hideButtons()
    item.setMenuEnabled(False)
    item.getViewBox().disableAutoRange()
    # Both plots keep the same room for their numbers on the left, so their linked
    # x axes line up exactly, one above the other.
    item.getAxis("left").setWidth(AXIS_WIDTH)
    return item


class SlopePlot(pg.PlotWidget):
    """d(x), the point x you can drag, the point x + q, and the lines through them."""

    #: x of a click on the plot, away from the handles.
    clicked = Signal(float)
    #: x where the student is dragging the point (the tab puts it back on the curve).
    point_dragged = Signal(float)
    #: (x, y) where the student is dragging the handle of the guessed line.
    guess_dragged = Signal(float, float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("slope_plot")
        self.setAccessibleName("Plot of d(x) with the secant and tangent lines")
        item = _plain_plot(self, "d(x)")
        self._shown = _Shown()
        self._x_range = (-1.0, 1.0)
        self._y_range = (-1.0, 1.0)
        self._placing = False

        self.curve = item.plot(pen=pg.mkPen(theme.CURVE, width=3))
        _keep_drawn(self.curve)
        # Rise over run: from (x, d(x)) across by q, then up to d(x + q).
        self.run_rise = item.plot(connect="pairs",
                                  pen=pg.mkPen(SECANT, width=2, style=Qt.PenStyle.DotLine))
        self.q_label = pg.TextItem(color=SECANT, anchor=(0.5, -0.15))
        self.q_label.setZValue(5)
        item.addItem(self.q_label)

        self.path = item.plot(pen=pg.mkPen(PATH, width=2))
        self.path_dots = Dots(9, PATH, edge="w")
        item.addItem(self.path_dots)
        self.last_step = item.plot(pen=pg.mkPen(PATH, width=6))
        # The newest step is a change of x: a ruler along the bottom shows how long it is.
        self.step_ruler = item.plot(connect="pairs", pen=pg.mkPen(PATH, width=4))
        self.step_label = _label(PATH)
        self.step_label.setAnchor((0.5, -0.1))
        self.step_label.setZValue(25)
        item.addItem(self.step_label)

        self.lines: dict[str, tuple[pg.PlotDataItem, pg.TextItem]] = {}
        styles = {
            "secant": (SECANT, Qt.PenStyle.SolidLine, 2.5),
            "tangent": (TANGENT, Qt.PenStyle.SolidLine, 2.5),
            "guess": (GUESS, Qt.PenStyle.DashLine, 3.0),
        }
        for name, (colour, style, width) in styles.items():
            line = item.plot(pen=pg.mkPen(colour, width=width, style=style))
            label = _label(colour)
            label.setZValue(20)
            item.addItem(label)
            self.lines[name] = (line, label)

        self.second_point = Dot(15, SECANT, pg.mkPen("w", width=2))
        self.second_point.setZValue(10)
        item.addItem(self.second_point)
        self.second_label = pg.TextItem("x + q", color=SECANT, anchor=(-0.25, -0.1))
        item.addItem(self.second_label)

        self.point = pg.TargetItem(size=20, symbol="o", pen=pg.mkPen("w", width=2),
                                   brush=pg.mkBrush(POINT), hoverPen=pg.mkPen(theme.HOT, width=3),
                                   hoverBrush=pg.mkBrush(POINT))
        self.point.setZValue(30)
        self.point.setToolTip("Drag me along the curve")
        item.addItem(self.point)
        self.point_label = pg.TextItem("x", color=POINT, anchor=(1.3, 1.1))
        bold = self.point_label.textItem.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.point_label.setFont(bold)
        self.second_label.setFont(bold)
        item.addItem(self.point_label)

        self.guess_handle = pg.TargetItem(size=18, symbol="s", pen=pg.mkPen("w", width=2),
                                          brush=pg.mkBrush(GUESS),
                                          hoverPen=pg.mkPen(theme.HOT, width=3),
                                          hoverBrush=pg.mkBrush(GUESS))
        self.guess_handle.setZValue(30)
        self.guess_handle.setToolTip("Drag me up or down to tilt your line")
        item.addItem(self.guess_handle)

        self.point.sigPositionChanged.connect(self._on_point_moved)
        self.guess_handle.sigPositionChanged.connect(self._on_handle_moved)
        self.scene().sigMouseClicked.connect(self._on_click)

    # -- drawing ------------------------------------------------------------------------
    def set_view(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        self._x_range, self._y_range = x_range, y_range
        view = self.getPlotItem().getViewBox()
        if np.allclose(view.viewRange(), [x_range, y_range], rtol=1e-9, atol=0.0):
            return  # unchanged: setting it again would redraw both axes for nothing
        set_range_now(view, x_range, y_range)

    @property
    def view_ranges(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return self._x_range, self._y_range

    def show_curve(self, xs: np.ndarray, ys: np.ndarray) -> None:
        self.curve.setData(xs, ys, connect="finite")

    def show_point(self, x: float, y: float, downhill_to_the_right: bool = False) -> None:
        """The draggable point at (x, d(x)); hidden where d is undefined.

        Its "x" label goes on the side of the point the lines through it leave free:
        above on the left when the curve rises to the right, below on the left otherwise.
        """
        shown = self._shown
        shown.set_anchor(self.point_label,
                         (1.3, -0.1) if downhill_to_the_right else (1.3, 1.1))
        ok = math.isfinite(x) and math.isfinite(y)
        self.point.setVisible(ok)
        self.point_label.setVisible(ok)
        if ok:
            self._placing = True
            try:
                # A drag moves the point without telling us: compare with where it is.
                if (self.point.pos().x(), self.point.pos().y()) != (x, y):
                    self.point.setPos(x, y)
            finally:
                self._placing = False
            shown.set_pos(self.point_label, x, y)

    def show_second_point(self, x: float, y: float, q_text: str, visible: bool,
                          x_from: float, y_from: float) -> None:
        """The point (x + q, d(x + q)) and the rise-over-run triangle from (x, d(x))."""
        shown = self._shown
        ok = visible and all(math.isfinite(v) for v in (x, y, x_from, y_from))
        # The "x + q" words go where the secant leaves room: under it when it rises.
        shown.set_anchor(self.second_label,
                         (-0.25, -0.1) if not ok or y >= y_from else (-0.25, 1.1))
        if not ok:
            self.second_point.set_point(None)
            shown.set_data(self.run_rise, [], [])
            self.second_label.setVisible(False)
            self.q_label.setVisible(False)
            return
        self.second_point.set_point((x, y))
        shown.set_data(self.run_rise, [x_from, x, x, x], [y_from, y_from, y_from, y])
        width = self._x_range[1] - self._x_range[0]
        # Words only where there is room for them: a tiny q leaves the two points on top
        # of each other, and the equation says the rest.
        roomy = abs(x - x_from) > 0.06 * width
        self.second_label.setVisible(roomy)
        self.q_label.setVisible(roomy)
        if roomy:
            shown.set_pos(self.second_label, x, y)
            shown.set_text(self.q_label, f"q = {q_text}")
            shown.set_pos(self.q_label, (x + x_from) / 2, y_from)

    def show_line(self, name: str, segment: Segment | None, text: str, end: str) -> None:
        """A line already clipped to the view, labelled at one end: "left", "right" or "upper"."""
        shown = self._shown
        line, label = self.lines[name]
        if segment is None:
            shown.set_data(line, [], [])
            label.setVisible(False)
            return
        (x0, y0), (x1, y1) = segment
        shown.set_data(line, [x0, x1], [y0, y1])
        if end == "upper":
            end = "right" if y1 >= y0 else "left"
        x, y = (x1, y1) if end == "right" else (x0, y0)
        # The text reaches from the line's end back into the picture, never out of it.
        (vx0, vx1), (vy0, vy1) = self._x_range, self._y_range
        anchor_x = 1.0 if x > (vx0 + vx1) / 2 else 0.0
        anchor_y = 0.0 if y > (vy0 + vy1) / 2 else 1.0
        shown.set_anchor(label, (anchor_x, anchor_y))
        shown.set_text(label, text)
        shown.set_pos(label, x, y)
        label.setVisible(True)

    def show_path(self, xs: list[float], ys: list[float], step_text: str) -> None:
        """The walk so far: every point visited, the newest step thick and labelled."""
        shown = self._shown
        if shown.changed(self.path, "data", (tuple(xs), tuple(ys))):
            self.path.setData(xs, ys, connect="finite")
            # A point where d overflows or is undefined has no dot: pyqtgraph cannot
            # bound one.
            finite = [(x, y) for x, y in zip(xs, ys, strict=True)
                      if math.isfinite(x) and math.isfinite(y)]
            self.path_dots.set_points([x for x, _ in finite], [y for _, y in finite])
        if len(xs) < 2 or not all(math.isfinite(v) for v in (*xs[-2:], *ys[-2:])):
            shown.set_data(self.last_step, [], [])
            shown.set_data(self.step_ruler, [], [])
            self.step_label.setVisible(False)
            return
        shown.set_data(self.last_step, xs[-2:], ys[-2:])
        x_from, x_to = xs[-2], xs[-1]
        (vx0, vx1), (vy0, vy1) = self._x_range, self._y_range
        y = vy0 + 0.12 * (vy1 - vy0)
        tick = 0.025 * (vy1 - vy0)
        shown.set_data(self.step_ruler,
                       [x_from, x_from, x_from, x_to, x_to, x_to],
                       [y - tick, y + tick, y, y, y - tick, y + tick])
        x_mid = (x_from + x_to) / 2
        width = vx1 - vx0
        anchor_x = 0.0 if x_mid < vx0 + 0.15 * width else (
            1.0 if x_mid > vx1 - 0.15 * width else 0.5)
        shown.set_anchor(self.step_label, (anchor_x, -0.1))
        shown.set_text(self.step_label, step_text)
        shown.set_pos(self.step_label, x_mid, y - tick)
        self.step_label.setVisible(True)

    def show_guess_handle(self, position: tuple[float, float] | None) -> None:
        self.guess_handle.setVisible(position is not None)
        if position is not None:
            self._placing = True
            try:
                self.guess_handle.setPos(*position)
            finally:
                self._placing = False

    # -- the student's hands ---------------------------------------------------------------
    def _on_point_moved(self, target) -> None:
        if self._placing or not target.moving:
            return
        x0, x1 = self._x_range
        self.point_dragged.emit(float(np.clip(target.pos().x(), x0, x1)))

    def _on_handle_moved(self, target) -> None:
        if self._placing or not target.moving:
            return
        pos = target.pos()
        self.guess_dragged.emit(float(pos.x()), float(pos.y()))

    def _on_click(self, event) -> None:
        vb = self.getPlotItem().getViewBox()
        pos = event.scenePos()
        if event.button() != Qt.MouseButton.LeftButton or not vb.sceneBoundingRect().contains(pos):
            return
        for handle in (self.point, self.guess_handle):
            if handle.isVisible() and handle.sceneBoundingRect().contains(pos):
                return  # a click on a handle is the start of a drag, not a new x
        self.clicked.emit(float(vb.mapSceneToView(pos).x()))


class DerivativePlot(pg.PlotWidget):
    """d′(x): the exact slope at every x, the zero line, and the current x marked."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("derivative_plot")
        self.setAccessibleName("Plot of the exact slope d′(x)")
        item = _plain_plot(self, "d′(x)")
        item.setLabel("bottom", "x")
        self._shown = _Shown()
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, movable=False,
                                    pen=pg.mkPen("#555555", width=1.5))
        item.addItem(self.zero)
        self.curve = item.plot(pen=pg.mkPen(TANGENT, width=3))
        _keep_drawn(self.curve)
        self.x_line = pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen(POINT, width=1.5, style=Qt.PenStyle.DashLine))
        item.addItem(self.x_line)
        self.dot = Dot(14, TANGENT, pg.mkPen("w", width=2))
        self.dot.setZValue(10)
        item.addItem(self.dot)
        self.label = _label(TANGENT, scale=1.05)
        self.label.setZValue(20)
        item.addItem(self.label)

    def show_curve(self, xs: np.ndarray, ys: np.ndarray, visible: bool) -> None:
        # The tab resamples into new arrays, never in place: the same arrays are the
        # same curve.
        if self._shown.changed(self.curve, "data", (id(xs), id(ys))):
            self._arrays = (xs, ys)  # alive, so their ids cannot be reused
            self.curve.setData(xs, ys, connect="finite")
        self.curve.setVisible(visible)

    def set_y_range(self, lo: float, hi: float) -> None:
        view = self.getPlotItem().getViewBox()
        if np.allclose(view.viewRange()[1], (lo, hi), rtol=1e-9, atol=0.0):
            return  # unchanged: setting it again would redraw both axes for nothing
        set_range_now(view, y_range=(lo, hi))

    def show_marker(self, x: float, y: float, text: str, visible: bool) -> None:
        shown = self._shown
        self.x_line.setVisible(math.isfinite(x))
        if math.isfinite(x) and shown.changed(self.x_line, "pos", x):
            self.x_line.setPos(x)
        ok = visible and math.isfinite(x) and math.isfinite(y)
        self.dot.set_point((x, y) if ok else None)
        self.label.setVisible(ok)
        if ok:
            view = self.getPlotItem().getViewBox().viewRange()
            (vx0, vx1), (vy0, vy1) = view
            y_shown = min(max(y, vy0), vy1)
            shown.set_anchor(self.label, (1.1 if x > (vx0 + vx1) / 2 else -0.1,
                                          0.0 if y_shown > (vy0 + vy1) / 2 else 1.0))
            shown.set_text(self.label, text)
            shown.set_pos(self.label, x, y_shown)
