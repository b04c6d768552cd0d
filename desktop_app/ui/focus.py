"""Hiding controls for a demo (View → Focus…) and for presenter mode.

:class:`Hider` hides widgets *for a reason* ("focus", "presenter") and keeps them hidden
even when the tab's own code shows them again (a tab may show or hide its groups as it
goes): it watches each hidden widget and remembers whether the tab wanted it visible, so
releasing the last reason puts back exactly what the tab wants. A field of a form hides
together with its label.

:class:`FocusDialog` is the checklist of the current tab's named controls and groups.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

FOCUS = "focus"
PRESENTER = "presenter"


def form_label(widget: QWidget) -> QWidget | None:
    """The label of ``widget``'s row when it is a field of a QFormLayout."""
    parent = widget.parentWidget()
    if parent is None:
        return None
    forms = parent.findChildren(QFormLayout)
    if isinstance(parent.layout(), QFormLayout):
        forms.insert(0, parent.layout())
    for form in forms:
        label = form.labelForField(widget)
        if label is not None:
            return label
    return None


def describe(widget: QWidget) -> str:
    """A widget in a teacher's words, for the checklist."""
    if isinstance(widget, QGroupBox):
        return f"{widget.title() or widget.objectName()}  (group)"
    name = widget.accessibleName()
    if not name and hasattr(widget, "text"):
        try:
            name = widget.text()
        except TypeError:
            name = ""
    name = (name or widget.objectName().replace("_", " ")).strip()
    if len(name) > 60:
        name = name[:57] + "…"
    return name


class Hider(QObject):
    """Hide widgets for reasons; a widget shows again only when no reason is left."""

    changed = Signal()
    #: A widget no reason hides any more (its tab may want to redraw its own show/hide).
    released = Signal(QWidget)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reasons: dict[QWidget, set[str]] = {}
        self._wanted: dict[QWidget, bool] = {}
        self._partner: dict[QWidget, QWidget] = {}
        self._busy = False

    def hide(self, widget: QWidget, reason: str) -> None:
        for target in self._with_label(widget):
            reasons = self._reasons.get(target)
            if reasons is None:
                reasons = self._reasons[target] = set()
                self._wanted[target] = not target.isHidden()
                target.installEventFilter(self)
                target.destroyed.connect(lambda *_a, t=target: self._forget(t))
            reasons.add(reason)
            self._set_visible(target, False)
        self.changed.emit()

    def show(self, widget: QWidget, reason: str) -> None:
        for target in self._with_label(widget):
            reasons = self._reasons.get(target)
            if reasons is None:
                continue
            reasons.discard(reason)
            if not reasons:
                wanted = self._wanted.pop(target, True)
                del self._reasons[target]
                target.removeEventFilter(self)
                self._set_visible(target, wanted)
                if target not in self._partner:
                    self.released.emit(target)
        self.changed.emit()

    def release_all(self, reason: str) -> None:
        for widget in [w for w, r in self._reasons.items() if reason in r]:
            self.show(widget, reason)

    def is_hidden(self, widget: QWidget, reason: str | None = None) -> bool:
        reasons = self._reasons.get(widget, set())
        return bool(reasons) if reason is None else reason in reasons

    def hidden(self, reason: str) -> list[QWidget]:
        return [w for w, r in self._reasons.items() if reason in r and w not in self._partner]

    # -- keeping them hidden ----------------------------------------------------------------
    def _with_label(self, widget: QWidget) -> list[QWidget]:
        label = form_label(widget)
        if label is None:
            return [widget]
        self._partner[label] = widget
        return [widget, label]

    def _set_visible(self, widget: QWidget, visible: bool) -> None:
        self._busy = True
        try:
            widget.setVisible(visible)
        finally:
            self._busy = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if watched in self._reasons and not self._busy:
            if kind == QEvent.Type.ShowToParent:
                # The tab showed it: remember that, and keep it hidden for now.
                self._wanted[watched] = True
                self._set_visible(watched, False)
            elif kind == QEvent.Type.HideToParent:
                self._wanted[watched] = False
        return False

    def _forget(self, widget: QWidget) -> None:
        self._reasons.pop(widget, None)
        self._wanted.pop(widget, None)
        self._partner.pop(widget, None)


class FocusDialog(QDialog):
    """Tick what the class sees: unticked controls stay hidden until ticked again."""

    def __init__(self, tab, hider: Hider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("focus_dialog")
        self.setWindowTitle(f"Focus: what the class sees on “{tab.title}”")
        self.tab = tab
        self.hider = hider
        intro = QLabel("Untick the controls to hide for your demo. They stay hidden until "
                       "you tick them again, and a saved scenario remembers them.")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("focus_list")
        self.list.setAccessibleName("Controls shown on this tab")
        self._widgets: dict[str, QWidget] = {}
        tucked = set(getattr(tab, "secondary_controls", ()))
        for widget in tab.focus_candidates():
            name = widget.objectName()
            if name in self._widgets:
                continue  # a name used twice: the first one stands for both
            self._widgets[name] = widget
            depth = 0
            parent = widget.parentWidget()
            while parent is not None and parent is not tab:
                depth += isinstance(parent, QGroupBox)
                parent = parent.parentWidget()
            text = "    " * depth + describe(widget)
            if name in tucked and hider.is_hidden(widget, PRESENTER):
                text += "  — tucked away in presenter mode"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if hider.is_hidden(widget)
                               else Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.itemChanged.connect(self._on_item_changed)

        show_all = QPushButton("Show everything")
        show_all.setObjectName("focus_show_all")
        show_all.setAccessibleName("Show every control again")
        show_all.clicked.connect(self.show_everything)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("focus_close")
        close.setAccessibleName("Close the list")
        buttons.addButton(show_all, QDialogButtonBox.ButtonRole.ResetRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(460, 560)

    def item_for(self, name: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                return item
        return None

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        widget = self._widgets.get(item.data(Qt.ItemDataRole.UserRole))
        if widget is None:
            return
        if item.checkState() == Qt.CheckState.Checked:
            self.hider.show(widget, FOCUS)
            self.hider.show(widget, PRESENTER)  # the teacher wants it, presenter mode or not
        else:
            self.hider.hide(widget, FOCUS)

    def show_everything(self) -> None:
        for row in range(self.list.count()):
            self.list.item(row).setCheckState(Qt.CheckState.Checked)
