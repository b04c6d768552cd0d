"""How fast the surface tab draws: a benchmark to run by hand, never part of the test suite.

Run it on an X display with OpenGL (Xvfb with Mesa's llvmpipe is the reference)::

    xvfb-run -a -s "-screen 0 1280x800x24" /work/venv/bin/python tests/benchmarks/bench_surface.py

(add ``--frames N`` for more or fewer frames per row; 300 by default). It prints one table
of milliseconds, median and 95th percentile:

- 3-D frame: the walkers' paths and balls updated, then the 100 × 100 lit surface
  rendered (paintGL, finished with glFinish); and the same plus the window presenting it;
- lighting a surface: our normals (np.gradient) + light in the vertex colours, against
  pyqtgraph's shaded GLSurfacePlotItem.setData + its own normals (the baseline, measured
  in the same run), and that baseline rendered;
- top view + paths: paths, balls, arrow and markers updated and the top view painted
  (into a picture of its own, as the window's flush is counted in the 3-D row);
- the rest of a tab frame (slices, gradient label, walkers' table, narration), painted
  the same way.

Targets: 3-D frame ≤ 35 ms p95; top view + paths ≤ 4 ms p95. The file name has no
``test_`` prefix, so pytest never collects it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def timed(action, frames: int, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(frames):
        start = time.perf_counter()
        action()
        samples.append(1000.0 * (time.perf_counter() - start))
    return samples


def wait_until(predicate, timeout_s: float = 15.0) -> bool:
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()
    return True


def measure(frames: int = 300) -> dict:
    """Every row of the table as {key, what, median_ms, p95_ms, frames}, with what drew them.

    Needs an X display; ``{"error": ...}`` when the 3-D view could not be made.
    """
    os.environ["QT_QPA_PLATFORM"] = "xcb"

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop_app.app import application, build_window

    app = application()
    QSettings().clear()
    window = build_window(["--tab", "surface"])
    window.resize(1280, 800)
    window.show()
    tab = window.current_tab()
    view = tab.view3d
    if view is None:
        return {"error": f"No 3-D view: {tab.gl_notice.text()}"}
    wait_until(lambda: view.frames >= 1)

    import pyqtgraph.opengl as gl
    from OpenGL import GL

    from desktop_app.model import surface_geometry as geo
    from desktop_app.ui.surface_tab import THIN_CELLS

    context = view.context()
    view.makeCurrent()
    renderer = GL.glGetString(GL.GL_RENDERER) or b"?"
    view.doneCurrent()
    rows: list[tuple[str, str, list[float]]] = []

    # The race on the hills: three walkers, paths growing as in class.
    from desktop_app.model.functions import SURFACES

    tab.set_surface(SURFACES["hills"].text)
    tab.reset()
    wait_until(lambda: False, 0.3)

    def walkers_3d():
        tab.model.step(1)  # (nothing once every walker is done: the drawing still counts)
        three = {name: tab._path_3d(name, d) for name, d in tab.model.race.descents.items()}
        view.set_walkers(three)

    def frame_3d():
        walkers_3d()
        view.makeCurrent()
        view.paintGL()
        GL.glFinish()
        view.doneCurrent()

    rows.append(("frame_3d", "3-D frame: paths/balls + render (100×100 lit)",
                 timed(frame_3d, frames)))

    def frame_3d_presented():
        walkers_3d()
        view.repaint()
        app.processEvents()
        view.makeCurrent()
        GL.glFinish()
        view.doneCurrent()

    rows.append(("frame_3d_presented", "3-D frame + window presents it",
                 timed(frame_3d_presented, frames)))

    # Lighting a new surface: ours against pyqtgraph's shaded surface item.
    xs, ys, z, colours = tab._grid
    box = tab._box
    xx, yy = np.meshgrid(xs, ys, indexing="ij")
    points = box.to_view(xx, yy, z)

    def our_lighting():
        normals = geo.vertex_normals(points[:, 0, 0], points[0, :, 1], points[..., 2])
        geo.lit_colors(colours, geo.shading(normals))

    def our_normals():
        geo.vertex_normals(points[:, 0, 0], points[0, :, 1], points[..., 2])

    rows.append(("normals", "normals by np.gradient (100×100)", timed(our_normals, frames)))
    rows.append(("lighting", "normals + light into vertex colours", timed(our_lighting, frames)))

    baseline = gl.GLSurfacePlotItem(x=points[:, 0, 0], y=points[0, :, 1],
                                    z=points[..., 2].astype(np.float32), shader="shaded",
                                    smooth=True)
    heights = [points[..., 2].astype(np.float32), (points[..., 2] * 0.99).astype(np.float32)]
    counter = iter(range(10**9))

    def pyqtgraph_set_data():
        baseline.setData(z=heights[next(counter) % 2])
        baseline.parseMeshData()  # what its next paint does first: the normals

    rows.append(("baseline_lighting", "baseline: GLSurfacePlotItem shaded setData + normals",
                 timed(pyqtgraph_set_data, max(20, frames // 5), warmup=2)))

    # parseMeshData() above consumed the "upload me" flags: start the item afresh, or its
    # first paint would draw from buffers never filled.
    baseline.meshDataChanged()
    probe = gl.GLViewWidget()
    probe.resize(view.size())
    probe.addItem(baseline)
    probe.show()
    wait_until(lambda: probe.isValid())

    def pyqtgraph_set_data_render():
        baseline.setData(z=heights[next(counter) % 2])
        probe.makeCurrent()
        probe.paintGL()
        GL.glFinish()
        probe.doneCurrent()

    rows.append(("baseline_render", "baseline: … setData + render",
                 timed(pyqtgraph_set_data_render, max(20, frames // 5), warmup=2)))
    probe.close()

    # The top view: paths, balls, arrow and markers, then a paint of the plot.
    top = tab.top

    def frame_top():
        tab.model.step(1)
        race = tab.model.race
        bounds = tab.model.surface.bounds
        walkers = {}
        for name, descent in race.descents.items():
            path = geo.thin_path(geo.clip_path(descent.path, bounds, margin=0.02),
                                 max(b - a for a, b in bounds) / THIN_CELLS)
            walkers[name] = (path, (path[-1, 0], path[-1, 1]))
        top.set_walkers(walkers)
        top.set_start(tab.model.start)
        point = tab.model.current_point()
        tip = geo.descent_arrow(point, tab.model.gradient_at(point), 1.0)
        top.set_arrow(point, tip)
        # Painted into a picture of its own: the window's flush to the screen is shared by
        # everything that changed and is counted in "3-D frame + window presents it".
        top.grab()

    tab.reset()
    rows.append(("top_3", "top view + paths (3 walkers)", timed(frame_top, frames)))

    long_race = {name: True for name in tab.model.settings.hyper}
    tab.restore({"optimizers": {name: {"on": on} for name, on in long_race.items()}})
    tab.model.step(1500)
    rows.append(("top_6", "top view + paths (6 walkers, 1500+ steps)",
                 timed(frame_top, frames)))

    tab.reset()

    def frame_rest():
        tab.model.step(1)
        tab._draw_point()
        tab._fill_table()
        tab._narrate()
        for widget in (tab.slices, tab.gradient_info, tab.walkers, tab.narration):
            widget.grab()

    rows.append(("rest", "rest of the tab: slices, labels, table, narration",
                 timed(frame_rest, frames)))

    fmt = context.format()
    result = {
        "frames": frames,
        "gl_version": f"{fmt.majorVersion()}.{fmt.minorVersion()}",
        "renderer": renderer.decode(errors="replace"),
        "window": [window.width(), window.height()],
        "view": [view.width(), view.height()],
        "rows": [{"key": key, "what": what, "median_ms": percentiles(samples)[0],
                  "p95_ms": percentiles(samples)[1], "frames": len(samples)}
                 for key, what, samples in rows],
    }
    window.close()
    QApplication.processEvents()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("No DISPLAY: run this under xvfb-run (see the docstring).", file=sys.stderr)
        return 2
    result = measure(args.frames)
    if "error" in result:
        print(result["error"], file=sys.stderr)
        return 1
    view_w, view_h = result["view"]
    print(f"\nSurface tab benchmark — {args.frames} frames per row; OpenGL "
          f"{result['gl_version']} on {result['renderer']}; "
          f"window 1280×800, 3-D view {view_w}×{view_h} px\n")
    width = max(len(row["what"]) for row in result["rows"])
    print(f"{'what':<{width}}  {'median ms':>9}  {'p95 ms':>7}")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 7}")
    for row in result["rows"]:
        print(f"{row['what']:<{width}}  {row['median_ms']:9.2f}  {row['p95_ms']:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
