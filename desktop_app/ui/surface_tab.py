"""The surface descent tab: several optimizers race down a surface z = f(x, y).

Left: the surface in 3-D (built the first time the tab is shown, or replaced by a
one-line notice where OpenGL is missing) beside the top view; under them the two slices
through the current point and the worked arithmetic of the last step. Right: the surface,
the start, what the mouse points at, the gradient, the optimizers and the walkers' table.

The model is :class:`desktop_app.model.surface_race.SurfaceRace`; every number drawn comes
from it or from :mod:`desktop_app.model.surface_geometry`.
"""

from __future__ import annotations

import html
import math
import time
from functools import partial

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from superqt import QCollapsible

from desktop_app.model import surface_geometry as geo
from desktop_app.model.descent import CONVERGED, DIVERGED, MAX_STEPS
from desktop_app.model.expression import ExpressionError
from desktop_app.model.functions import SURFACES
from desktop_app.model.optimizers import OPTIMIZER_NAMES, TITLES
from desktop_app.model.optimizers import make as make_optimizer
from desktop_app.model.surface_race import (
    HYPER_RANGES,
    HYPERPARAMETERS,
    LR_MAX_EXPONENT,
    LR_MIN_EXPONENT,
    LR_NOTCHES_PER_DECADE,
    MAX_TICKS_PER_SECOND,
    SurfaceRace,
    lr_from_notch,
    notch_from_lr,
    steps_per_tick,
    surface_for,
)
from desktop_app.ui import theme
from desktop_app.ui.formula_entry import TYPED, FormulaEntry
from desktop_app.ui.quiet_box import QuietBox
from desktop_app.ui.scenario_schemas import SURFACE_SCHEMA
from desktop_app.ui.surface_slices import SlicesPanel
from desktop_app.ui.surface_top import TopView
from desktop_app.ui.tab import Tab
from desktop_app.ui.text_format import formula, number

#: Grid points along each side of the surface (100 × 100 vertices in 3-D).
GRID = 100
CONTOUR_COUNT = 10
#: The −∇f arrow's length, as a fraction of the shorter side of the picture.
ARROW_FRACTION = 0.16
#: Half the tangent lines' width, as a fraction of the slice's width.
TANGENT_FRACTION = 0.2
#: Seconds to wait for the 3-D view's first picture before giving up on OpenGL.
GL_START_TIMEOUT_MS = 4000
START_LIMIT = 1000.0
#: The top view's paths keep one point per square of 1/THIN_CELLS of the picture's side.
THIN_CELLS = 800
#: How far paths and markers float above the surface in 3-D, as a fraction of its height.
PATH_LIFT = 0.015
#: While playing, the words and numbers (worked step, slope, table, status line) change at
#: most this often: faster than a class can read them anyway, and writing them out costs
#: more than drawing the pictures. Pause and Step always show the last step's.
TEXT_INTERVAL_S = 0.2
#: A timer tick steps the race for at most this long: on a slow computer a long race then
#: runs a little slower instead of every frame running late.
STEP_BUDGET_S = 0.0007
#: While playing, the narration is rewritten on every NARRATE_EVERY-th turn of the texts.
NARRATE_EVERY = 3

HYPER_LABELS = {
    "momentum": "momentum μ",
    "alpha": "memory α",
    "beta1": "memory β₁",
    "beta2": "memory β₂",
}
HYPER_TIPS = {
    "momentum": "How much of the last step is kept: 0 = none (plain GD), 0.9 = a heavy ball.",
    "alpha": "How slowly the average of squared slopes forgets old slopes (close to 1 = slowly).",
    "beta1": "How slowly the average slope forgets old slopes.",
    "beta2": "How slowly the average squared slope forgets old slopes.",
}
STATUS_TEXT = {
    None: "walking…",
    CONVERGED: "converged ✓",
    DIVERGED: "diverged ✗",
    MAX_STEPS: "gave up",
}
HOVER_HINT = "Point at either picture to read the height there."


_ICONS: dict[str, QIcon] = {}


def _colour_icon(colour: str, size: int = 14) -> QIcon:
    """A round swatch of ``colour`` (made once per colour)."""
    if colour in _ICONS:
        return _ICONS[colour]
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(QColor("#ffffff"))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    _ICONS[colour] = QIcon(pixmap)
    return _ICONS[colour]


class SurfaceTab(Tab):
    key = "surface"
    title = "Surface descent"
    # Help for the mouse and a description to read alone: a class needs the pictures.
    secondary_controls = ("surface_description", "hover_info", "click_hint")
    scenario_schema = SURFACE_SCHEMA

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SurfaceRace()
        self.settings = self.model.settings
        self._steps_per_second = 2.0
        self.view3d = None  # built the first time the tab is shown
        self.gl_state = "waiting"  # "waiting", "ready" or "unavailable"
        self._pending_camera: dict | None = None
        self._drawn_surface = None
        self._grid: tuple | None = None
        self._box: geo.Box | None = None
        self._dense: dict[str, list] = {}
        self._from_timer = False
        # What the last frame drew, so a frame redoes only what changed: Qt redraws (and
        # relays out) whatever is handed the same data or text again.
        self._thinned: dict[str, tuple] = {}
        self._drawn_point: tuple | None = None
        self._narrated: str | None = None
        self._point_texted: tuple | None = None
        self._slices_texted: tuple | None = None
        self._text_due = 0.0  # time.monotonic() from which the timer may write text again
        self._text_stale = False
        #: Texts still to write for the timer's last turn (see ``_redraw``).
        self._text_parts: list = []
        self._text_turn = 0

        self.top = TopView(theme.OPTIMIZER_COLORS)
        self.top.clicked.connect(self._on_view_clicked)
        self.top.hovered.connect(self._on_hover)
        self.top.left.connect(self._on_leave)
        self.slices = SlicesPanel()

        self.heading = QLabel()
        self.heading.setObjectName("surface_heading")
        heading_font = self.heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.4)
        self.heading.setFont(heading_font)
        # A long formula wraps instead of widening the window.
        self.heading.setWordWrap(True)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.gl_notice = QLabel()
        self.gl_notice.setObjectName("gl_notice")
        self.gl_notice.setStyleSheet("color: #6b4e00; background: #fff4cc; padding: 3px;")
        self.gl_notice.setWordWrap(True)
        self.gl_notice.hide()
        self.gl_holder = QWidget()
        self.gl_holder.setObjectName("gl_holder")
        self.gl_holder.setMinimumWidth(200)
        holder_layout = QVBoxLayout(self.gl_holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)

        self.views = QSplitter(Qt.Orientation.Horizontal)
        self.views.addWidget(self.gl_holder)
        self.views.addWidget(self.top)
        self.views.setSizes([450, 450])
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.setSpacing(2)
        upper_layout.addWidget(self.heading)
        upper_layout.addWidget(self.gl_notice)
        upper_layout.addWidget(self.views, 1)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.slices)
        lower.addWidget(self._build_narration())
        lower.setSizes([470, 430])
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(upper)
        left.addWidget(lower)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        left.setSizes([430, 250])

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self._build_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 360])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self.settings.events.connect(self._on_settings_changed)
        self._sync_controls()
        self._redraw()

    # -- building the panels -------------------------------------------------------------
    def _build_narration(self) -> QWidget:
        box = QGroupBox("One step, worked out")
        box.setObjectName("narration_box")
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(4, 4, 4, 4)
        self.narration = QTextEdit()
        self.narration.setObjectName("narration")
        self.narration.setAccessibleName("The arithmetic of the last step of each optimizer")
        self.narration.setReadOnly(True)
        self.narration.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.narration.verticalScrollBar().setObjectName("narration_scroll")
        self.narration.verticalScrollBar().setAccessibleName("Scroll the worked steps")
        self.narration.horizontalScrollBar().setObjectName("narration_scroll_sideways")
        self.narration.horizontalScrollBar().setAccessibleName("Scroll the worked steps sideways")
        box_layout.addWidget(self.narration)
        return box

    def _build_panel(self) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(4, 0, 4, 0)

        surface_box = QGroupBox("The surface f(x, y)")
        surface_box.setObjectName("surface_box")
        surface_layout = QVBoxLayout(surface_box)
        self.surface_choice = QComboBox()
        self.surface_choice.setObjectName("surface_choice")
        self.surface_choice.setAccessibleName("Choose a surface")
        for surface in SURFACES.values():
            self.surface_choice.addItem(surface.title, surface.name)
        self.surface_text = QLineEdit()
        self.surface_text.setObjectName("surface_text")
        self.surface_text.setAccessibleName("Type a function of x and y")
        self.surface_text.setPlaceholderText("for example x^2 + 3y^2")
        self.surface_error = QLabel()
        self._formula_entry = FormulaEntry(
            self.surface_choice, self.surface_text, self.surface_error, SURFACES,
            lambda: self.settings.surface, self.set_surface)
        self.surface_error.setObjectName("surface_error")
        self.surface_error.setWordWrap(True)
        self.surface_error.setStyleSheet(f"color: {theme.ERROR_TEXT};")
        self.surface_error.hide()
        self.surface_description = QLabel()
        self.surface_description.setObjectName("surface_description")
        self.surface_description.setWordWrap(True)
        start_row = QHBoxLayout()
        self.start_x = self._spin("start_x", "Start x", -START_LIMIT, START_LIMIT, 0.1, 2)
        self.start_y = self._spin("start_y", "Start y", -START_LIMIT, START_LIMIT, 0.1, 2)
        self.start_x.valueChanged.connect(lambda v: setattr(self.settings, "start_x", float(v)))
        self.start_y.valueChanged.connect(lambda v: setattr(self.settings, "start_y", float(v)))
        start_row.addWidget(QLabel("Start:  x"))
        start_row.addWidget(self.start_x)
        start_row.addWidget(QLabel("y"))
        start_row.addWidget(self.start_y)
        surface_layout.addWidget(self.surface_choice)
        surface_layout.addWidget(self.surface_text)
        surface_layout.addWidget(self.surface_error)
        surface_layout.addWidget(self.surface_description)
        surface_layout.addLayout(start_row)
        click_hint = QLabel("…or click either picture to start there.")
        click_hint.setObjectName("click_hint")
        click_hint.setStyleSheet("color: #555555;")
        surface_layout.addWidget(click_hint)
        column.addWidget(surface_box)

        where = QGroupBox("The slope where you are")
        where.setObjectName("slope_box")
        where_layout = QVBoxLayout(where)
        self.gradient_info = QLabel()
        self.gradient_info.setObjectName("gradient_info")
        self.gradient_info.setWordWrap(True)
        self.gradient_info.setTextFormat(Qt.TextFormat.RichText)
        self.hover_info = QLabel(HOVER_HINT)
        self.hover_info.setObjectName("hover_info")
        self.hover_info.setWordWrap(True)
        self.hover_info.setStyleSheet("color: #444444;")
        where_layout.addWidget(QuietBox(self.gradient_info))
        where_layout.addWidget(self.hover_info)
        column.addWidget(where)

        column.addWidget(self._build_optimizers())

        self.walkers = QTableWidget(0, 4)
        self.walkers.setObjectName("walkers")
        self.walkers.setAccessibleName("The walkers: steps, height and whether they are done")
        self.walkers.setHorizontalHeaderLabels(["walker", "steps", "f(x, y)", "status"])
        self.walkers.verticalHeader().hide()
        self.walkers.verticalHeader().setDefaultSectionSize(22)
        header = self.walkers.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.walkers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.walkers.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.walkers.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.walkers.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.walkers.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.walkers.setFixedHeight(24 + 22 * len(OPTIMIZER_NAMES) + 4)
        column.addWidget(self.walkers)
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("surface_panel")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.verticalScrollBar().setObjectName("surface_panel_scroll")
        scroll.verticalScrollBar().setAccessibleName("Scroll the surface tab's controls")
        scroll.setMinimumWidth(350)
        return scroll

    def _build_optimizers(self) -> QWidget:
        box = QGroupBox("Optimizers in the race")
        box.setObjectName("optimizers_box")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self.optimizer_checks: dict[str, QCheckBox] = {}
        self.optimizer_sections: dict[str, QCollapsible] = {}
        self.lr_sliders: dict[str, QSlider] = {}
        self.lr_values: dict[str, QLabel] = {}
        self.hyper_spins: dict[tuple[str, str], QDoubleSpinBox] = {}
        for row, name in enumerate(OPTIMIZER_NAMES):
            title = TITLES[name]
            check = QCheckBox(title)
            check.setObjectName(f"opt_{name}")
            check.setAccessibleName(f"Race with {title}")
            check.setIcon(_colour_icon(theme.OPTIMIZER_COLORS[name]))
            check.toggled.connect(partial(self._on_toggle, name))
            self.optimizer_checks[name] = check

            section = QCollapsible("settings", collapsedIcon="▸", expandedIcon="▾")
            section.setDuration(0)
            button = section.toggleButton()
            button.setObjectName(f"settings_{name}")
            button.setAccessibleName(f"Show or hide the settings of {title}")
            section.layout().setContentsMargins(0, 0, 0, 0)
            content = QWidget()
            form = QFormLayout(content)
            form.setContentsMargins(4, 0, 0, 6)
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setObjectName(f"lr_{name}")
            slider.setAccessibleName(f"Learning rate of {title} (log scale)")
            slider.setRange(LR_MIN_EXPONENT * LR_NOTCHES_PER_DECADE,
                            LR_MAX_EXPONENT * LR_NOTCHES_PER_DECADE)
            slider.setPageStep(LR_NOTCHES_PER_DECADE // 2)
            slider.setToolTip("A log scale: each notch multiplies the learning rate by the "
                              "same amount; 10 notches = ×3.2, 20 notches = ×10.")
            slider.valueChanged.connect(partial(self._on_lr_slider, name))
            value = QLabel()
            value.setObjectName(f"lr_{name}_value")
            value.setMinimumWidth(52)
            self.lr_sliders[name] = slider
            self.lr_values[name] = value
            lr_row = QHBoxLayout()
            lr_row.addWidget(slider, 1)
            lr_row.addWidget(value)
            form.addRow("learning rate", lr_row)
            for key in HYPERPARAMETERS[name][1:]:
                lo, hi, step, decimals = HYPER_RANGES[key]
                if (name, key) == ("nesterov", "momentum"):
                    lo = 10.0 ** -decimals  # Nesterov needs some momentum to look ahead with
                spin = self._spin(f"{key}_{name}", f"{HYPER_LABELS[key]} of {title}",
                                  lo, hi, step, decimals)
                spin.setToolTip(HYPER_TIPS[key])
                spin.valueChanged.connect(partial(self._on_hyper_spin, name, key))
                self.hyper_spins[(name, key)] = spin
                form.addRow(HYPER_LABELS[key], spin)
            rule = QLabel(make_optimizer(name).formula)
            rule.setObjectName(f"formula_{name}")
            rule.setStyleSheet("color: #555555;")
            rule.setWordWrap(True)
            form.addRow(rule)
            section.addWidget(content)
            self.optimizer_sections[name] = section
            grid.addWidget(check, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(section, row, 1)
        self.speed_up = QCheckBox("Speed up long races")
        self.speed_up.setToolTip("The longer the race goes on, the more steps each tick "
                                 "takes, so the slow crawl into a valley does not take minutes.")
        self.speed_up.setObjectName("speed_up")
        self.speed_up.setAccessibleName("Speed up long runs")
        self.speed_up.setChecked(True)
        grid.addWidget(self.speed_up, len(OPTIMIZER_NAMES), 0, 1, 2)
        return box

    def _spin(self, name: str, label: str, lo: float, hi: float, step: float,
              decimals: int) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(label)
        spin.setRange(lo, hi)
        spin.setSingleStep(step)
        spin.setDecimals(decimals)
        spin.setKeyboardTracking(False)
        spin.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return spin

    # -- model <-> controls ----------------------------------------------------------------
    def _on_toggle(self, name: str, on: bool) -> None:
        enabled = [n for n in OPTIMIZER_NAMES
                   if (n == name and on) or (n != name and n in self.settings.enabled)]
        self.settings.enabled = tuple(enabled)

    def _on_lr_slider(self, name: str, notch: int) -> None:
        self._set_hyper(name, "lr", lr_from_notch(notch))

    def _on_hyper_spin(self, name: str, key: str, value: float) -> None:
        self._set_hyper(name, key, float(value))

    def _set_hyper(self, name: str, key: str, value: float) -> None:
        hyper = {n: dict(values) for n, values in self.settings.hyper.items()}
        hyper[name][key] = value
        self.settings.hyper = hyper

    def _on_settings_changed(self, *_args) -> None:
        self._sync_controls()
        self.reset()

    def _sync_controls(self) -> None:
        s = self.settings
        (x0, x1), (y0, y1) = self.model.surface.bounds
        for spin, value in ((self.start_x, s.start_x), (self.start_y, s.start_y)):
            if spin.value() != value:
                with QSignalBlocker(spin):
                    spin.setValue(value)
        for name in OPTIMIZER_NAMES:
            check = self.optimizer_checks[name]
            if check.isChecked() != (name in s.enabled):
                with QSignalBlocker(check):
                    check.setChecked(name in s.enabled)
            lr = s.hyper[name]["lr"]
            slider = self.lr_sliders[name]
            if lr_from_notch(slider.value()) != lr:
                with QSignalBlocker(slider):
                    slider.setValue(notch_from_lr(lr))
            self.lr_values[name].setText(number(lr, 3))
            for key in HYPERPARAMETERS[name][1:]:
                spin = self.hyper_spins[(name, key)]
                if spin.value() != s.hyper[name][key]:
                    with QSignalBlocker(spin):
                        spin.setValue(s.hyper[name][key])
        surface = self.model.surface
        catalog = surface.name in SURFACES and SURFACES[surface.name] is surface
        index = self.surface_choice.findData(surface.name if catalog else TYPED)
        with QSignalBlocker(self.surface_choice):
            self.surface_choice.setCurrentIndex(index)
        if not self.surface_text.hasFocus() or self.surface_error.isHidden():
            self.surface_text.setText(s.surface)

    # -- choosing the surface and the start ------------------------------------------------
    def set_surface(self, text: str) -> bool:
        """Use a new f(x, y); on a mistake, say what is wrong and keep the last good one."""
        try:
            surface_for(text)
        except ExpressionError as error:
            self.surface_error.setText(f"{error}. The race still runs on f(x, y) = "
                                       f"{formula(self.settings.surface)}.")
            self.surface_error.show()
            return False
        self.surface_error.hide()
        self.model.set_surface(text)
        self._on_settings_changed()
        return True

    def set_start(self, x: float, y: float) -> None:
        with self.settings.events.blocked():
            self.settings.start_x, self.settings.start_y = float(x), float(y)
        self._on_settings_changed()

    def _on_view_clicked(self, x: float, y: float) -> None:
        # Round to a tenth so a click gives numbers a class can follow by hand.
        (x0, x1), (y0, y1) = self.model.surface.bounds
        # (+ 0.0 turns a rounded −0.0 into 0.)
        self.set_start(round(min(max(x, x0), x1), 1) + 0.0, round(min(max(y, y0), y1), 1) + 0.0)

    # -- the contract ----------------------------------------------------------------------
    def set_speed(self, steps_per_second: float) -> None:
        self._steps_per_second = float(steps_per_second)
        super().set_speed(min(self._steps_per_second, MAX_TICKS_PER_SECOND))

    def reset(self) -> None:
        super().reset()
        self.model.rebuild()
        self._dense.clear()
        self._redraw()

    def advance(self) -> bool:
        if self.model.race is None:
            self.status.emit(self.model.problem)
            return False
        if self.model.done:
            self.status.emit("Every walker has finished. Press Reset (R) to race again.")
            return False
        count, budget = 1, None
        if self._from_timer:
            count = steps_per_tick(self._steps_per_second, self.model.rounds,
                                   self.speed_up.isChecked())
            budget = STEP_BUDGET_S
        self.model.step(count, budget)
        text = self._text_now()
        self._redraw(text)
        if self.model.done:
            self.status.emit(self._finish_line())
            return False
        if text:  # the status line too changes only as often as the texts while playing
            lead = self.model.lead()
            self.status.emit(f"Step {lead.steps if lead else self.model.rounds}")
        return True

    def _text_now(self) -> bool:
        """Whether this step writes out its text (always, unless the timer did so lately)."""
        if not self._from_timer or self.model.done:
            return True
        now = time.monotonic()
        if now < self._text_due:
            return False
        self._text_due = now + TEXT_INTERVAL_S
        return True

    def _catch_up_text(self) -> None:
        """The text of the last step, when the timer skipped it."""
        self._text_due = 0.0
        if self._text_stale:
            self._write_text()
            lead = self.model.lead()
            if lead is not None and not self.model.done:
                self.status.emit(f"Step {lead.steps}")

    def pause(self) -> None:
        super().pause()
        self._catch_up_text()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().hideEvent(event)
        self._catch_up_text()

    def _tick(self) -> None:
        # Only timer ticks may take several steps; the Step button always takes one.
        self._from_timer = True
        try:
            going = self.advance()
        finally:
            self._from_timer = False
        if not going:
            self.pause()

    def can_play(self) -> bool:
        return self.model.race is not None and not self.model.done

    def why_not_playing(self) -> str:
        if self.model.race is None:
            return self.model.problem
        return "Every walker has finished. Press Reset (R) to race again."

    def state(self) -> dict:
        state = self.model.state()
        state["speed_up"] = self.speed_up.isChecked()
        camera = (self.view3d.camera() if self.view3d is not None and self.gl_state == "ready"
                  else self._pending_camera)
        if camera is not None:
            state["camera"] = dict(camera)
        return state

    def restore(self, state: dict) -> None:
        surface, fields = self.model.checked(state)  # may raise: nothing changed yet
        camera = _checked_camera(state.get("camera"))
        speed_up = state.get("speed_up", self.speed_up.isChecked())
        if not isinstance(speed_up, bool):
            raise ValueError(f"'speed_up' must be true or false, got {speed_up!r}")
        self.pause()
        self.surface_error.hide()
        self.model.apply(surface, fields)
        self.speed_up.setChecked(speed_up)
        if camera is not None:
            if self.view3d is not None and self.gl_state == "ready":
                self.view3d.set_camera(camera)
            else:
                self._pending_camera = camera
        self._on_settings_changed()

    def set_colorblind(self, on: bool) -> None:
        super().set_colorblind(on)  # the top view's picture and colour bar
        self._drawn_surface = None  # the 3-D view's colours are worked out with the surface
        self._redraw()

    # -- the 3-D view, built on first use ---------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self.gl_state == "waiting":
            self._build_3d()

    def _build_3d(self) -> None:
        from desktop_app.ui.surface_gl_probe import opengl_problem

        problem = opengl_problem()
        if problem is not None:
            self._no_3d(problem)
            return
        try:
            from desktop_app.ui.surface_3d import Surface3DView

            view = Surface3DView(theme.OPTIMIZER_COLORS)
        except Exception as error:
            self._no_3d(f"the 3-D view could not be made ({type(error).__name__}: {error})")
            return
        self.view3d = view
        self.gl_state = "ready"
        view.clicked.connect(self._on_view_clicked)
        view.hovered.connect(self._on_hover)
        view.left.connect(self._on_leave)
        view.failed.connect(self._no_3d)
        self.gl_holder.layout().addWidget(view)
        if self._pending_camera is not None:
            view.set_camera(self._pending_camera)
            self._pending_camera = None
        self._feed_3d_surface()
        self._draw_walkers()
        QTimer.singleShot(GL_START_TIMEOUT_MS, self._check_3d_started)

    def _check_3d_started(self) -> None:
        view = self.view3d
        if view is not None and self.gl_state == "ready" and view.isVisible() \
                and not view.isValid():
            self._no_3d("OpenGL did not start drawing")

    def _no_3d(self, reason: str) -> None:
        if self.view3d is not None:
            self._pending_camera = self.view3d.camera()
            self.view3d.hide()
            self.view3d.deleteLater()
            self.view3d = None
        self.gl_state = "unavailable"
        self.gl_holder.hide()
        self.gl_notice.setText(f"No 3-D view here: {reason}. The top view shows the same "
                               "surface, and everything else works.")
        self.gl_notice.setToolTip(self.gl_notice.text())
        self.gl_notice.show()

    def _feed_3d_surface(self) -> None:
        if self.view3d is None or self._grid is None:
            return
        xs, ys, z, colours = self._grid
        self.view3d.set_surface(self._box, xs, ys, z, colours)

    # -- drawing ------------------------------------------------------------------------------
    def _redraw(self, text: bool = True) -> None:
        if self.model.surface is not self._drawn_surface:
            self._draw_surface()
        self._draw_walkers()
        self._draw_point(text=False)
        if text and not self._from_timer:
            self._write_text()
            return
        if text:
            # The timer's turn to write: one part a frame, so that no frame writes them
            # all (together they took longer than the rest of a frame). The worked-out
            # arithmetic, the longest text, only every NARRATE_EVERY-th turn: while a race
            # runs it cannot be read anyway, and Pause shows the last step's.
            self._text_turn += 1
            self._text_parts = [self._write_gradient_text, self._write_slice_texts,
                                self._fill_table]
            if self._text_turn % NARRATE_EVERY == 0:
                self._text_parts.append(self._narrate)
        self._text_stale = True
        if self._text_parts:
            self._text_parts.pop(0)()

    def _write_text(self) -> None:
        self._text_stale = False
        self._text_parts = []
        self._draw_point_text()
        self._fill_table()
        self._narrate()

    def _draw_surface(self) -> None:
        surface = self.model.surface
        xx, yy, z = surface.grid(GRID)
        xs, ys = xx[:, 0], yy[0]
        lo, hi = geo.height_range(z, surface.z_range())
        colour_map = theme.surface_colormap()
        colours = colour_map.map(geo.height_fraction(z, lo, hi), mode="float")
        self._box = geo.Box(surface.bounds, lo, hi)
        self._grid = (xs, ys, z, colours)
        levels = geo.contour_levels(z, CONTOUR_COUNT)
        self.top.set_surface(surface.bounds, z, (lo, hi),
                             geo.contour_segments(xs, ys, z, levels), surface.minima)
        self._feed_3d_surface()
        self._drawn_surface = surface
        self._dense.clear()
        self.heading.setText(f"f(x, y) = {formula(surface.text)}")
        self.surface_description.setText(surface.description)
        (x0, x1), (y0, y1) = surface.bounds
        self.start_x.setToolTip(f"The surface is drawn for x from {number(x0)} to {number(x1)}.")
        self.start_y.setToolTip(f"The surface is drawn for y from {number(y0)} to {number(y1)}.")

    def _lift(self) -> float:
        return PATH_LIFT * self._box.height

    def _draw_walkers(self) -> None:
        race = self.model.race
        bounds = self.model.surface.bounds
        top: dict = {}
        three: dict = {}
        (x0, x1), (y0, y1) = bounds
        cell = max(x1 - x0, y1 - y0) / THIN_CELLS
        if race is not None:
            for name, descent in race.descents.items():
                top[name] = self._thin_path(name, descent, bounds, cell)
                if self.view3d is not None:
                    three[name] = self._path_3d(name, descent)
        self.top.set_walkers(top)
        self.top.set_start(self.model.start)
        if self.view3d is not None:
            self.view3d.set_walkers(three)
            self.view3d.set_start(self._view_point(self.model.start))

    def _thin_path(self, name: str, descent, bounds, cell: float) -> tuple:
        """The top view's (path, head) of a walker; the same objects while it stands still."""
        key = (descent, len(descent.path), bounds, cell)
        kept = self._thinned.get(name)
        if kept is not None and kept[0] == key:
            return kept[1]
        path = geo.clip_path(descent.path, bounds, margin=0.02)
        path = geo.thin_path(path, cell)
        head = (float(path[-1, 0]), float(path[-1, 1])) if len(path) else None
        self._thinned[name] = (key, (path, head))
        return path, head

    def _view_point(self, point) -> np.ndarray | None:
        (x0, x1), (y0, y1) = self.model.surface.bounds
        x, y = point
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return None
        z = self.model.height_at(point)
        if not math.isfinite(z):
            return None
        spot = self._box.to_view(x, y, z)
        spot[2] += self._lift()
        return spot

    def _path_3d(self, name: str, descent) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The walker's path in view coordinates, extended with only the new steps."""
        entry = self._dense.get(name)
        if entry is None or entry[0] is not descent or entry[1] > len(descent.path):
            entry = [descent, 0, np.empty((0, 3)), False]
            self._dense[name] = entry
        _, used, points, stopped = entry
        path = descent.path
        if not stopped and used < len(path):
            fresh = path[max(used - 1, 0):]
            clipped = geo.clip_path(fresh, self.model.surface.bounds)
            stopped = len(clipped) < len(fresh)
            (x0, x1), _ = self.model.surface.bounds
            dense = geo.densify_path(clipped, (x1 - x0) / (GRID - 1))
            if used > 0:
                dense = dense[1:]
            if len(dense):
                heights = self.model.surface.f(dense[:, 0], dense[:, 1])
                heights = np.where(np.isfinite(heights), heights, self._box.z_lo)
                new = self._box.to_view(dense[:, 0], dense[:, 1], heights)
                new[:, 2] += self._lift()
                points = np.concatenate([points, new])
            entry[1:] = [len(path), points, stopped]
        if len(points) == 0:
            return None, None
        return points, points[-1]

    def _point_now(self) -> tuple:
        """(what identifies the drawing, the point, the words for where it is)."""
        model = self.model
        point = model.current_point()
        x, y = point
        lead = model.lead()
        if lead is None or lead.steps == 0:
            where = "At the start"
        else:
            where = f"At {TITLES[next(iter(model.race.descents))]}'s point"
        drawn = (model.surface, float(x), float(y), where)
        return drawn, point, where

    def _draw_point(self, text: bool = True) -> None:
        """The −∇f arrow and the two slices at the current point (and its numbers)."""
        if text:
            self._draw_point_text()
        model = self.model
        drawn, point, _where = self._point_now()
        if drawn == self._drawn_point:
            return
        self._drawn_point = drawn
        gx, gy = model.gradient_at(point)
        z = model.height_at(point)
        x, y = point
        (x0, x1), (y0, y1) = model.surface.bounds
        tip = geo.descent_arrow(point, (gx, gy), ARROW_FRACTION * min(x1 - x0, y1 - y0))
        self.top.set_arrow(point, tip)

        f = model.surface.f
        t, heights = geo.cut(f, point, "x", model.surface.bounds)
        tangent = geo.tangent_segment(x, z, gx, TANGENT_FRACTION * (t[-1] - t[0]))
        self.slices.along_x.show_slice(t, heights, (x, z), tangent)
        t, heights = geo.cut(f, point, "y", model.surface.bounds)
        tangent = geo.tangent_segment(y, z, gy, TANGENT_FRACTION * (t[-1] - t[0]))
        self.slices.along_y.show_slice(t, heights, (y, z), tangent)

    def _draw_point_text(self) -> None:
        """The gradient at the current point, in words, and the two slices' captions."""
        self._write_gradient_text()
        self._write_slice_texts()

    def _write_gradient_text(self) -> None:
        drawn, point, where = self._point_now()
        if drawn == self._point_texted:
            return
        self._point_texted = drawn
        model = self.model
        gx, gy = model.gradient_at(point)
        z = model.height_at(point)
        x, y = point
        self.gradient_info.setText(
            f"{where} ({number(x)}, {number(y)}), f = {number(z)}:<br>"
            f"<b>∂f/∂x = {number(gx)}</b>, &nbsp; <b>∂f/∂y = {number(gy)}</b><br>"
            f"The gradient ∇f = ({number(gx)}, {number(gy)}) points uphill; "
            "the black arrow −∇f points downhill.")

    def _write_slice_texts(self) -> None:
        drawn, point, _where = self._point_now()
        if drawn == self._slices_texted:
            return
        self._slices_texted = drawn
        gx, gy = self.model.gradient_at(point)
        x, y = point
        self.slices.along_x.show_info(
            f"<b>f(x, {number(y, 4)})</b>: y held at {number(y, 4)}. "
            f"Slope of the tangent = ∂f/∂x = <b>{number(gx, 4)}</b>")
        self.slices.along_y.show_info(
            f"<b>f({number(x, 4)}, y)</b>: x held at {number(x, 4)}. "
            f"Slope of the tangent = ∂f/∂y = <b>{number(gy, 4)}</b>")

    def _fill_table(self) -> None:
        race = self.model.race
        descents = list(race.descents.items()) if race is not None else []
        table = self.walkers
        table.setRowCount(len(descents))
        for row, (name, descent) in enumerate(descents):
            status = STATUS_TEXT[descent.reason]
            if descent.reason == MAX_STEPS:
                status = f"gave up after {descent.steps} steps"
            cells = (TITLES[name], str(descent.steps), number(descent.value, 5), status)
            for col, text in enumerate(cells):
                item = table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    table.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)
            first = table.item(row, 0)
            if first.data(Qt.ItemDataRole.UserRole) != name:
                first.setData(Qt.ItemDataRole.UserRole, name)
                first.setIcon(_colour_icon(theme.OPTIMIZER_COLORS[name]))
            tint = QBrush(QColor({CONVERGED: "#1b9e77", DIVERGED: theme.ERROR_TEXT}.get(
                descent.reason, theme.FOREGROUND)))
            if table.item(row, 3).foreground() != tint:
                table.item(row, 3).setForeground(tint)

    def _narrate(self) -> None:
        race = self.model.race
        if race is None:
            self._narrated = None
            self.narration.setPlainText(self.model.problem)
            return
        parts = []
        if race.rounds == 0:
            parts.append("<p>Press <b>Step</b> (→) to make one step and see its arithmetic "
                         "here. The rules the walkers follow:</p>")
            for name, descent in race.descents.items():
                parts.append(self._block(name, descent.optimizer.formula.splitlines()))
        else:
            for name, descent in race.descents.items():
                lines = []
                before = descent.path[-2] if len(descent.path) >= 2 else descent.path[-1]
                gx, gy = self.model.gradient_at(before)
                lines.append(f"step {descent.steps} from ({number(before[0], 4)}, "
                             f"{number(before[1], 4)}):")
                lines.append(f"  ∂f/∂x = {number(gx, 4)},  ∂f/∂y = {number(gy, 4)}")
                lines += [f"  {line}" for line in descent.explanation]
                if descent.done:
                    lines.append(f"  → {self._ending(descent)}")
                parts.append(self._block(name, lines))
        self._show_narration("".join(parts))

    def _show_narration(self, text: str) -> None:
        if text == self._narrated:
            return
        self._narrated = text
        bar = self.narration.verticalScrollBar()
        if not bar.isVisible():
            self.narration.setHtml(text)
            return
        # setHtml briefly empties the box: its scroll bar would vanish and come back,
        # laying the text out three times. Held on, it stays if the new text needs it.
        self.narration.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.narration.setHtml(text)
        self.narration.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    @staticmethod
    def _block(name: str, lines: list[str]) -> str:
        colour = theme.OPTIMIZER_COLORS[name]
        body = "<br>".join(html.escape(line).replace("  ", "&nbsp;&nbsp;") for line in lines)
        return (f"<p style='margin:0 0 6px 0'><b style='color:{colour}'>● {TITLES[name]}</b>"
                f"<br>{body}</p>")

    @staticmethod
    def _ending(descent) -> str:
        if descent.reason == CONVERGED:
            return (f"converged after {descent.steps} steps: the ground is flat here "
                    "(|∇f| < 10⁻⁶) and the steps have become tiny.")
        if descent.reason == DIVERGED:
            return f"diverged after {descent.steps} steps: it flew off the surface."
        return f"gave up after {descent.steps} steps without settling."

    def _finish_line(self) -> str:
        race = self.model.race
        words = []
        for name, descent in race.descents.items():
            word = {CONVERGED: "converged", DIVERGED: "diverged"}.get(descent.reason, "gave up")
            words.append(f"{TITLES[name]} {word} after {descent.steps} steps")
        return "Race over: " + ", ".join(words) + ". Press Reset (R) to race again."

    # -- the mouse ------------------------------------------------------------------------------
    def _on_hover(self, x: float, y: float) -> None:
        z = self.model.height_at((x, y))
        self.hover_info.setText(f"Mouse at x = {number(x, 3)}, y = {number(y, 3)}: "
                                f"f = {number(z, 4)}")
        self.top.set_hover((x, y))
        if self.view3d is not None:
            self.view3d.set_hover(self._view_point((x, y)))

    def _on_leave(self) -> None:
        self.hover_info.setText(HOVER_HINT)
        self.top.set_hover(None)
        if self.view3d is not None:
            self.view3d.set_hover(None)


def _checked_camera(camera) -> dict | None:
    if camera is None:
        return None
    if not isinstance(camera, dict):
        raise ValueError("the camera must be a dictionary of elevation, azimuth and distance")
    checked = {}
    for key in ("elevation", "azimuth", "distance"):
        value = camera.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise ValueError(f"the camera's {key} must be a number, got {value!r}")
        checked[key] = float(value)
    if checked["distance"] <= 0:
        raise ValueError("the camera's distance must be above 0")
    return checked
