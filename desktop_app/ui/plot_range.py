"""Setting a plot's range so that it is painted once.

pyqtgraph applies a new view range only when the view is about to paint. The items then
learn of their new place in the middle of that paint and ask for another one: every frame
that changed a range painted its plot twice. Applying the range at once avoids that.
"""

from __future__ import annotations


def set_range_now(view_box, x_range=None, y_range=None, padding: float = 0.0) -> None:
    """``view_box.setRange`` for the ranges given, applied before the next paint."""
    view_box.setRange(xRange=x_range, yRange=y_range, padding=padding)
    view_box.updateMatrix()
