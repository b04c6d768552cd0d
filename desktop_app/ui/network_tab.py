"""The network builder: build a network of neurons nl(w1·x + w2·y + … + b), train it by
moving its constants, and watch what it learns.

Left: what to learn and how to train. Middle: the network itself (layers, neurons, every
weight) over two extra views — the linear collapse and the loss landscape. Right: the
examples with the network's answer, and the loss after every epoch.

The model is :class:`desktop_app.model.network_lab.NetworkLab`; every number drawn comes
from it. Step trains one epoch; Play trains "epochs per frame" epochs on every frame, up
to 60 frames a second (the speed bar slows the frames down for slow motion).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model import network_lab as labmod
from desktop_app.model.expression import ExpressionError
from desktop_app.model.network_lab import (
    CONVERGED,
    DIVERGED,
    LOSS_TITLES,
    REGULARIZATION_TITLES,
    TASK_DATASETS,
    TASK_TITLES,
    TASKS,
    TYPED,
    NetworkLab,
    dataset_title,
    layer_title,
)
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
from desktop_app.ui.network_collapse import CollapsePanel
from desktop_app.ui.network_diagram import NetworkDiagram
from desktop_app.ui.network_landscape import LandscapePanel
from desktop_app.ui.network_plots import NEGATIVE, POSITIVE, DataPlot, LossPlot, colours_for
from desktop_app.ui.tab import Tab
from desktop_app.ui.text_format import number

#: The decision / prediction heatmap is worked out on GRID × GRID points.
GRID = 64
#: Neuron pictures: PICTURE × PICTURE points (2-D) or PICTURE_1D points (1-D).
PICTURE = 20
PICTURE_1D = 40
#: While playing, the data picture is redrawn on every frame and the rest takes turns, one
#: part a frame (see ``NetworkTab._redraw``): the loss curves every LOSS_EVERY-th frame,
#: everything else every PICTURE_EVERY-th.
TURNS = ("loss", "weights", "numbers", "pictures", "loss", "collapse plot", "numbers",
         "collapse words")
PICTURE_EVERY = len(TURNS)
LOSS_EVERY = PICTURE_EVERY // TURNS.count("loss")
#: Points on the curve g(x) of the fit task.
CURVE_SAMPLES = 200
#: Frames per second = FRAMES_PER_SPEED × the speed bar's value, within these limits.
FRAMES_PER_SPEED = 15.0
MIN_FPS, MAX_FPS = 7.5, 60.0

DATA_HEADINGS = {
    "fit": ("The grey dashed line is the function f(x) we want; the blue line is the "
            "network's g(x). Dots are examples (● training, ■ test); each purple line is "
            "the gap g(x) − f(x) at a training example. Click to add an example."),
    "classify": ("Blue and orange dots are the two classes (● training, ■ test). The "
                 "background is the network's answer: blue where it says 'blue', orange "
                 "where it says 'orange'. Click to add a blue point, Shift+click an orange one."),
    "regress": ("The background is the network's answer; each dot is coloured by its true "
                "value (● training, ■ test). When the network is right, the dots melt into "
                "the background."),
    "article": ("Three inputs do not fit on a flat picture, so each dot is one example: "
                "across is its true value, up is the network's answer. A perfect network puts "
                "every dot on the dashed diagonal. The small pictures in the neurons show the "
                "slice z = 0."),
}

STATUS_STYLE = {
    CONVERGED: f"color: {theme.MINIMUM}; font-weight: bold;",
    DIVERGED: f"color: {theme.ERROR_TEXT}; font-weight: bold;",
}
BLEW_UP = "The numbers blew up: try a smaller learning rate, then press Reset (R)."


def _percent(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{100 * value:.0f} %"


class NetworkTab(Tab):
    key = "network"
    title = "Network builder"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = NetworkLab()
        self.settings = self.lab.settings
        self._from_timer = False
        self._frame = 0
        self._hover: tuple[str, int, int] | None = None
        self._combo_task = ""
        self._static: dict = {}

        self.diagram = NetworkDiagram()
        self.diagram.add_layer_clicked.connect(self.lab.add_hidden_layer)
        self.diagram.remove_layer_clicked.connect(self.lab.remove_hidden_layer)
        self.diagram.add_neuron_clicked.connect(self.lab.add_neuron)
        self.diagram.remove_neuron_clicked.connect(self.lab.remove_neuron)
        self.diagram.activation_chosen.connect(self.lab.set_activation)
        self.diagram.weight_typed.connect(self._on_weight_typed)
        self.diagram.neuron_hovered.connect(self._on_neuron_hovered)
        self.diagram.weight_hovered.connect(self._on_weight_hovered)
        self.formula_label = QLabel()
        self.formula_label.setObjectName("neuron_formula")
        self.formula_label.setAccessibleName("Formula of the neuron under the mouse")
        self.formula_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.formula_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.formula_label.setFont(font)
        # A neuron fed by 8 others has a long formula: it wraps onto a second line.
        self.formula_label.setWordWrap(True)
        self.formula_label.setMinimumHeight(2 * self.formula_label.fontMetrics().height() + 2)
        self.formula_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.formula_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.collapse_panel = CollapsePanel()
        self.collapse_panel.make_linear_clicked.connect(self._make_linear)
        self.landscape_panel = LandscapePanel()
        self.landscape_panel.requested.connect(self._compute_landscape)
        self.views = QTabWidget()
        self.views.setObjectName("network_views")
        self.views.setDocumentMode(True)
        self.views.addTab(self.collapse_panel, "Linear collapse")
        self.views.addTab(self.landscape_panel, "Loss landscape")
        self.views.currentChanged.connect(self._on_view_changed)

        self.data_plot = DataPlot()
        self.data_plot.clicked.connect(self._on_data_clicked)
        self.loss_plot = LossPlot()

        middle = QSplitter(Qt.Orientation.Vertical)
        diagram_box = QWidget()
        diagram_layout = QVBoxLayout(diagram_box)
        diagram_layout.setContentsMargins(0, 0, 0, 0)
        diagram_layout.setSpacing(2)
        diagram_layout.addWidget(self.diagram, 1)
        diagram_layout.addWidget(self.formula_label)
        middle.addWidget(diagram_box)
        middle.addWidget(self.views)
        # Every pane may shrink a long way (its content is clipped), so the window can be
        # made small without this tab forcing it wide or tall.
        diagram_box.setMinimumSize(200, 120)
        self.views.setMinimumSize(200, 100)
        middle.setStretchFactor(0, 1)
        middle.setStretchFactor(1, 1)
        middle.setSizes([370, 310])

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_controls())
        splitter.addWidget(middle)
        splitter.addWidget(self._build_results())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 5)
        splitter.setStretchFactor(2, 4)
        splitter.setSizes([285, 540, 430])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self.playing_changed.connect(self._on_playing_changed)
        self._bind()
        self.lab.changed.connect(self._on_lab_changed)
        self._on_lab_changed("data")

    # -- building ----------------------------------------------------------------------------
    def _build_controls(self) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(2, 0, 4, 0)
        column.setSpacing(6)

        task_box = QGroupBox("What should the network learn?")
        task_layout = QVBoxLayout(task_box)
        self.task = self._combo("task", "Task")
        for task in TASKS:
            self.task.addItem(TASK_TITLES[task], task)
        self.dataset = self._combo("dataset", "Examples to learn from")
        self.function_text = QLineEdit()
        self.function_text.setObjectName("function_text")
        self.function_text.setAccessibleName("Type a function f(x) to learn")
        self.function_text.setPlaceholderText("type f(x), e.g. sin(2x), then Enter")
        self.function_error = QLabel()
        self.function_error.setObjectName("function_error")
        self.function_error.setWordWrap(True)
        self.function_error.setStyleSheet(f"color: {theme.ERROR_TEXT};")
        self.function_error.hide()
        self.article_button = QPushButton("The article's network: 3 → 3 → 3 → 1")
        self.article_button.setObjectName("article_network")
        self.article_button.setAccessibleName("Load the article's network")
        self.article_button.setToolTip(
            "Inputs x, y and z, two hidden layers of three neurons and one output, every "
            "neuron straight (linear), learning a flat function of x, y and z")
        task_layout.addWidget(self.task)
        task_layout.addWidget(self.dataset)
        task_layout.addWidget(self.function_text)
        task_layout.addWidget(self.function_error)
        task_layout.addWidget(self.article_button)
        column.addWidget(task_box)

        data_box = QGroupBox("Examples")
        form = QFormLayout(data_box)
        form.setContentsMargins(6, 4, 6, 4)
        self.points = self._spin("points", "Number of examples", labmod.MIN_POINTS,
                                 labmod.MAX_POINTS)
        self.noise = QDoubleSpinBox()
        self.noise.setObjectName("noise")
        self.noise.setAccessibleName("Noise")
        self.noise.setRange(0.0, labmod.MAX_NOISE)
        self.noise.setDecimals(2)
        self.noise.setSingleStep(0.05)
        self.noise.setKeyboardTracking(False)
        self.noise.setToolTip("How much the examples are jiggled at random")
        self.test_ratio = self._spin("test_ratio", "Share of examples kept for testing", 0,
                                     int(100 * labmod.MAX_TEST_RATIO))
        self.test_ratio.setSuffix(" %")
        self.test_ratio.setSingleStep(5)
        self.test_ratio.setToolTip("Test examples are never trained on: they show how well "
                                   "the network does on examples it has not seen")
        self.seed = self._spin("seed", "Random seed", 0, labmod.MAX_SEED)
        self.seed.setToolTip("The same seed gives the same examples and starting weights")
        form.addRow("Examples", self.points)
        form.addRow("Noise", self.noise)
        form.addRow("Kept for testing", self.test_ratio)
        form.addRow("Seed", self.seed)
        column.addWidget(data_box)

        train_box = QGroupBox("Training")
        form = QFormLayout(train_box)
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
        self.batch_size = self._spin("batch_size", "Batch size", 0, labmod.MAX_BATCH)
        self.batch_size.setSpecialValueText("all")
        self.batch_size.setToolTip("How many examples each step looks at (0 = all of them)")
        self.loss = self._combo("loss", "Loss")
        for name, title in LOSS_TITLES.items():
            self.loss.addItem(title, name)
        self.regularization = self._combo("regularization", "Regularisation")
        for name, title in REGULARIZATION_TITLES.items():
            self.regularization.addItem(title, name)
        self.regularization.setToolTip("A penalty for big weights, added to the loss")
        self.regularization_rate = QDoubleSpinBox()
        self.regularization_rate.setObjectName("regularization_rate")
        self.regularization_rate.setAccessibleName("Regularisation rate")
        self.regularization_rate.setRange(0.0, 10.0)
        self.regularization_rate.setDecimals(4)
        self.regularization_rate.setSingleStep(0.001)
        self.regularization_rate.setKeyboardTracking(False)
        self.epochs_per_frame = self._spin("epochs_per_frame", "Epochs per frame", 1,
                                           labmod.MAX_EPOCHS_PER_FRAME)
        self.epochs_per_frame.setToolTip(
            "Play trains this many epochs (passes over the training examples) before each "
            "new picture. Step (→) always trains one. The speed bar sets the pictures per "
            "second here: 15 for each step of speed, up to 60.")
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", lr_row)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Loss", self.loss)
        form.addRow("Penalty", self.regularization)
        form.addRow("Penalty rate", self.regularization_rate)
        form.addRow("Epochs per frame", self.epochs_per_frame)
        column.addWidget(train_box)
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("network_controls")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(270)
        for bar, direction in ((scroll.verticalScrollBar(), "vertical"),
                               (scroll.horizontalScrollBar(), "horizontal")):
            bar.setObjectName(f"network_controls_{direction}_scroll")
            bar.setAccessibleName(f"Scroll the controls ({direction})")
        return scroll

    def _build_results(self) -> QWidget:
        self.data_heading = QLabel()
        self.data_heading.setObjectName("data_heading")
        self.data_heading.setWordWrap(True)
        self.data_heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.distance = QLabel()
        self.distance.setObjectName("distance")
        self.distance.setAccessibleName("The squared distance between g and f")
        self.distance.setWordWrap(True)
        font = self.distance.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.distance.setFont(font)
        self.stats = QLabel()
        self.stats.setObjectName("training_stats")
        self.stats.setWordWrap(True)
        self.training_status = QLabel()
        self.training_status.setObjectName("training_status")
        self.training_status.setWordWrap(True)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(2)
        top_layout.addWidget(self.data_heading)
        top_layout.addWidget(self.data_plot, 1)
        top_layout.addWidget(self.distance)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setSpacing(2)
        bottom_layout.addWidget(self.loss_plot, 1)
        bottom_layout.addWidget(self.stats)
        bottom_layout.addWidget(self.training_status)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(top)
        right.addWidget(bottom)
        top.setMinimumSize(150, 100)
        bottom.setMinimumSize(150, 80)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([420, 260])
        return right

    def _combo(self, name: str, label: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(label)
        # Long titles may shrink: the controls column stays narrow.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    def _spin(self, name: str, label: str, lo: int, hi: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(label)
        spin.setRange(lo, hi)
        spin.setKeyboardTracking(False)
        return spin

    # -- controls -> model -------------------------------------------------------------------
    def _bind(self) -> None:
        s = self.settings

        def field(name, convert=lambda v: v):
            return lambda value: setattr(s, name, convert(value))

        def from_combo(combo, name):
            return lambda index: setattr(s, name, combo.itemData(index))

        self.task.activated.connect(from_combo(self.task, "task"))
        self.dataset.activated.connect(self._on_dataset_chosen)
        self.function_text.returnPressed.connect(self._on_formula_entered)
        self.article_button.clicked.connect(self.lab.use_article_network)
        self.points.valueChanged.connect(field("points", int))
        self.noise.valueChanged.connect(field("noise", float))
        self.test_ratio.valueChanged.connect(field("test_ratio", lambda v: v / 100.0))
        self.seed.valueChanged.connect(field("seed", int))
        self.optimizer.activated.connect(from_combo(self.optimizer, "optimizer"))
        self.learning_rate.valueChanged.connect(field("learning_rate", lr_from_notch))
        self.batch_size.valueChanged.connect(field("batch_size", int))
        self.loss.activated.connect(from_combo(self.loss, "loss"))
        self.regularization.activated.connect(from_combo(self.regularization, "regularization"))
        self.regularization_rate.valueChanged.connect(field("regularization_rate", float))
        self.epochs_per_frame.valueChanged.connect(field("epochs_per_frame", int))

    def _on_dataset_chosen(self, index: int) -> None:
        name = self.dataset.itemData(index)
        if name == TYPED:
            self.function_text.setFocus()
            self.function_text.selectAll()
            if self.function_text.text().strip():
                self._on_formula_entered()
            return
        self.settings.dataset = name

    def _on_formula_entered(self) -> None:
        text = self.function_text.text()
        try:
            self.lab.set_formula(text)
        except (ExpressionError, ValueError) as error:
            self.function_error.setText(f"{error}. Still learning the examples shown.")
            self.function_error.show()
            return
        self.function_error.hide()

    def _make_linear(self) -> None:
        self.settings.activations = ("linear",) * len(self.settings.activations)

    def _on_weight_typed(self, index: int, value: float) -> None:
        if float(self.lab.net.flat[index]) != value:
            self.lab.set_weight(index, value)
        self.diagram.editor.hide()

    def _on_data_clicked(self, x: float, y: float, shift: bool) -> None:
        try:
            self.lab.add_point(round(x, 3), round(y, 3), other_class=shift)
        except ValueError:
            self.status.emit("Adding examples by clicking works when fitting a function or "
                             "classifying points.")
            return
        if self.lab.task == "classify":
            colour = "orange" if shift else "blue"
            self.status.emit(f"Added a {colour} training point at ({number(x, 3)}, "
                             f"{number(y, 3)}).")
        else:
            self.status.emit(f"Added the example f({number(x, 3)}) = {number(y, 3)}.")

    # -- model -> controls -------------------------------------------------------------------
    def _sync_controls(self) -> None:
        s = self.settings

        def put(widget, setter, value, getter):
            if getter() != value:
                widget.blockSignals(True)
                setter(value)
                widget.blockSignals(False)

        def put_combo(combo, value):
            put(combo, combo.setCurrentIndex, combo.findData(value), combo.currentIndex)

        put_combo(self.task, s.task)
        if self._combo_task != s.task:
            self._combo_task = s.task
            self.dataset.blockSignals(True)
            self.dataset.clear()
            for name in TASK_DATASETS[s.task]:
                self.dataset.addItem(dataset_title(name), name)
            self.dataset.blockSignals(False)
        put_combo(self.dataset, s.dataset)
        fit = s.task == "fit"
        self.function_text.setVisible(fit)
        if not fit:
            self.function_error.hide()
        if s.dataset == TYPED and not self.function_text.hasFocus():
            self.function_text.setText(s.formula)
        put(self.points, self.points.setValue, s.points, self.points.value)
        put(self.noise, self.noise.setValue, s.noise, self.noise.value)
        put(self.test_ratio, self.test_ratio.setValue, round(100 * s.test_ratio),
            self.test_ratio.value)
        put(self.seed, self.seed.setValue, s.seed, self.seed.value)
        put_combo(self.optimizer, s.optimizer)
        if lr_from_notch(self.learning_rate.value()) != s.learning_rate:
            put(self.learning_rate, self.learning_rate.setValue,
                notch_from_lr(s.learning_rate), self.learning_rate.value)
        self.learning_rate_value.setText(number(s.learning_rate, 3))
        put(self.batch_size, self.batch_size.setValue, s.batch_size, self.batch_size.value)
        put_combo(self.loss, s.loss)
        self.loss.setEnabled(s.task == "classify")
        self.loss.setToolTip("Cross-entropy is for classes; the other tasks use squared error"
                             if s.task != "classify" else
                             "Cross-entropy scores how sure the network is of each class")
        put_combo(self.regularization, s.regularization)
        put(self.regularization_rate, self.regularization_rate.setValue,
            s.regularization_rate, self.regularization_rate.value)
        self.regularization_rate.setEnabled(s.regularization != "none")
        put(self.epochs_per_frame, self.epochs_per_frame.setValue, s.epochs_per_frame,
            self.epochs_per_frame.value)

    # -- redrawing ------------------------------------------------------------------------------
    def _on_lab_changed(self, what: str) -> None:
        self._sync_controls()
        if what in ("data", "network", "reset", "restored"):
            self._rebuild_structure()
        if what in ("data", "points", "restored", "objective"):
            self._draw_examples()
        if what in ("data", "network", "reset", "restored", "objective", "points"):
            self._refresh_landscape()
        self._redraw(full=True)

    def _rebuild_structure(self) -> None:
        lab = self.lab
        net = lab.net
        sizes = net.layer_sizes
        edges, biases = [], {}
        for layer in range(1, len(sizes)):
            for source in range(sizes[layer - 1]):
                for neuron in range(sizes[layer]):
                    edges.append(net.flat_index(layer, source, neuron))
            for neuron in range(sizes[layer]):
                biases[(layer, neuron)] = net.flat_index(layer, None, neuron)
        names = net.weight_names()
        self.diagram.set_network(sizes, net.activations, lab.data.input_names, names,
                                 np.array(edges), biases)
        # The landscape keeps its weights when they still exist, else takes the output
        # neuron's first two inputs (quick to work out).
        old = [self.landscape_panel.weight_a.currentText(),
               self.landscape_panel.weight_b.currentText()]
        last = len(sizes) - 1
        default = [net.flat_index(last, 0, 0),
                   net.flat_index(last, 1, 0) if sizes[-2] > 1 else net.flat_index(last, None, 0)]
        pick = [names.index(o) if o in names else d for o, d in zip(old, default, strict=True)]
        if pick[0] == pick[1]:
            pick = default
        self.landscape_panel.set_names(names, *pick)
        self.data_plot.set_mode(lab.task)
        self.data_heading.setText(DATA_HEADINGS[lab.task])
        self.distance.setVisible(lab.task == "fit")
        self._hover = None
        self.formula_label.setText("Point at a neuron to read its formula; click a line to "
                                   "change its weight, or a neuron for its bias.")

    def _draw_examples(self) -> None:
        """The examples, which only change with the data (and their ranges)."""
        lab = self.lab
        task = lab.task
        train, test = lab.train, lab.test
        plot = self.data_plot
        self._static = {}
        if task in ("classify", "regress"):
            bounds = lab.view_bounds()
            if task == "classify":
                brushes = {1: POSITIVE, 0: NEGATIVE}
                train_b = [brushes[int(c)] for c in train.labels]
                test_b = [brushes[int(c)] for c in test.labels]
                levels = (-1.0, 1.0)
            else:
                top = float(np.max(np.abs(lab.data.T))) or 1.0
                levels = (-top, top)
                train_b = colours_for(train.T[:, 0], *levels)
                test_b = colours_for(test.T[:, 0], *levels)
            plot.show_points(train.X, train_b, test.X, test_b)
            plot.set_view(*bounds)
            self._static.update(bounds=bounds, levels=levels)
        elif task == "fit":
            (x0, x1), = lab.view_bounds()
            xs = np.linspace(x0, x1, CURVE_SAMPLES)
            f = lab.target_curve(xs)
            plot.show_points(np.column_stack([train.X[:, 0], train.T[:, 0]]), POSITIVE,
                             np.column_stack([test.X[:, 0], test.T[:, 0]]), POSITIVE)
            ys = np.concatenate([train.T[:, 0], test.T[:, 0],
                                 f[np.isfinite(f)] if f is not None else []])
            lo, hi = float(ys.min()), float(ys.max())
            pad = 0.1 * (hi - lo or 1.0)
            plot.set_view((x0, x1), (lo - pad, hi + pad))
            self._static.update(xs=xs, f=f)
        else:
            targets = np.concatenate([train.T[:, 0], test.T[:, 0]])
            lo, hi = float(targets.min()), float(targets.max())
            pad = 0.1 * (hi - lo or 1.0)
            plot.show_diagonal(lo - pad, hi + pad)
            plot.set_view((lo - pad, hi + pad), (lo - pad, hi + pad))

    def _redraw(self, full: bool) -> None:
        """Show the network as it is now.

        While playing (``full`` False) the data picture is redrawn on every frame and the
        other parts take turns (``TURNS``), one a frame: a frame that drew them all took
        several times as long as one should, a visible stutter; spread out, they are not.
        """
        lab = self.lab
        self._frame += 1
        turn = None if full else TURNS[self._frame % len(TURNS)]
        self._draw_answer(turn in (None, "numbers"))
        if turn in (None, "loss"):
            # The epochs axis first spans about twenty frames of training: fast training
            # would otherwise double it every few frames, each time redrawing the plot.
            self.loss_plot.first_epochs = max(LossPlot.FIRST_EPOCHS,
                                              20.0 * self.settings.epochs_per_frame)
            self.loss_plot.show_history(*lab.history())
        if turn in (None, "numbers"):
            if self.landscape_panel.isVisible():
                self.landscape_panel.show_path(lab.path(*self.landscape_panel.pick()))
            self._show_stats()
        if turn in (None, "weights"):
            self.diagram.show_weights(lab.net.flat)
            self._refresh_hover()
            self._show_status()
        if turn in (None, "pictures") and not lab.diverged:
            res = PICTURE_1D if lab.n_inputs == 1 else PICTURE
            self.diagram.show_pictures(lab.pictures(res))
        if full:
            self._show_collapse()
        elif turn == "collapse plot" and self.collapse_panel.isVisible():
            self._collapse = lab.collapse()
            self.collapse_panel.show_plot(self._collapse, self._collapse_xs(), self._aim())
        elif turn == "collapse words" and self.collapse_panel.isVisible():
            # The words of the report the plot shows, worked out a couple of frames ago.
            report = self._collapse if self._collapse is not None else lab.collapse()
            self.collapse_panel.show_words(report, lab.data.input_names,
                                           len(lab.train) + len(lab.test))

    _collapse = None

    def _draw_answer(self, with_numbers: bool) -> None:
        """The network's answer on the data picture (every frame)."""
        lab = self.lab
        plot = self.data_plot
        task = lab.task
        if task in ("classify", "regress"):
            plot.show_heatmap(lab.prediction_grid(GRID), self._static["bounds"],
                              self._static["levels"])
        elif task == "fit":
            xs = self._static["xs"]
            g_train, _ = labmod.residuals(lab.net, lab.train.X, lab.train.T)
            plot.show_fit(xs, lab.curve(xs), self._static["f"], lab.train.X[:, 0],
                          lab.train.T[:, 0], g_train)
            if with_numbers:
                self._show_distance()
        else:
            answers = np.nan_to_num(lab.net.forward(lab.all_inputs())[:, 0])
            targets_train, targets_test = lab.train.T[:, 0], lab.test.T[:, 0]
            n = targets_train.size
            plot.show_points(np.column_stack([targets_train, answers[:n]]), POSITIVE,
                             np.column_stack([targets_test, answers[n:]]), POSITIVE)

    def _show_distance(self) -> None:
        value = self.lab.distance()
        shown = number(value, 6) if math.isfinite(value) else "too big to show (blew up)"
        self.distance.setText(
            f"distance² = Σ (g(x) − f(x))² = <b>{shown}</b>  over the {len(self.lab.train)} "
            "training examples: the sum of the purple gaps, each one squared.")
        self.distance_value = value

    distance_value = math.nan

    def _show_collapse(self) -> None:
        lab = self.lab
        self._collapse = report = lab.collapse()
        self.collapse_panel.show_report(report, lab.data.input_names, self._collapse_xs(),
                                        len(lab.train) + len(lab.test), self._aim())

    def _collapse_xs(self) -> np.ndarray | None:
        """The 1-D inputs the collapse panel plots against (None: it sorts by output)."""
        lab = self.lab
        return lab.all_inputs()[:, 0] if lab.n_inputs == 1 else None

    def _aim(self) -> tuple[float, float] | None:
        """The range of the numbers the network is trained to output (None: no examples)."""
        targets = self.lab.train.T
        finite = targets[np.isfinite(targets)] if targets.size else targets
        return (float(finite.min()), float(finite.max())) if finite.size else None

    def _show_stats(self) -> None:
        lab = self.lab
        train, test = lab.losses()
        parts = [f"Epoch <b>{lab.epoch}</b>"]
        if lab.diverged:
            parts.append("losses: blew up")
        else:
            parts.append(f"training loss <b>{number(train, 4)}</b>")
            if math.isfinite(test):
                parts.append(f"test loss <b>{number(test, 4)}</b>")
            if lab.is_classification:
                acc_train, acc_test = lab.accuracies()
                parts.append(f"right answers: training <b>{_percent(acc_train)}</b>, test "
                             f"<b>{_percent(acc_test)}</b>")
        self.stats.setText("  ·  ".join(parts))

    def _show_status(self) -> None:
        lab = self.lab
        if lab.diverged:
            text = BLEW_UP
        elif lab.converged:
            text = (f"Converged at epoch {lab.epoch}: the loss stopped going down. Play "
                    "trains on; Reset (R) starts again with fresh weights.")
        elif self.playing:
            text = "Training… Press Space to pause."
        elif lab.epoch == 0:
            text = "Press Play (Space) to train, or Step (→) for one epoch."
        else:
            text = "Paused. Play (Space) trains on, Step (→) does one epoch."
        self.training_status.setText(text)
        self.training_status.setStyleSheet(STATUS_STYLE.get(lab.status, ""))

    def _on_playing_changed(self, playing: bool) -> None:
        if playing:
            self._show_status()
        else:
            self._redraw(full=True)  # frames skip some parts; a paused picture shows all

    # -- hovering ------------------------------------------------------------------------------
    def _on_neuron_hovered(self, layer: int, index: int) -> None:
        self._hover = None if layer < 0 else ("neuron", layer, index)
        self._refresh_hover()

    def _on_weight_hovered(self, index: int) -> None:
        self._hover = None if index < 0 else ("weight", index, 0)
        self._refresh_hover()

    def neuron_text(self, layer: int, index: int) -> str:
        net = self.lab.net
        if layer == 0:
            name = net.input_names[index]
            return f"Input {name}: the number fed into every neuron of layer 1."
        n_layers = net.n_layers
        where = "The output neuron" if layer == n_layers else (
            f"Neuron {index + 1} of {layer_title(layer, n_layers)}")
        return f"{where}:   {net.neuron_formula(layer, index)}"

    def _refresh_hover(self) -> None:
        hover = self._hover
        if hover is None:
            return
        kind, a, b = hover
        if kind == "neuron":
            text = self.neuron_text(a, b)
            item = self.diagram.neurons[a][b] if a < len(self.diagram.neurons) else None
            if item is not None:
                item.setToolTip(text)
        else:
            name = self.lab.net.weight_names()[a]
            value = number(float(self.lab.net.flat[a]), 4)
            text = f"Weight {name} = {value}   (click to change it)"
        self.formula_label.setText(text)

    # -- the loss landscape ------------------------------------------------------------------
    def _refresh_landscape(self) -> None:
        panel = self.landscape_panel
        panel.clear()
        if panel.isVisible():
            panel.request()

    def _compute_landscape(self, a: int, b: int) -> None:
        self.landscape_panel.start(self.lab.landscape_job(a, b))
        self.landscape_panel.show_path(self.lab.path(a, b))

    def _on_view_changed(self, index: int) -> None:
        if self.views.widget(index) is self.landscape_panel:
            panel = self.landscape_panel
            panel.show_path(self.lab.path(*panel.pick()))
            if panel.stale and not panel.busy:
                panel.request()
        else:
            self._show_collapse()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        panel = self.landscape_panel
        if panel.isVisible() and panel.stale and not panel.busy:
            panel.request()

    # -- the contract ------------------------------------------------------------------------
    def set_speed(self, steps_per_second: float) -> None:
        fps = min(MAX_FPS, max(MIN_FPS, FRAMES_PER_SPEED * float(steps_per_second)))
        super().set_speed(fps)

    def advance(self) -> bool:
        lab = self.lab
        if lab.diverged:
            self.status.emit(BLEW_UP)
            self._show_status()
            return False
        count = self.settings.epochs_per_frame if self._from_timer else 1
        lab.train_epochs(count)
        stopped = lab.diverged or lab.converged
        self._redraw(full=stopped or not self._from_timer)
        if lab.diverged:
            self.status.emit(BLEW_UP)
            return False
        if lab.converged:
            self.status.emit(f"Converged at epoch {lab.epoch}: the loss stopped going down.")
            return False
        if not self._from_timer or TURNS[self._frame % len(TURNS)] == "weights":
            train, _ = lab.losses()
            self.status.emit(f"Epoch {lab.epoch}: training loss {number(train, 4)}")
        return True

    def _tick(self) -> None:
        # Only timer ticks train several epochs; the Step button always trains one.
        self._from_timer = True
        try:
            going = self.advance()
        finally:
            self._from_timer = False
        if not going:
            self.pause()

    def can_play(self) -> bool:
        return not self.lab.diverged

    def why_not_playing(self) -> str:
        return BLEW_UP

    def reset(self) -> None:
        super().reset()
        self.lab.reset()
        self.status.emit("Fresh weights from the seed: epoch 0.")

    def state(self) -> dict:
        return self.lab.state()

    def restore(self, state: dict) -> None:
        self.pause()
        self.lab.restore(state)  # raises ValueError, changing nothing, on bad input

