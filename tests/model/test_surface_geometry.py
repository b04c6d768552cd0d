"""The arithmetic behind the surface pictures: boxes, normals, light, paths, picking, contours."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.model import surface_geometry as geo
from desktop_app.model.functions import SURFACES

BOWL = SURFACES["bowl"]
SQUARE = ((-3.0, 3.0), (-3.0, 3.0))


# -- the 3-D box ----------------------------------------------------------------------------


def test_box_keeps_proportions_and_squeezes_heights():
    box = geo.Box(((-5.0, 5.0), (-2.0, 2.0)), z_lo=0.0, z_hi=20.0, size=10.0, height=4.0)
    corner = box.to_view(5.0, 2.0, 20.0)
    assert corner == pytest.approx([5.0, 2.0, 4.0])       # longer side 10 long, top at 4
    assert box.to_view(0.0, 0.0, 0.0) == pytest.approx([0.0, 0.0, 0.0])
    assert box.to_view(0.0, 0.0, 1e9)[2] == 4.0            # spikes are clipped to the box
    assert box.to_view(0.0, 0.0, -50.0)[2] == 0.0
    assert box.half_sides() == pytest.approx((5.0, 2.0))
    x, y = box.from_view(*box.to_view(1.25, -0.5, 3.0)[:2])
    assert (x, y) == pytest.approx((1.25, -0.5))


def test_box_of_an_off_centre_square():
    box = geo.Box(((-3.0, 5.0), (-1.0, 7.0)), 0.0, 1.0, size=10.0)
    assert box.scale == 10.0 / 8.0
    assert box.to_view(1.0, 3.0, 0.5) == pytest.approx([0.0, 0.0, 2.0])


def test_height_range_and_fractions():
    z = np.array([[0.0, 5.0], [10.0, np.nan]])
    assert geo.height_range(z, (-1.0, 11.0)) == (0.0, 10.0)
    assert geo.height_range(z, (2.0, 8.0)) == (2.0, 8.0)  # the plot range clips spikes
    t = geo.height_fraction(z, 0.0, 10.0)
    assert t.tolist() == [[0.0, 0.5], [1.0, 0.0]]         # undefined heights: the bottom colour
    assert geo.height_fraction(np.array([20.0, -3.0]), 0.0, 10.0).tolist() == [1.0, 0.0]


# -- light ----------------------------------------------------------------------------------


def test_normals_of_a_tilted_plane_are_exact():
    xs, ys = np.linspace(-1, 1, 7), np.linspace(-2, 2, 9)
    xx, yy = np.meshgrid(xs, ys, indexing="ij")
    n = geo.vertex_normals(xs, ys, 0.5 * xx - 2.0 * yy + 1.0)
    expected = np.array([-0.5, 2.0, 1.0]) / math.sqrt(0.25 + 4.0 + 1.0)
    assert np.allclose(n, expected)


def test_normals_of_the_bowl_match_the_exact_gradient_everywhere():
    xx, yy, z = BOWL.grid(41)
    xs, ys = xx[:, 0], yy[0]
    n = geo.vertex_normals(xs, ys, z)
    gx, gy = BOWL.grad(xx, yy)
    exact = np.stack([-gx, -gy, np.ones_like(z)], axis=-1)
    exact /= np.linalg.norm(exact, axis=-1, keepdims=True)
    assert np.allclose(n, exact, atol=1e-12)  # second-order differences: exact for quadratics
    assert np.allclose(np.linalg.norm(n, axis=-1), 1.0)


def test_undefined_heights_get_an_upward_normal():
    xs = ys = np.linspace(0, 1, 4)
    z = np.zeros((4, 4))
    z[1, 1] = np.nan
    n = geo.vertex_normals(xs, ys, z)
    assert np.all(np.isfinite(n))
    assert n[1, 1].tolist() == [0.0, 0.0, 1.0]


def test_normals_need_a_matching_grid():
    with pytest.raises(ValueError, match="grid"):
        geo.vertex_normals(np.arange(3), np.arange(4), np.zeros((3, 3)))


def test_shading_is_brightest_facing_the_light_and_ambient_facing_away():
    light = np.array(geo.LIGHT) / np.linalg.norm(geo.LIGHT)
    facing = geo.shading(light)
    away = geo.shading(-light)
    assert facing == pytest.approx(geo.AMBIENT + geo.DIFFUSE)
    assert away == pytest.approx(geo.AMBIENT)
    assert away < geo.shading(np.array([0.0, 0.0, 1.0])) < facing


def test_lit_colours_scale_rgb_keep_alpha_and_stay_in_range():
    colours = np.array([[0.5, 0.4, 0.2, 0.8], [0.9, 0.9, 0.9, 1.0]])
    lit = geo.lit_colors(colours, np.array([0.5, 1.5]))
    assert lit[0] == pytest.approx([0.25, 0.2, 0.1, 0.8])
    assert lit[1] == pytest.approx([1.0, 1.0, 1.0, 1.0])
    assert colours[0, 0] == 0.5  # the input is left alone


def test_grid_faces_cover_every_cell_with_two_triangles():
    faces = geo.grid_faces((4, 3))
    assert faces.shape == (2 * 3 * 2, 3) and faces.dtype == np.uint32
    points = np.array([(i, j) for i in range(4) for j in range(3)], dtype=float)
    a, b, c = (points[faces[:, k]] for k in range(3))
    area = 0.5 * np.abs((b - a)[:, 0] * (c - a)[:, 1] - (b - a)[:, 1] * (c - a)[:, 0])
    assert np.allclose(area, 0.5) and area.sum() == pytest.approx(3 * 2)


def test_grid_faces_leave_out_cells_touching_undefined_points():
    valid = np.ones((3, 3), dtype=bool)
    valid[1, 1] = False  # the centre point (number 4) touches every cell
    every = geo.grid_faces((3, 3))
    kept = geo.grid_faces((3, 3), valid)
    assert len(every) == 8 and 0 < len(kept) < 8
    assert all(4 not in face for face in kept)
    assert len(kept) == sum(4 not in face for face in every)


# -- paths ----------------------------------------------------------------------------------


def test_densify_keeps_every_point_and_fills_long_gaps():
    path = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.05]])
    dense = geo.densify_path(path, 0.25)
    assert dense.tolist() == [[0, 0], [0.25, 0], [0.5, 0], [0.75, 0], [1, 0], [1, 0.05]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5)), min_size=1, max_size=12),
       st.floats(0.05, 2.0))
def test_densified_paths_have_no_gap_longer_than_asked(points, gap):
    path = np.array(points, dtype=float)
    dense = geo.densify_path(path, gap, max_pieces=10_000)
    steps = np.hypot(*np.diff(dense, axis=0).T) if len(dense) > 1 else np.zeros(0)
    assert np.all(steps <= gap * (1 + 1e-9))
    # The walker's own points are all there, in order.
    position = 0
    for point in path:
        while position < len(dense) and not np.array_equal(dense[position], point):
            position += 1
        assert position < len(dense)
    assert dense[-1].tolist() == path[-1].tolist()


def test_densify_refuses_a_zero_gap():
    with pytest.raises(ValueError):
        geo.densify_path([[0, 0], [1, 1]], 0.0)


def test_clip_path_stops_at_the_edge_where_the_walker_leaves():
    path = [[0.0, 0.0], [2.0, 0.0], [4.0, 0.0], [8.0, 1.0]]
    assert geo.clip_path(path, SQUARE).tolist() == [[0, 0], [2, 0], [3, 0]]
    inside = [[0.0, 0.0], [1.0, 1.0]]
    assert geo.clip_path(inside, SQUARE).tolist() == inside
    assert geo.clip_path([[0.0, 0.0], [np.inf, 0.0]], SQUARE).tolist() == [[0, 0]]
    assert len(geo.clip_path([[9.0, 9.0], [0.0, 0.0]], SQUARE)) == 0
    # A margin widens the box by a fraction of each side.
    wider = geo.clip_path([[0.0, 0.0], [3.3, 0.0]], SQUARE, margin=0.1)
    assert wider.tolist() == [[0, 0], [3.3, 0]]


def test_clip_path_of_a_diagonal_exit():
    clipped = geo.clip_path([[2.0, 2.0], [4.0, 6.0]], SQUARE)
    assert clipped[-1] == pytest.approx([2.5, 3.0])  # leaves through the top edge y = 3


def test_thin_path_drops_points_on_the_same_spot_but_keeps_the_ends():
    crawl = np.array([[0.0, 0.0], [1.0, 1.0]] + [[1.0 + k * 1e-6, 1.0] for k in range(1, 500)])
    thin = geo.thin_path(crawl, 0.01)
    assert thin.tolist() == [[0, 0], [1, 1], crawl[-1].tolist()]
    far_apart = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    assert geo.thin_path(far_apart, 0.01).tolist() == far_apart.tolist()


# -- picking in 3-D ---------------------------------------------------------------------------


def _orthographic(scale=0.1):
    """An mvp looking straight down: x right, y up, depth = −z·scale."""
    m = np.diag([scale, scale, -scale, 1.0])
    return m


def test_projection_to_pixels():
    sx, sy, depth, visible = geo.project_points(
        [[0.0, 0.0, 0.0], [10.0, 10.0, 0.0], [-10.0, -10.0, 5.0], [20.0, 0.0, 0.0]],
        _orthographic(), 200, 100)
    assert sx.tolist() == [100.0, 200.0, 0.0, 300.0]
    assert sy.tolist() == [50.0, 0.0, 100.0, 50.0]
    assert depth[2] < depth[0]              # higher points are nearer this camera
    assert visible.tolist() == [True, True, True, False]


def test_mouse_ray_is_the_inverse_of_the_projection():
    mvp = np.array([[1.2, 0.1, 0.0, 0.3], [0.0, 1.1, 0.4, -0.2],
                    [0.1, 0.0, -1.0, 4.0], [0.05, 0.0, -0.9, 5.0]])
    point = np.array([0.4, -0.3, 0.8])
    sx, sy, _, _ = geo.project_points(point.reshape(1, 3), mvp, 640, 480)
    origin, direction = geo.mouse_ray(mvp, 640, 480, (sx[0], sy[0]))
    # The point lies on the ray: the vector to it is parallel to the direction.
    to_point = point - origin
    assert np.linalg.norm(np.cross(to_point, direction)) < 1e-9 * np.linalg.norm(direction)


def test_ray_hits_the_front_of_a_hill_not_the_valley_behind_it():
    xs = ys = np.linspace(-3, 3, 61)
    xx, yy = np.meshgrid(xs, ys, indexing="ij")
    hill = 2.0 * np.exp(-(xx**2) - yy**2)  # a hill at the origin, flat ground around
    # Looking along +x from x = −10 at height 1: the ray meets the hill's near slope.
    hit = geo.ray_hit([-10.0, 0.0, 1.0], [20.0, 0.0, 0.0], xs, ys, hill)
    assert hit is not None
    assert hit[0] == pytest.approx(-math.sqrt(math.log(2.0)), abs=2e-3)  # 2·e^(−x²) = 1
    assert hit[2] == pytest.approx(1.0)
    # Straight down onto (1.5, −0.5): the ground right there.
    down = geo.ray_hit([1.5, -0.5, 10.0], [0.0, 0.0, -20.0], xs, ys, hill)
    assert down[:2] == pytest.approx([1.5, -0.5])
    assert down[2] == pytest.approx(2.0 * math.exp(-2.5), abs=1e-3)
    # A ray passing above everything misses.
    assert geo.ray_hit([-10.0, 0.0, 5.0], [20.0, 0.0, 0.0], xs, ys, hill) is None


def test_ray_passes_through_holes_where_f_is_undefined():
    xs = ys = np.linspace(0, 1, 11)
    xx, _ = np.meshgrid(xs, ys, indexing="ij")
    ground = 0.5 * xx
    # Straight down at x = 0.25: the ground is there at height 0.125 ...
    assert geo.ray_hit([0.25, 0.5, 2.0], [0.0, 0.0, -4.0], xs, ys, ground)[2] == \
        pytest.approx(0.125)
    # ... until f is undefined for x < 0.5 (cells touching those points are holes, as
    # in the drawn mesh): a slanted ray then falls through to the ground beyond.
    ground[:6, :] = np.nan
    assert geo.ray_hit([0.25, 0.5, 2.0], [0.0, 0.0, -4.0], xs, ys, ground) is None
    hit = geo.ray_hit([0.2, 0.5, 2.0], [1.0, 0.0, -2.0], xs, ys, ground)
    assert hit is not None and hit[0] > 0.6
    assert hit[2] == pytest.approx(0.5 * hit[0], abs=1e-6)


# -- contours, slices, arrows ---------------------------------------------------------------


def test_contour_levels_spread_over_the_heights():
    xx, yy, z = SURFACES["rosenbrock"].grid(60)
    levels = geo.contour_levels(z, 10)
    assert len(levels) == 10 and np.all(np.diff(levels) > 0)
    assert z.min() < levels[0] and levels[-1] < z.max()
    # Equal steps would put nine of ten lines on the steep walls; quantiles do not.
    assert levels[4] < 0.1 * z.max()
    assert len(geo.contour_levels(np.ones((5, 5)), 10)) == 0


def test_contours_of_the_bowl_are_circles():
    xx, yy, z = BOWL.grid(101)
    points = geo.contour_segments(xx[:, 0], yy[0], z, [4.0])
    radius = np.hypot(points[:, 0], points[:, 1])
    assert len(points) > 100 and len(points) % 2 == 0
    assert np.allclose(radius, 2.0, atol=2e-3)  # linear interpolation on a 0.06 grid


def test_contour_of_the_saddle_at_zero_is_the_two_diagonals():
    xx, yy, z = SURFACES["saddle"].grid(41)
    points = geo.contour_segments(xx[:, 0], yy[0], z, [0.0])
    assert len(points) > 0
    assert np.allclose(np.abs(points[:, 0]), np.abs(points[:, 1]), atol=1e-9)


def test_contour_skips_cells_touching_undefined_values():
    xs = ys = np.linspace(0, 1, 3)
    z = np.array([[0.0, 1.0, 0.0], [1.0, np.nan, 1.0], [0.0, 1.0, 0.0]])
    assert len(geo.contour_segments(xs, ys, z, [0.5])) == 0
    assert geo.contour_segments(xs, ys, np.zeros((3, 3)), []).shape == (0, 2)


def test_cuts_through_a_point_hold_the_other_coordinate():
    t, heights = geo.cut(BOWL.f, (1.0, 2.0), "x", SQUARE, n=7)
    assert t.tolist() == [-3, -2, -1, 0, 1, 2, 3]
    assert heights.tolist() == [13, 8, 5, 4, 5, 8, 13]  # f(t, 2) = t² + 4
    t, heights = geo.cut(BOWL.f, (1.0, 2.0), "y", SQUARE, n=7)
    assert heights.tolist() == [10, 5, 2, 1, 2, 5, 10]  # f(1, t) = 1 + t²
    t, _ = geo.cut(BOWL.f, (7.0, 0.0), "x", SQUARE, n=5)
    assert t[-1] == 7.0                                 # widened to show the point
    with pytest.raises(ValueError):
        geo.cut(BOWL.f, (0, 0), "z", SQUARE)


def test_tangent_segment_has_the_slope():
    t, z = geo.tangent_segment(1.0, 5.0, 2.0, 0.5)
    assert t.tolist() == [0.5, 1.5] and z.tolist() == [4.0, 6.0]


def test_descent_arrow_points_downhill_with_the_asked_length():
    tip = geo.descent_arrow((1.0, 1.0), (3.0, 4.0), 2.0)
    assert tip == pytest.approx((1.0 - 1.2, 1.0 - 1.6))
    assert geo.descent_arrow((0.0, 0.0), (0.0, 0.0), 1.0) is None
    assert geo.descent_arrow((0.0, 0.0), (math.nan, 1.0), 1.0) is None
