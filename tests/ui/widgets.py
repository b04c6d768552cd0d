"""Finding and setting a tab's controls by their objectName, as the UI tests do."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def find(tab, kind, name):
    widget = tab.findChild(kind, name)
    assert widget is not None, name
    return widget


def choose(tab, name, data):
    """Pick the entry of the combo box ``name`` whose data is ``data``, as a click would."""
    combo = find(tab, QComboBox, name)
    index = combo.findData(data)
    assert index >= 0, (name, data)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
