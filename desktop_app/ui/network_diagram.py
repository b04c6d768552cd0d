"""The picture of the network: inputs, hidden layers, the output, and every weight.

Each neuron is a small square showing its own output over the inputs (a tiny heatmap for
2-D tasks, a tiny curve for 1-D). Each weight is a line whose width grows with its size
and whose colour is its sign (blue +, orange −). Hovering a neuron shows its formula with
numbers; clicking a line (or a neuron, for its bias) opens a small editor to type a new
value.

Above the picture are the buttons that add and remove layers and neurons; below it, one
activation menu per layer. They sit exactly over their column of neurons: the scene uses
the view's own pixels (no scaling), and the column positions come from one function.

Items are rebuilt only when the network's shape changes; training only restyles the
lines whose width or colour changed and repaints the small pictures.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.network_lab import MAX_HIDDEN_LAYERS, MAX_NEURONS
from desktop_app.ui import theme
from desktop_app.ui.network_plots import NEGATIVE, POINT_LUT, POSITIVE

ACTIVATION_TITLES = {"linear": "linear", "relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid"}
MAX_LAYERS = MAX_HIDDEN_LAYERS + 1

#: Line width in pixels for a weight w: MIN_WIDTH + WIDTH_PER_UNIT·|w|, at most MAX_WIDTH.
MIN_WIDTH, WIDTH_PER_UNIT, MAX_WIDTH = 0.6, 2.2, 9.0
#: Lines are restyled only when their width changes by at least this much.
WIDTH_STEP = 0.25
#: How strong a weight's colour is drawn over the background (solid: see theme.solid).
EDGE_STRENGTH = 210 / 255
#: How wide a line is for the mouse, whatever its drawn width.
CLICK_WIDTH = 9.0
HEADER_HEIGHT = 30
FOOTER_HEIGHT = 30
BOX_BORDER = QColor("#555555")


def edge_width(weights: np.ndarray) -> np.ndarray:
    # Any weight past 1e3 is drawn at MAX_WIDTH: clipping first keeps a diverged network's
    # weights (up to the largest float) from overflowing the product.
    w = np.minimum(np.nan_to_num(np.abs(np.asarray(weights, dtype=np.float64)), nan=0.0), 1e3)
    return np.minimum(MIN_WIDTH + WIDTH_PER_UNIT * w, MAX_WIDTH)


class EdgeItem(QGraphicsLineItem):
    """One weight; easy to click even when drawn thin."""

    def __init__(self, diagram: NetworkDiagram, index: int, name: str) -> None:
        super().__init__()
        self.diagram = diagram
        self.index = index
        self.name = name
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(0)
        self._shape_key: tuple | None = None
        self._shape = QPainterPath()
        self._bounds = QRectF()

    def shape(self) -> QPainterPath:
        # Qt asks for the shape and its bounds many times per paint: stroke it only when
        # the line or its width changed.
        line = self.line()
        key = (line.x1(), line.y1(), line.x2(), line.y2(), self.pen().widthF())
        if key != self._shape_key:
            path = QPainterPath()
            path.moveTo(line.p1())
            path.lineTo(line.p2())
            stroker = QPainterPathStroker()
            stroker.setWidth(max(CLICK_WIDTH, key[4]))
            self._shape = stroker.createStroke(path)
            self._bounds = self._shape.boundingRect()
            self._shape_key = key
        return self._shape

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        self.shape()
        return self._bounds

    def hoverEnterEvent(self, event) -> None:  # noqa: N802
        self.diagram.hover_weight(self.index, self.name)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self.diagram.leave()
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.diagram.open_editor(self.index, self.name, event.scenePos())


class NeuronItem(QGraphicsRectItem):
    """A neuron (or an input) with its small picture inside."""

    def __init__(self, diagram: NetworkDiagram, layer: int, index: int, size: float) -> None:
        super().__init__(-size / 2, -size / 2, size, size)
        self.diagram = diagram
        self.layer = layer
        self.index = index
        self.size = size
        self.setBrush(QBrush(QColor("#ffffff")))
        self.setPen(QPen(BOX_BORDER, 1.2))
        self.setZValue(2)
        self.setAcceptHoverEvents(True)
        if layer > 0:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        inner = size - 4
        self.pixmap = QGraphicsPixmapItem(self)
        self.pixmap.setPos(-inner / 2, -inner / 2)
        self.pixmap.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.curve = QGraphicsPathItem(self)
        self.curve.setPen(QPen(QColor("#222222"), 1.4))
        self.axis = QGraphicsLineItem(-inner / 2, 0, inner / 2, 0, self)
        self.axis.setPen(QPen(QColor("#bbbbbb"), 0.8))
        self._image: QImage | None = None

    def show_image(self, rgb: np.ndarray) -> None:
        """``rgb``: res × res × 3 uint8, row 0 at the bottom."""
        flipped = np.ascontiguousarray(rgb[::-1])
        h, w, _ = flipped.shape
        self._image = QImage(flipped.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self.pixmap.setPixmap(QPixmap.fromImage(self._image))
        self.pixmap.setScale((self.size - 4) / w)
        self.curve.setVisible(False)
        self.axis.setVisible(False)
        self.pixmap.setVisible(True)

    def show_curve(self, values: np.ndarray) -> None:
        """``values`` in [−1, 1] across the box from left to right."""
        inner = self.size - 6
        xs = np.linspace(-inner / 2, inner / 2, values.size)
        ys = -np.asarray(values) * inner / 2
        path = QPainterPath(QPointF(xs[0], ys[0]))
        for x, y in zip(xs[1:], ys[1:], strict=True):
            path.lineTo(x, y)
        self.curve.setPath(path)
        self.curve.setVisible(True)
        self.axis.setVisible(True)
        self.pixmap.setVisible(False)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802
        self.setPen(QPen(QColor("#000000"), 2.5))
        self.diagram.hover_neuron(self.layer, self.index)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self.setPen(QPen(BOX_BORDER, 1.2))
        self.diagram.leave()
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.layer > 0:
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.layer > 0:
            self.diagram.open_bias_editor(self.layer, self.index, event.scenePos())


class WeightEditor(QFrame):
    """A small box over the diagram to type one weight (or bias)."""

    typed = Signal(int, float)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("weight_editor_box")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#weight_editor_box { background: #fffbe6; border: 1px solid #888; }")
        self.index = -1
        self.title = QLabel()
        self.title.setObjectName("weight_editor_title")
        self.spin = QDoubleSpinBox()
        self.spin.setObjectName("weight_editor")
        self.spin.setAccessibleName("Type a new value for this weight")
        self.spin.setRange(-100.0, 100.0)
        self.spin.setDecimals(3)
        self.spin.setSingleStep(0.1)
        self.spin.setKeyboardTracking(False)
        # Enter applies the value; merely leaving the box (or closing the window) does not.
        self.spin.lineEdit().returnPressed.connect(self._apply)
        self.set_button = QPushButton("Set")
        self.set_button.setObjectName("weight_editor_set")
        self.set_button.setAccessibleName("Use this value")
        self.set_button.clicked.connect(self._apply)
        close = QPushButton("✕")
        close.setObjectName("weight_editor_close")
        close.setAccessibleName("Close the weight editor")
        close.setFixedWidth(28)
        close.clicked.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(self.spin, 1)
        row.addWidget(self.set_button)
        row.addWidget(close)
        layout.addLayout(row)
        self.hide()

    def open(self, index: int, name: str, value: float, where: QPointF) -> None:
        self.index = index
        self.title.setText(name)
        self.spin.blockSignals(True)
        self.spin.setValue(float(np.clip(np.nan_to_num(value), -100.0, 100.0)))
        self.spin.blockSignals(False)
        self.adjustSize()
        parent = self.parentWidget()
        x = int(min(max(0.0, where.x() + 10), parent.width() - self.width()))
        y = int(min(max(0.0, where.y() + 10), parent.height() - self.height()))
        self.move(x, y)
        self.show()
        self.raise_()
        self.spin.setFocus()
        self.spin.selectAll()

    def _apply(self) -> None:
        if self.isVisible() and self.index >= 0:
            self.typed.emit(self.index, float(self.spin.value()))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
        else:
            super().keyPressEvent(event)


class DiagramView(QGraphicsView):
    """The scene at 1:1 scale; tells its panel when its size changes."""

    resized = Signal()

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self.setObjectName("diagram")
        self.setAccessibleName("Diagram of the network")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setMinimumHeight(140)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.resized.emit()


def _small_button(name: str, text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(tip)
    button.setToolTip(tip)
    button.setFixedSize(24, 22)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return button


class NetworkDiagram(QWidget):
    """Diagram, layer buttons and activation menus of the network tab."""

    add_layer_clicked = Signal()
    remove_layer_clicked = Signal()
    add_neuron_clicked = Signal(int)
    remove_neuron_clicked = Signal(int)
    activation_chosen = Signal(int, str)
    #: (flat index, value) typed in the weight editor.
    weight_typed = Signal(int, float)
    #: (layer, neuron) hovered, or (−1, −1) when the mouse leaves.
    neuron_hovered = Signal(int, int)
    #: a weight hovered (its flat index), −1 on leaving.
    weight_hovered = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagram_panel")
        self.sizes: tuple[int, ...] = ()
        self.activations: tuple[str, ...] = ()
        self.input_names: tuple[str, ...] = ()
        self.neurons: list[list[NeuronItem]] = []
        self.edges: list[EdgeItem] = []
        self._edge_style = np.empty((0, 2))
        self._weights = np.empty(0)
        self._names: list[str] = []
        self._flat_of_edge = np.empty(0, dtype=int)
        self._bias_index: dict[tuple[int, int], int] = {}
        self._pictures: list[np.ndarray] | None = None

        self.scene = QGraphicsScene(self)
        self.view = DiagramView(self.scene)
        self.view.resized.connect(self._layout)

        # Row of layer buttons over the columns.
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        self.add_layer = QPushButton("+ layer")
        self.add_layer.setObjectName("add_layer")
        self.add_layer.setAccessibleName("Add a hidden layer")
        self.add_layer.setToolTip("Add a hidden layer before the output (up to 6)")
        self.add_layer.clicked.connect(self.add_layer_clicked)
        self.remove_layer = QPushButton("− layer")
        self.remove_layer.setObjectName("remove_layer")
        self.remove_layer.setAccessibleName("Remove the last hidden layer")
        self.remove_layer.setToolTip("Remove the last hidden layer")
        self.remove_layer.clicked.connect(self.remove_layer_clicked)
        self.layer_count = QLabel()
        self.layer_count.setObjectName("layer_count")
        self.layer_count.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.add_layer)
        top.addWidget(self.remove_layer)
        top.addWidget(self.layer_count, 1)

        self.header = QWidget()
        self.header.setFixedHeight(HEADER_HEIGHT)
        self.footer = QWidget()
        self.footer.setFixedHeight(FOOTER_HEIGHT)
        self.neuron_controls: list[QWidget] = []
        self.size_labels: list[QLabel] = []
        self.add_buttons: list[QPushButton] = []
        self.remove_buttons: list[QPushButton] = []
        for k in range(1, MAX_HIDDEN_LAYERS + 1):
            box = QWidget(self.header)
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(1)
            minus = _small_button(f"remove_neuron_{k}", "−",
                                  f"Remove a neuron from hidden layer {k}")
            plus = _small_button(f"add_neuron_{k}", "+", f"Add a neuron to hidden layer {k}")
            minus.clicked.connect(lambda _=False, k=k: self.remove_neuron_clicked.emit(k))
            plus.clicked.connect(lambda _=False, k=k: self.add_neuron_clicked.emit(k))
            row.addWidget(minus)
            row.addWidget(plus)
            box.hide()
            self.neuron_controls.append(box)
            self.add_buttons.append(plus)
            self.remove_buttons.append(minus)
        self.column_titles: list[QLabel] = []
        self.combos: list[QComboBox] = []
        for k in range(1, MAX_LAYERS + 1):
            combo = QComboBox(self.footer)
            combo.setObjectName(f"activation_{k}")
            combo.setAccessibleName(f"Activation of layer {k}")
            for name, title in ACTIVATION_TITLES.items():
                combo.addItem(title, name)
            combo.activated.connect(
                lambda i, k=k, c=combo: self.activation_chosen.emit(k, str(c.itemData(i))))
            combo.hide()
            self.combos.append(combo)
        self.inputs_title = QLabel("inputs", self.footer)
        self.inputs_title.setObjectName("inputs_title")
        self.inputs_title.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.editor = WeightEditor(self)
        self.editor.typed.connect(self.weight_typed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.footer)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # -- geometry --------------------------------------------------------------------------
    def column_x(self) -> list[float]:
        """x (view pixels) of each column's centre: inputs, hidden layers, output."""
        n = len(self.sizes)
        width = max(self.view.viewport().width(), 100)
        if n < 2:
            return [width / 2] * n
        margin = min(60.0, width / (2 * n))
        step = (width - 2 * margin) / (n - 1)
        return [margin + k * step for k in range(n)]

    def neuron_size(self) -> float:
        n_cols = max(len(self.sizes), 2)
        height = max(self.view.viewport().height(), 80)
        width = max(self.view.viewport().width(), 100)
        tallest = max(self.sizes) if self.sizes else 1
        by_height = (height - 12) / tallest * 0.78
        by_width = width / n_cols * 0.5
        return float(max(16.0, min(56.0, by_height, by_width)))

    def neuron_centre(self, layer: int, index: int) -> QPointF:
        x = self.column_x()[layer]
        n = self.sizes[layer]
        height = max(self.view.viewport().height(), 80)
        size = self.neuron_size()
        gap = min((height - 12) / max(n, 1), size * 1.6)
        y = height / 2 + (index - (n - 1) / 2) * gap
        return QPointF(x, y)

    # -- structure --------------------------------------------------------------------------
    def set_network(self, sizes, activations, input_names, names: list[str],
                    flat_of_edges: np.ndarray, bias_index: dict) -> None:
        """Rebuild the items for a network of this shape.

        ``flat_of_edges``: flat parameter index of every edge, in the order layer by layer,
        source by source, neuron by neuron (as ``weight_names``, biases skipped);
        ``bias_index``: (layer, neuron) → flat index of that neuron's bias.
        """
        self.sizes = tuple(sizes)
        self.activations = tuple(activations)
        self.input_names = tuple(input_names)
        self._names = list(names)
        self._flat_of_edge = np.asarray(flat_of_edges, dtype=int)
        self._bias_index = dict(bias_index)
        self.editor.hide()
        self.scene.clear()
        self.neurons = []
        self.edges = []
        self._input_labels: list[QGraphicsSimpleTextItem] = []
        size = self.neuron_size()
        for layer, n in enumerate(self.sizes):
            column = [NeuronItem(self, layer, i, size) for i in range(n)]
            for item in column:
                self.scene.addItem(item)
            self.neurons.append(column)
        for name in self.input_names:
            label = QGraphicsSimpleTextItem(name)
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            self.scene.addItem(label)
            self._input_labels.append(label)
        position = 0
        for layer in range(1, len(self.sizes)):
            for _source in range(self.sizes[layer - 1]):
                for _neuron in range(self.sizes[layer]):
                    index = int(self._flat_of_edge[position])
                    edge = EdgeItem(self, index, self._names[index])
                    self.scene.addItem(edge)
                    self.edges.append(edge)
                    position += 1
        self._edge_style = np.full((len(self.edges), 2), np.nan)
        self._update_controls()
        self._layout()
        self._pictures = None

    def _update_controls(self) -> None:
        hidden = len(self.sizes) - 2
        self.add_layer.setEnabled(hidden < MAX_HIDDEN_LAYERS)
        self.remove_layer.setEnabled(hidden > 0)
        self.layer_count.setText(f"{hidden} hidden layer{'s' if hidden != 1 else ''} "
                                 f"(0 to {MAX_HIDDEN_LAYERS}), 1 to {MAX_NEURONS} neurons each")
        for k, box in enumerate(self.neuron_controls, start=1):
            box.setVisible(k <= hidden)
            if k <= hidden:
                n = self.sizes[k]
                self.add_buttons[k - 1].setEnabled(n < MAX_NEURONS)
                self.remove_buttons[k - 1].setEnabled(n > 1)
        for k, combo in enumerate(self.combos, start=1):
            shown = k <= len(self.activations)
            combo.setVisible(shown)
            if shown:
                index = combo.findData(self.activations[k - 1])
                if index != combo.currentIndex():
                    combo.blockSignals(True)
                    combo.setCurrentIndex(index)
                    combo.blockSignals(False)
                what = "the output layer" if k == len(self.activations) else f"hidden layer {k}"
                combo.setToolTip(f"The activation nl of {what} (layer {k})")

    def _layout(self) -> None:
        """Place every item and every column control for the current size."""
        if not self.sizes:
            return
        viewport = self.view.viewport()
        self.scene.setSceneRect(QRectF(0, 0, viewport.width(), viewport.height()))
        xs = self.column_x()
        spacing = xs[1] - xs[0] if len(xs) > 1 else 100
        size = self.neuron_size()
        for layer, column in enumerate(self.neurons):
            for item in column:
                if abs(item.size - size) > 0.5:
                    item.size = size
                    item.setRect(-size / 2, -size / 2, size, size)
                    inner = size - 4
                    item.pixmap.setPos(-inner / 2, -inner / 2)
                    item.axis.setLine(-inner / 2, 0, inner / 2, 0)
                item.setPos(self.neuron_centre(layer, item.index))
        for i, label in enumerate(self._input_labels):
            centre = self.neuron_centre(0, i)
            rect = label.boundingRect()
            label.setPos(centre.x() - size / 2 - rect.width() - 4, centre.y() - rect.height() / 2)
        position = 0
        for layer in range(1, len(self.sizes)):
            for source in range(self.sizes[layer - 1]):
                a = self.neuron_centre(layer - 1, source)
                for neuron in range(self.sizes[layer]):
                    b = self.neuron_centre(layer, neuron)
                    self.edges[position].setLine(
                        QLineF(a.x() + size / 2, a.y(), b.x() - size / 2, b.y()))
                    position += 1
        # Column controls, centred over / under their column.
        offset = self.view.geometry().x()
        hidden = len(self.sizes) - 2
        width = int(max(30, min(spacing - 4, 100)))
        for k in range(1, hidden + 1):
            box = self.neuron_controls[k - 1]
            hint = box.sizeHint()
            box.setGeometry(int(offset + xs[k] - hint.width() / 2), 4, hint.width(),
                            hint.height())
        for k, combo in enumerate(self.combos, start=1):
            if k <= len(self.activations):
                combo.setGeometry(int(offset + xs[k] - width / 2), 2, width, FOOTER_HEIGHT - 4)
        self.inputs_title.setGeometry(int(offset + xs[0] - width / 2), 2, width,
                                      FOOTER_HEIGHT - 4)
        if self._pictures is not None:
            self.show_pictures(self._pictures)

    # -- live data ----------------------------------------------------------------------------
    def show_weights(self, flat: np.ndarray) -> None:
        """Restyle the lines whose width or sign changed."""
        self._weights = flat
        if not self.edges:
            return
        w = np.nan_to_num(flat[self._flat_of_edge], nan=0.0)
        width = np.round(edge_width(w) / WIDTH_STEP) * WIDTH_STEP
        sign = np.where(w >= 0, 1.0, -1.0)
        style = np.column_stack([width, sign])
        changed = np.nonzero(np.any(style != self._edge_style, axis=1))[0]
        if changed.size == 0:
            return
        self._edge_style = style
        base = self.view.palette().color(QPalette.ColorRole.Base)
        colours = {1.0: theme.solid(POSITIVE, EDGE_STRENGTH, base),
                   -1.0: theme.solid(NEGATIVE, EDGE_STRENGTH, base)}
        for i in changed.tolist():
            pen = QPen(colours[sign[i]], float(width[i]))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            edge = self.edges[i]
            edge.prepareGeometryChange()
            edge.setPen(pen)

    def show_pictures(self, pictures: list[np.ndarray]) -> None:
        """One array per layer, (neurons, res) for curves or (neurons, res, res) for maps,
        values in [−1, 1]."""
        self._pictures = pictures
        for layer, values in enumerate(pictures):
            if layer >= len(self.neurons):
                break
            column = self.neurons[layer]
            if values.ndim == 2:
                for item, row in zip(column, values, strict=False):
                    item.show_curve(row)
            else:
                index = np.clip(np.rint((values + 1.0) * 127.5), 0, 255).astype(np.uint8)
                rgb = POINT_LUT[index]
                for item, image in zip(column, rgb, strict=False):
                    item.show_image(image)

    # -- the mouse ----------------------------------------------------------------------------
    def hover_neuron(self, layer: int, index: int) -> None:
        self.neuron_hovered.emit(layer, index)

    def hover_weight(self, index: int, name: str) -> None:
        self.weight_hovered.emit(index)

    def leave(self) -> None:
        self.neuron_hovered.emit(-1, -1)

    def open_editor(self, index: int, name: str, scene_pos: QPointF) -> None:
        value = float(self._weights[index]) if self._weights.size > index else 0.0
        self.editor.open(index, f"weight  {name}", value, self._panel_point(scene_pos))

    def open_bias_editor(self, layer: int, neuron: int, scene_pos: QPointF) -> None:
        index = self._bias_index[(layer, neuron)]
        value = float(self._weights[index]) if self._weights.size > index else 0.0
        self.editor.open(index, f"bias  {self._names[index]}", value,
                         self._panel_point(scene_pos))

    def _panel_point(self, scene_pos: QPointF) -> QPointF:
        view_point = self.view.mapFromScene(scene_pos)
        return QPointF(self.view.mapTo(self, view_point))

    def edge_midpoint(self, index: int) -> QPointF:
        """Where the line of the weight with this flat index is, in view pixels."""
        for edge in self.edges:
            if edge.index == index:
                line = edge.line()
                return QPointF(self.view.mapFromScene(line.pointAt(0.5)))
        raise ValueError(f"no line for parameter {index}")

    def neuron_point(self, layer: int, index: int) -> QPointF:
        """The centre of a neuron in view pixels."""
        return QPointF(self.view.mapFromScene(self.neuron_centre(layer, index)))

    def neuron_count(self) -> int:
        return sum(len(column) for column in self.neurons)

