"""Settings → Templates: edit the email templates, with a live preview on real data.

:class:`TemplatePage` is the tab :mod:`ui.shell.settings_view` shows;
:func:`services.mail.placeholders.preview_context` chooses the values the preview fills in.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from services.mail.placeholders import PLACEHOLDER_HELP, preview_context
from services.mail.template_rendering import TemplateProblem, render
from services.mail.templates import (
    ensure_builtin_templates,
    list_templates,
    reset_template,
    save_template,
)
from ui.shell.accessible import message_label, selecting_makes_current
from ui.shell.labels import banner_label


class TemplatePage(QWidget):
    """The list of templates, the subject and body being edited, and the rendered preview."""

    def __init__(self, window) -> None:
        super().__init__()
        window.ensure_store()
        ensure_builtin_templates()
        self.context, preview_note = preview_context()
        layout = QVBoxLayout(self)
        splitter = QSplitter(self)
        self.templates = QListWidget(splitter)
        self.templates.setAccessibleName("Templates")
        self._build_editor(splitter, preview_note)
        splitter.setSizes([220, 800])
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.update_preview)
        self.subject.textChanged.connect(self._timer.start)
        self.body.textChanged.connect(self._timer.start)
        self.templates.currentRowChanged.connect(self._show)
        selecting_makes_current(self.templates)
        self._keys: list[str] = []
        self.reload()

    def _build_editor(self, splitter: QSplitter, preview_note: str) -> None:
        """Name, subject and text; the problem, the preview and the placeholders; the
        buttons."""
        editor = QWidget(splitter)
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.name = QLineEdit(editor)
        self.subject = QLineEdit(editor)
        for text, widget in (("&Name", self.name), ("&Subject", self.subject)):
            label = QLabel(text, editor)
            label.setBuddy(widget)
            form.addRow(label, widget)
        editor_layout.addLayout(form)
        self.body = QPlainTextEdit(editor)
        self.body.setAccessibleName("Template text")
        editor_layout.addWidget(self.body, 2)
        self.problem = banner_label(editor, "problem", "Template problem", "TemplateProblem")
        editor_layout.addWidget(self.problem)
        self.preview_note = QLabel(preview_note, editor)
        editor_layout.addWidget(self.preview_note)
        self.preview = QTextBrowser(editor)
        self.preview.setAccessibleName("Template preview")
        editor_layout.addWidget(self.preview, 2)
        help_text = ", ".join(f"{{{{ {key} }}}} ({what})" for key, what in PLACEHOLDER_HELP.items())
        placeholders = QLabel(f"Placeholders: {help_text}", editor)
        placeholders.setWordWrap(True)
        editor_layout.addWidget(placeholders)
        editor_layout.addLayout(self._build_buttons(editor))

    def _build_buttons(self, editor: QWidget) -> QHBoxLayout:
        """What saving did, Back to the original, and Save template."""
        row = QHBoxLayout()
        self.status = QLabel(editor)
        message_label(self.status, "Template status")
        row.addWidget(self.status, 1)
        self.reset_button = QPushButton("Back to the original", editor)
        self.reset_button.clicked.connect(self.reset)
        self.save_button = QPushButton("Save template", editor)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.reset_button)
        row.addWidget(self.save_button)
        return row

    def reload(self, key: str | None = None) -> None:
        """Refill the list and show ``key`` (or the first template)."""
        self._items = list_templates()
        self._keys = [item.key for item in self._items]
        self.templates.blockSignals(True)
        self.templates.clear()
        self.templates.addItems([item.name for item in self._items])
        self.templates.blockSignals(False)
        row = self._keys.index(key) if key in self._keys else 0
        self.templates.setCurrentRow(row)
        self._show(row)

    def current_key(self) -> str | None:
        """The key of the template on screen."""
        row = self.templates.currentRow()
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self._items):
            return
        item = self._items[row]
        self.name.setText(item.name)
        self.subject.setText(item.subject)
        self.body.setPlainText(item.body)
        self.reset_button.setEnabled(item.builtin)
        self.status.setText("")
        self.update_preview()

    def update_preview(self) -> bool:
        """Render the template being edited; show the problem as a sentence if it does not."""
        self._timer.stop()
        try:
            rendered = render(self.subject.text(), self.body.toPlainText(), self.context)
        except TemplateProblem as problem:
            self.problem.setText(problem.message)
            self.problem.show()
            return False
        self.problem.hide()
        paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>"
                             for p in rendered.body.split("\n\n") if p.strip())
        self.preview.setHtml(f"<p><b>Subject:</b> {html.escape(rendered.subject)}</p><hr>"
                             f"{paragraphs}")
        return True

    def save(self) -> None:
        """Store the template (a template that does not render is stored too, with a warning)."""
        key = self.current_key()
        if key is None:
            return
        ok = self.update_preview()
        save_template(key, self.name.text().strip() or key, self.subject.text(),
                      self.body.toPlainText())
        self.reload(key)
        self.status.setText("Saved." if ok else "Saved, but it cannot be used until the "
                            "problem above is fixed.")

    def reset(self) -> None:
        """Bring a built-in template back to its original text."""
        key = self.current_key()
        if key is not None:
            reset_template(key)
            self.reload(key)
            self.status.setText("Back to the original text.")
