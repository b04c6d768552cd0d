"""The surface in 3-D: lit, coloured by height, turnable and zoomable, with the walkers on it.

This module imports ``pyqtgraph.opengl`` (and PyOpenGL), so the surface tab imports it
only when it is first shown and :func:`surface_gl_probe.opengl_problem` found no problem.

How it stays fast: the surface is one ``GLMeshItem`` whose vertex colours already hold the
light (colour × (ambient + diffuse · n·l), normals from ``np.gradient``; see
:mod:`desktop_app.model.surface_geometry`). It is set once per surface; pyqtgraph never
computes normals (``computeNormals=False``). Each frame only the walkers' lines and balls
get new data.

Mouse: drag to turn, wheel to zoom (pyqtgraph's own handling). Hovering and clicking are
mapped to the surface by ray casting: the camera's matrices turn the mouse position into
a line of sight (:func:`surface_geometry.mouse_ray`), which is followed until it first
dips below the drawn surface (:func:`surface_geometry.ray_hit`). So the point found is
the one the student sees under the mouse — the front of a hill, never the valley hidden
behind it. A press and release that barely moved is a click; anything else is a turn.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

from desktop_app.model import surface_geometry as geo
from desktop_app.ui import theme

BACKGROUND = "#eef1f5"
FLOOR_COLOR = (0.45, 0.47, 0.52, 1.0)
LABEL_COLOR = "#3a3f47"
#: Height of the axis names on the floor, in view units (the longer side is 10).
LABEL_HEIGHT = 0.85
#: Pixels the mouse may move between press and release for it to count as a click.
CLICK_SLOP = 4
DEFAULT_CAMERA = {"elevation": 28.0, "azimuth": -62.0, "distance": 16.5}

# Drawn over everything (no depth test) with ordinary transparency: the balls, markers and
# the faint copy of each path, so a walker behind a hill is still seen.
_ON_TOP = {
    GL.GL_DEPTH_TEST: False,
    GL.GL_BLEND: True,
    GL.GL_CULL_FACE: False,
    "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA),
}
_GHOST_ALPHA = 0.35


def _text_image(text: str) -> np.ndarray:
    """``text`` as an RGBA array (x, y, 4) for a GLImageItem, reading along +x, up = +y."""
    font = QFont()
    font.setPixelSize(64)
    font.setBold(True)
    metrics = QFontMetrics(font)
    width, height = metrics.horizontalAdvance(text) + 8, metrics.height() + 4
    image = QImage(width, height, QImage.Format.Format_RGBA8888)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setPen(QColor(LABEL_COLOR))
    painter.setFont(font)
    painter.drawText(4, 2 + metrics.ascent(), text)
    painter.end()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        height, image.bytesPerLine() // 4, 4)[:, :width]
    # Image rows run downwards; the floor's y runs away from the viewer.
    return np.ascontiguousarray(rows[::-1].transpose(1, 0, 2))


def _rgba(colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    r, g, b, _ = pg.mkColor(colour).getRgbF()
    return (r, g, b, alpha)


class _Walker:
    """A walker's items: its path (solid where seen, faint where hidden) and its ball."""

    def __init__(self, view: gl.GLViewWidget, colour: str) -> None:
        self.ghost = gl.GLLinePlotItem(color=_rgba(colour, _GHOST_ALPHA), width=2.0,
                                       antialias=True, glOptions=_ON_TOP)
        self.line = gl.GLLinePlotItem(color=_rgba(colour), width=4.0, antialias=True,
                                      glOptions="translucent")
        self.halo = gl.GLScatterPlotItem(color=_rgba(theme.PATH_HALO), size=19.0,
                                         glOptions=_ON_TOP)
        self.ball = gl.GLScatterPlotItem(color=_rgba(colour), size=14.0, glOptions=_ON_TOP)
        # The faint copy first, so where the path is in sight the solid line covers it.
        for depth, item in enumerate((self.ghost, self.line, self.halo, self.ball)):
            item.setDepthValue(10 + depth)
            item.setVisible(False)
            view.addItem(item)

    def show(self, points: np.ndarray | None, head: np.ndarray | None) -> None:
        has_line = points is not None and len(points) >= 2
        if has_line:
            self.line.setData(pos=points)
            self.ghost.setData(pos=points)
        self.line.setVisible(has_line)
        self.ghost.setVisible(has_line)
        if head is not None:
            self.halo.setData(pos=head.reshape(1, 3))
            self.ball.setData(pos=head.reshape(1, 3))
        self.halo.setVisible(head is not None)
        self.ball.setVisible(head is not None)


class Surface3DView(gl.GLViewWidget):
    """The 3-D view. Feed it with ``set_surface`` (rarely) and ``set_walkers`` (every frame)."""

    #: Surface (x, y) of a click on the surface (sets the start).
    clicked = Signal(float, float)
    #: Surface (x, y) under the mouse.
    hovered = Signal(float, float)
    #: The mouse left the surface.
    left = Signal()
    #: OpenGL failed after all (a sentence for the notice).
    failed = Signal(str)
    #: The first picture was drawn.
    painted = Signal()

    def __init__(self, colours: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("surface_3d")
        self.setAccessibleName("The surface in 3-D: drag to turn it, use the wheel to zoom")
        self.setToolTip("Drag to turn the surface, scroll to zoom, click to start there.")
        self.setMouseTracking(True)
        self.setMinimumSize(200, 200)
        self.setBackgroundColor(BACKGROUND)
        self.setCameraPosition(**DEFAULT_CAMERA)
        self.ok = True
        self.frames = 0

        self.mesh = gl.GLMeshItem(meshdata=gl.MeshData(), smooth=True, computeNormals=False,
                                  shader=None, glOptions="opaque")
        self.addItem(self.mesh)
        self.floor = gl.GLLinePlotItem(mode="lines", color=FLOOR_COLOR, width=1.0,
                                       antialias=True, glOptions="translucent")
        self.addItem(self.floor)
        # Axis names printed on the floor as textures: plain GL, so they appear in every
        # picture of the window (text painted with QPainter is missing from window.grab()).
        self.axis_labels = [gl.GLImageItem(_text_image(text), smooth=True)
                            for text in ("x →", "y →")]
        for label in self.axis_labels:
            self.addItem(label)
        self.walkers = {name: _Walker(self, colour) for name, colour in colours.items()}
        self.start_mark = gl.GLScatterPlotItem(color=_rgba("#222222"), size=13.0,
                                               glOptions=_ON_TOP)
        self.start_inner = gl.GLScatterPlotItem(color=_rgba(theme.START_MARK), size=8.0,
                                                glOptions=_ON_TOP)
        self.hover_mark = gl.GLScatterPlotItem(color=_rgba("#222222"), size=12.0,
                                               glOptions=_ON_TOP)
        self.hover_inner = gl.GLScatterPlotItem(color=_rgba(theme.HOVER_MARK), size=7.0,
                                                glOptions=_ON_TOP)
        for depth, item in enumerate((self.start_mark, self.start_inner,
                                      self.hover_mark, self.hover_inner)):
            item.setDepthValue(30 + depth)
            item.setVisible(False)
            self.addItem(item)

        self._box: geo.Box | None = None
        self._heights: tuple | None = None  # (xs, ys, heights) of the mesh, view units
        self._press = None

    # -- data --------------------------------------------------------------------------
    def set_surface(self, box: geo.Box, xs: np.ndarray, ys: np.ndarray, z: np.ndarray,
                    colours: np.ndarray) -> None:
        """A new surface: grid ``z[i, j]`` over ``xs[i]``, ``ys[j]``, RGBA ``colours`` (n, m, 4).

        The colours are lit here once, with normals computed from the heights as drawn.
        """
        xx, yy = np.meshgrid(xs, ys, indexing="ij")
        points = box.to_view(xx, yy, z)
        valid = np.isfinite(z)
        heights = np.where(valid, points[..., 2], 0.0)
        points[..., 2] = heights
        normals = geo.vertex_normals(points[:, 0, 0], points[0, :, 1], heights)
        lit = geo.lit_colors(colours, geo.shading(normals))
        vertexes = np.ascontiguousarray(points.reshape(-1, 3), dtype=np.float32)
        mesh = gl.MeshData(vertexes=vertexes, faces=geo.grid_faces(z.shape, valid),
                           vertexColors=np.ascontiguousarray(lit.reshape(-1, 4),
                                                             dtype=np.float32))
        self.mesh.setMeshData(meshdata=mesh)
        self._box = box
        self._heights = (points[:, 0, 0], points[0, :, 1], np.where(valid, heights, np.nan))

        hx, hy = box.half_sides()
        corners = np.array([[-hx, -hy, 0], [hx, -hy, 0], [hx, hy, 0], [-hx, hy, 0]])
        self.floor.setData(pos=np.repeat(corners, 2, axis=0)[[1, 2, 3, 4, 5, 6, 7, 0]])
        places = ((0.0, -hy - 0.5, 0.0), (hx + 0.5, 0.0, 90.0))
        for label, (x, y, angle) in zip(self.axis_labels, places, strict=True):
            width, height = label.data.shape[:2]
            scale = LABEL_HEIGHT / height
            place = pg.Transform3D()  # each call below acts before the ones above it
            place.translate(x, y, 0.0)
            place.rotate(angle, 0.0, 0.0, 1.0)
            place.scale(scale, scale, 1.0)
            place.translate(-0.5 * width, -0.5 * height, 0.0)  # centred on (x, y)
            label.setTransform(place)
        self.opts["center"] = pg.Vector(0.0, 0.0, 0.3 * box.height)
        self.update()

    def set_walkers(self, walkers: dict[str, tuple[np.ndarray | None, np.ndarray | None]]) -> None:
        """Per walker name: its path (k, 3) in view coordinates and its head (3,); others hide."""
        for name, items in self.walkers.items():
            points, head = walkers.get(name, (None, None))
            items.show(points, head)
        self.update()

    def set_start(self, point: np.ndarray | None) -> None:
        for item in (self.start_mark, self.start_inner):
            if point is not None:
                item.setData(pos=np.asarray(point, dtype=float).reshape(1, 3))
            item.setVisible(point is not None)
        self.update()

    def set_hover(self, point: np.ndarray | None) -> None:
        for item in (self.hover_mark, self.hover_inner):
            if point is not None:
                item.setData(pos=np.asarray(point, dtype=float).reshape(1, 3))
            item.setVisible(point is not None)
        self.update()

    # -- camera ------------------------------------------------------------------------
    def camera(self) -> dict[str, float]:
        return {key: float(self.opts[key]) for key in ("elevation", "azimuth", "distance")}

    def set_camera(self, camera: dict[str, float]) -> None:
        self.setCameraPosition(elevation=camera["elevation"], azimuth=camera["azimuth"],
                               distance=camera["distance"])

    # -- mouse -------------------------------------------------------------------------
    def surface_point_at(self, x: float, y: float) -> tuple[float, float] | None:
        """Surface (x, y) drawn under the widget position (x, y), or None off the surface."""
        if self._heights is None or self._box is None:
            return None
        w, h = self.width(), self.height()
        if w <= 0 or h <= 0:
            return None
        region = (0, 0, w, h)
        matrix = self.projectionMatrix(region, region) * self.viewMatrix()
        mvp = np.array(matrix.data(), dtype=float).reshape(4, 4).T
        origin, direction = geo.mouse_ray(mvp, w, h, (x, y))
        hit = geo.ray_hit(origin, direction, *self._heights)
        if hit is None:
            return None
        sx, sy = self._box.from_view(hit[0], hit[1])
        return float(sx), float(sy)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt name)
        press, self._press = self._press, None
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        moved = event.position() - press
        if abs(moved.x()) + abs(moved.y()) <= CLICK_SLOP:
            point = self.surface_point_at(event.position().x(), event.position().y())
            if point is not None:
                self.clicked.emit(*point)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.buttons() == Qt.MouseButton.NoButton:
            point = self.surface_point_at(event.position().x(), event.position().y())
            if point is None:
                self.left.emit()
            else:
                self.hovered.emit(*point)
            return
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().leaveEvent(event)
        self.left.emit()

    # -- OpenGL failures become a notice, not a crash ------------------------------------
    def initializeGL(self) -> None:  # noqa: N802 (Qt name)
        try:
            super().initializeGL()
        except Exception as error:
            self._fail(f"OpenGL failed to start ({error})")

    def paintGL(self) -> None:  # noqa: N802 (Qt name)
        if not self.ok:
            return
        try:
            super().paintGL()
        except Exception as error:
            self._fail(f"OpenGL failed to draw ({type(error).__name__})")
            return
        self.frames += 1
        if self.frames == 1:
            self.painted.emit()

    def _fail(self, reason: str) -> None:
        if not self.ok:
            return
        self.ok = False
        # Not from inside a GL call: let Qt finish the current paint first.
        QTimer.singleShot(0, lambda: self.failed.emit(reason))
