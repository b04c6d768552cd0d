"""The surface seen from the top: heights as colours, contour lines, the walkers' paths.

All items are created once; a new surface feeds the image and the contours, and every
frame only the paths, balls, the −∇f arrow and the markers get new data.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem

from desktop_app.ui import theme
from desktop_app.ui.plot_marks import Dot
from desktop_app.ui.plot_range import set_range_now

CONTOUR_PEN = (50, 10, 10, 120)
ARROW_COLOR = "#1a1a1a"


class TopView(pg.PlotWidget):
    #: Surface (x, y) of a left click inside the picture (sets the start).
    clicked = Signal(float, float)
    #: Surface (x, y) under the mouse.
    hovered = Signal(float, float)
    #: The mouse left the picture.
    left = Signal()

    def __init__(self, colours: dict[str, str], parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("top_view")
        self.setAccessibleName("The surface seen from the top, with the walkers' paths")
        self.setToolTip("Click to start the walkers there.")
        item = self.getPlotItem()
        theme.style_plot(item, "x", "y")
        item.showGrid(x=False, y=False)
        item.setMouseEnabled(x=False, y=False)
        item.setAspectLocked(True)
        self.view_box = item.getViewBox()

        colour_map = theme.surface_colormap()
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setColorMap(colour_map)
        # The picture under the paths changes only with the surface: Qt keeps it as a
        # ready-made bitmap instead of scaling the image on every frame.
        self.image.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(colorMap=colour_map, interactive=False, width=14,
                                          label="height f(x, y)", colorMapMenu=False)
        self.colour_bar.setImageItem(self.image, insert_in=item)
        self.contours = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(CONTOUR_PEN, width=1),
                                         skipFiniteCheck=True)
        self.contours.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.addItem(self.contours)
        self.minima = pg.ScatterPlotItem(size=15, symbol="star", brush="#ffffff",
                                         pen=pg.mkPen("#333333", width=1))
        item.addItem(self.minima)

        self.arrow_shaft = pg.PlotCurveItem(pen=pg.mkPen(ARROW_COLOR, width=3.5))
        item.addItem(self.arrow_shaft)
        self.arrow_head = pg.ArrowItem(headLen=18, tipAngle=36, tailLen=0, pen=None,
                                       brush=ARROW_COLOR)
        item.addItem(self.arrow_head)
        self.arrow_label = pg.TextItem("−∇f", color=ARROW_COLOR, anchor=(0.5, 0.5),
                                       fill=(255, 255, 255, 200))
        label_font = self.arrow_label.textItem.font()
        label_font.setBold(True)
        self.arrow_label.setFont(label_font)
        item.addItem(self.arrow_label)
        self._arrow: tuple[float, float, float, float] | None = None
        self._arrow_angle: float | None = None
        # What each item was last given: the same data handed again is redrawn all the same.
        self._walkers: dict[str, tuple] = {}
        self._start: tuple[float, float] | None = None

        self.halos: dict[str, pg.PlotCurveItem] = {}
        self.paths: dict[str, pg.PlotCurveItem] = {}
        self.balls: dict[str, pg.ScatterPlotItem] = {}
        for name, colour in colours.items():
            self.halos[name] = pg.PlotCurveItem(pen=pg.mkPen(theme.PATH_HALO, width=5),
                                                skipFiniteCheck=True)
            self.paths[name] = pg.PlotCurveItem(pen=pg.mkPen(colour, width=2.5),
                                                skipFiniteCheck=True)
            self.balls[name] = Dot(14, colour, pg.mkPen(theme.PATH_HALO, width=2))
            for part in (self.halos[name], self.paths[name], self.balls[name]):
                part.setVisible(False)
        for group in (self.halos, self.paths, self.balls):
            for part in group.values():
                item.addItem(part)
        # Above the paths, below the balls: the arrow must not hide under a path.
        for depth, part in enumerate((self.arrow_shaft, self.arrow_head, self.arrow_label)):
            part.setZValue(20 + depth)
        for ball in self.balls.values():
            ball.setZValue(30)
        self.start = Dot(13, theme.START_MARK, pg.mkPen("#222222", width=2))
        item.addItem(self.start)
        self.hover = Dot(12, theme.HOVER_MARK, pg.mkPen("#222222", width=1.5))
        item.addItem(self.hover)
        self.start.setZValue(31)
        self.hover.setZValue(32)

        self.scene().sigMouseClicked.connect(self._on_click)
        self.scene().sigMouseMoved.connect(self._on_move)
        self.view_box.sigRangeChanged.connect(self._aim_arrow)

    # -- the surface ---------------------------------------------------------------------
    def set_surface(self, bounds, z: np.ndarray, z_range: tuple[float, float],
                    contour_points: np.ndarray, minima) -> None:
        (x0, x1), (y0, y1) = bounds
        n, m = z.shape
        dx, dy = (x1 - x0) / (n - 1), (y1 - y0) / (m - 1)
        # Pixel centres sit on the grid points.
        self.image.setImage(z, autoLevels=False)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, n * dx, m * dy))
        self.colour_bar.setLevels(values=z_range)
        self.contours.setData(contour_points[:, 0], contour_points[:, 1])
        points = np.asarray(minima, dtype=float).reshape(-1, 2)
        self.minima.setData(points[:, 0], points[:, 1])
        set_range_now(self.view_box, (x0, x1), (y0, y1), padding=0.02)

    # -- every frame ---------------------------------------------------------------------
    def set_walkers(self, walkers: dict[str, tuple]) -> None:
        """Per walker name: its path (k, 2) already clipped to the picture, and its head."""
        for name in self.paths:
            path, head = walkers.get(name, (None, None))
            drawn = self._walkers.get(name)
            if drawn is not None and drawn[0] is path and drawn[1] == head:
                continue
            self._walkers[name] = (path, head)
            shown = path is not None and len(path) >= 2
            if shown:
                self.halos[name].setData(path[:, 0], path[:, 1])
                self.paths[name].setData(path[:, 0], path[:, 1])
            self.halos[name].setVisible(shown)
            self.paths[name].setVisible(shown)
            self.balls[name].set_point(head)

    def set_start(self, point: tuple[float, float]) -> None:
        point = (point[0], point[1])
        if point != self._start:
            self._start = point
            self.start.set_point(point)

    def set_hover(self, point: tuple[float, float] | None) -> None:
        self.hover.set_point(point)

    def set_arrow(self, tail: tuple[float, float], tip: tuple[float, float] | None) -> None:
        """The −∇f arrow from ``tail`` to ``tip`` (hidden when there is no downhill)."""
        shown = tip is not None
        for part in (self.arrow_shaft, self.arrow_head, self.arrow_label):
            part.setVisible(shown)
        if not shown:
            self._arrow = None
            return
        arrow = (tail[0], tail[1], tip[0], tip[1])
        if arrow == self._arrow:
            return
        self._arrow = arrow
        self.arrow_shaft.setData([tail[0], tip[0]], [tail[1], tip[1]])
        self.arrow_head.setPos(tip[0], tip[1])
        # The label sits a little beyond the tip.
        self.arrow_label.setPos(tip[0] + 0.25 * (tip[0] - tail[0]),
                                tip[1] + 0.25 * (tip[1] - tail[1]))
        self._aim_arrow()

    # -- helpers -------------------------------------------------------------------------
    def _aim_arrow(self, *_args) -> None:
        # ArrowItem angles are in screen pixels: aim it along the shaft as drawn.
        if self._arrow is None:
            return
        x0, y0, x1, y1 = self._arrow
        p0 = self.view_box.mapViewToDevice(QPointF(x0, y0))
        p1 = self.view_box.mapViewToDevice(QPointF(x1, y1))
        if p0 is None or p1 is None:
            return
        dx, dy = p1.x() - p0.x(), p1.y() - p0.y()
        if dx == 0 and dy == 0:
            return
        angle = math.degrees(math.atan2(-dy, -dx))
        if angle != self._arrow_angle:  # a new angle rebuilds the head's outline
            self._arrow_angle = angle
            self.arrow_head.setStyle(angle=angle)

    def _view_point(self, scene_pos) -> tuple[float, float] | None:
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.view_box.mapSceneToView(scene_pos)
        return float(point.x()), float(point.y())

    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self._view_point(event.scenePos())
        if point is not None:
            self.clicked.emit(*point)

    def _on_move(self, scene_pos) -> None:
        point = self._view_point(scene_pos)
        if point is None:
            self.left.emit()
        else:
            self.hovered.emit(*point)

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().leaveEvent(event)
        self.left.emit()
