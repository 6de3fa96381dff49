"""Render each main view with demo data to ``docs/screenshots/*.png`` (``make screenshots``).

Runs offscreen with a temporary data folder; light and dark palettes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"
SIZE = (1200, 760)


def main() -> int:
    """Write one PNG per view and palette; print each path."""
    from PySide6.QtWidgets import QApplication

    from services import demo
    from services.paths import DataPaths
    from services.startup import read_snapshot
    from services.store import open_store
    from services.version import __version__
    from ui.app import make_application
    from ui.main_window import MainWindow
    from ui.theme import apply_theme

    app = make_application()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        paths = DataPaths(Path(tmp) / "data")
        store = open_store(paths)
        demo.fill_demo()
        try:
            for theme in ("light", "dark"):
                apply_theme(app, theme)
                window = MainWindow(paths, read_snapshot(paths), __version__, store)
                window.resize(*SIZE)
                window.show()
                for key in window.view_keys():
                    window.show_view(key)
                    for _ in range(5):
                        QApplication.processEvents()
                    suffix = "" if theme == "light" else "-dark"
                    target = OUT / f"{key}{suffix}.png"
                    window.grab().save(str(target))
                    print(f"wrote {target.relative_to(ROOT)}")
                window.close()
                window.deleteLater()
                QApplication.processEvents()
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
