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


def style_plot(plot_item, x_label: str = "x", y_label: str = "") -> None:
    """The look every 2-D plot shares: a light grid, labelled axes, no stray buttons."""
    plot_item.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    for name in ("left", "bottom"):
        # Grid lines are repainted with every frame; the finest tick level tripled
        # the paint time of a plot while adding little a class can read.
        plot_item.getAxis(name).setStyle(maxTickLevel=1)
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
    """The surface colour map as a pyqtgraph ColorMap: dark red (low) to light yellow (high)."""
    import numpy as np
    import pyqtgraph as pg

    return pg.ColorMap(np.linspace(0.0, 1.0, len(SURFACE_COLORS)), SURFACE_COLORS,
                       name="surface")
