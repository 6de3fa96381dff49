"""Light and dark palettes on the Fusion style, following the system's colour scheme.

At start-up the window is painted before Qt's ``Qt`` namespace is first named
(naming it costs about 16 ms, see ui/shell/prepaint.py), so the first choice for
"system" reads the platform theme's own palette, which Qt's platform themes
make dark when the desktop's scheme is dark (tests/shell/test_startup.py checks it
with a desktop portal saying dark, then light, as GNOME's does);
:func:`confirm_system_theme` checks it against ``colorScheme()`` right after
the first paint and corrects it if they ever disagree.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")
_FUSION = "nextsteps_fusion"


def _dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202326",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17191c",
        QPalette.ColorRole.AlternateBase: "#262a2e",
        QPalette.ColorRole.ToolTipBase: "#2d3136",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#8a9096",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2a2e33",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Link: "#5cc8e0",
        QPalette.ColorRole.Highlight: "#2b8a9e",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Light: "#3a3f45",
        QPalette.ColorRole.Midlight: "#30353a",
        QPalette.ColorRole.Mid: "#464c53",
        QPalette.ColorRole.Dark: "#141619",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6c7279"))
    return palette


#: Fusion's standard light palette (Qt 6), with the app's teal highlight and link. Written
#: out rather than read from ``QApplication.style()``: that call builds PySide's QStyle
#: type, hundreds of enums, before the first paint.
_LIGHT = {
    QPalette.ColorRole.Window: "#efefef",
    QPalette.ColorRole.WindowText: "#000000",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f7f7f7",
    QPalette.ColorRole.ToolTipBase: "#ffffdc",
    QPalette.ColorRole.ToolTipText: "#000000",
    QPalette.ColorRole.Text: "#000000",
    QPalette.ColorRole.Button: "#efefef",
    QPalette.ColorRole.ButtonText: "#000000",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Light: "#ffffff",
    QPalette.ColorRole.Midlight: "#cacaca",
    QPalette.ColorRole.Mid: "#b8b8b8",
    QPalette.ColorRole.Dark: "#9f9f9f",
    QPalette.ColorRole.Shadow: "#767676",
    QPalette.ColorRole.Highlight: "#1f7f92",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#16697a",
    QPalette.ColorRole.LinkVisited: "#ff00ff",
    QPalette.ColorRole.Accent: "#1f7f92",
}
_LIGHT_DISABLED = {
    QPalette.ColorRole.WindowText: "#bebebe",
    QPalette.ColorRole.Text: "#bebebe",
    QPalette.ColorRole.ButtonText: "#bebebe",
    QPalette.ColorRole.Dark: "#bebebe",
    QPalette.ColorRole.Base: "#efefef",
    QPalette.ColorRole.Shadow: "#b1b1b1",
    QPalette.ColorRole.Highlight: "#919191",
    QPalette.ColorRole.Accent: "#919191",
}


def _light_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _LIGHT.items():
        palette.setColor(role, QColor(colour))
    placeholder = QColor("#000000")
    placeholder.setAlpha(128)
    palette.setColor(QPalette.ColorRole.PlaceholderText, placeholder)
    for role, colour in _LIGHT_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def system_prefers_dark() -> bool:
    """True when the desktop asks for a dark colour scheme."""
    # Qt's namespace: not before the first paint (PySide builds its enums on first use).
    from PySide6.QtCore import Qt

    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def platform_palette_is_dark(app: QApplication) -> bool:
    """True when the platform theme's palette is dark. Only meaningful before the app
    sets a palette of its own (the first :func:`apply_theme` at start-up)."""
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def is_dark(theme: str) -> bool:
    """Whether ``theme`` ("system", "light" or "dark") resolves to dark here."""
    return theme == "dark" or (theme == "system" and system_prefers_dark())


def use_fusion(app: QApplication) -> None:
    """Put the app on the Fusion style unless it already is (see :func:`fusion_arguments`)."""
    if not app.property(_FUSION):
        app.setStyle("Fusion")
        app.setProperty(_FUSION, True)


def fusion_arguments(argv0: str) -> list[str]:
    """Arguments for a new QApplication that starts on the Fusion style; call
    :func:`started_on_fusion` on it. (``app.setStyle()`` returns the style, which makes
    PySide build its QStyle type before the first paint.)"""
    return [argv0, "-style", "fusion"]


def started_on_fusion(app: QApplication) -> None:
    """Note that ``app`` was made with :func:`fusion_arguments`."""
    app.setProperty(_FUSION, True)


def apply_theme(app: QApplication, theme: str = "system", *, first: bool = False) -> bool:
    """Apply the Fusion style with a light or dark palette; return True when dark.

    ``first`` is the start-up call, before the first paint: "system" then
    follows the platform palette (see the module's note); call
    :func:`confirm_system_theme` after the paint.
    """
    use_fusion(app)
    dark = platform_palette_is_dark(app) if first and theme == "system" else is_dark(theme)
    app.setPalette(_dark_palette() if dark else _light_palette())
    app.setProperty("nextsteps_dark", dark)
    return dark


def confirm_system_theme(app: QApplication) -> bool:
    """After the first paint: re-apply "system" if the desktop's colour scheme disagrees
    with the palette chosen before it. Return True when it changed the palette."""
    if bool(app.property("nextsteps_dark")) == system_prefers_dark():
        return False
    apply_theme(app, "system")
    return True
