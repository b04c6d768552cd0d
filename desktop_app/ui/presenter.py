"""The classroom look: bigger text, thicker lines, larger markers and strong contrast.

Two independent factors are applied to a tree of widgets:

* a *text* factor (presenter mode × Ctrl+= zoom) for fonts: the application font, every
  widget whose font was set on purpose (headings), table rows, and the text drawn inside
  pyqtgraph plots (axis ticks and labels, TextItems, LabelItems);
* a *line* and a *marker* factor (presenter mode only) for the pens and symbol sizes of
  pyqtgraph items.

Each scaled thing remembers its own base value, so scaling is idempotent and switching
back gives exactly the original look. If the view itself replaced a value meanwhile (a
new pen for the newest move, say), the new value becomes the base.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QPen
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView, QWidget

if TYPE_CHECKING:
    import pyqtgraph as pg

_STORE = "dlms_look"
#: Axis lines (and the grid drawn with them) grow at most this much in presenter mode.
AXIS_LINES = 1.5
#: QFont::SizeResolved (PySide does not export the ResolveProperties enum).
_SIZE_RESOLVED = 0x0002


def _store(owner) -> dict:
    """The remembered values of ``owner``: {"base": {...}, "set": {...}}.

    Qt objects keep them in a dynamic property (their Python wrapper may be made anew on
    every access); plain graphics items, always Python objects here, in their __dict__.
    """
    if isinstance(owner, QObject):
        value = owner.property(_STORE)
        return value if isinstance(value, dict) else {"base": {}, "set": {}}
    return owner.__dict__.setdefault(_STORE, {"base": {}, "set": {}})


def _keep(owner, store: dict) -> None:
    if isinstance(owner, QObject):
        owner.setProperty(_STORE, store)


def _remember(owner, key: str, current, fresh=None):
    """The base value of ``key`` on ``owner``: the stored one unless someone changed it.

    A value seen for the first time (or changed by its view) becomes the base; ``fresh``,
    when given, is the base to use instead (a font made while the text was already scaled).
    """
    store = _store(owner)
    if key not in store["base"] or not _same(store["set"].get(key), current):
        store["base"][key] = current if fresh is None else fresh
        _keep(owner, store)
    return store["base"][key]


def _applied(owner, key: str, value) -> None:
    store = _store(owner)
    store["set"][key] = value
    _keep(owner, store)


def _has_base(owner, key: str) -> bool:
    return key in _store(owner)["base"]


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
        except (TypeError, ValueError):
            return False
    return a == b


# -- fonts ----------------------------------------------------------------------------------

def font_size(font: QFont) -> float:
    """A font's size in points (pixel-sized fonts are converted at 96 dpi)."""
    points = font.pointSizeF()
    if points > 0:
        return points
    return max(1.0, font.pixelSize() * 72.0 / 96.0)


def scaled_font(font: QFont, base_points: float, scale: float) -> QFont:
    result = QFont(font)
    result.setPointSizeF(max(1.0, base_points * scale))
    return result


#: The application's own font size (points) before any scaling; set by the main window.
_APP = {"points": None}


def set_base_points(points: float) -> None:
    _APP["points"] = float(points)


def base_points() -> float:
    return _APP["points"] or font_size(QApplication.font())


def scale_widget_fonts(root: QWidget, scale: float, previous: float = 1.0) -> None:
    """Widgets with a font of their own (headings, big result lines) grow with ``scale``.

    Widgets without one follow the application font, which the main window scales. A font
    first met now was made from the text as it was (``previous`` times its normal size).
    """
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        own_size = widget.testAttribute(Qt.WidgetAttribute.WA_SetFont) and \
            widget.font().resolveMask() & _SIZE_RESOLVED
        if not own_size:
            if widget.styleSheet() and scale != previous:
                # A widget with a style sheet does not follow the application font by
                # itself (a Qt quirk); setting its sheet again makes it.
                widget.setStyleSheet(widget.styleSheet())
            continue
        font = widget.font()
        pg = sys.modules.get("pyqtgraph")  # not loaded yet: no widget can be a plot
        if pg is not None and isinstance(widget, pg.GraphicsView):
            continue  # plots scale their text inside the scene
        base = _remember(widget, "font", font_size(font), font_size(font) / previous)
        new = scaled_font(font, base, scale)
        if not _same(font_size(font), new.pointSizeF()):
            widget.setFont(new)
        _applied(widget, "font", new.pointSizeF())
    for table in [w for w in widgets if isinstance(w, QTableView)]:
        _fit_table(table, scale)


def _fit_table(table: QTableView, scale: float) -> None:
    """Table rows (and a table of fixed height) grow with the text."""
    header = table.verticalHeader()
    base = _remember(header, "rows", header.defaultSectionSize())
    rows = max(1, round(base * scale))
    header.setDefaultSectionSize(rows)
    _applied(header, "rows", rows)
    fixed = table.minimumHeight() == table.maximumHeight() and table.minimumHeight() > 0
    if fixed or _has_base(table, "height"):
        height = _remember(table, "height", table.minimumHeight())
        new = round(height * scale)
        table.setFixedHeight(new)
        _applied(table, "height", new)
    if isinstance(table, QAbstractItemView):
        table.doItemsLayout()


# -- plots ------------------------------------------------------------------------------------

def graphics_views(root: QWidget) -> list[pg.GraphicsView]:
    pg = sys.modules.get("pyqtgraph")
    if pg is None:
        return []  # nothing can hold a plot before pyqtgraph is loaded
    views = root.findChildren(pg.GraphicsView)
    if isinstance(root, pg.GraphicsView):
        views.insert(0, root)
    return views


def scale_plots(root: QWidget, text: float = 1.0, line: float = 1.0, marker: float = 1.0,
                contrast: bool = False, previous: float = 1.0) -> int:
    """Scale every pyqtgraph item under ``root``; returns how many items were touched.

    ``previous`` is the text scale in force until now: text first met now was made at it.
    """
    touched = 0
    for view in graphics_views(root):
        scene = view.scene()
        if scene is None:
            continue
        for item in scene.items():
            touched += _scale_item(item, text, line, marker, contrast, previous)
    return touched


def _inside_data_item(item) -> bool:
    import pyqtgraph as pg

    parent = item.parentItem()
    return isinstance(parent, pg.PlotDataItem)


def _pen_width(pen: QPen) -> float:
    return pen.widthF() if pen.widthF() > 0 else 1.0


def _scaled_pen(owner, key: str, pen, factor: float, colour=None) -> QPen | None:
    if pen is None:
        return None
    import pyqtgraph as pg

    pen = pg.mkPen(pen)
    if pen.style() == Qt.PenStyle.NoPen:
        return None
    base = _remember(owner, key, _pen_width(pen))
    new = QPen(pen)
    new.setWidthF(base * factor)
    if colour is not None:
        new.setColor(colour)
    _applied(owner, key, new.widthF())
    return new


def _scale_item(item, text: float, line: float, marker: float, contrast: bool,
                previous: float) -> int:
    import pyqtgraph as pg

    from desktop_app.ui.plot_marks import Dot, Dots, Segment

    if isinstance(item, pg.PlotDataItem):
        pen = _scaled_pen(item, "pen", item.opts.get("pen"), line)
        if pen is not None:
            item.setPen(pen)
        if item.opts.get("symbol") is not None:
            size = _remember(item, "symbol", float(item.opts.get("symbolSize", 10)))
            item.setSymbolSize(size * marker)
            _applied(item, "symbol", size * marker)
        return 1
    if isinstance(item, pg.PlotCurveItem) and not _inside_data_item(item) \
            and not getattr(item, "is_grid", False):
        pen = _scaled_pen(item, "pen", item.opts.get("pen"), line)
        if pen is not None:
            item.setPen(pen)
        return 1
    if isinstance(item, pg.ScatterPlotItem) and not _inside_data_item(item):
        _scale_scatter(item, line, marker)
        return 1
    if isinstance(item, Segment):
        pen = _scaled_pen(item, "pen", item.pen(), line)
        if pen is not None:
            item.setPen(pen)
        return 1
    if isinstance(item, (Dot, Dots)):
        size = _remember(item, "dot", item.size)
        item.set_size(size * marker)
        _applied(item, "dot", size * marker)
        if isinstance(item, Dot):
            pen = _scaled_pen(item, "pen", item.pen(), line)
            if pen is not None:
                item.setPen(pen)
        return 1
    if isinstance(item, pg.TargetItem):
        size = _remember(item, "target", float(item.scale))
        item.scale = size * marker
        _applied(item, "target", size * marker)
        item._shape = None
        item.prepareGeometryChange()
        item.update()
        return 1
    if isinstance(item, pg.ArrowItem):
        head = _remember(item, "head", float(item.opts.get("headLen", 20)))
        item.setStyle(headLen=head * marker)
        _applied(item, "head", head * marker)
        return 1
    if isinstance(item, (pg.InfiniteLine, pg.IsocurveItem)):
        pen = _scaled_pen(item, "pen", item.pen, line)
        if pen is not None:
            item.setPen(pen)
        return 1
    if isinstance(item, pg.TextItem):
        font = item.textItem.font()
        base = _remember(item, "font", font_size(font), font_size(font) / previous)
        item.setFont(scaled_font(font, base, text))
        _applied(item, "font", base * text)
        return 1
    if isinstance(item, pg.AxisItem):
        _scale_axis(item, text, line, contrast, previous)
        return 1
    if isinstance(item, pg.LabelItem):
        _scale_label_item(item, text, previous)
        return 1
    return 0


def _scale_scatter(item: pg.ScatterPlotItem, line: float, marker: float) -> None:
    default = float(item.opts.get("size", 7))
    base = _remember(item, "size", default)
    sizes = item.data["size"]
    old_factor = default / base if base else 1.0
    item.setSize(base * marker, update=False)
    _applied(item, "size", base * marker)
    if len(sizes):
        own = sizes >= 0  # -1 means "the default size"
        if own.any():
            scaled = sizes.astype(float)
            scaled[own] = sizes[own] / old_factor * marker
            item.setSize(scaled, update=False)
    pen = _scaled_pen(item, "pen", item.opts.get("pen"), line)
    if pen is not None:
        item.setPen(pen, update=False)
    item.updateSpots()
    item.invalidate()


def _scale_axis(axis: pg.AxisItem, text: float, line: float, contrast: bool,
                previous: float) -> None:
    import pyqtgraph as pg

    tick_font = axis.style.get("tickFont")
    if tick_font is None:
        tick_font = QFont(QApplication.font())
        tick_font.setPointSizeF(base_points() * previous)
    tick_base = _remember(axis, "tick", font_size(tick_font), font_size(tick_font) / previous)
    axis.setTickFont(scaled_font(tick_font, tick_base, text))
    _applied(axis, "tick", tick_base * text)
    label_font = axis.label.font()
    label_base = _remember(axis, "label", font_size(label_font),
                           font_size(label_font) / previous)
    axis.label.setFont(scaled_font(label_font, label_base, text))
    _applied(axis, "label", label_base * text)
    # Grid lines are drawn with the axis pen: thicker, but not as thick as the curves.
    pen = _scaled_pen(axis, "pen", axis.pen(), min(line, AXIS_LINES))
    if pen is not None:
        store = _store(axis)
        if "colour" not in store["base"]:
            store["base"]["colour"] = pen.color().name()
            _keep(axis, store)
        pen.setColor(pg.mkColor("#000000" if contrast else store["base"]["colour"]))
        axis.setPen(pen)
        axis.setTextPen(pg.mkPen(pen.color()))
    # Ticks a little further from the text, so bigger numbers do not touch the axis line.
    offset = _remember(axis, "offset", axis.style["tickTextOffset"][0])
    axis.setStyle(tickTextOffset=max(2, round(offset * min(text, 2.0))))
    _applied(axis, "offset", axis.style["tickTextOffset"][0])
    axis._updateLabel()


def _scale_label_item(item: pg.LabelItem, text: float, previous: float) -> None:
    size = item.opts.get("size")
    if isinstance(size, str) and size.endswith("pt"):
        try:
            current = float(size[:-2])
        except ValueError:
            return
    else:
        current = base_points() * previous
    base = _remember(item, "size", current, current / previous)
    item.setText(item.text, size=f"{base * text:.1f}pt")
    _applied(item, "size", float(f"{base * text:.1f}"))


# -- colour maps ------------------------------------------------------------------------------

def swap_height_maps(root: QWidget, colour_map) -> int:
    """Every image and colour bar showing heights (the map named theme.SURFACE_MAP_NAME)
    takes ``colour_map``; returns how many were changed."""
    import pyqtgraph as pg

    from desktop_app.ui import theme

    changed = 0
    for view in graphics_views(root):
        scene = view.scene()
        if scene is None:
            continue
        for item in scene.items():
            if isinstance(item, pg.ImageItem):
                current = item.getColorMap()
                if current is not None and current.name == theme.SURFACE_MAP_NAME:
                    item.setColorMap(colour_map)
                    changed += 1
            elif isinstance(item, pg.ColorBarItem):
                current = item.colorMap()
                if current is not None and current.name == theme.SURFACE_MAP_NAME:
                    item.setColorMap(colour_map)
                    changed += 1
    return changed
