"""The linear-collapse panel: a network of straight neurons is secretly one neuron.

With every activation linear the panel shows that single neuron (its weights, bias and
formula, from ``Network.equivalent_linear``) and draws its output on top of the network's:
the two lines match, and the largest gap between them is only rounding (around 10⁻¹⁵).
As soon as one layer bends, the panel says which one and the match is gone.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop_app.model.network_lab import Collapse
from desktop_app.ui import theme
from desktop_app.ui.network_plots import NEGATIVE, POSITIVE, cache_axes
from desktop_app.ui.plot_marks import Dots
from desktop_app.ui.plot_range import set_range_now
from desktop_app.ui.text_format import number

NETWORK_LINE = POSITIVE
NEURON_DOTS = NEGATIVE


class CollapsePanel(QGroupBox):
    make_linear_clicked = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__("Linear collapse: is the network secretly one neuron?", parent)
        self.setObjectName("collapse")
        self.setAccessibleName("Linear collapse")
        self.report: Collapse | None = None
        self.max_difference: float | None = None

        self.text = QLabel()
        self.text.setObjectName("collapse_text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.weights = QTableWidget(1, 1)
        self.weights.setObjectName("collapse_weights")
        self.weights.setAccessibleName("Weights and bias of the single equivalent neuron")
        self.weights.verticalHeader().hide()
        self.weights.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.weights.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.weights.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.weights.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.weights.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.weights.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.weights.setFixedHeight(50)
        self.difference = QLabel()
        self.difference.setObjectName("collapse_difference")
        self.difference.setWordWrap(True)
        self.make_linear = QPushButton("Make every layer linear")
        self.make_linear.setObjectName("make_linear")
        self.make_linear.setAccessibleName("Make every layer linear")
        self.make_linear.setToolTip("Set every activation to linear and watch the network "
                                    "collapse into one neuron")
        self.make_linear.clicked.connect(self.make_linear_clicked)

        self.plot = pg.PlotWidget(background=theme.BACKGROUND)
        self.plot.setObjectName("collapse_plot")
        self.plot.setAccessibleName("The network's output with the single neuron's on top")
        self.plot.setMinimumHeight(90)
        item = self.plot.getPlotItem()
        theme.style_plot(item, "example (sorted by the network's answer)", "output")
        cache_axes(item)
        item.setMouseEnabled(x=False, y=False)
        # The ranges move in steps (see _fit_axes): re-ranging on every frame repaints both
        # axes, labels and all, which costs more than the line and the dots.
        item.getViewBox().disableAutoRange()
        self.network_line = item.plot(pen=pg.mkPen(NETWORK_LINE, width=4))
        self.neuron_dots = Dots(5, NEURON_DOTS)
        item.addItem(self.neuron_dots)
        self._range: tuple | None = None
        self._dots: tuple | None = None

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.weights, 1)
        row.addWidget(self.make_linear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        layout.addWidget(self.text)
        layout.addLayout(row)
        layout.addWidget(self.difference)
        layout.addWidget(self.plot, 1)

    def _set_across(self, label: str) -> None:
        # Setting an axis label, even the same one, lays the axis out and paints it again.
        axis = self.plot.getPlotItem().getAxis("bottom")
        if axis.labelText != label or not axis.label.isVisible():
            self.plot.getPlotItem().setLabel("bottom", label)

    def _show_dots(self, xs, ys) -> None:
        # Rebuilding 250 dots is the dearest part of the panel: skip it when none moved.
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        if (self._dots is not None and self._dots[0].shape == xs.shape
                and np.array_equal(self._dots[0], xs) and np.array_equal(self._dots[1], ys)):
            return
        self._dots = (xs.copy(), ys.copy())
        self.neuron_dots.set_points(xs, ys)

    def _fit_axes(self, across: np.ndarray, *curves: np.ndarray) -> None:
        """Across: the data's extent, padded as pyqtgraph pads it. Up: the same, widened
        to whole steps of a 1-2-5 grid and kept while the curves fill a good part of it,
        so small moves of the curves leave the axes be."""
        vb = self.plot.getPlotItem().getViewBox()
        x_range = _padded(across, vb.suggestPadding(0))
        values = np.concatenate([np.ravel(c) for c in curves]) if curves else across[:0]
        lo, hi = _padded(values, vb.suggestPadding(1))
        # Half as much room again above and below: a learning network's outputs keep
        # growing, and each new range redraws the axes and everything in the plot.
        room = 0.5 * (hi - lo) if math.isfinite(hi - lo) else 0.0
        y_range = _stepped((lo - room, hi + room))
        if self._range is not None and self._range[0] == x_range:
            # Keep the range while the curves fit it and fill more than a quarter of it.
            y0, y1 = self._range[1]
            if y0 <= lo and hi <= y1 and (hi - lo) > (y1 - y0) / 4.0:
                y_range = (y0, y1)
        if (x_range, y_range) != self._range:
            self._range = (x_range, y_range)
            set_range_now(vb, x_range, y_range)

    def show_report(self, report: Collapse, input_names, xs: np.ndarray | None,
                    example_count: int, aim: tuple[float, float] | None = None) -> None:
        """``xs``: the 1-D inputs to plot against (None: sort the examples by the output);
        ``aim``: the lowest and highest output the network is trained towards."""
        self.show_plot(report, xs, aim)
        self.show_words(report, input_names, example_count)

    def show_plot(self, report: Collapse, xs: np.ndarray | None,
                  aim: tuple[float, float] | None = None) -> None:
        """The network's outputs as a line, the single (or closest) neuron's as dots.

        The height always takes in ``aim``: the outputs grow towards it while the network
        learns, and an axis that already shows it need not change on the way.
        """
        outputs = np.nan_to_num(report.network_outputs)
        if xs is None:
            order = np.argsort(outputs, kind="stable")
            across = np.arange(outputs.size, dtype=np.float64)
            self._set_across("example (sorted by the network's answer)")
        else:
            order = np.argsort(xs, kind="stable")
            across = np.asarray(xs, dtype=np.float64)[order]
            self._set_across("x")
        self.network_line.setData(across, outputs[order])
        if report.collapses:
            dots = np.nan_to_num(report.neuron_outputs)[order]
        else:
            closest = report.neuron_outputs
            finite = closest is not None and np.isfinite(closest).all()
            dots = closest[order] if finite else None
        heights = [outputs] if aim is None else [outputs, np.asarray(aim, dtype=np.float64)]
        if dots is None:
            self._show_dots([], [])
        else:
            self._show_dots(across, dots)
            heights.append(dots)
        self._fit_axes(across, *heights)

    def show_words(self, report: Collapse, input_names, example_count: int) -> None:
        """Whether the network is one neuron, that neuron, and how far apart the two are."""
        self.report = report
        self.make_linear.setVisible(not report.collapses)
        key = (f"<span style='color:{NETWORK_LINE}'>blue line</span>: the network; "
               f"<span style='color:{NEURON_DOTS}'>orange dots</span>: ")
        if not report.collapses:
            self.max_difference = None
            self.text.setText(f"<span style='color:{theme.HOT}'><b>No single neuron.</b></span> "
                              + html.escape(report.reason))
            self.weights.hide()
            gap = report.closest_gap
            missed = ("" if gap is None or not np.isfinite(gap) else
                      f"Even the closest single straight neuron misses the network by up to "
                      f"<b>{number(gap, 3)}</b>. ")
            self.difference.setText(missed + key + "the closest straight neuron.")
            return
        self.max_difference = report.max_difference
        self.text.setText(
            f"<b>{html.escape(report.reason)}</b> Mixing straight lines only ever gives "
            f"a straight line. That one neuron is:<br><b>g = {html.escape(report.formula)}</b>")
        names = list(input_names) + ["bias"]
        values = list(report.weights) + [report.bias]
        self.weights.setColumnCount(len(names))
        self.weights.setHorizontalHeaderLabels(names)
        for col, value in enumerate(values):
            cell = self.weights.item(0, col)
            if cell is None:
                cell = QTableWidgetItem()
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.weights.setItem(0, col, cell)
            cell.setText(number(float(value), 8))
        self.weights.show()
        self.difference.setText(
            f"Largest gap between the network and the single neuron over the "
            f"{example_count} examples: <b>{number(report.max_difference, 3)}</b> "
            f"(only the computer's rounding). {key}the single neuron.")


#: The largest height the panel's axis shows (beyond it, outputs sit on its edge).
AXIS_LIMIT = 1e150


def _padded(values: np.ndarray, padding: float) -> tuple[float, float]:
    """The range of the finite ``values`` with ``padding`` (a share of it) on each side."""
    values = np.asarray(values, dtype=np.float64)
    # A network gone wild gives outputs near the largest float; their span would overflow
    # to infinity, which no axis can show.
    values = np.clip(values[np.isfinite(values)], -AXIS_LIMIT, AXIS_LIMIT)
    if values.size == 0:
        return (0.0, 1.0)
    lo, hi = float(values.min()), float(values.max())
    if hi == lo:
        return (lo - 0.5, hi + 0.5)
    pad = (hi - lo) * padding
    return (lo - pad, hi + pad)


def _stepped(bounds: tuple[float, float]) -> tuple[float, float]:
    """``bounds`` widened outwards to whole steps of 1, 2 or 5 × 10ᵏ, about a tenth of it."""
    lo, hi = bounds
    span = hi - lo
    if not (math.isfinite(span) and span > 0):
        return bounds
    power = 10.0 ** math.floor(math.log10(span / 10.0))
    step = next(f * power for f in (1.0, 2.0, 5.0, 10.0) if f * power >= span / 10.0)
    return (math.floor(lo / step) * step, math.ceil(hi / step) * step)
