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
