"""The Next Steps icon, for the window and the tray (:func:`app_icon`)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from services.core.paths import resources_dir

#: The sizes rendered from the SVG source, in pixels.
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The Next Steps icon, from PNGs rendered from its SVG source (tools/render_icons.py)."""
    icon = QIcon()
    hicolor = resources_dir() / "icons" / "hicolor"
    for size in ICON_SIZES:
        icon.addFile(str(hicolor / f"{size}x{size}" / "apps" / "next-steps.png"))
    return icon
