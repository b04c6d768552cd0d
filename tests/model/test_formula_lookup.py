"""A saved or typed formula finds its catalog entry; anything else is read from the text."""

import pytest

from desktop_app.model.expression import ExpressionError
from desktop_app.model.functions import CURVES, SURFACES, curve_for, surface_for


def test_a_catalog_formula_gives_back_the_catalog_curve_itself():
    for curve in CURVES.values():
        assert curve_for(curve.text) is curve


def test_a_typed_curve_is_read_from_the_text():
    curve = curve_for("(x - 1)^2 + 3")
    assert curve.name not in CURVES or CURVES[curve.name] is not curve
    assert curve.minima == pytest.approx((1.0,), abs=1e-6)
    assert float(curve.f(1.0)) == 3.0


def test_a_catalog_surface_gives_back_the_catalog_surface_itself():
    for surface in SURFACES.values():
        assert surface_for(surface.text) is surface
    typed = surface_for("(x - 1)^2 + y^2")
    assert typed.minima[0] == pytest.approx((1.0, 0.0), abs=1e-6)


def test_mistakes_are_the_parsers_errors():
    with pytest.raises(ExpressionError):
        curve_for("x^2 +")
    with pytest.raises(ExpressionError):
        surface_for("x + z")
