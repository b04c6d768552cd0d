"""How numbers and formulas are written on screen."""

from __future__ import annotations

import math
import re

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def number(value: float, digits: int = 6) -> str:
    """A number the way a teacher writes it: 2 not 2.0, −0.5 with a real minus sign."""
    if value is None or not math.isfinite(value):
        return "undefined"
    if value == 0:
        value = 0.0  # no "-0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPTS)}"
    return text.replace("-", "−")


def formula(text: str) -> str:
    """Parser syntax to display: x^2 -> x², a - b -> a − b."""
    shown = re.sub(r"\^(-?\d+)\b", lambda m: m.group(1).translate(_SUPERSCRIPTS), text)
    return shown.replace("-", "−")
