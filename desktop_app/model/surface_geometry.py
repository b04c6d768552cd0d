"""The numbers behind the pictures of a surface z = f(x, y): pure NumPy, no Qt.

The surface tab draws a surface in 3-D and from the top, with the walkers' paths on it.
Everything it needs that is arithmetic rather than drawing lives here, so it can be
tested without a screen:

- ``Box``: where a point of the surface goes in the 3-D view (x and y scaled so the longer
  side is ``size`` long, heights squeezed into ``0 .. height``) and back;
- ``vertex_normals`` and ``lit_colors``: the light on the surface, computed once per
  surface with ``np.gradient`` instead of per triangle;
- ``grid_faces``: the two triangles of every grid cell, leaving out cells where f is
  undefined;
- ``densify_path`` and ``clip_path``: a path that follows the surface between the
  walker's points and stops at the edge of the picture;
- ``project_points``, ``mouse_ray`` and ``ray_hit``: where a 3-D point appears on screen,
  and which point of the surface is under the mouse;
- ``contour_levels``, ``cut``, ``tangent_segment``, ``descent_arrow``: contour heights,
  the two 1-D slices through a point, their tangent lines and the −∇f arrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Box",
    "clip_path",
    "contour_levels",
    "contour_segments",
    "cut",
    "densify_path",
    "descent_arrow",
    "grid_faces",
    "height_fraction",
    "height_range",
    "lit_colors",
    "mouse_ray",
    "project_points",
    "ray_hit",
    "shading",
    "thin_path",
    "tangent_segment",
    "vertex_normals",
]

Bounds2D = tuple[tuple[float, float], tuple[float, float]]

#: Where the light comes from (it need not be a unit vector): above, a little from the
#: front-left, so slopes facing away from it are darker and the shape reads at a glance.
LIGHT = (-0.35, -0.55, 1.0)
AMBIENT = 0.35
DIFFUSE = 0.75


@dataclass(frozen=True)
class Box:
    """The 3-D view's coordinates for a surface.

    x and y keep their proportions: the longer side of ``bounds`` becomes ``size`` long,
    centred on 0. Heights from ``z_lo`` to ``z_hi`` become ``0 .. height`` (heights outside
    are clipped to the box, so one spike cannot flatten the rest of the picture).
    """

    bounds: Bounds2D
    z_lo: float
    z_hi: float
    size: float = 10.0
    height: float = 4.0

    @property
    def scale(self) -> float:
        (x0, x1), (y0, y1) = self.bounds
        return self.size / max(x1 - x0, y1 - y0)

    @property
    def centre(self) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.bounds
        return 0.5 * (x0 + x1), 0.5 * (y0 + y1)

    @property
    def z_scale(self) -> float:
        span = self.z_hi - self.z_lo
        return self.height / span if span > 0 else 0.0

    def half_sides(self) -> tuple[float, float]:
        """Half the width and depth of the box in view units."""
        (x0, x1), (y0, y1) = self.bounds
        return 0.5 * (x1 - x0) * self.scale, 0.5 * (y1 - y0) * self.scale

    def to_view(self, x, y, z) -> np.ndarray:
        """(..., 3) view coordinates of surface points; z is clipped into the box."""
        cx, cy = self.centre
        s = self.scale
        x, y, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, y, z)))
        with np.errstate(all="ignore"):
            heights = (np.clip(z, self.z_lo, self.z_hi) - self.z_lo) * self.z_scale
        return np.stack([(x - cx) * s, (y - cy) * s, heights], axis=-1)

    def view_z(self, z) -> np.ndarray:
        """Heights in view units (clipped into the box)."""
        with np.errstate(all="ignore"):
            return (np.clip(np.asarray(z, dtype=float), self.z_lo, self.z_hi)
                    - self.z_lo) * self.z_scale

    def from_view(self, vx, vy) -> tuple[np.ndarray, np.ndarray]:
        """Surface (x, y) of view coordinates (the inverse of ``to_view`` on x and y)."""
        cx, cy = self.centre
        s = self.scale
        return np.asarray(vx, dtype=float) / s + cx, np.asarray(vy, dtype=float) / s + cy


def height_range(z, plot_range: tuple[float, float]) -> tuple[float, float]:
    """The heights the colours span: the grid's finite lowest and highest values, kept
    inside ``plot_range`` (``Surface.z_range()``, which already ignores lone spikes).

    The lowest point of the picture is then exactly dark red and the highest exactly
    light yellow.
    """
    v = np.asarray(z, dtype=float)
    v = v[np.isfinite(v)]
    lo, hi = (float(r) for r in plot_range)
    if v.size:
        lo, hi = max(lo, float(v.min())), min(hi, float(v.max()))
    if not hi > lo:
        lo, hi = (float(r) for r in plot_range)
    return lo, hi


def height_fraction(z, lo: float, hi: float) -> np.ndarray:
    """Heights as fractions 0 (lowest, dark red) .. 1 (highest, light yellow); nan -> 0."""
    z = np.asarray(z, dtype=float)
    span = hi - lo
    with np.errstate(all="ignore"):
        t = (z - lo) / span if span > 0 else np.zeros_like(z)
    t = np.clip(t, 0.0, 1.0)
    return np.where(np.isfinite(t), t, 0.0)


def vertex_normals(xs, ys, heights) -> np.ndarray:
    """Unit normals (n, m, 3) of a height grid ``heights[i, j]`` over ``xs[i]``, ``ys[j]``.

    The normal of z = h(x, y) is (−∂h/∂x, −∂h/∂y, 1) scaled to length 1; the partial
    derivatives come from ``np.gradient`` (second-order differences, inside and at the
    edges, so they are exact for quadratic surfaces such as the bowl). Points where h is
    undefined get the upward normal (0, 0, 1).
    """
    h = np.asarray(heights, dtype=float)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    if h.ndim != 2 or h.shape != (xs.size, ys.size) or min(h.shape) < 3:
        raise ValueError("heights must be an n×m grid (n, m ≥ 3) matching xs and ys")
    with np.errstate(all="ignore"):
        dx, dy = np.gradient(h, xs, ys, edge_order=2)
        normals = np.empty(h.shape + (3,))
        normals[..., 0] = -dx
        normals[..., 1] = -dy
        normals[..., 2] = 1.0
        normals /= np.sqrt(dx * dx + dy * dy + 1.0)[..., None]
    broken = ~np.all(np.isfinite(normals), axis=-1)
    normals[broken] = (0.0, 0.0, 1.0)
    return normals


def shading(normals, light=LIGHT, ambient: float = AMBIENT, diffuse: float = DIFFUSE):
    """Brightness of each point: ambient + diffuse · max(0, n · l), l the unit light vector."""
    light = np.asarray(light, dtype=float)
    light = light / np.linalg.norm(light)
    facing = np.clip(np.asarray(normals, dtype=float) @ light, 0.0, None)
    return ambient + diffuse * facing


def lit_colors(colors, brightness) -> np.ndarray:
    """RGBA colours (values 0..1) with their RGB scaled by ``brightness``, kept in 0..1."""
    out = np.array(colors, dtype=float)
    out[..., :3] = np.clip(out[..., :3] * np.asarray(brightness, dtype=float)[..., None],
                           0.0, 1.0)
    return out


def grid_faces(shape: tuple[int, int], valid=None) -> np.ndarray:
    """The triangles (k, 3) of a grid of ``shape`` whose points are numbered row by row.

    Each cell (i, j)–(i+1, j+1) gives two triangles. With ``valid`` (a boolean grid),
    triangles touching an invalid point (f undefined there) are left out.
    """
    n, m = (int(v) for v in shape)
    if n < 2 or m < 2:
        return np.empty((0, 3), dtype=np.uint32)
    index = np.arange(n * m, dtype=np.uint32).reshape(n, m)
    a = index[:-1, :-1].ravel()
    b = index[1:, :-1].ravel()
    c = index[:-1, 1:].ravel()
    d = index[1:, 1:].ravel()
    faces = np.concatenate([np.column_stack([a, b, c]), np.column_stack([b, d, c])])
    if valid is not None:
        ok = np.asarray(valid, dtype=bool).ravel()
        faces = faces[np.all(ok[faces], axis=1)]
    return np.ascontiguousarray(faces, dtype=np.uint32)


def densify_path(path, max_gap: float, max_pieces: int = 24) -> np.ndarray:
    """The path with extra points on every segment longer than ``max_gap``.

    A segment of length L is cut into ceil(L / max_gap) equal pieces (at most
    ``max_pieces``), so a line drawn through the heights of the new points follows the
    surface instead of cutting through a hill. The original points are all kept.
    """
    p = np.asarray(path, dtype=float).reshape(-1, 2)
    if len(p) < 2:
        return p.copy()
    if not (max_gap > 0):
        raise ValueError("max_gap must be a positive number")
    delta = np.diff(p, axis=0)
    with np.errstate(all="ignore"):
        length = np.hypot(delta[:, 0], delta[:, 1])
        pieces = np.ceil(length / max_gap)
    pieces = np.where(np.isfinite(pieces), np.clip(pieces, 1, max_pieces), 1).astype(int)
    segment = np.repeat(np.arange(len(delta)), pieces)
    # Position k/pieces along each segment, k = 1 .. pieces.
    first = np.cumsum(pieces) - pieces
    k = np.arange(segment.size) - np.repeat(first, pieces) + 1
    t = (k / np.repeat(pieces, pieces))[:, None]
    with np.errstate(all="ignore"):
        points = p[segment] + t * delta[segment]
    points[k == np.repeat(pieces, pieces)] = p[1:]  # the walker's own points, exactly
    return np.concatenate([p[:1], points])


def thin_path(path, cell: float) -> np.ndarray:
    """The path without the points that would land on the same spot of the picture.

    The plane is cut into squares of side ``cell`` (about a pixel); of a run of
    consecutive points in one square only the first is kept, and the last point of the
    path always is. A walker creeping into a valley makes thousands of tiny steps that
    draw as one dot: this keeps the drawing cheap without changing how it looks.
    """
    p = np.asarray(path, dtype=float).reshape(-1, 2)
    if len(p) < 3:
        return p.copy()
    if not (cell > 0):
        raise ValueError("cell must be a positive number")
    with np.errstate(all="ignore"):
        keys = np.floor(p / cell)
    same = np.all(keys[1:] == keys[:-1], axis=1)
    keep = np.concatenate([[True], ~same])
    keep[-1] = True
    return p[keep]


def clip_path(path, bounds: Bounds2D, margin: float = 0.0) -> np.ndarray:
    """The path up to where it first leaves the box ``bounds`` (grown by ``margin``·side).

    The last point kept is where the path crosses the edge, so a walker that flies off
    is drawn up to the edge of the picture, never out to 10³⁰⁰.
    """
    p = np.asarray(path, dtype=float).reshape(-1, 2)
    (x0, x1), (y0, y1) = bounds
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    lo = np.array([x0 - mx, y0 - my])
    hi = np.array([x1 + mx, y1 + my])
    with np.errstate(invalid="ignore"):
        inside = np.all(np.isfinite(p) & (p >= lo) & (p <= hi), axis=1)
    if inside.all():
        return p.copy()
    first_out = int(np.argmin(inside))
    if first_out == 0:
        return p[:0].copy()
    a, b = p[first_out - 1], p[first_out]
    if not np.all(np.isfinite(b)):
        return p[:first_out].copy()
    delta = b - a
    t = 1.0
    for axis in range(2):
        if delta[axis] > 0 and b[axis] > hi[axis]:
            t = min(t, (hi[axis] - a[axis]) / delta[axis])
        elif delta[axis] < 0 and b[axis] < lo[axis]:
            t = min(t, (lo[axis] - a[axis]) / delta[axis])
    edge = np.clip(a + max(0.0, t) * delta, lo, hi)
    return np.concatenate([p[:first_out], edge[None, :]])


def project_points(points, mvp, width: float, height: float):
    """Screen positions of 3-D points as a camera sees them.

    ``mvp`` is the 4×4 model-view-projection matrix (acting on column vectors
    [x, y, z, 1]). Returns ``(sx, sy, depth, visible)``: pixel coordinates with y counted
    from the top of the widget, the depth (−1 nearest .. 1 farthest) and whether the point
    is in front of the camera and inside the view.
    """
    p = np.asarray(points, dtype=float).reshape(-1, 3)
    m = np.asarray(mvp, dtype=float).reshape(4, 4)
    clip = p @ m[:, :3].T + m[:, 3]
    w = clip[:, 3]
    with np.errstate(all="ignore"):
        ndc = clip[:, :3] / w[:, None]
    sx = (ndc[:, 0] + 1.0) * 0.5 * width
    sy = (1.0 - ndc[:, 1]) * 0.5 * height
    depth = ndc[:, 2]
    visible = (w > 0) & np.all(np.isfinite(ndc), axis=1) & (np.abs(ndc) <= 1.0).all(axis=1)
    return sx, sy, depth, visible


def mouse_ray(mvp, width: float, height: float, at: tuple[float, float]):
    """The line of sight under the mouse at pixel ``at`` (y counted from the top).

    Returns ``(origin, direction)`` in the scene's coordinates: ``origin`` on the near
    clipping plane, ``origin + direction`` on the far one (the inverse of
    :func:`project_points`).
    """
    m = np.asarray(mvp, dtype=float).reshape(4, 4)
    inverse = np.linalg.inv(m)
    nx = 2.0 * at[0] / width - 1.0
    ny = 1.0 - 2.0 * at[1] / height
    near = inverse @ np.array([nx, ny, -1.0, 1.0])
    far = inverse @ np.array([nx, ny, 1.0, 1.0])
    near = near[:3] / near[3]
    far = far[:3] / far[3]
    return near, far - near


def _bilinear(xs, ys, heights, px, py):
    """Heights between grid points (uniform grid), by bilinear interpolation."""
    fi = (px - xs[0]) / (xs[1] - xs[0])
    fj = (py - ys[0]) / (ys[1] - ys[0])
    i = np.clip(np.floor(fi).astype(int), 0, len(xs) - 2)
    j = np.clip(np.floor(fj).astype(int), 0, len(ys) - 2)
    u, v = fi - i, fj - j
    return ((1 - u) * (1 - v) * heights[i, j] + u * (1 - v) * heights[i + 1, j]
            + (1 - u) * v * heights[i, j + 1] + u * v * heights[i + 1, j + 1])


def ray_hit(origin, direction, xs, ys, heights) -> np.ndarray | None:
    """Where a line of sight first meets the height field ``heights[i, j]`` over a grid.

    This is how a click on the 3-D picture becomes a point of the surface: walk along the
    ray (from ``origin``, t from 0 to 1) through the box that holds the surface, in steps
    smaller than a grid cell, find the first step that ends below the surface, and narrow
    that step down by halving. Undefined heights are holes the ray passes through. Returns
    the point (x, y, z), or None when the ray misses the surface.
    """
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    h = np.asarray(heights, dtype=float)
    o = np.asarray(origin, dtype=float)
    d = np.asarray(direction, dtype=float)
    finite = h[np.isfinite(h)]
    if finite.size == 0:
        return None
    lo = np.array([xs[0], ys[0], finite.min()])
    hi = np.array([xs[-1], ys[-1], finite.max()])
    t0, t1 = 0.0, 1.0
    for axis in range(3):  # clip the segment to the box, one pair of walls at a time
        if d[axis] == 0:
            if not lo[axis] <= o[axis] <= hi[axis]:
                return None
            continue
        a = (lo[axis] - o[axis]) / d[axis]
        b = (hi[axis] - o[axis]) / d[axis]
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
    if t0 > t1:
        return None

    def below(t):
        p = o + np.multiply.outer(t, d)
        with np.errstate(invalid="ignore"):
            return p[..., 2] <= _bilinear(xs, ys, h, p[..., 0], p[..., 1])

    cell = min(xs[1] - xs[0], ys[1] - ys[0])
    count = int(min(20_000, max(8, 4 * np.linalg.norm(d * (t1 - t0)) / cell)))
    t = np.linspace(t0, t1, count + 1)
    hits = np.nonzero(below(t))[0]
    if hits.size == 0:
        return None
    k = int(hits[0])
    if k == 0:
        return o + t0 * d  # entered through a side wall below the surface
    a, b = t[k - 1], t[k]
    for _ in range(40):
        mid = 0.5 * (a + b)
        if below(np.array([mid]))[0]:
            b = mid
        else:
            a = mid
    return o + b * d


def contour_levels(z, count: int = 10) -> np.ndarray:
    """``count`` heights for contour lines, spread so each band covers a similar area.

    Equal steps in height would bunch every line on the steep walls of a surface such as
    Rosenbrock's; quantiles of the grid's heights give lines across the whole picture.
    """
    v = np.asarray(z, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0 or count < 1 or v.max() == v.min():
        return np.empty(0)
    levels = np.quantile(v, np.linspace(0.0, 1.0, count + 2)[1:-1])
    tol = 1e-9 * (v.max() - v.min())
    keep = np.concatenate([[True], np.diff(levels) > tol])
    return levels[keep]


def contour_segments(xs, ys, z, levels) -> np.ndarray:
    """Contour lines of ``z[i, j]`` over ``xs[i]``, ``ys[j]`` as pairs of points (2k, 2).

    Marching squares, vectorised: in each grid cell the line crosses the edges whose two
    ends lie on different sides of the level, at the linearly interpolated spot. A cell
    crossed on all four edges (a saddle-like cell) is split using the average of its
    corners. Cells touching an undefined value have no line. Points 2i and 2i+1 make one
    segment, ready for a plot drawn with ``connect="pairs"``.
    """
    z = np.asarray(z, dtype=float)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    if z.ndim != 2 or z.shape != (xs.size, ys.size) or min(z.shape) < 2:
        raise ValueError("z must be an n×m grid (n, m ≥ 2) matching xs and ys")
    v00, v10, v11, v01 = z[:-1, :-1], z[1:, :-1], z[1:, 1:], z[:-1, 1:]
    x_lo, x_hi = xs[:-1, None], xs[1:, None]
    y_lo, y_hi = ys[None, :-1], ys[None, 1:]
    finite = np.isfinite(v00) & np.isfinite(v10) & np.isfinite(v11) & np.isfinite(v01)
    shape = v00.shape
    pieces = []
    for level in np.asarray(levels, dtype=float).ravel():
        b00, b10, b11, b01 = (v < level for v in (v00, v10, v11, v01))
        with np.errstate(all="ignore"):
            # Crossing points on the four edges: bottom (y_lo), right (x_hi), top, left.
            t0 = (level - v00) / (v10 - v00)
            t1 = (level - v10) / (v11 - v10)
            t2 = (level - v01) / (v11 - v01)
            t3 = (level - v00) / (v01 - v00)
        edge_points = [
            (np.broadcast_to(x_lo + t0 * (x_hi - x_lo), shape), np.broadcast_to(y_lo, shape)),
            (np.broadcast_to(x_hi, shape), np.broadcast_to(y_lo + t1 * (y_hi - y_lo), shape)),
            (np.broadcast_to(x_lo + t2 * (x_hi - x_lo), shape), np.broadcast_to(y_hi, shape)),
            (np.broadcast_to(x_lo, shape), np.broadcast_to(y_lo + t3 * (y_hi - y_lo), shape)),
        ]
        crosses = np.stack([b00 != b10, b10 != b11, b01 != b11, b00 != b01]) & finite
        count = crosses.sum(axis=0)
        with np.errstate(all="ignore"):
            centre_low = 0.25 * (v00 + v10 + v11 + v01) < level
        # Which edges each segment joins, for cells crossed twice and four times.
        pairs = []
        two = count == 2
        if two.any():
            order = np.argsort(~crosses, axis=0, kind="stable")  # crossed edges first
            pairs.append((two, order[0], order[1]))
        four = count == 4
        if four.any():
            # The centre on the same side as corner 00 joins it with corner 11: the lines
            # then cut off corners 10 (edges 0-1) and 01 (edges 2-3); else 00 and 11.
            same = centre_low == b00
            e_a1 = np.zeros_like(same, dtype=int)
            e_b1 = np.where(same, 1, 3)
            e_a2 = np.where(same, 2, 1)
            e_b2 = np.where(same, 3, 2)
            pairs.append((four, e_a1, e_b1))
            pairs.append((four, e_a2, e_b2))
        for mask, ea, eb in pairs:
            ii, jj = np.nonzero(mask)
            a = ea[ii, jj]
            b = eb[ii, jj]
            px = np.stack([edge_points[e][0][ii, jj] for e in range(4)])
            py = np.stack([edge_points[e][1][ii, jj] for e in range(4)])
            k = np.arange(ii.size)
            segment = np.empty((ii.size, 2, 2))
            segment[:, 0, 0], segment[:, 0, 1] = px[a, k], py[a, k]
            segment[:, 1, 0], segment[:, 1, 1] = px[b, k], py[b, k]
            pieces.append(segment.reshape(-1, 2))
    if not pieces:
        return np.empty((0, 2))
    return np.concatenate(pieces)


def cut(f, point: tuple[float, float], axis: str, bounds: Bounds2D, n: int = 200):
    """A 1-D slice through ``point``: f(t, y₀) for axis "x", f(x₀, t) for axis "y".

    Returns ``(t, heights)`` with t running over that axis's bounds (widened to include
    the point if it lies outside).
    """
    x0, y0 = (float(v) for v in point)
    if axis not in ("x", "y"):
        raise ValueError("axis must be 'x' or 'y'")
    lo, hi = bounds[0] if axis == "x" else bounds[1]
    here = x0 if axis == "x" else y0
    if math.isfinite(here):
        lo, hi = min(lo, here), max(hi, here)
    t = np.linspace(lo, hi, n)
    if axis == "x":
        heights = f(t, np.full_like(t, y0))
    else:
        heights = f(np.full_like(t, x0), t)
    return t, np.asarray(heights, dtype=float)


def tangent_segment(t0: float, z0: float, slope: float, half_width: float):
    """The tangent line z = z0 + slope·(t − t0) drawn from t0 − half_width to t0 + half_width."""
    t = np.array([t0 - half_width, t0 + half_width], dtype=float)
    with np.errstate(all="ignore"):
        return t, z0 + slope * (t - t0)


def descent_arrow(point: tuple[float, float], grad: tuple[float, float], length: float):
    """The tip of an arrow of ``length`` from ``point`` pointing along −∇f.

    None where there is no downhill direction (a flat spot, or the gradient undefined).
    """
    gx, gy = (float(v) for v in grad)
    norm = math.hypot(gx, gy) if math.isfinite(gx) and math.isfinite(gy) else math.nan
    if not (math.isfinite(norm) and norm > 0):
        return None
    x, y = (float(v) for v in point)
    return x - length * gx / norm, y - length * gy / norm
