"""The slope explorer: the slope between x and x + q, the q → 0 limit, and walking downhill.

Pictures on the left (d(x) on top, its exact slope d′(x) below, the worked equation
between them), controls on the right. Three modes share the same pictures:

- explore: drag the point, shrink q and watch the secant turn into the tangent;
- descend: walk downhill with x ← x − learning rate · slope, one step at a time;
- predict: tilt a line to guess the slope, then reveal the true one.

All the numbers come from :mod:`desktop_app.model.slope`; this file only shows them.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from superqt import QLabeledDoubleSlider

from desktop_app.model import slope
from desktop_app.model.expression import ExpressionError
from desktop_app.model.functions import CURVES, Curve
from desktop_app.model.slope import (
    Q_NOTCHES,
    Q_VALUES,
    ROUNDOFF_EXPLANATION,
    DescentStep,
    SlopeDescent,
    SlopeParams,
)
from desktop_app.ui import theme
from desktop_app.ui.slope_plot import GUESS, SECANT, TANGENT, DerivativePlot, SlopePlot
from desktop_app.ui.text_format import formula, number

TYPED = "__typed__"
MODES = ("explore", "descend", "predict")
CURVE_SAMPLES = 600
DEFAULT_X = 1.0
RESET_Q = 1.0
X_LIMIT = 1000.0
GUESS_LIMIT = 50.0
PRACTICE_SEED = 1
#: Plot labels never print more decimals than this (the equation shows them all).
LABEL_DECIMALS = 8

MODE_HINTS = {
    "explore": ("Drag the purple point (or click the curve) to move x. Shrink q and watch "
                "the blue secant turn into the green tangent."),
    "descend": ("Walk downhill: x ← x − learning rate · slope. Drag the point to choose "
                "where to start, then press Step (→) or Play (Space)."),
    "predict": ("Tilt the dashed line (drag its square handle or use the slider) until it "
                "just touches the curve at x. Then press Reveal."),
}


def curve_for(text: str) -> Curve:
    """The catalog curve with this formula, or a new one from the typed text."""
    for curve in CURVES.values():
        if curve.text == text:
            return curve
    return Curve.from_text(text)


def _finite_range(values: np.ndarray, include: tuple[float, ...] = ()) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    extra = [v for v in include if math.isfinite(v)]
    if finite.size == 0 and not extra:
        return (-1.0, 1.0)
    lo = min([float(finite.min())] if finite.size else [] + extra)
    hi = max([float(finite.max())] if finite.size else [] + extra)
    lo, hi = min([lo, *extra]), max([hi, *extra])
    pad = 0.08 * (hi - lo) if hi > lo else max(1.0, 0.1 * abs(hi))
    return (lo - pad, hi + pad)


class SlopeTab(Tab := __import__("desktop_app.ui.tab", fromlist=["Tab"]).Tab):  # noqa: N801
    pass
