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
from PySide6.QtWidgets import QGraphicsItem

from desktop_app.ui import theme
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
    """Let Qt keep each axis (with its grid lines) as a ready picture.

    An axis draws the grid across the whole plot, so without this every change inside a
    plot repaints its axes, tick labels and all — the most expensive part of a frame. With
    the cache an axis is drawn again only when its ticks change.
    """
    for name in ("left", "bottom", "right", "top"):
        axis = plot_item.getAxis(name)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # Plain numbers on the axes: no "(×0.001)" added to a label.
        axis.enableAutoSIPrefix(False)


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

        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(BACKGROUND_LUT)
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.boundary = pg.IsocurveItem(level=0.0, pen=pg.mkPen("#444444", width=1.5),
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
        self.getPlotItem().getViewBox().setRange(xRange=x_range, yRange=y_range, padding=0)

    # -- 2-D tasks -------------------------------------------------------------------------
    def show_heatmap(self, values: np.ndarray, bounds, levels: tuple[float, float]) -> None:
        """``values``: rows of y from the bottom; ``bounds`` ((x0, x1), (y0, y1))."""
        (x0, x1), (y0, y1) = bounds
        self.image.setImage(finite(values), autoLevels=False, levels=levels)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        if self.boundary.isVisible():
            self.boundary.setData(finite(values))

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

    The axes move in steps (the epochs axis doubles, the loss axis grows by half decades),
    not on every frame: redrawing an axis's labels costs more than the curves.
    """

    FIRST_EPOCHS = 50

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("loss_plot")
        self.setAccessibleName("Training and test loss after every epoch")
        item = self.getPlotItem()
        theme.style_plot(item, "epoch", "loss (log scale)")
        cache_axes(item)
        item.setLogMode(x=False, y=True)
        item.setMouseEnabled(x=False, y=False)
        item.getViewBox().disableAutoRange()
        legend = item.addLegend(offset=(-6, 6), labelTextSize="9pt")
        legend.setBrush(pg.mkBrush(255, 255, 255, 200))
        self.train = item.plot(pen=pg.mkPen(TRAIN_LOSS, width=2), name="training")
        self.test = item.plot(pen=pg.mkPen(TEST_LOSS, width=2, style=Qt.PenStyle.DashLine),
                              name="test")
        self._x_max = 0.0
        self._y_range = (math.inf, -math.inf)
        self._shown = 0

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
            x_max = float(self.FIRST_EPOCHS)
            while x_max < last:
                x_max *= 2.0
            self._x_max = x_max
            vb.setXRange(0.0, x_max, padding=0)
        values = np.concatenate([train, test])
        values = values[np.isfinite(values) & (values > 0)]
        if values.size == 0:
            return
        lo, hi = math.log10(float(values.min())), math.log10(float(values.max()))
        y0, y1 = self._y_range
        if lo < y0 or hi > y1:
            y0 = min(y0, math.floor(2.0 * lo) / 2.0)
            y1 = max(y1, math.ceil(2.0 * hi + 1e-9) / 2.0)
            self._y_range = (y0, y1)
            vb.setYRange(y0, y1, padding=0)
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
