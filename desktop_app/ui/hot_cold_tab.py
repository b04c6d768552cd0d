"""The hot-and-cold game tab: controls and log on the right, the picture on the left."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model import hot_cold
from desktop_app.model.expression import ExpressionError
from desktop_app.model.functions import CURVES, Curve, curve_for
from desktop_app.model.hot_cold import DarkRoomGame, HotColdGame, HotColdParams, Move
from desktop_app.ui import theme
from desktop_app.ui.formula_entry import TYPED, FormulaEntry
from desktop_app.ui.hot_cold_plot import HotColdPlot
from desktop_app.ui.tab import Tab
from desktop_app.ui.text_format import formula, number

CURVE_SAMPLES = 600
START_LIMIT = 1000.0


class HotColdTab(Tab):
    key = "hot"
    title = "Hot and cold"
    # The dark room is a game of its own: presenter mode tucks it away (View → Focus… or
    # leaving presenter mode brings it back).
    secondary_controls = ("dark_room_box",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._curve_key: tuple | None = None  # what the drawn curve was made from
        self._curve_ys = np.empty(0)
        self._log_rows: list[Move] = []  # the moves the log's rows show
        self._log_look: tuple | None = None
        self.params = HotColdParams(function=CURVES["parabola"].text)
        self.curve: Curve = curve_for(self.params.function)
        self.dark_room = False
        self.revealed = False
        # None while d has no value at the start: then there is nothing to play.
        self.game: HotColdGame | None = self._new_game()
        self.dark_game: DarkRoomGame | None = None
        self.start_problem: str | None = None

        self.plot = HotColdPlot()
        self.plot.clicked.connect(self._on_plot_clicked)
        self.heading = QLabel()
        self.heading.setObjectName("function_heading")
        heading_font = self.heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.6)
        self.heading.setFont(heading_font)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.heading)
        left_layout.addWidget(self.plot, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self._build_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([820, 380])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self._move_left_key = QShortcut(QKeySequence(Qt.Key.Key_Left), self)
        self._move_left_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._move_left_key.activated.connect(lambda: self.dark_move(-1))
        self._move_left_key.setEnabled(False)

        self._bind_params()
        self._sync_controls()
        self._redraw()

    # -- building the panel ------------------------------------------------------------
    def _build_panel(self) -> QWidget:
        panel = QWidget()
        panel.setMinimumWidth(330)
        column = QVBoxLayout(panel)
        column.setContentsMargins(4, 0, 4, 0)

        function_box = self.function_box = QGroupBox("The function d(x)")
        function_box.setObjectName("function_box")
        function_layout = QVBoxLayout(function_box)
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
        function_layout.addWidget(self.function_choice)
        function_layout.addWidget(self.function_text)
        function_layout.addWidget(self.function_error)
        column.addWidget(function_box)

        rules = QGroupBox("The game")
        rules.setObjectName("rules_box")
        form = QFormLayout(rules)
        self.start = self._spin("start", "Start x", -START_LIMIT, START_LIMIT, 0.1, 2)
        self.start.setToolTip("Where the walker starts. You can also click on the plot.")
        self.step_size = self._spin("step_size", "Step size", 0.001, 100.0, 0.25, 3)
        self.first_direction = QComboBox()
        self.first_direction.setObjectName("first_direction")
        self.first_direction.setAccessibleName("First direction")
        self.first_direction.addItem("to the right →", +1)
        self.first_direction.addItem("← to the left", -1)
        self.halve_step = QCheckBox("Halve the step when both sides are worse")
        self.halve_step.setObjectName("halve_step")
        self.halve_step.setAccessibleName(self.halve_step.text())
        form.addRow("Start x (or click the plot)", self.start)
        form.addRow("Step size", self.step_size)
        form.addRow("First move", self.first_direction)
        form.addRow(self.halve_step)
        column.addWidget(rules)

        dark_box = QGroupBox("Dark room")
        dark_box.setObjectName("dark_room_box")
        dark_layout = QVBoxLayout(dark_box)
        self.dark_room_toggle = QCheckBox("Hide the curve: the class steers with ← and →")
        self.dark_room_toggle.setObjectName("dark_room")
        self.dark_room_toggle.setAccessibleName("Dark-room mode")
        self.dark_room_toggle.toggled.connect(self.set_dark_room)
        buttons = QHBoxLayout()
        self.move_left = self._button("move_left", "← Left", lambda: self.dark_move(-1))
        self.move_right = self._button("move_right", "Right →", lambda: self.dark_move(+1))
        self.reveal_button = self._button("reveal", "Reveal", self.reveal)
        for button in (self.move_left, self.move_right, self.reveal_button):
            buttons.addWidget(button)
        self.dark_counter = QLabel()
        self.dark_counter.setObjectName("dark_counter")
        dark_layout.addWidget(self.dark_room_toggle)
        dark_layout.addLayout(buttons)
        dark_layout.addWidget(self.dark_counter)
        column.addWidget(dark_box)

        self.result = QLabel()
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        result_font = self.result.font()
        result_font.setPointSizeF(result_font.pointSizeF() * 1.15)
        self.result.setFont(result_font)
        self.result.setMinimumHeight(60)
        column.addWidget(self.result)
        self.halve_and_retry = self._button(
            "halve_and_retry", "Halve the step and play again", self._halve_and_retry)
        self.halve_and_retry.hide()
        column.addWidget(self.halve_and_retry)

        self.move_log = QTableWidget(0, 5)
        self.move_log.setObjectName("move_log")
        self.move_log.setAccessibleName("Move log")
        self.move_log.setHorizontalHeaderLabels(["from x", "to x", "d before", "d after", "heard"])
        self.move_log.verticalHeader().setDefaultSectionSize(22)
        header = self.move_log.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.move_log.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.move_log.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.move_log.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        column.addWidget(self.move_log, 1)
        return panel

    def _spin(self, name: str, label: str, lo: float, hi: float, step: float,
              decimals: int) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(label)
        spin.setRange(lo, hi)
        spin.setSingleStep(step)
        spin.setDecimals(decimals)
        spin.setKeyboardTracking(False)
        return spin

    def _button(self, name: str, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        return button

    # -- model <-> controls -------------------------------------------------------------
    def _bind_params(self) -> None:
        self.start.valueChanged.connect(lambda v: setattr(self.params, "start", float(v)))
        self.step_size.valueChanged.connect(lambda v: setattr(self.params, "step", float(v)))
        self.first_direction.currentIndexChanged.connect(
            lambda i: setattr(self.params, "first_direction",
                              int(self.first_direction.itemData(i))))
        self.halve_step.toggled.connect(
            lambda on: setattr(self.params, "halve_when_stuck", bool(on)))
        # Any settled change of the rules starts a fresh game; the controls follow the model.
        self.params.events.connect(self._on_params_changed)

    def _on_params_changed(self, *_args) -> None:
        self._sync_controls()
        self.reset()

    def _sync_controls(self) -> None:
        p = self.params
        for widget, value in ((self.start, p.start), (self.step_size, p.step)):
            if widget.value() != value:
                widget.blockSignals(True)
                widget.setValue(value)
                widget.blockSignals(False)
        index = self.first_direction.findData(p.first_direction)
        if index != self.first_direction.currentIndex():
            self.first_direction.blockSignals(True)
            self.first_direction.setCurrentIndex(index)
            self.first_direction.blockSignals(False)
        if self.halve_step.isChecked() != p.halve_when_stuck:
            self.halve_step.blockSignals(True)
            self.halve_step.setChecked(p.halve_when_stuck)
            self.halve_step.blockSignals(False)
        choice = self.function_choice.findData(self.curve.name if self.curve.name in CURVES
                                               and CURVES[self.curve.name] is self.curve else TYPED)
        self.function_choice.setCurrentIndex(choice)
        if not self.function_text.hasFocus() or self.function_error.isHidden():
            self.function_text.setText(p.function)

    # -- choosing the function -----------------------------------------------------------
    def set_function(self, text: str) -> bool:
        """Use a new d(x); on a mistake, say what is wrong and keep the last good one."""
        try:
            curve = curve_for(text)
        except ExpressionError as error:
            self.function_error.setText(f"{error}. The game still uses d(x) = "
                                        f"{formula(self.curve.text)}.")
            self.function_error.show()
            return False
        self.function_error.hide()
        self.curve = curve
        if self.params.function == curve.text:
            self._on_params_changed()
        else:
            self.params.function = curve.text
        return True

    def _on_plot_clicked(self, x: float) -> None:
        # Round to a tenth so a click gives numbers a class can follow by hand.
        self.params.start = float(np.clip(round(x, 1), -START_LIMIT, START_LIMIT))

    # -- the contract ---------------------------------------------------------------------
    def reset(self) -> None:
        super().reset()
        try:
            self.game = self._new_game()
        except ValueError as error:
            # The previous game belongs to another curve or start: it must neither be drawn
            # nor go on playing under the new settings.
            self.game = None
            self.dark_game = None
            self.start_problem = f"{error}."
            self.status.emit(str(error))
            self._redraw()
            return
        self.start_problem = None
        self.dark_game = self._new_dark_game() if self.dark_room else None
        self.revealed = False
        self._redraw()

    def advance(self) -> bool:
        if self.dark_room:
            # In the dark the Step key is "move right"; the class has ← for the other way.
            self.dark_move(+1)
            return False
        if self.game is None:
            self.status.emit(self.why_not_playing())
            return False
        move = self.game.step()
        if move is None:
            self.status.emit("The game is over. Press Reset (R) to play again.")
            return False
        self.status.emit(self._describe(move))
        self._redraw()
        return not self.game.done

    def can_play(self) -> bool:
        return not self.dark_room and self.game is not None and not self.game.done

    def why_not_playing(self) -> str:
        if self.dark_room:
            return "In the dark room the class chooses every move: use ← and →."
        if self.game is None:
            return self.start_problem or "Pick another start."
        return super().why_not_playing()

    def state(self) -> dict:
        p = self.params
        return {
            "function": p.function,
            "start": p.start,
            "step": p.step,
            "first_direction": p.first_direction,
            "halve_when_stuck": p.halve_when_stuck,
            "dark_room": self.dark_room,
        }

    def restore(self, state: dict) -> None:
        curve = curve_for(state.get("function", self.params.function))  # may raise: nothing changed
        with self.params.events.blocked():
            self.params.function = curve.text
            self.params.start = float(state.get("start", self.params.start))
            self.params.step = float(state.get("step", self.params.step))
            self.params.first_direction = int(state.get("first_direction", 1))
            self.params.halve_when_stuck = bool(state.get("halve_when_stuck", False))
        self.curve = curve
        self.dark_room_toggle.setChecked(bool(state.get("dark_room", False)))
        self._on_params_changed()

    def refresh_view(self) -> None:
        self._redraw()  # the dark room hides the function box by itself

    def set_colorblind(self, on: bool) -> None:
        super().set_colorblind(on)
        self.plot.apply_palette()
        self._redraw()

    # -- dark room ------------------------------------------------------------------------
    def set_dark_room(self, on: bool) -> None:
        if on == self.dark_room:
            return
        self.pause()
        self.dark_room = on
        if self.dark_room_toggle.isChecked() != on:
            self.dark_room_toggle.setChecked(on)
        self._move_left_key.setEnabled(on)
        self.reset()

    def dark_move(self, direction: int) -> None:
        if not self.dark_room or self.dark_game is None:
            return
        if self.revealed:
            self.status.emit("The curve is revealed. Press Reset (R) for a new round in the dark.")
            return
        move = self.dark_game.move(direction)
        word = "hotter" if move.hotter else "colder"
        self.status.emit(f"Move {move.number}: {word}")
        self._redraw()

    def reveal(self) -> None:
        if not self.dark_room or self.dark_game is None:
            return
        self.revealed = True
        self._redraw()

    # -- drawing --------------------------------------------------------------------------
    def _new_game(self) -> HotColdGame:
        p = self.params
        return HotColdGame(self.curve.f, p.start, p.step, p.first_direction, p.halve_when_stuck)

    def _new_dark_game(self) -> DarkRoomGame:
        return DarkRoomGame(self.curve.f, self.params.start, self.params.step)

    def _describe(self, move: Move) -> str:
        word = "hotter" if move.hotter else "colder"
        text = (f"Move {move.number}: x {number(move.x_from)} → {number(move.x_to)}, "
                f"d {number(move.d_from)} → {number(move.d_to)}: {word}")
        if not move.accepted:
            text += " — go back and try the other side"
        return text

    def _redraw(self) -> None:
        in_dark = self.dark_room and self.dark_game is not None
        secret = in_dark and not self.revealed
        game = self.dark_game if in_dark else self.game
        moves = game.history if game is not None else []
        walker = (game.x, game.d_x) if game is not None else (self.params.start, math.nan)

        lo, hi = self.curve.bounds
        xs_seen = [self.params.start] + [m.x_to for m in moves]
        lo, hi = min(lo, *xs_seen), max(hi, *xs_seen)
        margin = 0.04 * (hi - lo)
        lo, hi = lo - margin, hi + margin
        # The curve, its axis and its label change far less often than the moves do: a
        # frame that redraws them all costs several times one that does not.
        curve_key = (self.curve.text, lo, hi, secret)
        if curve_key != self._curve_key:
            xs = np.linspace(lo, hi, CURVE_SAMPLES)
            self._curve_ys = np.asarray(self.curve.f(xs), dtype=float)
            self.plot.show_curve(xs, self._curve_ys, visible=not secret)
            self._curve_key = curve_key
        ys = self._curve_ys
        self.plot.show_moves(moves, walker, self.params.start, secret=secret)
        self.function_box.setVisible(not secret)
        self.heading.setText("d(x) = ?   (hidden in the dark room)" if secret
                             else f"d(x) = {formula(self.curve.text)}")
        if secret:
            self.plot.set_view((lo, hi), (-max(len(moves), 8) - 0.8, 1.0))
        else:
            finite = ys[np.isfinite(ys)]
            y_lo, y_hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            pad = 0.08 * (y_hi - y_lo or 1.0)
            self.plot.set_view((lo, hi), (y_lo - pad, y_hi + 2 * pad))

        self._fill_log(moves, secret)
        self._enable_controls()
        self.move_left.setEnabled(in_dark and not self.revealed)
        self.move_right.setEnabled(in_dark and not self.revealed)
        self.reveal_button.setEnabled(in_dark and not self.revealed)
        self.dark_counter.setVisible(in_dark)
        if in_dark:
            self._show_dark_result()
        else:
            self._show_result()

    def _enable_controls(self) -> None:
        # The dark room plays by hand: no automatic first direction, no automatic halving.
        self.halve_step.setEnabled(not self.dark_room)
        self.first_direction.setEnabled(not self.dark_room)

    def _fill_log(self, moves: list[Move], secret: bool) -> None:
        table = self.move_log
        # Rows read differently in the dark room and take the palette's colours.
        look = (secret, self.dark_room, theme.HOT, theme.COLD)
        if look != self._log_look:
            self._log_rows = []
            self._log_look = look
        del self._log_rows[len(moves):]
        written = table.rowCount() != len(moves)
        if written:
            table.setRowCount(len(moves))
        for row, move in enumerate(moves):
            if row < len(self._log_rows) and self._log_rows[row] == move:
                continue  # written already: a long game refills only its new rows
            written = True
            colour = QColor(theme.HOT if move.hotter else theme.COLD)
            colour.setAlpha(40)
            word = "hotter" if move.hotter else "colder"
            if not move.accepted and not self.dark_room:
                word += ", back"
            cells = (number(move.x_from), number(move.x_to),
                     "?" if secret else number(move.d_from),
                     "?" if secret else number(move.d_to), word)
            for col, text in enumerate(cells):
                item = table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    table.setItem(row, col, item)
                item.setText(text)
                item.setBackground(colour)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self._log_rows[row:row + 1] = [move]
        if moves and written:
            # Scrolling lays the table out again: only a new row needs it.
            table.scrollToBottom()

    def _show_result(self) -> None:
        game = self.game
        self.halve_and_retry.hide()
        self.plot.show_minimum(None)
        if game is None:
            self.result.setText(f"<b>{self.start_problem}</b>")
            return
        if not game.done:
            self.result.setText(
                f"At x = {number(game.x)}, d = {number(game.d_x)} after {game.moves} "
                f"move{'s' if game.moves != 1 else ''}. Press Step (→) or Play (Space).")
            return
        if game.reason == hot_cold.GAVE_UP:
            self.result.setText(
                f"<b>Still going down after {game.moves} moves.</b> This curve may have no "
                "lowest point within reach.")
            return
        if self._show_blocked_result(game):
            return
        self.plot.show_minimum((game.x, game.d_x))
        missed = hot_cold.missed_minimum(game, self.curve.minima)
        found = "Stopped" if missed is not None else "Minimum found"
        text = (f"<b>{found} at x = {number(game.x)}, d = {number(game.d_x)}</b> "
                f"after {game.moves} moves")
        if game.reason == hot_cold.PRECISION:
            text += (f", halving the step {game.halvings} times (down to "
                     f"{number(game.step_size, 3)}).")
        else:
            text += ": both sides are worse."
        if missed is not None:
            text += (f"<br>But the true lowest point is at x = {number(missed)}, d = "
                     f"{number(float(self.curve.f(missed)))}: a step of {number(game.step_size)} "
                     "jumps over it. The step is too coarse.")
            self.halve_and_retry.show()
        elif self.curve.minima:
            best = self.curve.minima[0]
            if abs(best - game.x) > max(game.step_size, 1e-6) and \
                    float(self.curve.f(best)) < game.d_x - 1e-12:
                text += (f"<br>This is a low point, but not the lowest: d goes down to "
                         f"{number(float(self.curve.f(best)))} at x = {number(best)}.")
        self.result.setText(text)

    def _show_blocked_result(self, game: HotColdGame) -> bool:
        """Say why the game stopped when a side had no number; False if none was missing."""
        blocked = [m for m in game.blocked_by if not m.d_to > 0]  # nan or −∞; +∞ is higher
        if not blocked:
            return False
        move = blocked[-1]
        text = (f"<b>Stopped at x = {number(game.x)}, d = {number(game.d_x)}</b> after "
                f"{game.moves} moves. ")
        if move.d_to < 0:
            text += (f"At x = {number(move.x_to)}, d falls below anything the computer can "
                     "hold (−∞): d keeps falling without end, so the game diverged. This "
                     "curve has no lowest point here.")
        else:
            text += (f"d is undefined at x = {number(move.x_to)}, so that side cannot be "
                     "compared: this may not be the lowest point.")
        self.result.setText(text)
        return True

    def _show_dark_result(self) -> None:
        dark = self.dark_game
        self.halve_and_retry.hide()
        self.dark_counter.setText(f"Moves: {dark.moves}")
        if not self.revealed:
            self.plot.show_minimum(None)
            last = dark.history[-1] if dark.history else None
            heard = "" if last is None else (
                "<b>Hotter!</b>" if last.hotter else "<b>Colder…</b>")
            self.result.setText(f"{heard} Where is the lowest point? Steer with ← and →, "
                                "then press Reveal.")
            return
        auto = HotColdGame(self.curve.f, self.params.start, self.params.step)
        auto.run()
        self.plot.show_minimum((auto.x, auto.d_x))
        self.result.setText(
            f"<b>The class made {dark.moves} moves</b>; the lowest place visited was x = "
            f"{number(dark.best_x)}, d = {number(dark.best_d)}.<br>The automatic player "
            f"needed {auto.moves} moves from x = {number(self.params.start)} and stopped at "
            f"x = {number(auto.x)}, d = {number(auto.d_x)}.")

    def _halve_and_retry(self) -> None:
        self.params.step = self.params.step / 2
        self.play()
