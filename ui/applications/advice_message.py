"""A non-blocking advice banner: a title, a few sentences, "go on" and the better way.

:class:`AdviceMessage` is an inline widget, not a dialog: put it at the top of
an editor, a dialog or the window, call :meth:`AdviceMessage.show_advice`
with an :class:`services.applications.advice.Advice`, and carry on from its signals::

    banner = AdviceMessage(parent)
    layout.insertWidget(0, banner)            # hidden until there is advice
    banner.go_on.connect(do_what_the_user_asked)
    banner.better.connect(lambda action: ...)  # "ask_more_time", "keep_open", ...
    banner.show_advice(advice)

Exactly one of ``go_on``, ``better(action)`` or ``dismissed`` fires per
advice shown, and the banner hides itself afterwards. Dismissing (the ×
button, or Escape while a button has focus) means "not now": the user's
step is *not* taken, so nothing happens without a deliberate choice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services.applications.advice import Advice

__all__ = ["AdviceMessage"]


class AdviceMessage(QFrame):
    """An inline banner showing one :class:`~services.applications.advice.Advice` with two choices.

    Signals: ``go_on()`` (carry on with the user's step), ``better(str)`` (the
    advice's ``better_action``), ``dismissed()`` (closed without choosing).
    """

    go_on = Signal()
    better = Signal(str)
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        """A hidden banner; :meth:`show_advice` fills and shows it."""
        super().__init__(parent)
        self.advice: Advice | None = None
        self.setObjectName("AdviceMessage")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#AdviceMessage { background: palette(alternate-base);"
            " border: 1px solid palette(mid); border-left: 4px solid palette(highlight);"
            " border-radius: 4px; }"
        )
        self.setAccessibleName("Advice")

        outer = QHBoxLayout(self)
        outer.setContentsMargins(14, 10, 8, 10)
        outer.setSpacing(12)
        outer.addLayout(self._build_texts(), 1)
        outer.addLayout(self._build_choices())
        outer.addWidget(self._build_close_button(), 0, Qt.AlignmentFlag.AlignTop)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._on_dismiss)
        self.hide()

    def _build_texts(self) -> QVBoxLayout:
        """The bold title over the advice's sentences."""
        texts = QVBoxLayout()
        texts.setSpacing(4)
        self.title = QLabel(self)
        self.title.setObjectName("AdviceTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.message = QLabel(self)
        self.message.setObjectName("AdviceText")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        texts.addWidget(self.title)
        texts.addWidget(self.message)
        texts.addStretch(1)
        return texts

    def _build_choices(self) -> QVBoxLayout:
        """The better way above "go on"."""
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        self.better_button = QPushButton("Better way", self)
        self.better_button.setObjectName("AdviceBetter")
        self.better_button.setAutoDefault(False)
        self.better_button.clicked.connect(self._on_better)
        self.go_on_button = QPushButton("Go on", self)
        self.go_on_button.setObjectName("AdviceGoOn")
        self.go_on_button.setAutoDefault(False)
        self.go_on_button.clicked.connect(self._on_go_on)
        buttons.addWidget(self.better_button)
        buttons.addWidget(self.go_on_button)
        buttons.addStretch(1)
        return buttons

    def _build_close_button(self) -> QToolButton:
        """The × that dismisses the advice without choosing."""
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("AdviceClose")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Dismiss advice")
        self.close_button.setToolTip("Dismiss (Esc); nothing is changed")
        self.close_button.clicked.connect(self._on_dismiss)
        return self.close_button

    def show_advice(self, advice: Advice) -> None:
        """Show ``advice`` (replacing any shown) and put the keyboard focus on its better way."""
        self.advice = advice
        self.title.setText(advice.title)
        self.message.setText(advice.message)
        self.better_button.setText(advice.better_label)
        self.better_button.setAccessibleName(advice.better_label)
        self.better_button.setToolTip(f"{advice.better_label} (recommended)")
        self.go_on_button.setText(advice.go_on_label)
        self.go_on_button.setAccessibleName(advice.go_on_label)
        self.setAccessibleName(f"Advice: {advice.title}")
        self.setAccessibleDescription(advice.message)
        self.show()
        self.better_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if QAccessible.isActive():
            # Screen readers announce the banner when it appears.
            QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def _finish(self) -> Advice | None:
        advice, self.advice = self.advice, None
        self.hide()
        return advice

    def _on_go_on(self) -> None:
        if self._finish() is not None:
            self.go_on.emit()

    def _on_better(self) -> None:
        advice = self._finish()
        if advice is not None:
            self.better.emit(advice.better_action)

    def _on_dismiss(self) -> None:
        if self._finish() is not None:
            self.dismissed.emit()

