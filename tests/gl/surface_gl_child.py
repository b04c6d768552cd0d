"""Run by tests/gl/test_surface_gl.py in a child process on a real X display (Xvfb).

It drives the surface tab with OpenGL really working and prints one JSON line, starting
with ``RESULT ``, that the parent test checks. Nothing here asserts: every finding is a
number or a flag in that line, so the parent can say exactly what went wrong.
"""

from __future__ import annotations

import json
import sys
import traceback


def wait_for(predicate, timeout_ms: int = 15000) -> bool:
    """Run the event loop until ``predicate()`` is true (or the time is up)."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop, QTimer

    deadline = QDeadlineTimer(timeout_ms)
    while not predicate():
        if deadline.hasExpired():
            return False
        loop = QEventLoop()
        QTimer.singleShot(15, loop.quit)
        loop.exec()
    return True


def picture_facts(image, region=None) -> dict:
    """How varied a picture is, and whether it has the surface's yellows and dark reds."""
    from PySide6.QtCore import Qt

    if region is not None:
        image = image.copy(region)
    small = image.scaled(200, 160, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.FastTransformation)
    colours = set()
    yellowish = dark_red = 0
    for x in range(small.width()):
        for y in range(small.height()):
            c = small.pixelColor(x, y)
            r, g, b = c.red(), c.green(), c.blue()
            colours.add((r, g, b))
            if r > 200 and g > 170 and b < 170 and r - b > 60:
                yellowish += 1
            if 40 < r < 170 and g < 50 and b < 50 and r > 2 * g:
                dark_red += 1
    return {"colours": len(colours), "yellowish": yellowish, "dark_red": dark_red}


def main() -> dict:
    result: dict = {}
    from PySide6.QtCore import QSettings

    from desktop_app.app import application, build_window

    app = application()
    QSettings().clear()  # start on the first tab, whatever an earlier run remembered
    window = build_window([])
    result["gl_imported_at_start"] = "pyqtgraph.opengl" in sys.modules
    window.resize(1280, 800)
    window.show()
    wait_for(lambda: window.isExposed() if hasattr(window, "isExposed")
             else window.windowHandle() is not None and window.windowHandle().isExposed())
    result["current_tab_at_start"] = window.current_tab().key
    result["gl_imported_with_hot_tab_shown"] = "pyqtgraph.opengl" in sys.modules

    tab = window.tab_by_key("surface")
    window.show_tab("surface")
    result["gl_imported_after_showing"] = "pyqtgraph.opengl" in sys.modules
    result["gl_state"] = tab.gl_state
    result["notice_visible"] = tab.gl_notice.isVisible()
    result["notice_text"] = tab.gl_notice.text()
    view = tab.view3d
    result["view_exists"] = view is not None
    if view is None:
        return result
    result["painted"] = wait_for(lambda: view.frames >= 1)
    result["view_valid"] = view.isValid()
    result["gl_version"] = list(view.context().format().version()) if view.context() else None

    image = view.grabFramebuffer()
    result["framebuffer_size"] = [image.width(), image.height()]
    result["framebuffer"] = picture_facts(image)

    # The window's own picture (what --screenshot saves) must hold the 3-D view too.
    window_image = window.grab().toImage()
    top_left = view.mapTo(window, view.rect().topLeft())
    from PySide6.QtCore import QRect

    ratio = window_image.devicePixelRatio()
    region = QRect(int(top_left.x() * ratio), int(top_left.y() * ratio),
                   int(view.width() * ratio), int(view.height() * ratio))
    result["window_grab"] = picture_facts(window_image, region)

    # Stepping the race moves every walker and redraws the 3-D view.
    frames_before = view.frames
    for _ in range(5):
        tab.step()
    result["steps"] = {name: d.steps for name, d in tab.model.race.descents.items()}
    result["redrawn_after_steps"] = wait_for(lambda: view.frames > frames_before)
    items = view.walkers
    result["walker_lines_visible"] = {name: items[name].line.visible()
                                      for name in tab.model.race.descents}
    result["balls_visible"] = {name: items[name].ball.visible()
                               for name in tab.model.race.descents}
    # Paths float just above the surface: their heights are the surface's, lifted.
    gd_points = items["gd"].line.pos
    box = tab._box
    f = tab.model.surface.f
    xs, ys = box.from_view(gd_points[:, 0], gd_points[:, 1])
    lifted = gd_points[:, 2] - box.view_z(f(xs, ys))
    result["path_lift"] = [float(lifted.min()), float(lifted.max())]

    # Clicking the 3-D view on the bowl's bottom (0, 0) starts the walkers there.
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from desktop_app.model import surface_geometry as geo

    target = box.to_view(0.0, 0.0, f(0.0, 0.0))
    region_ = (0, 0, view.width(), view.height())
    matrix = view.projectionMatrix(region_, region_) * view.viewMatrix()
    import numpy as np

    mvp = np.array(matrix.data(), dtype=float).reshape(4, 4).T
    sx, sy, _, _ = geo.project_points(target.reshape(1, 3), mvp, view.width(), view.height())
    spot = QPoint(int(round(sx[0])), int(round(sy[0])))
    QTest.mouseMove(view, spot)
    app.processEvents()
    result["hover_text"] = tab.hover_info.text()
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    app.processEvents()
    result["start_after_3d_click"] = [tab.settings.start_x, tab.settings.start_y]

    # The camera goes into the saved state and comes back from it.
    view.setCameraPosition(elevation=40.0, azimuth=10.0, distance=20.0)
    state = tab.state()
    result["camera_in_state"] = state.get("camera")
    view.setCameraPosition(elevation=5.0, azimuth=90.0, distance=30.0)
    tab.restore(state)
    result["camera_restored"] = view.camera()

    # A second window, so a second GLViewWidget in the same process.
    second = build_window([])
    second.resize(1000, 700)
    second.show()
    second.show_tab("surface")
    other = second.tab_by_key("surface").view3d
    result["second_view_exists"] = other is not None
    if other is not None:
        result["second_painted"] = wait_for(lambda: other.frames >= 1)
        result["second_framebuffer"] = picture_facts(other.grabFramebuffer())
    # The first view still draws after the second one started.
    frames_before = view.frames
    tab.step()
    result["first_still_draws"] = wait_for(lambda: view.frames > frames_before)
    result["first_framebuffer_again"] = picture_facts(view.grabFramebuffer())
    second.close()
    window.close()
    return result


if __name__ == "__main__":
    try:
        outcome = main()
    except Exception:
        outcome = {"error": traceback.format_exc()}
    print("RESULT " + json.dumps(outcome), flush=True)
