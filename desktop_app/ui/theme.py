"""Colours and fonts shared by every view."""

from __future__ import annotations

# Warm colours for "hot" and cool ones for "cold" read the same way to most people;
# the pair also stays distinct for red-green colour blindness (orange vs blue).
HOT = "#d95f02"
COLD = "#1f78b4"
CURVE = "#3b3b3b"
WALKER = "#7b2d8b"
MINIMUM = "#1b9e77"
GRID_ALPHA = 0.25
BACKGROUND = "w"
FOREGROUND = "#222222"
ERROR_TEXT = "#b00020"

# Light yellow (high) to dark red (low), as in the article's top view.
SURFACE_COLORS = ["#5c0a0a", "#a01c1c", "#d9531e", "#f2a541", "#fde9a9", "#fffbe0"]


def solid(colour, share: float, background=BACKGROUND):
    """``colour`` at ``share`` of its strength over ``background``, as an opaque QColor.

    Qt's software painter draws a see-through line ten to thirty times slower than a solid
    one (39 thin grid lines across 864 × 660: 4.3 ms against 0.12 ms; 60 thick antialiased
    edges: 13.5 ms against 2.4 ms). A line over a plain background looks the same solid.
    """
    from PySide6.QtGui import QColor

    top, under = QColor(colour), QColor(background if background != "w" else "white")
    share = min(1.0, max(0.0, float(share)))
    return QColor(*(round(share * a + (1.0 - share) * b) for a, b in
                    ((top.red(), under.red()), (top.green(), under.green()),
                     (top.blue(), under.blue()))))


def keep_axes(plot_item, names=("left", "bottom", "right", "top")) -> None:
    """Let Qt keep these axes as ready pixels, drawn again only when their ticks change.

    An axis changes with the range only, but its ticks reach into the plot, so anything
    that moves near an edge repaints it, labels and all; from Qt's cache that is a copy.
    """
    from PySide6.QtWidgets import QGraphicsItem

    for name in names:
        plot_item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def style_plot(plot_item, x_label: str = "x", y_label: str = "") -> None:
    """The look every 2-D plot shares: a light grid, labelled axes, no stray buttons."""

    from desktop_app.ui.plot_grid import show_grid

    for name in ("left", "bottom"):
        # The finest tick level adds little a class can read.
        plot_item.getAxis(name).setStyle(maxTickLevel=1)
    keep_axes(plot_item, ("left", "bottom"))
    show_grid(plot_item)
    plot_item.setLabel("bottom", x_label)
    plot_item.setLabel("left", y_label)
    plot_item.hideButtons()
    plot_item.setMenuEnabled(False)

# One colour per optimizer in the surface race, from Okabe and Ito's colour-blind-safe
# palette. Its yellow and vermillion are left out: they vanish on the yellow-to-red surface.
OPTIMIZER_COLORS = {
    "gd": "#0072b2",        # blue
    "momentum": "#009e73",  # bluish green
    "nesterov": "#56b4e9",  # sky blue
    "adagrad": "#000000",   # black
    "rmsprop": "#e69f00",   # orange
    "adam": "#cc79a7",      # reddish purple
}
# Drawn under each path so it stands out on light and dark parts of the surface alike.
PATH_HALO = "#ffffff"
START_MARK = "#ffffff"
HOVER_MARK = "#00e5ff"


def surface_colormap():
    """The height colour map as a pyqtgraph ColorMap, low to high.

    Normally dark red (low) to light yellow (high), as in the article's top view; with the
    colour-blind-safe palette, cividis (dark blue to light yellow).
    """
    import numpy as np
    import pyqtgraph as pg

    if colorblind():
        stops, colours = pg.colormap.get(COLORBLIND_MAP).getStops(mode=pg.ColorMap.BYTE)
        return pg.ColorMap(stops, colours, name=SURFACE_MAP_NAME)
    return pg.ColorMap(np.linspace(0.0, 1.0, len(SURFACE_COLORS)), SURFACE_COLORS,
                       name=SURFACE_MAP_NAME)


# -- palettes ---------------------------------------------------------------------------------
# The colours above are the everyday palette. The colour-blind-safe palette swaps the
# surface map for cividis (dark blue low, light yellow high: readable with every common
# kind of colour blindness and in grey) and hot/cold for Okabe and Ito's vermillion and blue.
NORMAL_HOT, NORMAL_COLD = HOT, COLD
COLORBLIND_HOT = "#d55e00"   # vermillion
COLORBLIND_COLD = "#0072b2"  # blue
COLORBLIND_MAP = "cividis"
#: Every colour map the app makes for heights carries this name, so views can find and swap it.
SURFACE_MAP_NAME = "surface"

# Presenter mode: how much bigger text, lines and markers get in front of a class.
PRESENTER_TEXT = 1.5
PRESENTER_LINES = 2.0
PRESENTER_MARKERS = 1.6
#: Ctrl+= / Ctrl+- zoom steps and limits (a factor on every font).
ZOOM_STEP = 1.15
ZOOM_RANGE = (0.6, 3.0)

_palette = {"colorblind": False}


def colorblind() -> bool:
    """Whether the colour-blind-safe palette is on."""
    return _palette["colorblind"]


def set_colorblind(on: bool) -> None:
    """Switch palettes; views built afterwards, and views that redraw, use the new colours."""
    global HOT, COLD
    _palette["colorblind"] = bool(on)
    HOT, COLD = (COLORBLIND_HOT, COLORBLIND_COLD) if on else (NORMAL_HOT, NORMAL_COLD)


def high_contrast_palette(base):
    """A QPalette for presenter mode: black on white, strong selection colour."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette(base)
    role = QPalette.ColorRole
    colours = {
        role.Window: "#ffffff", role.WindowText: "#000000", role.Base: "#ffffff",
        role.AlternateBase: "#eeeeee", role.Text: "#000000", role.Button: "#e8e8e8",
        role.ButtonText: "#000000", role.BrightText: "#ffffff", role.Highlight: "#003f9e",
        role.HighlightedText: "#ffffff", role.ToolTipBase: "#ffffdd", role.ToolTipText: "#000000",
        role.PlaceholderText: "#333333", role.Light: "#ffffff", role.Midlight: "#cccccc",
        role.Mid: "#555555", role.Dark: "#222222", role.Shadow: "#000000", role.Link: "#0033aa",
    }
    for which, colour in colours.items():
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, which, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor("#555555"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#555555"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#555555"))
    return palette
