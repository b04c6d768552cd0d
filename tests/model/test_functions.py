"""Tests for the curve and surface catalog (desktop_app.model.functions)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.model.expression import ExpressionError, parse
from desktop_app.model.functions import CURVES, SURFACES, Curve, Surface

CURVE_NAMES = list(CURVES)
SURFACE_NAMES = list(SURFACES)


# ----------------------------------------------------------------------------------------
# Independent helpers (deliberately not reusing the module's own search code)
# ----------------------------------------------------------------------------------------


def curve_grid(curve: Curve, n: int = 401) -> np.ndarray:
    return np.linspace(curve.bounds[0], curve.bounds[1], n)


def surface_grid(surface: Surface, n: int = 61) -> tuple[np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = surface.bounds
    return np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n), indexing="ij")


def central_difference(fn, x: np.ndarray) -> np.ndarray:
    h = 1e-6 * (1.0 + np.abs(x))
    return (fn(x + h) - fn(x - h)) / (2.0 * h)


def fd_hessian(grad, x: float, y: float) -> np.ndarray:
    h = 1e-6
    gxp, gyp = grad(x + h, y)
    gxm, gym = grad(x - h, y)
    gxq, gyq = grad(x, y + h)
    gxr, gyr = grad(x, y - h)
    return np.array([[gxp - gxm, gxq - gxr], [gyp - gym, gyq - gyr]]) / (2 * h)


def all_critical_points(surface: Surface, n: int = 161):
    """Every critical point inside the bounds, classified as 'min', 'max' or 'saddle'.

    Seeds are the grid points where |grad|^2 is locally smallest; each is polished by
    Newton's method with a finite-difference Jacobian of the exact gradient.
    """
    (x0, x1), (y0, y1) = surface.bounds
    X, Y = surface_grid(surface, n)
    gx, gy = surface.grad(X, Y)
    g2 = gx**2 + gy**2
    core = g2[1:-1, 1:-1]
    is_seed = np.ones_like(core, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_seed &= core <= g2[1 + di : n - 1 + di, 1 + dj : n - 1 + dj]
    found: list[tuple[np.ndarray, str]] = []
    for i, j in zip(*np.nonzero(is_seed)):
        p = np.array([X[i + 1, j + 1], Y[i + 1, j + 1]])
        for _ in range(40):
            jacobian = fd_hessian(surface.grad, *p)
            step = np.linalg.lstsq(jacobian, -np.array(surface.grad(*p)), rcond=None)[0]
            p = p + step
            if np.hypot(*step) < 1e-14 or not np.all(np.isfinite(p)):
                break
        if not (np.all(np.isfinite(p)) and x0 < p[0] < x1 and y0 < p[1] < y1):
            continue
        if np.hypot(*surface.grad(*p)) > 1e-9:
            continue
        if any(np.hypot(*(p - q)) < 1e-6 for q, _ in found):
            continue
        eig = np.linalg.eigvalsh(fd_hessian(surface.grad, *p))
        kind = "min" if eig.min() > 0 else "max" if eig.max() < 0 else "saddle"
        found.append((p, kind))
    return found


def same_points(listed, expected, tol: float) -> bool:
    listed = [np.asarray(p, dtype=float) for p in listed]
    expected = [np.asarray(p, dtype=float) for p in expected]
    if len(listed) != len(expected):
        return False
    return all(any(np.max(np.abs(p - q)) < tol for q in expected) for p in listed)


def values_agree(a, b, rtol: float = 1e-10) -> None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(1.0, float(np.nanmax(np.abs(b))))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)


# ----------------------------------------------------------------------------------------
# The article's parabola and the catalog as a whole
# ----------------------------------------------------------------------------------------


def test_parabola_is_first_and_exact():
    assert CURVE_NAMES[0] == "parabola"
    parabola = CURVES["parabola"]
    values = parabola.f(np.array([-2.0, -1.0, 0.0, 1.0]))
    np.testing.assert_array_equal(values, [5.0, 2.0, 1.0, 2.0])
    assert parabola.df(3.0) == 6.0
    assert parabola.minima == (0.0,)
    assert parabola.text == "x^2 + 1"
    assert parabola.derivative_text == "2x"


def test_scalar_in_gives_float_out_and_arrays_keep_their_shape():
    parabola = CURVES["parabola"]
    value = parabola.f(2.0)
    assert isinstance(value, float) and value == 5.0
    assert parabola.f(np.zeros((3, 4))).shape == (3, 4)
    bowl = SURFACES["bowl"]
    z = bowl.f(np.array([1.0, 2.0])[:, None], np.array([0.0, 1.0, 3.0])[None, :])
    np.testing.assert_array_equal(z, [[1.0, 2.0, 10.0], [4.0, 5.0, 13.0]])
    gx, gy = bowl.grad(np.array([1.0, 2.0]), 3.0)
    np.testing.assert_array_equal(gx, [2.0, 4.0])
    np.testing.assert_array_equal(gy, [6.0, 6.0])  # broadcast even though gy ignores x
    assert isinstance(bowl.f(1.0, 2.0), float)


def test_catalog_contents():
    assert len(CURVES) >= 5
    required = {"bowl", "ravine", "rosenbrock", "himmelblau", "saddle", "six_hump_camel", "hills"}
    assert required <= set(SURFACES)
    assert {"booth", "beale"} & set(SURFACES)
    assert len(SURFACES) >= 8
    for key, item in [*CURVES.items(), *SURFACES.items()]:
        assert item.name == key
        assert key.isidentifier() and key == key.lower()
        assert item.title and item.text
        assert len(item.description) > 20 and item.description.endswith(".")
    for curve in CURVES.values():
        assert curve.derivative_text


def test_catalog_entries_are_immutable():
    with pytest.raises(AttributeError):
        CURVES["parabola"].minima = (1.0,)  # type: ignore[misc]


# ----------------------------------------------------------------------------------------
# Every curve
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CURVE_NAMES)
def test_curve_is_finite_on_its_bounds(name):
    curve = CURVES[name]
    x = curve_grid(curve, 2001)
    assert np.all(np.isfinite(curve.f(x)))
    assert np.all(np.isfinite(curve.df(x)))
    lo, hi = curve.bounds
    assert lo < hi


@pytest.mark.parametrize("name", CURVE_NAMES)
def test_curve_derivative_matches_finite_differences(name):
    curve = CURVES[name]
    x = curve_grid(curve)
    values_agree(curve.df(x), central_difference(curve.f, x), rtol=1e-6)


@pytest.mark.parametrize("name", CURVE_NAMES)
def test_curve_minima_are_valley_floors(name):
    curve = CURVES[name]
    lo, hi = curve.bounds
    assert curve.minima
    for m in curve.minima:
        assert isinstance(m, float)
        assert lo < m < hi
        assert abs(curve.df(m)) < 1e-6
        for d in (1e-4, 1e-2):
            assert curve.f(m - d) > curve.f(m) and curve.f(m + d) > curve.f(m)
    lowest = curve.f(curve.minima[0])
    assert all(lowest <= curve.f(m) for m in curve.minima)
    assert lowest <= np.min(curve.f(curve_grid(curve, 4001)))


@pytest.mark.parametrize("name", CURVE_NAMES)
def test_curve_minima_are_complete(name):
    curve = CURVES[name]
    x = curve_grid(curve, 20001)
    d = curve.df(x)
    turns = x[np.nonzero((d[:-1] < 0) & (d[1:] >= 0))[0]]
    assert same_points(curve.minima, turns, tol=1e-3)


def test_two_valleys_minima_are_exact():
    curve = CURVES["two_valleys"]
    assert len(curve.minima) == 2
    for m in curve.minima:
        assert abs(m**3 - 2 * m + 0.5) < 1e-14  # the derivative polynomial's roots
    assert curve.minima[0] == pytest.approx(-1.5256871208655185, abs=1e-9)
    assert curve.minima[1] == pytest.approx(1.2670350983613659, abs=1e-9)


def test_lopsided_minimum_is_log_two():
    assert CURVES["lopsided"].minima == (math.log(2.0),)


def test_wavy_has_many_dips():
    assert len(CURVES["wavy"].minima) >= 3


def test_plateau_is_flat_then_steep():
    curve = CURVES["plateau"]
    assert abs(curve.df(curve.bounds[0] + 1.0)) < 1e-3  # the flat stretch
    assert abs(curve.df(0.3)) > 0.5  # the valley wall


@pytest.mark.parametrize("name", CURVE_NAMES)
def test_curve_text_parses_to_the_same_function(name):
    curve = CURVES[name]
    x = curve_grid(curve)
    expr = parse(curve.text, variables=("x",))
    values_agree(expr(x), curve.f(x))
    values_agree(expr.derivative("x")(x), curve.df(x))
    values_agree(parse(curve.derivative_text, variables=("x",))(x), curve.df(x))


@pytest.mark.parametrize("name", CURVE_NAMES)
def test_curve_y_range_shows_the_whole_curve(name):
    curve = CURVES[name]
    y = curve.f(curve_grid(curve, 4001))
    lo, hi = curve.y_range()
    assert lo < np.min(y) and np.max(y) < hi
    margin = max(lo - np.min(y), hi - np.max(y))
    assert -margin < 0.25 * (np.max(y) - np.min(y))


def test_curves_stay_quiet_far_outside_their_bounds():
    x = np.array([-1e6, -50.0, 0.0, 50.0, 1e6, np.nan, np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for curve in CURVES.values():
            curve.f(x)
            curve.df(x)
        for surface in SURFACES.values():
            surface.f(x, x[::-1])
            surface.grad(x, x[::-1])


# ----------------------------------------------------------------------------------------
# Every surface
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_surface_is_finite_on_its_bounds(name):
    surface = SURFACES[name]
    X, Y = surface_grid(surface, 101)
    assert np.all(np.isfinite(surface.f(X, Y)))
    assert all(np.all(np.isfinite(g)) for g in surface.grad(X, Y))
    (x0, x1), (y0, y1) = surface.bounds
    assert x0 < x1 and y0 < y1


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_surface_gradient_matches_finite_differences(name):
    surface = SURFACES[name]
    X, Y = surface_grid(surface, 41)
    gx, gy = surface.grad(X, Y)
    values_agree(gx, central_difference(lambda x: surface.f(x, Y), X), rtol=1e-6)
    values_agree(gy, central_difference(lambda y: surface.f(X, y), Y), rtol=1e-6)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_surface_minima_are_valley_floors(name):
    surface = SURFACES[name]
    (x0, x1), (y0, y1) = surface.bounds
    angles = np.linspace(0.0, 2 * np.pi, 16, endpoint=False)
    for mx, my in surface.minima:
        assert isinstance(mx, float) and isinstance(my, float)
        assert x0 < mx < x1 and y0 < my < y1
        assert math.hypot(*surface.grad(mx, my)) < 1e-6
        for r in (1e-3, 1e-2):
            ring = surface.f(mx + r * np.cos(angles), my + r * np.sin(angles))
            assert np.all(ring > surface.f(mx, my))
    if surface.minima:
        lowest = surface.f(*surface.minima[0])
        assert all(lowest <= surface.f(*m) + 1e-12 for m in surface.minima)
        X, Y = surface_grid(surface, 201)
        assert lowest <= np.min(surface.f(X, Y))


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_surface_saddles_are_saddles(name):
    surface = SURFACES[name]
    (x0, x1), (y0, y1) = surface.bounds
    for sx, sy in surface.saddles:
        assert x0 < sx < x1 and y0 < sy < y1
        assert math.hypot(*surface.grad(sx, sy)) < 1e-6
        assert np.linalg.det(fd_hessian(surface.grad, sx, sy)) < 0


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_surface_minima_and_saddles_are_complete(name):
    surface = SURFACES[name]
    critical = all_critical_points(surface)
    assert same_points(surface.minima, [p for p, kind in critical if kind == "min"], tol=1e-6)
    # Saddles are optional for simple bowls, but whenever listed they must all be there.
    if surface.saddles or name in {"saddle", "himmelblau", "six_hump_camel", "hills"}:
        saddles = [p for p, kind in critical if kind == "saddle"]
        assert same_points(surface.saddles, saddles, tol=1e-6)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_surface_text_parses_to_the_same_function(name):
    surface = SURFACES[name]
    X, Y = surface_grid(surface, 41)
    expr = parse(surface.text, variables=("x", "y"))
    values_agree(expr(X, Y), surface.f(X, Y))
    gx, gy = surface.grad(X, Y)
    values_agree(np.broadcast_to(expr.derivative("x")(X, Y), X.shape), gx)
    values_agree(np.broadcast_to(expr.derivative("y")(X, Y), X.shape), gy)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_surface_grid_and_z_range(name):
    surface = SURFACES[name]
    X, Y, Z = surface.grid(30)
    assert X.shape == Y.shape == Z.shape == (30, 30)
    (x0, x1), (y0, y1) = surface.bounds
    np.testing.assert_allclose(X[:, 0], np.linspace(x0, x1, 30))  # first axis runs along x
    np.testing.assert_allclose(Y[0, :], np.linspace(y0, y1, 30))
    np.testing.assert_array_equal(Z, surface.f(X, Y))
    lo, hi = surface.z_range()
    Z = surface.grid()[2]
    assert lo < Z.min() and Z.max() < hi
    assert max(Z.min() - lo, hi - Z.max()) < 0.25 * (Z.max() - Z.min())


def test_known_surface_landmarks():
    assert SURFACES["bowl"].minima == ((0.0, 0.0),)
    assert SURFACES["saddle"].minima == () and SURFACES["saddle"].saddles == ((0.0, 0.0),)
    assert SURFACES["rosenbrock"].minima == ((1.0, 1.0),)
    himmelblau = SURFACES["himmelblau"].minima
    expected = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848127)]
    assert same_points(himmelblau, expected, tol=1e-6)
    camel = SURFACES["six_hump_camel"]
    assert len(camel.minima) == 6
    global_pair = [(0.0898420131, -0.7126564030), (-0.0898420131, 0.7126564030)]
    assert same_points(camel.minima[:2], global_pair, tol=1e-9)
    assert camel.f(*camel.minima[0]) == pytest.approx(-1.0316284534898774, abs=1e-12)
    assert len(SURFACES["hills"].minima) >= 2


# ----------------------------------------------------------------------------------------
# Formulas typed in by a student
# ----------------------------------------------------------------------------------------


def test_typed_parabola():
    curve = Curve.from_text("x^2 + 1")
    assert curve.minima == (pytest.approx(0.0, abs=1e-9),)
    assert curve.bounds == (-4.0, 4.0)
    assert curve.text == "x^2 + 1"
    assert curve.derivative_text == "2x"
    np.testing.assert_allclose(curve.f(np.array([-2.0, 0.0, 3.0])), [5.0, 1.0, 10.0])
    np.testing.assert_allclose(curve.df(np.array([-2.0, 0.0, 3.0])), [-4.0, 0.0, 6.0])
    assert curve.df(1.5) == pytest.approx(3.0)


def test_typed_two_valleys_finds_both():
    curve = Curve.from_text("x^4 - 4x^2 + x", bounds=(-3.0, 3.0))
    roots = np.sort(np.roots([4.0, 0.0, -8.0, 1.0]).real)
    deep, shallow = roots[0], roots[2]  # the middle root is the hump between them
    assert len(curve.minima) == 2
    assert curve.minima[0] == pytest.approx(deep, abs=1e-9)
    assert curve.minima[1] == pytest.approx(shallow, abs=1e-9)


def test_typed_wavy_matches_the_catalog():
    wavy = CURVES["wavy"]
    typed = Curve.from_text(wavy.text, bounds=wavy.bounds)
    assert same_points(typed.minima, wavy.minima, tol=1e-9)
    assert typed.minima[0] == pytest.approx(wavy.minima[0], abs=1e-9)


@pytest.mark.parametrize("text", ["x^2 +", "x^2 + 1)", "sinn(x)", "x + z", "y^2"])
def test_typed_mistakes_raise_expression_error(text):
    with pytest.raises(ExpressionError):
        Curve.from_text(text)


def test_typed_log_is_fine_with_nan_on_the_left():
    curve = Curve.from_text("log(x)")
    assert np.isnan(curve.f(-1.0))
    assert curve.f(1.0) == pytest.approx(0.0)
    assert curve.minima == ()
    lo, hi = curve.y_range()
    assert math.isfinite(lo) and math.isfinite(hi) and lo < -2.0 and hi > 1.3


def test_typed_formula_undefined_everywhere_is_rejected():
    with pytest.raises(ExpressionError, match="not defined anywhere between -4 and 4"):
        Curve.from_text("sqrt(-1 - x^2)")
    with pytest.raises(ExpressionError, match="not defined anywhere"):
        Surface.from_text("sqrt(-1 - x^2 - y^2)")


def test_typed_curve_without_a_valley_floor():
    # x^3 and -x^3 have a flat point that is not a valley; -1/x^2 flips slope at a pole.
    for text in ("x^3", "-x^3", "-1/x^2", "x", "3"):
        assert Curve.from_text(text).minima == (), text


def test_typed_curve_valley_at_a_kink():
    curve = Curve.from_text("sqrt(x^2) + 1")  # a V shape: no slope at the bottom
    assert curve.minima == (pytest.approx(0.0, abs=1e-9),)


def test_typed_constant_gets_a_visible_range():
    lo, hi = Curve.from_text("3").y_range()
    assert lo < 3.0 < hi and hi - lo >= 1.0


def test_y_range_ignores_a_pole():
    lo, hi = Curve.from_text("1/x").y_range()
    assert -1e3 < lo < -0.25 and 0.25 < hi < 1e3


def test_typed_bowl():
    surface = Surface.from_text("x^2 + y^2")
    assert surface.bounds == ((-3.0, 3.0), (-3.0, 3.0))
    assert len(surface.minima) == 1
    assert surface.minima[0] == (pytest.approx(0.0, abs=1e-9), pytest.approx(0.0, abs=1e-9))
    x, y = np.array([1.0, -2.0, 0.5]), np.array([3.0, 0.25, -1.0])
    gx, gy = surface.grad(x, y)
    np.testing.assert_allclose(gx, 2 * x)
    np.testing.assert_allclose(gy, 2 * y)
    np.testing.assert_allclose(surface.f(x, y), x**2 + y**2)


@pytest.mark.parametrize("name", ["himmelblau", "six_hump_camel", "hills", "rosenbrock"])
def test_typed_surface_finds_the_catalog_minima(name):
    catalog = SURFACES[name]
    typed = Surface.from_text(catalog.text, bounds=catalog.bounds)
    assert same_points(typed.minima, catalog.minima, tol=1e-6)
    assert catalog.f(*typed.minima[0]) == pytest.approx(catalog.f(*catalog.minima[0]), abs=1e-9)


def test_typed_surface_without_isolated_minimum():
    assert Surface.from_text("x^2 - y^2").minima == ()
    assert Surface.from_text("x^2").minima == ()  # a whole line of lowest points


def test_typed_cone_bottom_is_found_without_a_slope():
    surface = Surface.from_text("sqrt(x^2 + y^2)")
    assert len(surface.minima) == 1
    assert np.hypot(*surface.minima[0]) < 1e-6


def test_typed_surface_rejects_other_variables():
    with pytest.raises(ExpressionError):
        Surface.from_text("x + t")


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(0.05, 20.0),
    m=st.floats(-3.5, 3.5),
    c=st.floats(-50.0, 50.0),
)
def test_typed_quadratic_minimum_is_found(a, m, c):
    # Fixed-point text: what a student would type, never scientific notation.
    text = f"{a:.4f}*(x - ({m:.6f}))^2 + ({c:.3f})"
    m = float(f"{m:.6f}")
    curve = Curve.from_text(text)
    assert len(curve.minima) == 1
    assert abs(curve.minima[0] - m) < 1e-6
