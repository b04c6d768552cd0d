"""The linear-collapse panel: a network of straight neurons is secretly one neuron.

With every activation linear the panel shows that single neuron (its weights, bias and
formula, from ``Network.equivalent_linear``) and draws its output on top of the network's:
the two lines match, and the largest gap between them is only rounding (around 10⁻¹⁵).
As soon as one layer bends, the panel says which one and the match is gone.
"""

from __future__ import annotations

import html

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
        self.network_line = item.plot(pen=pg.mkPen(NETWORK_LINE, width=4))
        self.neuron_dots = item.plot(pen=None, symbol="o", symbolSize=5,
                                     symbolBrush=NEURON_DOTS, symbolPen=None)

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

    def show_report(self, report: Collapse, input_names, xs: np.ndarray | None,
                    example_count: int) -> None:
        """``xs``: the 1-D inputs to plot against (None: sort the examples by the output)."""
        self.report = report
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
        self.make_linear.setVisible(not report.collapses)
        key = (f"<span style='color:{NETWORK_LINE}'>blue line</span>: the network; "
               f"<span style='color:{NEURON_DOTS}'>orange dots</span>: ")
        if not report.collapses:
            self.max_difference = None
            closest = report.neuron_outputs
            if closest is not None and np.isfinite(closest).all():
                self.neuron_dots.setData(across, closest[order])
            else:
                self.neuron_dots.setData([], [])
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
        self.neuron_dots.setData(across, np.nan_to_num(report.neuron_outputs)[order])
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
