"""Render the app icon's SVG source into the PNG sizes the app and the packages use.

    python tools/render_icons.py

Writes ``resources/icons/hicolor/<N>x<N>/apps/next-steps.png`` for the
freedesktop hicolor sizes. The window loads these PNGs rather than the SVG,
which would load Qt's SVG module at start-up (about 3 MB and a few ms).
Issue #9's packaging script turns the same PNGs into ``.ico`` and ``.icns``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "nextsteps.svg"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(size: int, target: Path) -> None:
    """Draw the SVG at ``size`` pixels square into ``target`` (PNG, transparent)."""
    renderer = QSvgRenderer(str(SOURCE))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target), "PNG"):
        raise OSError(f"could not write {target}")


def main() -> int:
    """Render every size; print what was written."""
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (a QGuiApplication must exist)
    for size in SIZES:
        target = ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / (
            "next-steps.png")
        render(size, target)
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
