"""Render each main view with demo data to ``docs/screenshots/*.png`` (``make screenshots``).

Runs offscreen with a temporary data folder; light and dark palettes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"
SIZE = (1200, 760)
#: "Now" in every picture: a Wednesday morning in Berlin (the demo is placed around it).
SHOT_TIME = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


@contextlib.contextmanager
def stable_folder() -> Iterator[Path]:
    """A temporary folder with a fixed name: the status bar shows the data folder, and the
    pictures must not change with a random temporary name."""
    folder = Path(tempfile.gettempdir()) / "nextsteps-screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def settle(window) -> None:
    """Let the window finish loading and painting."""
    import time

    from PySide6.QtWidgets import QApplication

    view = window.view("applications")
    view.ensure_complete()
    deadline = time.monotonic() + 10
    while not view.model.index_data.complete and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        QApplication.processEvents()


def open_round(window, company: str, title: str) -> None:
    """Show the composer on one round of the demo data."""
    from services.applications.loading import round_choices

    choice = next(c for c in round_choices()
                  if c.company == company and c.round_title == title)
    window.open_composer(choice.application_id, choice.round_id)


def choose_message(window, company: str) -> None:
    """Show the inbox's message about ``company`` (opening it marks it read)."""
    messages = window.view("inbox").messages
    messages.select_uid(next(view.uid for view in messages.views() if view.company == company))


def advice_shot(window, target: Path) -> None:
    """The editor when the user is about to withdraw while another process waits."""
    view = window.view("applications")
    view.search.setText("Kestrel")
    window.open_editor(view.model.application_id(0))
    editor = window.editor
    editor.resize(1000, 780)
    editor.stage.setCurrentIndex(editor.stage.findData("withdrawn"))
    editor.save()
    settle(window)
    editor.grab().save(str(target))
    editor.done(0)
    editor.deleteLater()
    view.search.clear()
    settle(window)


def editor_shot(window, company: str, tab: int, target: Path) -> None:
    """Open the editor of ``company`` on ``tab`` and save a picture of it."""
    view = window.view("applications")
    view.search.setText(company)
    window.open_editor(view.model.application_id(0))
    editor = window.editor
    editor.resize(1000, 780)
    editor.tabs.setCurrentIndex(tab)
    settle(window)
    editor.grab().save(str(target))
    editor.done(0)
    editor.deleteLater()
    view.search.clear()
    settle(window)


def shoot_theme(app, paths, store, theme: str) -> None:
    """Every picture of one palette (``light`` or ``dark``)."""
    from PySide6.QtWidgets import QApplication

    from services.core.snapshot import read_snapshot
    from services.core.version import __version__
    from ui.shell.main_window import MainWindow
    from ui.shell.theme import apply_theme

    apply_theme(app, theme)
    window = MainWindow(paths, read_snapshot(paths), __version__, store)
    window.resize(*SIZE)
    window.show()
    suffix = "" if theme == "light" else "-dark"
    for key in window.view_keys():
        window.show_view(key)
        if key == "compose":
            open_round(window, "Lumen Analytics", "Technical interview")
        if key == "inbox":
            choose_message(window, "Tern Travel")
        settle(window)
        save_window(window, OUT / f"{key}{suffix}.png")
    window.show_view("compose")
    open_round(window, "Northwind Logistics", "Panel interview")
    settle(window)
    save_window(window, OUT / f"compose-agency{suffix}.png")
    if theme == "light":
        target = OUT / "advice.png"
        advice_shot(window, target)
        print(f"wrote {target.relative_to(ROOT)}")
    for company, tab, name in (("Lumen Analytics", 0, "editor"),
                               ("Lumen Analytics", 1, "editor-interviews"),
                               ("Orbit Health", 2, "editor-messages")):
        target = OUT / f"{name}{suffix}.png"
        editor_shot(window, company, tab, target)
        print(f"wrote {target.relative_to(ROOT)}")
    window.close()
    window.deleteLater()
    QApplication.processEvents()


def save_window(window, target: Path) -> None:
    """Save a picture of the whole window to ``target`` and say so."""
    window.grab().save(str(target))
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> int:
    """Write one PNG per view and palette; print each path."""
    from models import clock
    from services.core.paths import DataPaths
    from services.core.store import open_store
    from services.data import demo
    from ui.shell.app import make_application

    # One fixed instant and zone, so the pictures change only when the app does.
    clock.pin(SHOT_TIME, "Europe/Berlin")
    app = make_application()
    app.setCursorFlashTime(0)  # a steady caret: a blinking one differs between runs
    OUT.mkdir(parents=True, exist_ok=True)
    with stable_folder() as folder:
        paths = DataPaths(folder / "NextSteps")
        store = open_store(paths)
        demo.fill_demo()
        try:
            for theme in ("light", "dark"):
                shoot_theme(app, paths, store, theme)
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
