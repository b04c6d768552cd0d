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
