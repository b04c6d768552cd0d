"""The digits tab's pictures: the class probabilities, the 8 × 8 picture the network sees,
the confusion matrix, the first layer's weights and the gallery of mistakes.

Every pyqtgraph item is created once in its constructor; updates only feed it new data
(``setOpts``, ``setImage``, ``setText``). The pictures compute nothing about the network:
the tab hands them what :class:`desktop_app.model.digits.DigitsLab` says.
"""

from __future__ import annotations

import difflib
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView

from desktop_app.ui import theme
from desktop_app.ui.plot_grid import show_grid

DIGITS = tuple(range(10))
GUESS = theme.HOT
OTHER = theme.COLD
#: Paper to ink, as on the drawing pad.
INK_MAP = pg.ColorMap([0.0, 1.0], ["#ffffff", "#111111"])
#: Counts in the confusion matrix: none (white) to many (blue).
COUNT_MAP = pg.ColorMap([0.0, 0.15, 1.0], ["#ffffff", "#c6dbef", "#08306b"])
#: Weights: negative blue, zero white, positive orange (colour-blind safe).
WEIGHT_MAP = pg.ColorMap([0.0, 0.5, 1.0], [theme.COLD, "#ffffff", theme.HOT])
GAP = 1
#: A probability bar taller than this has its number beside it, not above.
BESIDE_ABOVE = 0.8
MIN_TILES_PER_ROW = 4


def _small_font(item: pg.TextItem, scale: float, bold: bool = False) -> None:
    font = item.textItem.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    item.setFont(font)


def _still_plot(widget: pg.PlotWidget, x_label: str = "", y_label: str = "") -> pg.PlotItem:
    """A plot that never moves: no mouse panning or zooming, no menu, no buttons."""
    item = widget.getPlotItem()
    item.setMouseEnabled(x=False, y=False)
    item.setMenuEnabled(False)
    item.hideButtons()
    item.getViewBox().disableAutoRange()
    if x_label:
        item.setLabel("bottom", x_label)
    if y_label:
        item.setLabel("left", y_label)
    return item


def _put_text(item: pg.TextItem, text: str, colour: str) -> bool:
    """Give a TextItem new words and colour, touching it only when they change (setting
    either makes pyqtgraph lay the text out again, which adds up over 100 numbers).
    Returns whether they changed."""
    if getattr(item, "_shown", None) == (text, colour):
        return False
    item._shown = (text, colour)
    item.setText(text)
    item.setColor(colour)
    return True


def _put_place(item: pg.TextItem, anchor: tuple[float, float], x: float, y: float) -> None:
    """Anchor and place a TextItem, touching it only when they change (a new anchor lays
    the text out again)."""
    if getattr(item, "_placed", None) != (anchor, x, y):
        item._placed = (anchor, x, y)
        item.setAnchor(anchor)
        item.setPos(x, y)


def _cell_texts_fit(widget: pg.PlotWidget, texts: list, widest: str) -> bool:
    """Whether numbers as wide as ``widest`` fit in the plot's unit squares at its size."""
    view = widget.getPlotItem().getViewBox()
    try:
        px, py = view.viewPixelSize()
    except Exception:  # not laid out yet
        return True
    if not (px > 0 and py > 0 and texts):
        return True
    metrics = QFontMetrics(texts[0].textItem.font())
    return 1.0 / px >= metrics.horizontalAdvance(widest) + 2 and \
        1.0 / py >= metrics.height() * 0.8


class _CellNumbers:
    """Numbers written in the squares of a picture, hidden while they would not fit."""

    texts: list
    widest = "16"
    _fits = True

    def _watch_size(self) -> None:
        self.getPlotItem().getViewBox().sigResized.connect(self.fit_texts)

    def fit_texts(self, *_args) -> None:
        self._fits = _cell_texts_fit(self, self.texts, self.widest)
        for text in self.texts:
            self._show_cell(text)

    def _show_cell(self, text: pg.TextItem) -> None:
        # An empty square's text stays hidden: it shows nothing, yet painting the empty
        # texts of a mostly empty matrix took most of its frame.
        on = self._fits and bool(text.toPlainText())
        if text.isVisible() != on:
            text.setVisible(on)

    @property
    def numbers_shown(self) -> bool:
        return bool(self.texts) and self._fits


def _digit_ticks(axis: pg.AxisItem) -> None:
    axis.setTicks([[(d, str(d)) for d in DIGITS], []])


class ProbabilityPlot(pg.PlotWidget):
    """Ten bars: how sure the network is that the drawing is each digit."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("probabilities")
        self.setAccessibleName("The network's probability for each digit")
        item = _still_plot(self, "digit")
        show_grid(item, x=False, y=True)
        _digit_ticks(item.getAxis("bottom"))
        item.getAxis("left").setTicks([[(0, "0"), (0.5, "½"), (1, "1")], []])
        item.setXRange(-0.6, 9.6, padding=0)
        item.setYRange(0.0, 1.08, padding=0)
        self._heights = np.zeros(10)
        self._shown: tuple | None = None
        self.bars = pg.BarGraphItem(x=np.arange(10), height=self._heights, width=0.72,
                                    brushes=[pg.mkBrush(OTHER)] * 10, pen=pg.mkPen(None))
        item.addItem(self.bars)
        self.labels = []
        for d in DIGITS:
            label = pg.TextItem(color=theme.FOREGROUND, anchor=(0.5, 1.0))
            _small_font(label, 0.8)
            label.setPos(d, 0.0)
            item.addItem(label)
            self.labels.append(label)

    @property
    def heights(self) -> np.ndarray:
        return self._heights.copy()

    def show_probabilities(self, p: np.ndarray | None) -> None:
        """The ten probabilities (None: nothing drawn, all bars flat)."""
        heights = np.zeros(10) if p is None else np.asarray(p, dtype=np.float64)
        best = int(np.argmax(heights)) if p is not None else -1
        shown = (heights.tobytes(), best, p is None)
        if shown == self._shown:
            return  # the same bars: drawing them again would repaint the plot for nothing
        self._shown = shown
        self._heights = heights.copy()
        brushes = [pg.mkBrush(GUESS if d == best else OTHER) for d in DIGITS]
        self.bars.setOpts(height=heights, brushes=brushes)
        for d, label in enumerate(self.labels):
            value = float(heights[d])
            shown = bool(p is not None and value >= 0.005)
            label.setVisible(shown)
            if shown:
                _put_text(label, f"{100 * value:.0f}%", GUESS if d == best else theme.FOREGROUND)
                if value > BESIDE_ABOVE:  # no room above a tall bar: its number goes beside
                    right = d < 8
                    _put_place(label, (0.0, 0.5) if right else (1.0, 0.5),
                               d + (0.36 if right else -0.36), 0.85 * value)
                else:
                    _put_place(label, (0.5, 1.0), d, value + 0.01)


class DigitView(_CellNumbers, pg.PlotWidget):
    """An 8 × 8 picture with its 64 values written in the squares (0 … 16 ink pixels)."""

    def __init__(self, name: str, accessible: str, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        item = _still_plot(self)
        item.hideAxis("left")
        item.hideAxis("bottom")
        view = item.getViewBox()
        view.invertY(True)
        view.setAspectLocked(True)
        view.setRange(xRange=(0, 8), yRange=(0, 8), padding=0.02)
        self._values = np.zeros((8, 8))
        self._drawn: np.ndarray | None = None
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(INK_MAP.getLookupTable(nPts=256))
        self.image.setImage(self._values, levels=(0, 16))
        item.addItem(self.image)
        self.frame = pg.PlotCurveItem([0, 8, 8, 0, 0], [0, 0, 8, 8, 0],
                                      pen=pg.mkPen("#9a9a9a", width=1))
        item.addItem(self.frame)
        self.texts = []
        for r in range(8):
            for c in range(8):
                text = pg.TextItem(anchor=(0.5, 0.5))
                _small_font(text, 0.75)
                text.setPos(c + 0.5, r + 0.5)
                item.addItem(text)
                self.texts.append(text)
        self.show_values(self._values)
        self._watch_size()

    @property
    def values(self) -> np.ndarray:
        return self._values.copy()

    def show_values(self, values) -> None:
        v = np.asarray(values, dtype=np.float64).reshape(8, 8)
        if self._drawn is not None and np.array_equal(v, self._drawn):
            return
        self._values = v.copy()
        self._drawn = self._values
        self.image.setImage(v, levels=(0, 16), autoLevels=False)
        for k, text in enumerate(self.texts):
            value = v.flat[k]
            if _put_text(text, f"{value:.0f}" if value else "",
                         "#ffffff" if value > 8 else "#333333"):
                self._show_cell(text)


class ConfusionPlot(_CellNumbers, pg.PlotWidget):
    """How the held-out digits were read: row = the true digit, column = the guess."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("confusion")
        self.setAccessibleName("Confusion matrix: true digits down, the network's guesses "
                               "across")
        item = _still_plot(self, "the network's guess", "the true digit")
        for name in ("bottom", "left"):
            _digit_ticks(item.getAxis(name))
            item.getAxis(name).setStyle(tickLength=0)
        view = item.getViewBox()
        view.invertY(True)
        view.setAspectLocked(True)
        view.setRange(xRange=(-0.5, 9.5), yRange=(-0.5, 9.5), padding=0.01)
        self._counts = np.zeros((10, 10), dtype=np.int64)
        self._drawn: np.ndarray | None = None
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(COUNT_MAP.getLookupTable(nPts=256))
        item.addItem(self.image)
        self.texts = []
        for r in range(10):
            for c in range(10):
                text = pg.TextItem(anchor=(0.5, 0.5))
                _small_font(text, 0.8, bold=(r == c))
                text.setPos(c, r)
                item.addItem(text)
                self.texts.append(text)
        self.widest = "88"
        self.show_counts(self._counts)
        self._watch_size()

    @property
    def counts(self) -> np.ndarray:
        return self._counts.copy()

    def show_counts(self, counts) -> None:
        c = np.asarray(counts, dtype=np.int64).reshape(10, 10)
        if self._drawn is not None and np.array_equal(c, self._drawn):
            return  # a new epoch often reads the held-out digits exactly as the last one
        self._counts = c.copy()
        self._drawn = self._counts
        top = max(1, int(c.max()))
        # A square root scale: the few mistakes stay visible next to the big diagonal.
        self.image.setImage(np.sqrt(c / top), levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(-0.5, -0.5, 10, 10)
        for k, text in enumerate(self.texts):
            value = int(c.flat[k])
            r, col = divmod(k, 10)
            dark = math.sqrt(value / top) > 0.55
            if _put_text(text, str(value) if value else "",
                         "#ffffff" if dark else (theme.ERROR_TEXT if r != col
                                                 else theme.FOREGROUND)):
                self._show_cell(text)


class FirstLayerPlot(pg.PlotWidget):
    """The first layer's weights: one 8 × 8 tile per neuron, each pixel the weight from
    that pixel of the input (orange: positive, blue: negative, each tile scaled to its own
    largest weight)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=theme.BACKGROUND)
        self.setObjectName("first_layer")
        self.setAccessibleName("The first layer's weights, one 8 by 8 picture per neuron")
        item = _still_plot(self)
        item.hideAxis("left")
        item.hideAxis("bottom")
        view = item.getViewBox()
        view.invertY(True)
        view.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self.image)
        self.captions = []
        for d in DIGITS:  # used when the first layer is the output layer: one per digit
            caption = pg.TextItem(str(d), color=theme.FOREGROUND, anchor=(0.5, 0.0))
            _small_font(caption, 0.9, bold=True)
            caption.setVisible(False)
            item.addItem(caption)
            self.captions.append(caption)
        self._count = 0
        self._layout: tuple | None = None
        self._lut = WEIGHT_MAP.getLookupTable(nPts=256, mode="byte", alpha=True)

    @property
    def tile_count(self) -> int:
        return self._count

    def show_weights(self, pictures: np.ndarray, digit_captions: bool = False) -> None:
        tiles = np.asarray(pictures, dtype=np.float64)
        n = tiles.shape[0]
        self._count = n
        per_row = max(MIN_TILES_PER_ROW, math.ceil(math.sqrt(n * 2.0)))
        if digit_captions:
            per_row = 5
        rows = math.ceil(n / per_row)
        step = 8 + GAP
        height = rows * step - GAP + (2 if digit_captions else 0) * rows
        width = per_row * step - GAP
        mosaic = np.full((height, width, 4), 255, dtype=np.uint8)
        mosaic[..., :3] = 245
        with np.errstate(all="ignore"):
            top = np.abs(tiles).reshape(n, -1).max(axis=1)
        top = np.where(np.isfinite(top) & (top > 0), top, 1.0)
        scaled = np.nan_to_num(tiles / top[:, None, None], nan=0.0)
        index = np.clip(np.rint((scaled + 1.0) * 127.5), 0, 255).astype(np.int64)
        coloured = self._lut[index]
        row_step = step + (2 if digit_captions else 0)
        for k in range(n):
            r, c = divmod(k, per_row)
            y0, x0 = r * row_step, c * step
            mosaic[y0:y0 + 8, x0:x0 + 8] = coloured[k]
        self.image.setImage(mosaic, autoLevels=False, levels=(0, 255))
        layout = (n, per_row, digit_captions, width, height)
        if layout == self._layout:
            return  # new weights in the same mosaic: captions and view stay where they are
        self._layout = layout
        for d, caption in enumerate(self.captions):
            caption.setVisible(digit_captions and d < n)
            if digit_captions and d < n:
                r, c = divmod(d, per_row)
                caption.setPos(c * step + 4, r * row_step + 8.1)
        self.getPlotItem().getViewBox().setRange(xRange=(-0.5, width + 0.5),
                                                 yRange=(-0.5, height + 0.5), padding=0)


def digit_icon(values, size: int = 48, border: str | None = None) -> QIcon:
    """An 8 × 8 picture (0 … 16) as an icon, dark ink on white, sharp squares."""
    v = np.asarray(values, dtype=np.float64).reshape(8, 8)
    grey = np.ascontiguousarray((255 - np.clip(v, 0, 16) * (255 - 17) / 16).astype(np.uint8))
    image = QImage(grey.data, 8, 8, 8, QImage.Format.Format_Grayscale8).copy()
    pixmap = QPixmap.fromImage(image.scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                            Qt.TransformationMode.FastTransformation))
    if border:
        painter = QPainter(pixmap)
        painter.setPen(QPen(QColor(border), 2))
        painter.drawRect(1, 1, size - 2, size - 2)
        painter.end()
    return QIcon(pixmap)


class MistakesModel(QAbstractListModel):
    """The mistakes as a list model: icons are made only for the rows a view shows, so a
    network that gets 300 digits wrong costs no more to show than one that gets 3."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._mistakes: list = []
        self._picture = None
        self._icons: dict[int, QIcon] = {}
        self.icon_size = 48

    def set_mistakes(self, mistakes, picture) -> None:
        new = list(mistakes)
        if picture is not self._picture or not self._mistakes or not new:
            self.beginResetModel()
            self._mistakes = new
            self._picture = picture
            self.endResetModel()
            return
        # From one epoch to the next only a few mistakes come and go: moving just those
        # rows spares the view laying out and painting every icon again.
        old = [(m.index, m.guessed) for m in self._mistakes]
        keys = [(m.index, m.guessed) for m in new]
        ops = difflib.SequenceMatcher(a=old, b=keys, autojunk=False).get_opcodes()
        # Later rows first, so the row numbers of earlier edits still hold.
        for tag, i1, i2, j1, j2 in reversed(ops):
            if tag == "equal":
                self._mistakes[i1:i2] = new[j1:j2]  # same digits, fresh certainties
                continue
            if i2 > i1:
                self.beginRemoveRows(QModelIndex(), i1, i2 - 1)
                del self._mistakes[i1:i2]
                self.endRemoveRows()
            if j2 > j1:
                self.beginInsertRows(QModelIndex(), i1, i1 + j2 - j1 - 1)
                self._mistakes[i1:i1] = new[j1:j2]
                self.endInsertRows()

    def mistake(self, row: int):
        return self._mistakes[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 (Qt names)
        return 0 if parent.isValid() else len(self._mistakes)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._mistakes):
            return None
        m = self._mistakes[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return m.text
        if role == Qt.ItemDataRole.DecorationRole:
            icon = self._icons.get(m.index)
            if icon is None:
                icon = self._icons[m.index] = digit_icon(self._picture(m.index),
                                                         self.icon_size)
            return icon
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"Test digit #{m.index}: it is a {m.true}; the network said {m.guessed} "
                    f"with {100 * m.confidence:.0f}% certainty.")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignHCenter
        if role == Qt.ItemDataRole.UserRole:
            return m.index
        return None


class MistakesGallery(QListView):
    """Every held-out digit the network reads wrongly, with "true 3, guessed 8"."""

    ICON = 48

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mistakes")
        self.setAccessibleName("The test digits the network got wrong")
        self.gallery = MistakesModel(self)
        self.gallery.icon_size = self.ICON
        self.setModel(self.gallery)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(self.ICON, self.ICON))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(True)
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalScrollBar().setObjectName("mistakes_scroll")
        self.verticalScrollBar().setAccessibleName("Scroll the mistakes")
        self.horizontalScrollBar().setObjectName("mistakes_scroll_sideways")
        self.horizontalScrollBar().setAccessibleName("Scroll the mistakes sideways")
        self._shown: tuple | None = None
        self._fit_grid()

    def _fit_grid(self) -> None:
        """Room for "true 8, guessed 8" under each picture, in the current font."""
        metrics = self.fontMetrics()
        text_width = metrics.horizontalAdvance("true 8, guessed 8")
        self.setGridSize(QSize(max(self.ICON, text_width) + 14,
                               self.ICON + metrics.height() + 12))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_grid()

    def count(self) -> int:
        return self.gallery.rowCount()

    def text(self, row: int) -> str:
        return self.gallery.data(self.gallery.index(row), Qt.ItemDataRole.DisplayRole)

    def show_mistakes(self, mistakes, picture) -> None:
        """``mistakes``: Mistake objects; ``picture(index)``: the 8 × 8 values of a digit."""
        key = tuple((m.index, m.guessed) for m in mistakes)
        if key == self._shown:
            return
        self._shown = key
        self.gallery.set_mistakes(mistakes, picture)
