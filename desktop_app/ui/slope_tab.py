"""The slope explorer: the slope between x and x + q, the q → 0 limit, and walking downhill.

Pictures on the left (d(x) on top, the worked equation, its exact slope d′(x) below),
controls on the right. Three modes share the same pictures:

- explore: drag the point, shrink q and watch the secant turn into the tangent;
- descend: walk downhill with x ← x − learning rate · slope, one step at a time;
- predict: tilt a line to guess the slope, then reveal the true one.

Every number comes from :mod:`desktop_app.model.slope`; this file only shows them.
"""

from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor
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
    QSizePolicy,
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
from desktop_app.model.functions import CURVES, Curve, curve_for
from desktop_app.model.slope import (
    Q_NOTCHES,
    Q_VALUES,
    ROUNDOFF_EXPLANATION,
    DescentStep,
    QRow,
    SlopeDescent,
    SlopeParams,
)
from desktop_app.ui import theme
from desktop_app.ui.formula_entry import TYPED, FormulaEntry
from desktop_app.ui.slope_plot import GUESS, SECANT, TANGENT, DerivativePlot, SlopePlot
from desktop_app.ui.tab import Tab
from desktop_app.ui.text_format import formula, number

MODES = ("explore", "descend", "predict")
CURVE_SAMPLES = 600
DEFAULT_X = 1.0
RESET_Q = 1.0
X_LIMIT = 1000.0
LEARNING_RATE_RANGE = (0.001, 5.0)
GUESS_LIMIT = 50.0
PRACTICE_SEED = 1
#: Labels on the plot stop at this many decimals; the equation shows them all.
LABEL_DECIMALS = 8

MODE_TITLES = {"explore": "Explore", "descend": "Descend", "predict": "Predict"}
MODE_TIPS = {
    "explore": "Move x, shrink q, and compare the secant with the tangent",
    "descend": "Walk downhill by the slope, one step at a time",
    "predict": "Guess the slope of the tangent, then check your guess",
}
MODE_HINTS = {
    "explore": ("Drag the purple point along the curve (or click the plot) to move x. "
                "Shrink q and watch the blue secant turn into the green tangent."),
    "descend": ("Walk downhill: x ← x − learning rate · slope. Drag the point to pick "
                "the start, then press Step (→) or Play (Space)."),
    "predict": ("Tilt the purple dashed line (drag its square handle, or use the slider) "
                "until it just touches the curve at x. Then press Reveal."),
}
ROW_NOW = "now ▶"
ROW_BEST = "best ★"


def _padded_range(values: np.ndarray, include: tuple[float, ...] = (),
                  top_room: float = 1.0, bottom_room: float = 1.0) -> tuple[float, float]:
    """A (lo, hi) showing the finite values, ignoring a few spikes (poles of a typed formula)."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    extra = np.array([e for e in include if math.isfinite(e)], dtype=float)
    if v.size == 0 and extra.size == 0:
        return (-1.0, 1.0)
    if v.size >= 20:
        q_lo, q_hi = (float(p) for p in np.percentile(v, [2.0, 98.0]))
        bulk = q_hi - q_lo
        if bulk > 0 and float(v.max() - v.min()) > 10.0 * bulk:
            v = np.clip(v, q_lo - 0.5 * bulk, q_hi + 0.5 * bulk)
    both = np.concatenate([v, extra])
    lo, hi = float(both.min()), float(both.max())
    pad = 0.08 * (hi - lo) if hi > lo else max(1.0, 0.1 * abs(hi))
    return (lo - bottom_room * pad, hi + top_room * pad)


def _error_text(error: str) -> str:
    """A message as a sentence: a capital first letter and a full stop."""
    error = error[:1].upper() + error[1:]
    return error if error.endswith(".") else error + "."


class SlopeTab(Tab):
    key = "slope"
    title = "Slope explorer"
    # Written help for a student alone; in front of a class the teacher says it.
    secondary_controls = ("mode_hint", "roundoff", "equation_caption")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.params = SlopeParams()
        self.curve: Curve = curve_for(self.params.function)
        self.mode = "explore"
        self.revealed = False
        self.practice_index = 0
        self.walker: SlopeDescent | None = None
        self._path_xs: list[float] = []
        self._path_ys: list[float] = []
        self._x_range: tuple[float, float] = (0.0, 0.0)
        self._y_range: tuple[float, float] = (0.0, 0.0)
        self._xs = self._ys = self._dys = np.empty(0)
        # What each row of the q table shows: a frame rewrites only the rows that changed.
        self._table_rows: list[tuple | None] = [None] * len(Q_VALUES)
        self._rows_key: tuple[Curve | None, float] = (None, math.nan)
        self._rows: list[QRow] = []
        self._stepping = False
        # Labels a playing animation rewrites every frame, held at a fixed size while it
        # plays, with the size limits they had before.
        self._held: dict[QLabel, tuple[QSize, QSize]] = {}
        self._fitted: dict[QLabel, str] = {}  # the text each held label was last fitted to

        self.plot = SlopePlot()
        self.plot.clicked.connect(self._on_plot_clicked)
        self.plot.point_dragged.connect(self._on_point_dragged)
        self.plot.guess_dragged.connect(self._on_guess_dragged)
        self.derivative_plot = DerivativePlot()
        self.derivative_plot.setXLink(self.plot)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_pictures())
        splitter.addWidget(self._build_panel())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([830, 430])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self.playing_changed.connect(self._show_playing)
        self._bind_params()
        self._sync_controls()
        self._show_mode()
        self._refresh_curve(force=True)
        self._refresh()

    # -- building ---------------------------------------------------------------------------
    def _build_pictures(self) -> QWidget:
        self.heading = self._label("function_heading", scale=1.5, bold=True)
        self.equation = self._label("equation", scale=1.25, colour=SECANT)
        self.equation.setAccessibleName("The secant slope worked out")
        self.exact_slope = self._label("exact_slope", scale=1.25, colour=TANGENT, bold=True)
        self.exact_slope.setAccessibleName("The exact slope at x")
        for label in (self.equation, self.exact_slope):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        equation_box = QFrame()
        equation_box.setObjectName("equation_box")
        equation_box.setFrameShape(QFrame.Shape.StyledPanel)
        box_layout = QVBoxLayout(equation_box)
        box_layout.setContentsMargins(8, 4, 8, 4)
        box_layout.setSpacing(2)
        caption = self._label("equation_caption", scale=0.95)
        caption.setText("Slope between x and x + q:   (d(x + q) − d(x)) / q")
        box_layout.addWidget(caption)
        box_layout.addWidget(self.equation)
        box_layout.addWidget(self.exact_slope)
        self.derivative_heading = self._label("derivative_heading", scale=1.15, bold=True,
                                              colour=TANGENT)

        pictures = QWidget()
        column = QVBoxLayout(pictures)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.heading)
        column.addWidget(self.plot, 5)
        column.addWidget(equation_box)
        column.addWidget(self.derivative_heading)
        column.addWidget(self.derivative_plot, 3)
        return pictures

    def _build_panel(self) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(4, 0, 4, 0)
        column.addWidget(self._build_function_box())
        column.addWidget(self._build_mode_box())
        column.addWidget(self._build_points_box())

        self.pages = QStackedWidget()
        self.pages.setObjectName("mode_pages")
        self.pages.addWidget(self._build_explore_page())
        self.pages.addWidget(self._build_descend_page())
        self.pages.addWidget(self._build_predict_page())
        column.addWidget(self.pages, 1)

        scroll = QScrollArea()
        scroll.setObjectName("slope_panel")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(390)
        self._name_scroll_bars(scroll, "slope_panel", "the controls")
        return scroll

    @staticmethod
    def _name_scroll_bars(area, name: str, what: str) -> None:
        """Scroll bars are controls too: a screen reader says what they scroll."""
        for bar, direction in ((area.verticalScrollBar(), "vertical"),
                               (area.horizontalScrollBar(), "horizontal")):
            bar.setObjectName(f"{name}_{direction}_scroll")
            bar.setAccessibleName(f"Scroll {what} ({direction})")

    def _build_function_box(self) -> QGroupBox:
        box = QGroupBox("The function d(x)")
        box.setObjectName("function_box")
        layout = QVBoxLayout(box)
        self.function_choice = QComboBox()
        self.function_choice.setObjectName("function_choice")
        self.function_choice.setAccessibleName("Choose a function")
        for curve in CURVES.values():
            self.function_choice.addItem(f"{curve.title}:  {formula(curve.text)}", curve.name)
        self.function_text = QLineEdit()
        self.function_text.setObjectName("function_text")
        self.function_text.setAccessibleName("Type a function of x")
        self.function_text.setPlaceholderText("for example x^2 + 1")
        self.function_error = QLabel()
        self._formula_entry = FormulaEntry(
            self.function_choice, self.function_text, self.function_error, CURVES,
            lambda: self.params.function, self.set_function)
        self.function_error.setObjectName("function_error")
        self.function_error.setWordWrap(True)
        self.function_error.setStyleSheet(f"color: {theme.ERROR_TEXT};")
        self.function_error.hide()
        row = QHBoxLayout()
        row.addWidget(self.function_choice, 3)
        row.addWidget(self.function_text, 2)
        layout.addLayout(row)
        layout.addWidget(self.function_error)
        return box

    def _build_mode_box(self) -> QGroupBox:
        box = QGroupBox("What to do")
        box.setObjectName("mode_box")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        self.mode_buttons: dict[str, QPushButton] = {}
        for index, mode in enumerate(MODES):
            button = QPushButton(MODE_TITLES[mode])
            button.setObjectName(f"mode_{mode}")
            button.setAccessibleName(f"{MODE_TITLES[mode]} mode")
            button.setToolTip(MODE_TIPS[mode])
            button.setCheckable(True)
            self.mode_group.addButton(button, index)
            self.mode_buttons[mode] = button
            row.addWidget(button)
        self.mode_group.idClicked.connect(lambda index: self.set_mode(MODES[index]))
        self.mode_hint = self._label("mode_hint", scale=0.95)
        layout.addLayout(row)
        layout.addWidget(self.mode_hint)
        return box

    def _build_points_box(self) -> QGroupBox:
        box = QGroupBox("The two points: x and x + q")
        box.setObjectName("points_box")
        layout = QVBoxLayout(box)
        form = QFormLayout()
        self.x_spin = QDoubleSpinBox()
        self.x_spin.setObjectName("x")
        self.x_spin.setAccessibleName("Point x")
        self.x_spin.setRange(-X_LIMIT, X_LIMIT)
        self.x_spin.setDecimals(3)
        self.x_spin.setSingleStep(0.1)
        self.x_spin.setKeyboardTracking(False)
        self.x_spin.setToolTip("Where the slope is measured. You can also drag the point.")
        form.addRow("x (or drag the point)", self.x_spin)
        layout.addLayout(form)

        q_row = QHBoxLayout()
        q_caption = QLabel("q")
        self.q_slider = QSlider(Qt.Orientation.Horizontal)
        self.q_slider.setObjectName("q")
        self.q_slider.setAccessibleName("The gap q between the two points")
        self.q_slider.setRange(0, len(Q_NOTCHES) - 1)
        self.q_slider.setSingleStep(1)
        self.q_slider.setPageStep(10)
        self.q_slider.setTickInterval(10)
        self.q_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.q_slider.setToolTip(
            f"From {slope.q_text(Q_NOTCHES[0])} to {slope.q_text(Q_NOTCHES[-1])}: slide left to "
            "make q smaller (from one tick to the next, q is 10 times smaller)")
        q_caption.setBuddy(self.q_slider)
        self.q_value = self._label("q_value", scale=1.2, bold=True, colour=SECANT)
        self.q_value.setMinimumWidth(120)
        q_row.addWidget(q_caption)
        q_row.addWidget(self.q_slider, 1)
        q_row.addWidget(self.q_value)
        layout.addLayout(q_row)

        buttons = QHBoxLayout()
        self.animate_q = self._button("animate_q", "Animate q → 0", self._toggle_animation)
        self.animate_q.setToolTip("Shrink q one notch at a time down to 10⁻¹² (Play does the same)")
        self.show_tangent = QCheckBox("Show the tangent")
        self.show_tangent.setObjectName("show_tangent")
        self.show_tangent.setAccessibleName("Show the tangent line at x")
        buttons.addWidget(self.animate_q)
        buttons.addWidget(self.show_tangent)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return box

    def _build_explore_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        title = self._label("q_table_title", bold=True)
        title.setText("Shrinking q at this x")
        self.q_table = QTableWidget(len(Q_VALUES), 4)
        self.q_table.setObjectName("q_table")
        self.q_table.setAccessibleName("Secant slope for smaller and smaller q")
        self.q_table.setHorizontalHeaderLabels(["q", "secant slope", "exact slope", "error"])
        self.q_table.verticalHeader().setDefaultSectionSize(19)
        self.q_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.q_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.q_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.q_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.q_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.q_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._name_scroll_bars(self.q_table, "q_table", "the q table")
        for row in range(len(Q_VALUES)):
            self.q_table.setVerticalHeaderItem(row, QTableWidgetItem(""))
            for col in range(4):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.q_table.setItem(row, col, item)
        self.q_table.setMinimumHeight(19 * len(Q_VALUES) + 30)
        self.q_table.setMaximumHeight(19 * len(Q_VALUES) + 30)
        self.roundoff = self._label("roundoff", scale=0.85)
        self.roundoff.setText("<b>Why does a tiny q go wrong?</b> "
                              + html.escape(ROUNDOFF_EXPLANATION))
        layout.addWidget(title)
        layout.addWidget(self.q_table)
        layout.addWidget(self.roundoff)
        layout.addStretch(1)
        return page

    def _build_descend_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setObjectName("learning_rate")
        self.learning_rate.setAccessibleName("Learning rate")
        self.learning_rate.setRange(*LEARNING_RATE_RANGE)
        self.learning_rate.setDecimals(3)
        self.learning_rate.setSingleStep(0.05)
        self.learning_rate.setKeyboardTracking(False)
        self.learning_rate.setToolTip("How far each step goes for each unit of slope")
        form.addRow("Learning rate", self.learning_rate)
        layout.addLayout(form)
        self.use_secant = QCheckBox("Use the secant with the current q instead of the exact slope")
        self.use_secant.setObjectName("use_secant")
        self.use_secant.setAccessibleName("Use the secant slope with the current q")
        layout.addWidget(self.use_secant)
        self.descent_info = self._label("descent_info", scale=1.1)
        self.descent_info.setTextFormat(Qt.TextFormat.RichText)
        self.descent_info.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.descent_info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.descent_info)
        self.compare_button = self._button("compare_hot_cold", "Compare with hot-and-cold",
                                           self.compare_with_hot_cold)
        self.compare_button.setToolTip("How many moves would the hot-and-cold player need "
                                       "from the same start?")
        layout.addWidget(self.compare_button)
        self.comparison = self._label("comparison")
        self.comparison.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.comparison)
        layout.addStretch(1)
        return page

    def _build_predict_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._label("guess_caption", text="Your guess for the slope at x:"))
        self.guess = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
        self.guess.setObjectName("guess")
        self.guess.setAccessibleName("Your guess of the slope")
        self.guess.setRange(-GUESS_LIMIT, GUESS_LIMIT)
        self.guess.setDecimals(2)
        self.guess.setToolTip("Tilt your line: positive goes uphill to the right")
        layout.addWidget(self.guess)
        buttons = QHBoxLayout()
        self.reveal_button = self._button("reveal_slope", "Reveal the slope", self.reveal)
        self.new_point_button = self._button("new_point", "New point", self.new_point)
        buttons.addWidget(self.reveal_button)
        buttons.addWidget(self.new_point_button)
        layout.addLayout(buttons)
        self.prediction = self._label("prediction", scale=1.15)
        self.prediction.setTextFormat(Qt.TextFormat.RichText)
        self.prediction.setMinimumHeight(90)
        layout.addWidget(self.prediction)
        layout.addStretch(1)
        return page

    def _label(self, name: str, scale: float = 1.0, bold: bool = False,
               colour: str | None = None, text: str = "") -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setWordWrap(True)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * scale)
        font.setBold(bold)
        label.setFont(font)
        if colour:
            label.setStyleSheet(f"color: {colour};")
        return label

    def _button(self, name: str, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        return button

    # -- model <-> controls -------------------------------------------------------------------
    def _bind_params(self) -> None:
        p = self.params
        self.x_spin.valueChanged.connect(lambda v: setattr(p, "x", float(v)))
        self.q_slider.valueChanged.connect(lambda i: setattr(p, "q", Q_NOTCHES[i]))
        self.learning_rate.valueChanged.connect(
            lambda v: setattr(p, "learning_rate", float(v)))
        self.use_secant.toggled.connect(lambda on: setattr(p, "use_secant", bool(on)))
        self.show_tangent.toggled.connect(lambda on: setattr(p, "show_tangent", bool(on)))
        self.guess.valueChanged.connect(lambda v: setattr(p, "guess", round(float(v), 2)))
        events = p.events
        events.function.connect(self._on_function_changed)
        events.x.connect(self._on_x_changed)
        events.q.connect(self._on_q_changed)
        events.learning_rate.connect(self._on_learning_rate_changed)
        events.use_secant.connect(self._on_walk_setting_changed)
        events.show_tangent.connect(self._on_view_setting_changed)
        events.guess.connect(self._on_view_setting_changed)

    def _sync_controls(self) -> None:
        p = self.params
        self._set_quietly(self.x_spin, p.x)
        self._set_quietly(self.q_slider, slope.nearest_notch(p.q))
        self._set_quietly(self.learning_rate, p.learning_rate)
        self._set_quietly(self.guess, p.guess)
        for box, on in ((self.use_secant, p.use_secant), (self.show_tangent, p.show_tangent)):
            if box.isChecked() != on:
                box.blockSignals(True)
                box.setChecked(on)
                box.blockSignals(False)
        catalog = self.curve.name in CURVES and CURVES[self.curve.name] is self.curve
        self.function_choice.setCurrentIndex(
            self.function_choice.findData(self.curve.name if catalog else TYPED))
        if (not self.function_text.hasFocus() or self.function_error.isHidden()) \
                and self.function_text.text() != p.function:
            # The same text set again still moves the cursor and repaints the box.
            self.function_text.setText(p.function)

    @staticmethod
    def _set_quietly(widget, value) -> None:
        if widget.value() != value:
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)

    def _on_function_changed(self, *_args) -> None:
        if self.curve.text != self.params.function:
            self.curve = curve_for(self.params.function)
        self.pause()
        self.revealed = False
        if self.mode == "descend":
            self._new_walk(self.params.x)
        self._sync_controls()
        self._refresh_curve(force=True)
        self._refresh()

    def _on_x_changed(self, *_args) -> None:
        # The student moved the point: a fresh walk starts there, a guess starts over.
        if self.mode == "descend":
            self.pause()
            self._new_walk(self.params.x)
        self.revealed = False
        self._sync_controls()
        self._refresh()

    def _on_q_changed(self, *_args) -> None:
        if self.mode == "descend" and self.params.use_secant:
            self.pause()
            self._new_walk(self.params.start)
        self._sync_controls()
        self._refresh()

    def _on_learning_rate_changed(self, *_args) -> None:
        walker = self.walker
        if walker is not None:
            if walker.done or not walker.history:
                # A finished walk is tried again from its start with the new rate.
                self.pause()
                self._new_walk(self.params.start)
            else:
                walker.learning_rate = self.params.learning_rate
                self.comparison.clear()
        self._sync_controls()
        self._refresh()

    def _on_walk_setting_changed(self, *_args) -> None:
        if self.mode == "descend":
            self.pause()
            self._new_walk(self.params.start)
        self._sync_controls()
        self._refresh()

    def _on_view_setting_changed(self, *_args) -> None:
        self._sync_controls()
        self._refresh()

    # -- choosing the function -------------------------------------------------------------
    def set_function(self, text: str) -> bool:
        """Use a new d(x); on a mistake, say what is wrong and keep the last good one."""
        try:
            curve = curve_for(text)
        except ExpressionError as error:
            self.function_error.setText(f"{_error_text(str(error))} The explorer still uses "
                                        f"d(x) = {formula(self.curve.text)}.")
            self.function_error.show()
            return False
        self.function_error.hide()
        self.curve = curve
        if self.params.function == curve.text:
            self._on_function_changed()
        else:
            self.params.function = curve.text
        return True

    # -- the student's hands on the plot ------------------------------------------------------
    def _snap(self, x: float) -> float:
        """A tenth, inside the curve's usual window: numbers a class can follow by hand."""
        lo, hi = self._home_x_range()
        return float(np.clip(round(x, 1), math.ceil(lo * 10) / 10, math.floor(hi * 10) / 10))

    def _on_plot_clicked(self, x: float) -> None:
        self.params.x = self._snap(x)

    def _on_point_dragged(self, x: float) -> None:
        x = self._snap(x)
        if x != self.params.x:
            self.params.x = x
        else:
            self._refresh()  # put the point back on the curve under the mouse

    def _on_guess_dragged(self, x: float, y: float) -> None:
        d_x = slope.slope_arithmetic(self.curve, self.params.x, self.params.q).d_x
        guess = slope.slope_between(self.params.x, d_x, x, y)
        if math.isfinite(guess):
            # Dragging guesses in tenths (the slider allows finer guesses).
            self.params.guess = round(float(np.clip(guess, -GUESS_LIMIT, GUESS_LIMIT)), 1)

    # -- modes ------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        if mode == self.mode:
            self._show_mode()
            return
        self._release_labels()  # another page, other texts: sizes of their own
        self.pause()
        self.mode = mode
        self.revealed = False
        if mode == "descend":
            self._new_walk(self.params.x)
        else:
            self._drop_walk()
        self._show_mode()
        self._refresh_curve(force=True)
        self._refresh()
        self.status.emit(MODE_HINTS[mode])

    def _show_mode(self) -> None:
        button = self.mode_buttons[self.mode]
        if not button.isChecked():
            button.setChecked(True)
        self.pages.setCurrentIndex(MODES.index(self.mode))
        self.mode_hint.setText(MODE_HINTS[self.mode])
        self.animate_q.setVisible(self.mode == "explore")
        self.show_tangent.setEnabled(self.mode != "predict")

    def _toggle_animation(self) -> None:
        if self.mode != "explore":
            return
        self.toggle_play()

    def _show_playing(self, playing: bool) -> None:
        self.animate_q.setText("Stop" if playing and self.mode == "explore" else "Animate q → 0")
        self.animate_q.setAccessibleName(self.animate_q.text())

    # -- the contract ---------------------------------------------------------------------------
    def advance(self) -> bool:
        self._stepping = True
        try:
            if self.mode == "explore":
                return self._shrink_q()
            if self.mode == "descend":
                return self._walk_one_step()
        finally:
            self._stepping = False
        self.status.emit(self.why_not_playing())
        return False

    def can_play(self) -> bool:
        if self.mode == "explore":
            return self.params.q > Q_NOTCHES[0]
        if self.mode == "descend":
            return self.walker is not None and not self.walker.done
        return False

    def why_not_playing(self) -> str:
        if self.mode == "explore":
            return (f"q is already as small as it goes ({slope.q_text(Q_NOTCHES[0])}). "
                    "Press Reset (R) to start again with q = 1.")
        if self.mode == "predict":
            return "There is nothing to play here: tilt your line, then press Reveal."
        return "This walk is over. Press Reset (R) to walk again from the start."

    def reset(self) -> None:
        super().reset()
        if self.mode == "explore":
            with self.params.events.blocked():
                self.params.q = RESET_Q
                self.params.x = DEFAULT_X
        elif self.mode == "descend":
            self._new_walk(self.params.start)
        else:
            self.revealed = False
            with self.params.events.guess.blocked():
                self.params.guess = 0.0
        self._sync_controls()
        self._refresh_curve(force=True)
        self._refresh()

    def state(self) -> dict:
        p = self.params
        return {
            "function": p.function,
            "x": p.x,
            "q": p.q,
            "mode": self.mode,
            "learning_rate": p.learning_rate,
            "use_secant": p.use_secant,
            "show_tangent": p.show_tangent,
            "start": p.start,
            "descent_steps": self.walker.steps if self.walker is not None else 0,
            "guess": p.guess,
        }

    def restore(self, state: dict) -> None:
        """Apply a saved state; a bad value raises ValueError and changes nothing."""
        p = self.params
        curve = curve_for(state.get("function", p.function))  # may raise: nothing changed yet
        mode = state.get("mode", self.mode)
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        x = self._checked(state, "x", p.x, -X_LIMIT, X_LIMIT)
        q = self._checked(state, "q", p.q, Q_NOTCHES[0], Q_NOTCHES[-1])
        rate = self._checked(state, "learning_rate", p.learning_rate, *LEARNING_RATE_RANGE)
        start = self._checked(state, "start", x, -X_LIMIT, X_LIMIT)
        guess = self._checked(state, "guess", p.guess, -GUESS_LIMIT, GUESS_LIMIT)
        steps = state.get("descent_steps", 0)
        if not isinstance(steps, int) or isinstance(steps, bool) or steps < 0:
            raise ValueError("descent_steps must be a whole number, 0 or more")

        self.pause()
        with p.events.blocked():
            p.function = curve.text
            p.x, p.q, p.learning_rate, p.start, p.guess = x, q, rate, start, guess
            p.use_secant = bool(state.get("use_secant", p.use_secant))
            p.show_tangent = bool(state.get("show_tangent", p.show_tangent))
        self.curve = curve
        self.function_error.hide()
        self.mode = mode
        self.revealed = False
        if mode == "descend":
            self._new_walk(start)
            for _ in range(steps):
                if self.walker is None or self.walker.done:
                    break
                self._walk_one_step(show=False)
        else:
            self._drop_walk()
        self._show_mode()
        self._sync_controls()
        self._refresh_curve(force=True)
        self._refresh()

    @staticmethod
    def _checked(state: dict, key: str, default: float, lo: float, hi: float) -> float:
        value = state.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{key} must be a number")
        value = float(value)
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{key} must lie between {number(lo)} and {number(hi)}")
        return value

    # -- explore: q shrinks ------------------------------------------------------------------
    def _shrink_q(self) -> bool:
        smaller = [n for n in Q_NOTCHES if n < self.params.q]
        if not smaller:
            self.status.emit(self.why_not_playing())
            return False
        self.params.q = smaller[-1]
        work = slope.slope_arithmetic(self.curve, self.params.x, self.params.q)
        exact = slope.q_table(self.curve, None, self.params.x, qs=(self.params.q,))[0].exact
        _, vd = slope.equation_decimals(self.params.q, self.params.x)
        self.status.emit(f"q = {slope.q_text(self.params.q)}: secant slope "
                         f"{slope.decimal_text(work.slope, vd)}, exact slope "
                         f"{slope.decimal_text(exact, vd)}")
        return self.params.q > Q_NOTCHES[0]

    # -- descend: walking by the slope ---------------------------------------------------------
    def _new_walk(self, start: float) -> None:
        p = self.params
        self.comparison.clear()
        self._path_xs, self._path_ys = [], []
        with p.events.blocked():
            p.start = float(start)
            p.x = float(start)
        try:
            self.walker = SlopeDescent(self.curve, p.start, p.learning_rate,
                                       q=p.q if p.use_secant else None)
        except ValueError as error:
            self.walker = None
            self.status.emit(_error_text(str(error)))
            return
        self._path_xs = [self.walker.x0]
        self._path_ys = [self.walker.d_x]
        self._sync_controls()
        self._refresh_curve()

    def _drop_walk(self) -> None:
        self.walker = None
        self._path_xs, self._path_ys = [], []
        self.comparison.clear()

    def _walk_one_step(self, show: bool = True) -> bool:
        walker = self.walker
        if walker is None or walker.done:
            self.status.emit(self.why_not_playing())
            return False
        move = walker.step()
        self._path_xs.append(move.x_to)
        self._path_ys.append(move.d_to)
        if math.isfinite(walker.x):
            with self.params.events.x.blocked():
                self.params.x = walker.x
        if show:
            self._sync_controls()
            self._refresh()
            self.status.emit(self._step_status(move))
        return not walker.done

    def _step_status(self, move: DescentStep) -> str:
        text = f"Step {move.number}: {move.plain_text()}"
        if move.overshoot:
            text += ". Jumped over the minimum: the slope changed sign"
        walker = self.walker
        if walker is not None and walker.done:
            text += ". " + self._ending(walker, rich=False)
        return text

    def _ending(self, walker: SlopeDescent, rich: bool = True) -> str:
        def bold(words: str) -> str:
            return f"<b>{words}</b>" if rich else words

        detail = html.escape(walker.detail) if rich else walker.detail
        if walker.converged:
            return (f"{bold('Converged')} after {walker.steps} steps at x = {number(walker.x)}. "
                    f"{detail}")
        if walker.diverged and not walker.undefined:
            return (f"{bold('It diverges')}: the steps keep growing, so the learning rate is "
                    "too large; try a smaller one.")
        return f"{bold('Stopped')}: {detail}"

    def compare_with_hot_cold(self) -> None:
        p = self.params
        start = self.walker.x0 if self.walker is not None else p.x
        try:
            result = slope.compare_with_hot_cold(self.curve, start, p.learning_rate,
                                                 q=p.q if p.use_secant else None)
        except ValueError as error:
            self.comparison.setText(html.escape(_error_text(str(error))))
            return
        reasons = {"converged": "settled in a valley", "diverged": "ran away",
                   "max_steps": "still not settled"}
        how = reasons.get(result.descent_reason or "", "stopped")
        lines = [
            f"<b>From x = {number(result.start)}:</b>",
            f"• Walking by the slope (learning rate {number(result.learning_rate)}): "
            f"<b>{result.descent_steps} steps</b>, {how} at x = {number(result.descent_x, 4)}.",
            f"• Hot and cold with a step of 1: <b>{result.plain_moves} moves</b>, "
            f"stopping at x = {number(result.plain_x, 4)}.",
            f"• Hot and cold halving its step down to {slope.q_text(result.precision)}: "
            f"<b>{result.halving_moves} moves</b>, stopping at x = {number(result.halving_x, 4)}.",
        ]
        if result.descent_reason == "converged" and result.descent_steps < result.halving_moves:
            lines.append("To get just as close, the slope walk needed fewer steps: the slope "
                         "says which way is down and how far to go, so no move is wasted.")
        elif result.descent_reason == "diverged":
            lines.append("With this learning rate the slope walk runs away; hot and cold never "
                         "does. Try a smaller learning rate.")
        else:
            lines.append("Here hot and cold was quicker: try a larger learning rate.")
        self.comparison.setText("<br>".join(lines))

    # -- predict: guess the slope ---------------------------------------------------------------
    def reveal(self) -> None:
        if self.mode != "predict":
            return
        self.revealed = True
        self._refresh()
        self.status.emit("Revealed: compare your dashed line with the green tangent.")

    def new_point(self) -> None:
        self.practice_index += 1
        x = slope.practice_x(self.curve.bounds, self.practice_index, seed=PRACTICE_SEED)
        with self.params.events.guess.blocked():
            self.params.guess = 0.0
        self.revealed = False
        if x == self.params.x:
            self._sync_controls()
            self._refresh()
        else:
            self.params.x = x
        self.status.emit(f"A new point: x = {number(x)}. What is the slope there?")

    # -- drawing ------------------------------------------------------------------------------
    def _home_x_range(self) -> tuple[float, float]:
        lo, hi = self.curve.bounds
        margin = 0.04 * (hi - lo)
        return (lo - margin, hi + margin)

    def _refresh_curve(self, force: bool = False) -> None:
        """Resample the curve and set the view, if the window it needs has changed."""
        lo, hi = self._home_x_range()
        seen = [v for v in (self.params.x, *self._path_xs) if math.isfinite(v)]
        if seen and (min(seen) < lo or max(seen) > hi):
            lo, hi = min(lo, *seen), max(hi, *seen)
            margin = 0.04 * (hi - lo)
            lo, hi = lo - margin, hi + margin
        if not force and (lo, hi) == self._x_range:
            return
        xs = np.linspace(lo, hi, CURVE_SAMPLES)
        ys = np.asarray(self.curve.f(xs), dtype=float)
        dys = np.asarray(self.curve.df(xs), dtype=float)
        self._xs, self._ys, self._dys = xs, ys, dys
        self._x_range = (lo, hi)
        # A walk gets room under the curve for the ruler that measures each step.
        self._y_range = _padded_range(ys, tuple(self._path_ys), top_room=2.0,
                                      bottom_room=2.6 if self.mode == "descend" else 1.0)
        self.plot.show_curve(xs, ys)
        self.plot.set_view(self._x_range, self._y_range)
        self.derivative_plot.set_y_range(*_padded_range(dys, (0.0,), top_room=2.0))

    def _refresh(self) -> None:
        p = self.params
        self._hold_labels()
        self._refresh_curve()
        x, q = p.x, p.q
        work = slope.slope_arithmetic(self.curve, x, q)
        table_shown = self.mode == "explore"
        rows = self._q_rows(x, table_shown)
        exact = rows[0].exact
        xd, vd = slope.equation_decimals(q, x)
        ld = min(vd, LABEL_DECIMALS)
        predict = self.mode == "predict"
        hidden = predict and not self.revealed
        # Descending by the exact slope, the secant would only be clutter.
        show_secant = self.mode == "explore" or (self.mode == "descend" and p.use_secant)
        view_x, view_y = self._x_range, self._y_range

        self.heading.setText(f"d(x) = {formula(self.curve.text)}")
        self.plot.show_point(x, work.d_x, downhill_to_the_right=exact < 0)
        self.plot.show_second_point(work.x_q, work.d_xq, slope.q_text(q), show_secant,
                                    x, work.d_x)
        secant = slope.clip_line(*slope.secant_line(self.curve, x, q), view_x, view_y)
        self.plot.show_line("secant", secant if show_secant else None,
                            f"secant slope {slope.decimal_text(work.slope, ld)}", "right")
        show_tangent = self.revealed if predict else p.show_tangent
        tangent = slope.clip_line(*slope.tangent_line(self.curve, None, x), view_x, view_y)
        # Each label at its own end of the line; on a walk the upper end, away from the
        # ruler at the bottom.
        tangent_end = ("upper" if self.mode == "descend" and not show_secant
                       else "left" if show_secant else "right")
        self.plot.show_line("tangent", tangent if show_tangent else None,
                            f"tangent slope {slope.decimal_text(exact, ld)}", tangent_end)
        self._show_guess(work.d_x, predict)

        if hidden:
            self.equation.setText("Hidden for now: make your guess, then press Reveal.")
            self.exact_slope.setText(f"d′({slope.decimal_text(x, xd)}) = ?")
            self.derivative_heading.setText("d′(x) = ?   (hidden until you reveal)")
        else:
            self.equation.setText(work.readable_text())
            self.exact_slope.setText(slope.exact_slope_text(x, exact, q))
            self.derivative_heading.setText(
                f"d′(x) = {formula(self.curve.derivative_text)}   "
                "(the exact slope at every x)" if self.curve.derivative_text
                else "d′(x): the exact slope at every x")
        self.derivative_plot.show_curve(self._xs, self._dys, visible=not hidden)
        self.derivative_plot.show_marker(
            x, exact, f"d′({slope.decimal_text(x, xd)}) = {slope.decimal_text(exact, ld)}",
            visible=not hidden)

        self.q_value.setText(f"q = {slope.q_text(q)}")
        if table_shown:
            # The table is on the explore page only; that page's first frame fills it.
            self._fill_table(rows, q)
        self._show_walk()
        self._show_prediction(exact)
        self._fit_held_labels()

    def _animated_labels(self) -> tuple[QLabel, ...]:
        return (self.equation, self.exact_slope, self.q_value, self.descent_info)

    def _hold_labels(self) -> None:
        """While q shrinks or the walk goes on, the texts that change keep a fixed size.

        A label whose text changes asks the whole window to lay itself out again, and the
        window repaints what that touches: that was a third of a frame. A label of fixed
        size asks nothing. A text one line longer on one frame and one shorter on the next
        also made the pictures jump up and down, each jump a full redraw: a held label
        keeps the lines it once needed, through Reset and new walks too, until another
        mode, window size or text size asks for sizes of its own.
        """
        if not self._stepping:
            return
        for label in self._animated_labels():
            if label in self._held or not label.isVisible():
                continue
            self._held[label] = (label.minimumSize(), label.maximumSize())
            label.setFixedSize(label.size())

    def _fit_held_labels(self) -> None:
        """A held label grows (never shrinks) when its new text needs more lines."""
        grew = False
        for label in self._held:
            if self._fitted.get(label) == label.text():
                continue  # laying out a rich text again costs a tenth of a frame
            self._fitted[label] = label.text()
            if label.textFormat() != Qt.TextFormat.RichText and \
                    label.fontMetrics().horizontalAdvance(label.text()) + 4 \
                    <= label.contentsRect().width():
                continue  # one line, and a held label has room for at least one
            needed = label.heightForWidth(label.width())
            if needed > label.height():
                label.setFixedHeight(needed)
                grew = True
        if grew:
            # Lay the window out at once: a text that needs another line is then never
            # painted over its neighbour for a frame.
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _release_labels(self) -> None:
        for label, (low, high) in self._held.items():
            label.setMinimumSize(low)
            label.setMaximumSize(high)
        self._held.clear()
        self._fitted.clear()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # A held label would keep its old width: let the layout fit everything anew.
        self._release_labels()
        super().resizeEvent(event)

    def refresh_look(self) -> None:
        self._release_labels()  # bigger or smaller text needs sizes of its own
        super().refresh_look()

    def _q_rows(self, x: float, whole: bool) -> list[QRow]:
        """The q table at x, worked out again only for a new x or d; without ``whole``,
        the one row that gives the exact slope."""
        if not whole:
            return slope.q_table(self.curve, None, x, qs=(self.params.q,))
        curve, seen_x = self._rows_key
        if curve is not self.curve or seen_x != x:
            self._rows_key, self._rows = (self.curve, x), slope.q_table(self.curve, None, x)
        return self._rows

    def _show_guess(self, d_x: float, predict: bool) -> None:
        if not predict:
            self.plot.show_line("guess", None, "", "left")
            self.plot.show_guess_handle(None)
            return
        p = self.params
        line = slope.line_through(p.x, d_x, p.guess)
        segment = slope.clip_line(*line, self._x_range, self._y_range)
        self.plot.show_line("guess", segment, f"your guess {slope.decimal_text(p.guess, 2)}",
                            "left")
        if self.plot.guess_handle.moving:
            return  # the handle stays under the mouse while it is dragged
        if segment is None or not math.isfinite(d_x):
            self.plot.show_guess_handle(None)
            return
        # The handle sits most of the way from the point to the end with more room.
        (x0, y0), (x1, y1) = segment
        end_x, end_y = (x1, y1) if x1 - p.x >= p.x - x0 else (x0, y0)
        self.plot.show_guess_handle((p.x + 0.7 * (end_x - p.x), d_x + 0.7 * (end_y - d_x)))

    def _fill_table(self, rows: list[QRow], q: float) -> None:
        best = slope.best_q(rows)
        now = slope.nearest_row(rows, q)
        best_colour = QColor(TANGENT)
        best_colour.setAlpha(70)
        now_colour = QColor(SECANT)
        now_colour.setAlpha(45)
        plain = QColor(0, 0, 0, 0)
        for r, row in enumerate(rows):
            is_best, is_now = best is not None and row.q == best, r == now
            cells = (slope.q_text(row.q), number(row.secant, 10), number(row.exact, 10),
                     number(row.error, 2))
            # Every cell set again, even to what it shows, repaints the whole table.
            shown = (cells, is_best, is_now)
            if self._table_rows[r] == shown:
                continue
            self._table_rows[r] = shown
            colour = best_colour if is_best else now_colour if is_now else plain
            for c, text in enumerate(cells):
                item = self.q_table.item(r, c)
                item.setText(text)
                item.setBackground(colour)
                font = item.font()
                font.setBold(is_now)
                item.setFont(font)
            marks = [m for m, on in ((ROW_NOW, is_now), (ROW_BEST, is_best)) if on]
            self.q_table.verticalHeaderItem(r).setText("  ".join(marks))

    def _show_walk(self) -> None:
        walker = self.walker
        if self.mode != "descend" or walker is None:
            self.plot.show_path([], [], "")
            self.descent_info.setText("")
            return
        last = walker.history[-1] if walker.history else None
        self.plot.show_path(self._path_xs, self._path_ys,
                            f"step {number(last.step, 4)}" if last else "")
        lines = []
        if last is None:
            lines.append(f"Start at x = {number(walker.x0)}, where d = {number(walker.d_x)} "
                         f"and the slope is {number(walker.slope)}.")
            if not walker.done:
                lines.append("Press Step (→) or Play (Space) to walk downhill.")
        else:
            lines.append(f"<b>Step {last.number}:</b>&nbsp; {html.escape(last.plain_text())}")
            digits = 7 if number(last.d_from, 7) != number(last.d_to, 7) else 15
            if number(last.d_from, digits) == number(last.d_to, digits):
                change = (f"d stayed at {number(last.d_to, digits)} (any change is too small "
                          "for the computer to show).")
            else:
                change = (f"d went from {number(last.d_from, digits)} to "
                          f"{number(last.d_to, digits)}.")
            lines.append(f"The step was {number(last.step, 4)}; {change}")
            if last.overshoot:
                lines.append(f"<span style='color:{theme.HOT}'><b>Jumped over the minimum:</b> "
                             "the slope changed sign.</span>")
            elif last.diverging and not walker.done:
                lines.append(f"<span style='color:{theme.HOT}'>This step landed higher and was "
                             "longer than the one before.</span>")
        if walker.done:
            colour = theme.MINIMUM if walker.converged else theme.ERROR_TEXT
            lines.append(f"<span style='color:{colour}'>{self._ending(walker)}</span>")
        lines.append(f"Steps so far: {walker.steps}")
        self.descent_info.setText("<br>".join(lines))

    def _show_prediction(self, exact: float) -> None:
        if self.mode != "predict":
            return
        p = self.params
        guess = slope.decimal_text(p.guess, 2)
        if not self.revealed:
            self.prediction.setText(f"Your guess: <b>{guess}</b><br>"
                                    "Press Reveal to see the true slope.")
            self.reveal_button.setEnabled(True)
            return
        self.reveal_button.setEnabled(False)
        check = slope.check_guess(p.guess, exact)
        if not math.isfinite(check.true):
            self.prediction.setText("The curve has no slope at this x: try a new point.")
            return
        if math.isfinite(check.percent):
            off = (f"Off by <b>{slope.decimal_text(check.error, 2)}</b> "
                   f"({number(round(check.percent, 1))}% of the true slope).")
        else:
            off = (f"Off by <b>{slope.decimal_text(check.error, 2)}</b> (the true slope is 0, "
                   "so there is no percentage).")
        if check.error <= 0.05 * max(abs(check.true), 1.0):
            verdict = "Excellent: your line is almost the tangent!"
        elif check.error <= 0.2 * max(abs(check.true), 1.0):
            verdict = "Close! Look at how the two lines differ."
        else:
            verdict = "Not quite: is the curve steeper or flatter than your line at x?"
        self.prediction.setText(
            f"True slope: <b style='color:{TANGENT}'>{slope.decimal_text(check.true, 2)}</b><br>"
            f"Your guess: <b style='color:{GUESS}'>{guess}</b><br>{off}<br>{verdict}")
