"""The play / pause / step / reset / speed bar that every tab shares."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStyle, QWidget
from superqt import QLabeledDoubleSlider


class PlaybackBar(QWidget):
    play_toggled = Signal()
    step_clicked = Signal()
    reset_clicked = Signal()
    speed_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playback")
        style = self.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)

        self.play_button = self._button("play", "Play", self._play_icon, "Play or pause (Space)")
        self.step_button = self._button(
            "step", "Step", style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward),
            "One step (Right arrow)")
        self.reset_button = self._button(
            "reset", "Reset", style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload),
            "Back to the start (R)")
        self.play_button.clicked.connect(self.play_toggled)
        self.step_button.clicked.connect(self.step_clicked)
        self.reset_button.clicked.connect(self.reset_clicked)

        speed_label = QLabel("Speed (steps per second)")
        self.speed = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
        self.speed.setObjectName("speed")
        self.speed.setAccessibleName("Speed in steps per second")
        self.speed.setRange(0.5, 20.0)
        self.speed.setValue(2.0)
        self.speed.setDecimals(1)
        self.speed.setMinimumWidth(220)
        self.speed.valueChanged.connect(lambda v: self.speed_changed.emit(float(v)))
        speed_label.setBuddy(self.speed)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        for widget in (self.play_button, self.step_button, self.reset_button):
            layout.addWidget(widget)
        layout.addSpacing(24)
        layout.addWidget(speed_label)
        layout.addWidget(self.speed)
        layout.addStretch(1)

    def _button(self, name: str, text: str, icon, tip: str) -> QPushButton:
        button = QPushButton(icon, text)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setToolTip(tip)
        # Keyboard focus stays on the tab's controls; the shortcuts drive these buttons.
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    def fit_text(self) -> None:
        """After a font change: the speed's number box is sized for its text once, at first
        show (superqt); size it again."""
        update = getattr(getattr(self.speed, "_label", None), "_update_size", None)
        if callable(update):
            update()

    def show_playing(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setIcon(self._pause_icon if playing else self._play_icon)
        self.play_button.setAccessibleName(self.play_button.text())
