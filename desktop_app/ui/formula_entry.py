"""The catalog list + text field + error line through which every tab takes a formula."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

#: The combo box entry that hands over to the text field.
TYPED = "__typed__"


class FormulaEntry:
    """Wires the three controls the same way on every tab.

    Picking a catalog entry, or pressing Enter / leaving the field, hands the formula
    text to ``use``; ``use`` shows any mistake in the error line and keeps the last good
    formula. Leaving the field with the formula already in use changes nothing, so a
    click elsewhere never restarts a run.
    """

    def __init__(self, choice: QComboBox, field: QLineEdit, error: QLabel,
                 catalog: Mapping[str, object], current: Callable[[], str],
                 use: Callable[[str], bool]) -> None:
        self.choice, self.field, self.error = choice, field, error
        self._catalog, self._current, self._use = catalog, current, use
        choice.addItem("Type your own…", TYPED)
        choice.activated.connect(self._on_choice)
        field.returnPressed.connect(self._on_text_entered)
        field.editingFinished.connect(self._on_text_entered)

    def _on_choice(self, index: int) -> None:
        name = self.choice.itemData(index)
        if name == TYPED:
            self.field.setFocus()
            self.field.selectAll()
            return
        self._use(self._catalog[name].text)

    def _on_text_entered(self) -> None:
        text = self.field.text()
        if text.strip() == self._current() and self.error.isHidden():
            return
        self._use(text)
