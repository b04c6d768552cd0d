"""The network builder's pictures of the data and of the training.

- :class:`DataPlot`: the examples and what the network makes of them — a curve with its
  residuals (fit), a decision heatmap with training and test points (classify), a
  prediction heatmap with points coloured by target (2-D regression), or "network answer
  against true value" (the article's 3-input network).
- :class:`LossPlot`: training and test loss after every epoch, on a log scale.

Items are created once; updates only feed them new arrays. The plots compute nothing:
the tab hands them the model's numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsItem

from desktop_app.ui import theme
from desktop_app.ui.plot_range import set_range_now
from desktop_app.ui.text_format import number

#: Colour-blind-safe pair: positive / class 1 is blue, negative / class 0 is orange.
POSITIVE = theme.COLD
NEGATIVE = theme.HOT
NEUTRAL = "#f7f7f7"
RESIDUAL = theme.WALKER
TARGET_CURVE = "#9a9a9a"
TRAIN_LOSS = "#222222"
TEST_LOSS = theme.HOT

#: Most points a loss curve draws; longer histories are thinned evenly.
MAX_CURVE_POINTS = 2000


def cache_axes(plot_item) -> None:
    """Every axis kept as Qt's ready pixels (``theme.keep_axes``) and no SI prefixes."""
    theme.keep_axes(plot_item)
    for name in ("left", "bottom", "right", "top"):
        # Plain numbers on the axes: no "(×0.001)" added to a label.
        plot_item.getAxis(name).enableAutoSIPrefix(False)


def diverging_colormap() -> pg.ColorMap:
    """Orange (−1) through white (0) to blue (+1)."""
    return pg.ColorMap([0.0, 0.25, 0.5, 0.75, 1.0],
                       [NEGATIVE, "#f4b183", NEUTRAL, "#9cc3e0", POSITIVE])


def diverging_lut(fade: float = 0.0) -> np.ndarray:
    """256 × 3 uint8 colours of the diverging map, mixed with white by ``fade`` (0 … 1)."""
    lut = diverging_colormap().getLookupTable(0.0, 1.0, 256, alpha=False).astype(np.float64)
    lut = lut + fade * (255.0 - lut)
    return np.clip(np.rint(lut), 0, 255).astype(np.uint8)


#: The background heatmaps are lighter than the points drawn on them.
BACKGROUND_LUT = diverging_lut(0.35)
POINT_LUT = diverging_lut(0.0)


def finite(values: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """A copy with nan/inf replaced, so nothing undefined reaches a picture."""
    return np.nan_to_num(np.asarray(values, dtype=np.float64), nan=fill, posinf=fill,
                         neginf=fill)


def colours_for(values: np.ndarray, low: float, high: float) -> list:
    """A brush per value on the diverging map over [low, high]."""
    span = (high - low) or 1.0
    index = np.clip(np.rint((finite(values) - low) / span * 255.0), 0, 255).astype(int)
    return [pg.mkBrush(*POINT_LUT[i]) for i in index]


def thin(xs: np.ndarray, ys: np.ndarray, limit: int = MAX_CURVE_POINTS):
    """At most ``limit`` evenly spread points, always keeping the last one."""
    n = xs.size
    if n <= limit:
        return xs, ys
    keep = np.linspace(0, n - 1, limit).astype(int)
    return xs[keep], ys[keep]


# Marching squares as pyqtgraph's ``functions.isocurve(connected=True, extendToEdge=True)``
# gives it, point for point, but with the cells worked out as arrays: pyqtgraph visits the
# 64 × 64 cells one by one in Python, which cost more than the rest of a frame together.
#: The cell edges (0 left, 1 bottom, 2 right, 3 top) each cell case joins, in pairs.
_SIDES = ((), (0, 1), (1, 2), (0, 2), (0, 3), (1, 3), (0, 1, 2, 3), (2, 3), (2, 3),
          (0, 1, 2, 3), (1, 3), (0, 3), (0, 2), (1, 2), (0, 1), ())
_PAIRS = np.full((16, 2, 2), -1, dtype=np.intp)
for _case, _sides in enumerate(_SIDES):
    for _k in range(0, len(_sides), 2):
        _PAIRS[_case, _k // 2] = _sides[_k:_k + 2]
#: The two corners (x, y offsets in the cell) at the ends of each cell edge.
_EDGE_ENDS = np.array([[(0, 1), (0, 0)], [(0, 0), (1, 0)], [(1, 0), (1, 1)],
                       [(1, 1), (0, 1)]], dtype=np.intp)


def isocurve_lines(data: np.ndarray, level: float) -> list[np.ndarray]:
    """The lines where ``data`` (indexed [x, y]) crosses ``level``, each an (N, 2) array
    of x, y in the image's pixel coordinates, reaching the edges of the data."""
    nx, ny = data.shape
    d = np.empty((nx + 2, ny + 2), dtype=np.float64)
    d[1:-1, 1:-1] = data
    d[0, 1:-1] = data[0]
    d[-1, 1:-1] = data[-1]
    d[1:-1, 0] = data[:, 0]
    d[1:-1, -1] = data[:, -1]
    d[0, 0] = d[0, 1]
    d[0, -1] = d[1, -1]
    d[-1, 0] = d[-1, 1]
    d[-1, -1] = d[-1, -2]
    below = (d < level).astype(np.uint8)
    case = below[:-1, :-1] + 2 * below[1:, :-1] + 4 * below[:-1, 1:] + 8 * below[1:, 1:]
    pairs = _PAIRS[case]
    ci, cj, slot = np.nonzero(pairs[:, :, :, 0] >= 0)
    if ci.size == 0:
        return []
    edges = pairs[ci, cj, slot]
    p1, p2 = _EDGE_ENDS[edges, 0], _EDGE_ENDS[edges, 1]
    i, j = ci[:, None], cj[:, None]
    v1 = d[i + p1[..., 0], j + p1[..., 1]]
    v2 = d[i + p2[..., 0], j + p2[..., 1]]
    f = (level - v1) / (v2 - v1)
    fi = 1.0 - f
    x = np.minimum(nx, np.maximum(0, p1[..., 0] * fi + p2[..., 0] * f + i + 0.5 - 1))
    y = np.minimum(ny, np.maximum(0, p1[..., 1] * fi + p2[..., 1] * f + j + 0.5 - 1))
    # A crossing is named by the grid edge it lies on; neighbouring cells share it.
    keys = ((edges % 2 * (nx + 2) + i + (edges == 2)) * (ny + 2) + j + (edges == 3))
    return [np.column_stack([x.ravel()[line], y.ravel()[line]])
            for line in _chain(keys.ravel().tolist())]


def _chain(keys: list[int]) -> list[list[int]]:
    """Join segments (points 2s and 2s + 1 of ``keys``) that share a crossing into lines,
    as point numbers; lines and their directions come out in pyqtgraph's order."""
    ends: dict[int, list[int]] = {}
    for point, key in enumerate(keys):
        ends.setdefault(key, []).append(point)
    lines, used = [], set()
    for start, first in ends.items():
        if start in used:
            continue
        halves = []
        for point in first:
            half = [point, point ^ 1]
            before, here = start, keys[point ^ 1]
            looped = False
            while here != start:
                step = None
                for other in ends[here]:
                    if keys[other ^ 1] != before:
                        step = other ^ 1
                used.add(here)
                if step is None:
                    break
                half.append(step)
                before, here = here, keys[step]
            else:
                looped = True
            halves.append(half)
            if looped:
                break
        lines.append(halves[1][1:][::-1] + halves[0] if len(halves) == 2 else halves[0])
    return lines


class Isocurve(pg.IsocurveItem):
    """pyqtgraph's isocurve item (same path, same pen, same presenter scaling), with the
    path worked out by ``isocurve_lines``."""

    def generatePath(self) -> None:  # noqa: N802 (pyqtgraph name)
        if self.data is None:
            self.path = None
            return
        data = self.data.T if self.axisOrder == "row-major" else self.data
        path = QPainterPath()
        # moveTo / lineTo as pyqtgraph calls them: Qt drops a lineTo that does not move.
        for line in isocurve_lines(np.asarray(data, dtype=np.float64), self.level):
            (x0, y0), *rest = line.tolist()
            path.moveTo(x0, y0)
            for x, y in rest:
                path.lineTo(x, y)
        self.path = path


class DataPlot(pg.PlotWidget):
    """The examples and the network's answer. ``set_mode`` picks which items show."""

    #: (x, y, shift held) of a left click inside the picture.
    clicked = Signal(float, float, bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("data_plot")
        self.setAccessibleName("The examples and the network's answer")
        item = self.getPlotItem()
        theme.style_plot(item, "x", "y")
        cache_axes(item)
        item.setMouseEnabled(x=False, y=False)
        item.getViewBox().disableAutoRange()
        self.mode = ""
        self._image_bounds = None

        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(BACKGROUND_LUT)
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.boundary = Isocurve(level=0.0, pen=pg.mkPen("#444444", width=1.5),
                                        axisOrder="row-major")
        self.boundary.setParentItem(self.image)

        self.target_curve = item.plot(pen=pg.mkPen(TARGET_CURVE, width=2,
                                                   style=Qt.PenStyle.DashLine))
        self.residuals = item.plot(connect="pairs", pen=pg.mkPen(RESIDUAL, width=2))
        self.curve = item.plot(pen=pg.mkPen(POSITIVE, width=3))
        self.diagonal = item.plot(pen=pg.mkPen(TARGET_CURVE, width=2,
                                               style=Qt.PenStyle.DashLine))
        self.train_points = pg.ScatterPlotItem(size=9, pen=pg.mkPen("w", width=1.2))
        self.train_points.setZValue(5)
        item.addItem(self.train_points)
        self.test_points = pg.ScatterPlotItem(size=9, symbol="s",
                                              pen=pg.mkPen("#111111", width=1.4))
        self.test_points.setZValue(6)
        item.addItem(self.test_points)
        # The examples stay put while the picture under them changes on every frame.
        for points in (self.train_points, self.test_points):
            points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.scene().sigMouseClicked.connect(self._on_click)

    # -- modes -----------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """"fit", "classify", "regress" or "article"."""
        if mode == self.mode:
            return
        self.mode = mode
        # White rims stand out on the class colours; values near 0 are white themselves.
        rim = "#555555" if mode == "regress" else "w"
        self.train_points.setPen(pg.mkPen(rim, width=1.2))
        two_d = mode in ("classify", "regress")
        self.image.setVisible(two_d)
        self.boundary.setVisible(mode == "classify")
        for curve in (self.target_curve, self.residuals, self.curve):
            curve.setVisible(mode == "fit")
        self.diagonal.setVisible(mode == "article")
        item = self.getPlotItem()
        item.setAspectLocked(two_d, ratio=1.0)
        labels = {
            "fit": ("x", "f(x) and g(x)"),
            "classify": ("x", "y"),
            "regress": ("x", "y"),
            "article": ("true value f(x, y, z)", "network's answer g(x, y, z)"),
        }[mode]
        item.setLabel("bottom", labels[0])
        item.setLabel("left", labels[1])

    def set_view(self, x_range, y_range) -> None:
        set_range_now(self.getPlotItem().getViewBox(), x_range, y_range)

    # -- 2-D tasks -------------------------------------------------------------------------
    def show_heatmap(self, values: np.ndarray, bounds, levels: tuple[float, float]) -> None:
        """``values``: rows of y from the bottom; ``bounds`` ((x0, x1), (y0, y1))."""
        values = finite(values)
        self.image.setImage(values, autoLevels=False, levels=levels)
        # Placing the image again moves nothing but still repaints what it covers.
        if bounds != self._image_bounds:
            (x0, x1), (y0, y1) = bounds
            self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
            self._image_bounds = bounds
        if self.boundary.isVisible():
            self.boundary.setData(values)

    def show_points(self, train_xy: np.ndarray, train_brushes, test_xy: np.ndarray,
                    test_brushes) -> None:
        self.train_points.setData(pos=train_xy, brush=train_brushes)
        self.test_points.setData(pos=test_xy, brush=test_brushes)

    # -- fit -------------------------------------------------------------------------------
    def show_fit(self, xs: np.ndarray, g: np.ndarray, f: np.ndarray | None,
                 example_x: np.ndarray, example_f: np.ndarray, example_g: np.ndarray) -> None:
        """The network g over ``xs``, the true f (if known), and a residual segment from
        each training example's f(x) to g(x)."""
        self.curve.setData(xs, g, connect="finite")
        if f is None:
            self.target_curve.setData([], [])
        else:
            self.target_curve.setData(xs, f, connect="finite")
        seg_x = np.repeat(example_x, 2)
        seg_y = np.empty(2 * example_x.size)
        seg_y[0::2] = example_f
        seg_y[1::2] = finite(example_g)
        self.residuals.setData(seg_x, seg_y)

    # -- article ---------------------------------------------------------------------------
    def show_diagonal(self, lo: float, hi: float) -> None:
        self.diagonal.setData([lo, hi], [lo, hi])

    # -- clicks ----------------------------------------------------------------------------
    def _on_click(self, event) -> None:
        vb = self.getPlotItem().getViewBox()
        pos = event.scenePos()
        if event.button() != Qt.MouseButton.LeftButton or not vb.sceneBoundingRect().contains(pos):
            return
        point = vb.mapSceneToView(pos)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.clicked.emit(float(point.x()), float(point.y()), shift)


class LossPlot(pg.PlotWidget):
    """Training and test loss per epoch (log scale).

    The axes move in steps (the epochs axis doubles, the loss axis grows by whole decades
    downwards, half decades upwards), not on every frame: redrawing an axis's labels costs
    more than the curves.
    """

    FIRST_EPOCHS = 50
    #: The loss axis shows at least this many decades.
    MIN_DECADES = 3

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("loss_plot")
        self.setAccessibleName("Training and test loss after every epoch")
        item = self.getPlotItem()
        theme.style_plot(item, "epoch", "loss (log scale)")
        cache_axes(item)
        item.setLogMode(x=False, y=True)
        # The loss labels change width as the curve falls (0.01, 0.005, 10⁻⁴): a narrower
        # axis would resize the plot, and a resized plot is painted whole.
        item.getAxis("left").setStyle(autoReduceTextSpace=False)
        item.setMouseEnabled(x=False, y=False)
        item.getViewBox().disableAutoRange()
        legend = item.addLegend(offset=(-6, 6), labelTextSize="9pt")
        legend.setBrush(pg.mkBrush(255, 255, 255, 200))
        self.train = item.plot(pen=pg.mkPen(TRAIN_LOSS, width=2), name="training")
        self.test = item.plot(pen=pg.mkPen(TEST_LOSS, width=2, style=Qt.PenStyle.DashLine),
                              name="test")
        # The plot is painted again far more often than the curves change.
        for curve in (self.train, self.test):
            curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._x_max = 0.0
        self._y_range = (math.inf, -math.inf)
        self._shown = 0
        #: The epochs axis starts at this length (the tab sets it from its training speed).
        self.first_epochs = float(self.FIRST_EPOCHS)

    def show_history(self, epochs: np.ndarray, train: np.ndarray, test: np.ndarray) -> None:
        if epochs.size < self._shown:  # a new run: the axes start small again
            self._x_max, self._y_range = 0.0, (math.inf, -math.inf)
        self._shown = epochs.size
        self.train.setData(*thin(epochs, train), connect="finite")
        has_test = bool(test.size and np.isfinite(test).any())
        if has_test:
            self.test.setData(*thin(epochs, test), connect="finite")
        else:
            self.test.setData([], [])
        self._fit_axes(epochs, train, test if has_test else test[:0])

    def _fit_axes(self, epochs: np.ndarray, train: np.ndarray, test: np.ndarray) -> None:
        vb = self.getPlotItem().getViewBox()
        last = float(epochs[-1]) if epochs.size else 0.0
        if last > self._x_max or self._x_max == 0.0:
            x_max = self.first_epochs
            while x_max < last:
                x_max *= 2.0
            self._x_max = x_max
            set_range_now(vb, x_range=(0.0, x_max))
        values = np.concatenate([train, test])
        values = values[np.isfinite(values) & (values > 0)]
        if values.size == 0:
            return
        lo, hi = math.log10(float(values.min())), math.log10(float(values.max()))
        y0, y1 = self._y_range
        if lo < y0 or hi > y1:
            # Downwards at least half a decade of room, to a whole decade, and at first
            # MIN_DECADES below the top: a loss falls by two or three decades in a typical
            # run, and each new range redraws the whole plot.
            y1 = max(y1, math.ceil(2.0 * hi + 1e-9) / 2.0)
            y0 = min(y0, math.floor(lo - 0.5), math.floor(y1) - self.MIN_DECADES)
            self._y_range = (y0, y1)
            set_range_now(vb, y_range=(y0, y1))
            self.getPlotItem().getAxis("left").setTicks([log_ticks(y0, y1), []])


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def log_ticks(y0: float, y1: float) -> list[tuple[float, str]]:
    """Ticks for a log axis from 10^y0 to 10^y1: 1, 2, 5 × 10ᵏ on a short axis, every
    power of ten (or every other one) on a long one; labels as a teacher writes them."""
    span = y1 - y0
    factors = (1, 2, 5) if span <= 2.0 else (1,)
    step = 1 if span <= 7.0 else 2
    ticks = []
    for k in range(math.floor(y0), math.ceil(y1) + 1):
        if k % step:
            continue
        for factor in factors:
            position = k + math.log10(factor)
            if y0 - 1e-9 <= position <= y1 + 1e-9:
                if factor == 1 and abs(k) >= 4:
                    label = "10" + str(k).translate(_SUPERSCRIPTS)
                else:
                    label = number(factor * 10.0**k, 3)
                ticks.append((position, label))
    return ticks
