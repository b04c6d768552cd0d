"""Handwritten digits: the network builder on its digits task.

Left: the network (hidden layers, activation, optimizer, learning rate, batch, epochs)
and the training run (Train, Cancel, progress, held-out accuracy). Middle top: a pad to
draw a digit on, the 8 × 8 picture the network actually reads, and its probability for
each digit, updated while you draw. Right top: the confusion matrix of the held-out
digits. Below: the first layer's weights as pictures and the gallery of mistakes.

The model is :class:`desktop_app.model.digits.DigitsLab`; every number shown comes from
it. Training runs in slices on the tab's timer (a few milliseconds of mini-batches per
frame, at most one epoch), so the window answers clicks and drawing all the while; the
speed bar sets the frames per second (15 for each step of speed, 7.5 to 60). Train starts
a fresh run; Play (Space) carries on with the same network (a cancelled run to its end, a
finished one for another run of epochs); Step (→) trains one more epoch.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import qthrottled

from desktop_app.model import digits as digitsmod
from desktop_app.model.digits import DigitsLab, digit_from_drawing, parse_hidden
from desktop_app.model.optimizers import OPTIMIZER_NAMES
from desktop_app.model.optimizers import TITLES as OPTIMIZER_TITLES
from desktop_app.model.surface_race import (
    LR_MAX_EXPONENT,
    LR_MIN_EXPONENT,
    LR_NOTCHES_PER_DECADE,
    lr_from_notch,
    notch_from_lr,
)
from desktop_app.ui import theme
from desktop_app.ui.digits_pad import DrawPad
from desktop_app.ui.digits_plots import (
    ConfusionPlot,
    DigitView,
    FirstLayerPlot,
    MistakesGallery,
    ProbabilityPlot,
)
from desktop_app.ui.plot_range import set_range_now
from desktop_app.ui.quiet_box import QuietBox
from desktop_app.ui.tab import Tab
from desktop_app.ui.text_format import number

#: Frames per second = FRAMES_PER_SPEED × the speed bar's value, within these limits.
FRAMES_PER_SPEED = 15.0
MIN_FPS, MAX_FPS = 7.5, 60.0
#: Each frame trains for at most this long (whole mini-batches, at most one epoch).
SLICE_SECONDS = 0.015
#: The drawing is read at most this often while the pen moves (milliseconds).
READ_EVERY_MS = 40
ACTIVATION_TITLES = {"tanh": "tanh", "relu": "ReLU", "sigmoid": "sigmoid",
                     "linear": "linear (none)"}
BLEW_UP = ("The numbers blew up: try a smaller learning rate, then press Train.")
UNTRAINED = "Untrained: press Train (about a second)."


def _percent(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{100 * value:.1f}%"


def _heading(text: str, name: str, tip: str = "") -> QLabel:
    label = QLabel(text)
    label.setToolTip(tip)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #444444;")
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class DigitsTab(Tab):
    key = "digits"
    title = "Digits"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = DigitsLab()
        self.settings = self.lab.settings
        self._from_timer = False
        self._drawing_values = np.zeros(64)
        self._accuracy_x_range: tuple[int, int] | None = None
        self._hidden_error = ""
        #: Parts of the last epoch's results still to show (see ``_draw_tick``).
        self._later: list = []

        self.pad = DrawPad()
        self.network_view = DigitView("network_view", "The 8 by 8 picture the network reads")
        self.probability_plot = ProbabilityPlot()
        self.confusion_plot = ConfusionPlot()
        self.first_layer_plot = FirstLayerPlot()
        self.mistakes = MistakesGallery()
        self.accuracy_plot = pg.PlotWidget(background=theme.BACKGROUND)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self._build_drawing())
        top.addWidget(self._build_confusion())
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([560, 400])
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self._build_first_layer())
        self._mistakes_holder = QuietBox(self._build_mistakes())
        bottom.addWidget(self._mistakes_holder)
        bottom.setStretchFactor(0, 1)
        bottom.setStretchFactor(1, 1)
        bottom.setSizes([480, 480])
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(top)
        right.addWidget(bottom)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([400, 290])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_controls())
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([290, 970])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self.pad.drawn.connect(self._read_drawing)
        self.pad.changed.connect(self._read_drawing_now)
        undo = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.pad.undo)
        self.playing_changed.connect(self._on_playing_changed)
        self._bind()
        self.settings.events.connect(self._on_setting)
        self.lab.changed.connect(self._on_lab_changed)
        self._sync_controls()
        self._show_everything()

    # -- building ------------------------------------------------------------------------------
    def _build_controls(self) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(2, 0, 4, 0)
        column.setSpacing(6)

        net_box = QGroupBox("The network")
        form = QFormLayout(net_box)
        form.setContentsMargins(6, 4, 6, 4)
        self.hidden_layers = QLineEdit()
        self.hidden_layers.setObjectName("hidden_layers")
        self.hidden_layers.setAccessibleName("Hidden layers: neurons in each, separated by "
                                             "commas")
        self.hidden_layers.setPlaceholderText("e.g. 32 or 64, 32 (empty: none)")
        self.hidden_layers.setToolTip(
            "How many neurons in each hidden layer, separated by commas: 32 is one hidden "
            f"layer of 32, 64, 32 two layers. At most {digitsmod.MAX_HIDDEN_LAYERS} layers of "
            f"{digitsmod.MAX_NEURONS}. Leave it empty for none: ten neurons, one per digit, "
            "look straight at the 64 pixels.")
        self.hidden_error = QLabel()
        self.hidden_error.setObjectName("hidden_layers_error")
        self.hidden_error.setWordWrap(True)
        self.hidden_error.setStyleSheet(f"color: {theme.ERROR_TEXT};")
        self.hidden_error.hide()
        self.activation = self._combo("activation", "Activation of the hidden neurons")
        for name in digitsmod.HIDDEN_ACTIVATIONS:
            self.activation.addItem(ACTIVATION_TITLES[name], name)
        self.shape = QLabel()
        self.shape.setObjectName("network_shape")
        self.shape.setWordWrap(True)
        form.addRow("Hidden layers", self.hidden_layers)
        form.addRow(self.hidden_error)
        form.addRow("Activation", self.activation)
        form.addRow(self.shape)
        column.addWidget(net_box)

        how_box = QGroupBox("How it learns")
        form = QFormLayout(how_box)
        form.setContentsMargins(6, 4, 6, 4)
        self.optimizer = self._combo("optimizer", "Optimizer")
        for name in OPTIMIZER_NAMES:
            self.optimizer.addItem(OPTIMIZER_TITLES[name], name)
        self.learning_rate = QSlider(Qt.Orientation.Horizontal)
        self.learning_rate.setObjectName("learning_rate")
        self.learning_rate.setAccessibleName("Learning rate (log scale)")
        self.learning_rate.setRange(LR_MIN_EXPONENT * LR_NOTCHES_PER_DECADE,
                                    LR_MAX_EXPONENT * LR_NOTCHES_PER_DECADE)
        self.learning_rate.setPageStep(LR_NOTCHES_PER_DECADE // 2)
        self.learning_rate.setToolTip("A log scale: 20 notches = 10 times bigger")
        self.learning_rate_value = QLabel()
        self.learning_rate_value.setObjectName("learning_rate_value")
        self.learning_rate_value.setMinimumWidth(44)
        lr_row = QHBoxLayout()
        lr_row.addWidget(self.learning_rate, 1)
        lr_row.addWidget(self.learning_rate_value)
        self.batch_size = self._spin("batch_size", "Batch size", 1, digitsmod.MAX_BATCH)
        self.batch_size.setToolTip("How many training digits each step looks at")
        self.epochs = self._spin("epochs", "Epochs to train", 1, digitsmod.MAX_EPOCHS)
        self.epochs.setToolTip("An epoch is one pass over all the training digits")
        self.l2 = QDoubleSpinBox()
        self.l2.setObjectName("l2")
        self.l2.setAccessibleName("Penalty on big weights (L2)")
        self.l2.setRange(0.0, digitsmod.MAX_L2)
        self.l2.setDecimals(5)
        self.l2.setSingleStep(0.0001)
        self.l2.setKeyboardTracking(False)
        self.l2.setToolTip("Adds ½ · L2 · (sum of the squared weights) to the loss: weights "
                           "that do not help shrink to zero, so the first layer's pictures "
                           "show only what matters. 0 = no penalty.")
        self.seed = self._spin("seed", "Random seed of the starting weights", 0,
                               digitsmod.MAX_SEED)
        self.seed.setToolTip("The same seed gives the same starting weights and the same "
                             "order of the training digits")
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", lr_row)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Epochs", self.epochs)
        form.addRow("Weight penalty", self.l2)
        form.addRow("Seed", self.seed)
        note = QLabel("Changes are used from the next Train.")
        note.setObjectName("settings_note")
        note.setStyleSheet("color: #555555;")
        form.addRow(note)
        column.addWidget(how_box)

        train_box = QGroupBox("Training")
        train_layout = QVBoxLayout(train_box)
        train_layout.setContentsMargins(6, 4, 6, 4)
        buttons = QHBoxLayout()
        self.train_button = QPushButton("Train")
        self.train_button.setObjectName("train")
        self.train_button.setAccessibleName("Train a fresh network")
        self.train_button.setToolTip("Fresh weights from the seed, then train for the chosen "
                                     "number of epochs")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setAccessibleName("Cancel training")
        self.cancel_button.setToolTip("Stop training now, keeping what was learnt so far "
                                      "(Play carries on)")
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.cancel_button)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setAccessibleName("Training progress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.accuracy = QLabel()
        self.accuracy.setObjectName("accuracy")
        self.accuracy.setAccessibleName("Held-out accuracy")
        self.accuracy.setWordWrap(True)
        font = self.accuracy.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.accuracy.setFont(font)
        self.accuracy_detail = QLabel()
        self.accuracy_detail.setObjectName("accuracy_detail")
        self.accuracy_detail.setWordWrap(True)
        self.loss = QLabel()
        self.loss.setObjectName("loss")
        self.loss.setWordWrap(True)
        self.training_status = QLabel()
        self.training_status.setObjectName("training_status")
        self.training_status.setWordWrap(True)
        self.accuracy_plot.setObjectName("accuracy_curve")
        self.accuracy_plot.setAccessibleName("Held-out accuracy after each epoch")
        self.accuracy_plot.setMinimumHeight(100)
        self.accuracy_plot.setMaximumHeight(120)
        item = self.accuracy_plot.getPlotItem()
        theme.style_plot(item, "epoch", "held-out %")
        item.setMouseEnabled(x=False, y=False)
        item.setYRange(0, 100, padding=0.02)
        item.addItem(pg.InfiniteLine(pos=95, angle=0, movable=False,
                                     pen=pg.mkPen(theme.MINIMUM, width=1,
                                                  style=Qt.PenStyle.DashLine)))
        self.accuracy_curve = item.plot(pen=pg.mkPen(theme.COLD, width=2))
        train_layout.addLayout(buttons)
        train_layout.addWidget(self.progress)
        # The words change every epoch: in quiet boxes they repaint themselves only, not
        # the whole column around them.
        train_layout.addWidget(QuietBox(self.accuracy))
        train_layout.addWidget(QuietBox(self.accuracy_detail))
        train_layout.addWidget(self.accuracy_plot)
        train_layout.addWidget(QuietBox(self.loss))
        train_layout.addWidget(QuietBox(self.training_status))
        column.addWidget(train_box)

        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("digits_controls")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(250)
        for bar, direction in ((scroll.verticalScrollBar(), "vertical"),
                               (scroll.horizontalScrollBar(), "horizontal")):
            bar.setObjectName(f"digits_controls_{direction}_scroll")
            bar.setAccessibleName(f"Scroll the controls ({direction})")
        return scroll

    def _build_drawing(self) -> QWidget:
        box = QGroupBox("Draw a digit")
        grid = QHBoxLayout(box)
        grid.setContentsMargins(6, 4, 6, 4)
        left = QVBoxLayout()
        left.addWidget(self.pad, 1)
        buttons = QHBoxLayout()
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undo")
        self.undo_button.setAccessibleName("Undo the last stroke")
        self.undo_button.setToolTip("Remove the last stroke (Ctrl+Z)")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("clear")
        self.clear_button.setAccessibleName("Clear the drawing")
        self.clear_button.setToolTip("Start a new drawing (Delete)")
        self.undo_button.clicked.connect(self.pad.undo)
        self.clear_button.clicked.connect(self.pad.clear)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.clear_button)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addWidget(_heading(
            "What the network reads (ink per square)", "network_view_heading",
            "Your drawing is cut to the box around its ink, scaled to 32 × 32 black-and-white "
            "pixels and the ink counted in each 4 × 4 square: 64 numbers from 0 to 16, made "
            "the way the digits the network learnt from were made."))
        right.addWidget(self.network_view, 3)
        self.guess = QLabel()
        self.guess.setObjectName("guess")
        self.guess.setAccessibleName("The network's guess")
        self.guess.setWordWrap(True)
        font = self.guess.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.guess.setFont(font)
        self._guess_box = QuietBox(self.guess)
        right.addWidget(self._guess_box)
        right.addWidget(self.probability_plot, 3)
        grid.addLayout(left, 5)
        grid.addLayout(right, 4)
        return box

    def _build_confusion(self) -> QWidget:
        box = QGroupBox("Confusion matrix")
        column = QVBoxLayout(box)
        column.setContentsMargins(6, 4, 6, 4)
        column.addWidget(_heading(
            "Held-out digits: row = true digit, column = guess", "confusion_heading",
            "Each square counts the held-out digits of its row's digit that the network read "
            "as its column's digit. The diagonal is what it got right; everything else is a "
            "mistake."))
        column.addWidget(self.confusion_plot, 1)
        credit = QLabel("The digits: UCI “Optical Recognition of Handwritten Digits” by "
                        f"E. Alpaydin and C. Kaynak (1998), CC BY 4.0: "
                        f"{self.lab.train_idx.size} for training, {self.lab.test_idx.size} "
                        "held out.")
        credit.setObjectName("digits_credit")
        credit.setWordWrap(True)
        credit.setStyleSheet("color: #666666;")
        credit.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(credit)
        return box

    def _build_first_layer(self) -> QWidget:
        box = QGroupBox("First layer")
        column = QVBoxLayout(box)
        column.setContentsMargins(6, 4, 6, 4)
        self.first_layer_heading = _heading("", "first_layer_heading")
        column.addWidget(self.first_layer_heading)
        column.addWidget(self.first_layer_plot, 1)
        return box

    def _build_mistakes(self) -> QWidget:
        self.mistakes_box = QGroupBox("Mistakes")
        column = QVBoxLayout(self.mistakes_box)
        column.setContentsMargins(6, 4, 6, 4)
        self.mistakes_heading = _heading("", "mistakes_heading")
        column.addWidget(self.mistakes_heading)
        column.addWidget(self.mistakes, 1)
        return self.mistakes_box

    def _combo(self, name: str, label: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(label)
        return combo

    def _spin(self, name: str, label: str, lo: int, hi: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(label)
        spin.setRange(lo, hi)
        spin.setKeyboardTracking(False)
        return spin

    # -- controls -> settings --------------------------------------------------------------------
    def _bind(self) -> None:
        s = self.settings

        def field(name, convert=lambda v: v):
            return lambda value: setattr(s, name, convert(value))

        def from_combo(combo, name):
            return lambda index: setattr(s, name, combo.itemData(index))

        self.hidden_layers.editingFinished.connect(self._on_hidden_entered)
        self.activation.activated.connect(from_combo(self.activation, "activation"))
        self.optimizer.activated.connect(from_combo(self.optimizer, "optimizer"))
        self.learning_rate.valueChanged.connect(field("learning_rate", lr_from_notch))
        self.batch_size.valueChanged.connect(field("batch_size", int))
        self.epochs.valueChanged.connect(field("epochs", int))
        self.seed.valueChanged.connect(field("seed", int))
        self.l2.valueChanged.connect(field("l2", float))
        self.train_button.clicked.connect(self.start_training)
        self.cancel_button.clicked.connect(self.cancel)

    def _on_hidden_entered(self) -> None:
        try:
            hidden = parse_hidden(self.hidden_layers.text())
        except ValueError as error:
            message = str(error)
            self._hidden_error = message[:1].upper() + message[1:] + "."
            self.hidden_error.setText(self._hidden_error)
            self.hidden_error.show()
            return
        self._hidden_error = ""
        self.hidden_error.hide()
        self.settings.hidden = hidden
        self._sync_controls()

    # -- settings -> controls ----------------------------------------------------------------------
    def _sync_controls(self) -> None:
        s = self.settings

        def put(widget, setter, value, getter):
            if getter() != value:
                widget.blockSignals(True)
                setter(value)
                widget.blockSignals(False)

        def put_combo(combo, value):
            put(combo, combo.setCurrentIndex, combo.findData(value), combo.currentIndex)

        hidden_text = ", ".join(str(n) for n in s.hidden)
        if not self.hidden_layers.hasFocus() or not self._hidden_error:
            put(self.hidden_layers, self.hidden_layers.setText, hidden_text,
                self.hidden_layers.text)
        put_combo(self.activation, s.activation)
        self.activation.setEnabled(bool(s.hidden))
        put_combo(self.optimizer, s.optimizer)
        if lr_from_notch(self.learning_rate.value()) != s.learning_rate:
            put(self.learning_rate, self.learning_rate.setValue,
                notch_from_lr(s.learning_rate), self.learning_rate.value)
        self.learning_rate_value.setText(number(s.learning_rate, 3))
        put(self.batch_size, self.batch_size.setValue, s.batch_size, self.batch_size.value)
        put(self.epochs, self.epochs.setValue, s.epochs, self.epochs.value)
        put(self.seed, self.seed.setValue, s.seed, self.seed.value)
        put(self.l2, self.l2.setValue, s.l2, self.l2.value)
        sizes = (64, *s.hidden, 10)
        count = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
        self.shape.setText(f"{' → '.join(str(n) for n in sizes)}: {count:,} weights and "
                           "biases; softmax turns the 10 outputs into probabilities.")

    def _on_setting(self, info) -> None:
        self._sync_controls()
        name = info.signal.name
        if name == "epochs" and not self.lab.finished:
            # The run under way stops at the new number of epochs.
            self.lab.target = max(self.settings.epochs, self.lab.epoch)
            self._show_progress()
        elif not self.lab.trained and not self.playing:
            # An untrained network may as well have the new shape at once.
            self.lab.new_network()

    # -- training ---------------------------------------------------------------------------------
    def start_training(self) -> None:
        """Train: a fresh network from the settings, then play to the last epoch."""
        self._on_hidden_entered_if_edited()
        self.pause()
        self.lab.new_network()
        self.status.emit(f"Training {self._shape_text()} for {self.lab.target} epochs…")
        self.play()

    def _on_hidden_entered_if_edited(self) -> None:
        if self.hidden_layers.isModified():
            self.hidden_layers.setModified(False)
            self._on_hidden_entered()

    def cancel(self) -> None:
        if self.playing:
            self.pause()
            self.status.emit(f"Training cancelled at epoch {self.lab.epoch}: the network "
                             "keeps what it learnt. Play (Space) carries on.")

    def _shape_text(self) -> str:
        return " → ".join(str(n) for n in self.lab.layer_sizes)

    def play(self) -> None:
        lab = self.lab
        if lab.finished and not lab.diverged and not self.playing:
            # A finished run: Play trains the same network for another run of epochs.
            lab.target = lab.epoch + self.settings.epochs
            self._show_progress()
        super().play()

    def can_play(self) -> bool:
        return not self.lab.diverged

    def why_not_playing(self) -> str:
        return BLEW_UP

    def set_speed(self, steps_per_second: float) -> None:
        fps = min(MAX_FPS, max(MIN_FPS, FRAMES_PER_SPEED * float(steps_per_second)))
        super().set_speed(fps)

    def advance(self) -> bool:
        lab = self.lab
        if lab.diverged:
            self.status.emit(BLEW_UP)
            return False
        if self._from_timer:
            if lab.finished:
                return False
            finished = lab.train_slice(SLICE_SECONDS, max_epochs=1)
        else:
            finished = lab.train_epochs(1)
            lab.target = max(lab.target, lab.epoch)
        self._draw_tick(finished)
        if lab.diverged:
            self.status.emit(BLEW_UP)
            return False
        if self._from_timer and lab.finished:
            self.status.emit(f"Trained {lab.epoch} epochs: {_percent(lab.test_accuracy())} of "
                             "the held-out digits read correctly.")
            return False
        if not self._from_timer:
            self.status.emit(f"Epoch {lab.epoch}: {_percent(lab.test_accuracy())} of the "
                             "held-out digits read correctly.")
        return True

    def _tick(self) -> None:
        self._from_timer = True
        try:
            going = self.advance()
        finally:
            self._from_timer = False
        if not going:
            self.pause()

    def reset(self) -> None:
        super().reset()
        self.lab.new_network()
        self.status.emit("A fresh, untrained network: press Train.")

    def _on_playing_changed(self, playing: bool) -> None:
        self.train_button.setEnabled(True)
        self.cancel_button.setEnabled(playing)
        self._show_progress()

    def _on_lab_changed(self, what: str) -> None:
        if what in ("network", "settings"):
            self._sync_controls()
            self._show_everything()

    # -- showing -------------------------------------------------------------------------------
    def _show_everything(self) -> None:
        self._show_progress()
        self._show_results()
        self.cancel_button.setEnabled(self.playing)

    def _show_progress(self) -> None:
        lab = self.lab
        self.progress.setValue(round(1000 * lab.progress))
        self.progress.setFormat(f"epoch {lab.epoch} of {lab.target}")
        if lab.diverged:
            text = BLEW_UP
        elif self.playing:
            text = f"Training {self._shape_text()}…"
        elif not lab.trained:
            text = UNTRAINED
        elif lab.finished:
            text = f"Done: {lab.epoch} epochs."
        else:
            text = f"Stopped at epoch {lab.epoch} of {lab.target}: Play (Space) carries on."
        self.training_status.setText(text)

    def _draw_tick(self, epochs_finished: int) -> None:
        """What one step of training shows.

        On the timer, the progress bar follows every frame, and the results of the epochs
        take turns, one part a frame: the accuracy and loss, the confusion matrix, the
        neuron pictures, the mistakes and the reading of the drawing. All of them in one
        frame took longer than a frame should, and an epoch often takes a single frame. A
        step by hand, the end of the run and a pause show everything at once.
        """
        self._show_progress()
        lab = self.lab
        if not self._from_timer or lab.diverged or lab.finished:
            if epochs_finished or lab.diverged or self._later:
                self._show_results()
            return
        if epochs_finished:
            for part in (self._show_numbers, self._show_confusion, self._show_first_layer,
                         self._show_mistakes, self._refresh_reading):
                if part not in self._later:
                    self._later.append(part)
        if self._later:
            self._later.pop(0)()

    def pause(self) -> None:
        super().pause()
        if self._later:
            self._show_results()

    def _show_results(self) -> None:
        self._later = []
        self._show_numbers()
        self._show_confusion()
        self._show_first_layer()
        self._show_mistakes()
        self._refresh_reading()

    def _show_numbers(self) -> None:
        """The held-out accuracy and the training loss, in words and as a curve."""
        lab = self.lab
        n_test = lab.test_y.size
        accuracy = lab.test_accuracy()
        right = int(round(accuracy * n_test))
        self.accuracy.setText(f"Held-out accuracy: {_percent(accuracy)}")
        self.accuracy_detail.setText(
            f"{right} of the {n_test} test digits read correctly; the network never trains "
            "on them.")
        loss = lab.losses[-1] if lab.losses else math.nan
        what = "cross-entropy + weight penalty" if lab.l2 else "cross-entropy"
        self.loss.setText(f"Training loss ({what}): {number(loss, 4)}"
                          if lab.losses else "Training loss: not trained yet")
        self.accuracy_curve.setData(np.arange(1, len(lab.accuracies) + 1),
                                    100.0 * np.asarray(lab.accuracies, dtype=np.float64))
        x_range = (0, max(lab.target, lab.epoch, 1))
        if x_range != self._accuracy_x_range:
            # The same range set again would still redraw both axes.
            self._accuracy_x_range = x_range
            set_range_now(self.accuracy_plot.getPlotItem().getViewBox(), x_range, padding=0.02)

    def _show_confusion(self) -> None:
        self.confusion_plot.show_counts(self.lab.confusion())

    def _show_first_layer(self) -> None:
        lab = self.lab
        no_hidden = len(lab.layer_sizes) == 2
        self.first_layer_plot.show_weights(lab.first_layer(), digit_captions=no_hidden)
        if no_hidden:
            self.first_layer_heading.setText(
                "No hidden layer: one picture per digit's output neuron; orange pixels vote "
                "for it, blue ones against.")
        else:
            self.first_layer_heading.setText(
                f"What each of the {lab.layer_sizes[1]} hidden neurons looks for: the weight "
                "from each pixel, orange positive, blue negative.")
        self.first_layer_heading.setToolTip(
            "Each small picture is one neuron; each of its squares the weight from that pixel "
            "of the 8 × 8 input. A neuron is excited when the ink falls on its orange "
            "squares and held back by ink on its blue ones. Each picture is scaled to its "
            "own largest weight.")

    def _show_mistakes(self) -> None:
        lab = self.lab
        mistakes = lab.mistakes()
        self.mistakes.show_mistakes(mistakes, lab.picture)
        n_test = lab.test_y.size
        self.mistakes_box.setTitle(f"Mistakes: {len(mistakes)} of {n_test}")
        self.mistakes_heading.setText(
            "Every held-out digit read wrongly. Some are hard even for people."
            if mistakes else "No mistakes on the held-out digits.")
        self._mistakes_holder.refit()

    # -- the drawing ---------------------------------------------------------------------------
    @qthrottled(timeout=READ_EVERY_MS, leading=True)
    def _read_drawing(self) -> None:
        self._read_drawing_now()

    def _read_drawing_now(self) -> None:
        self._drawing_values = digit_from_drawing(self.pad.ink_image())
        self._refresh_reading()

    def _refresh_reading(self) -> None:
        self._show_reading()
        self._guess_box.refit()

    def _show_reading(self) -> None:
        values = self._drawing_values
        self.network_view.show_values(values)
        if self.pad.is_empty:
            self.probability_plot.show_probabilities(None)
            self.guess.setText("Draw a digit on the pad.")
            return
        p = self.lab.read(values)
        self.probability_plot.show_probabilities(p)
        best = int(np.argmax(p))
        if not self.lab.trained:
            self.guess.setText(f"The untrained network guesses {best} "
                               f"({100 * p[best]:.0f}%): train it first.")
        else:
            self.guess.setText(f"The network reads: {best}  ({100 * p[best]:.0f}% sure)")

    def refresh_look(self) -> None:
        super().refresh_look()
        # Bigger text: the numbers in the squares may no longer fit.
        self.network_view.fit_texts()
        self.confusion_plot.fit_texts()

    # -- saving --------------------------------------------------------------------------------
    def state(self) -> dict:
        return self.lab.state()

    def restore(self, state: dict) -> None:
        self.pause()
        self.lab.restore(state)  # raises ValueError, changing nothing, on bad input
        self._sync_controls()
        self._show_everything()
