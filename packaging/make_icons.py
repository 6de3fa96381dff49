"""Build the Windows ``.ico`` and the macOS ``.icns`` from the rendered PNG icons.

    python packaging/make_icons.py            # writes packaging/icons/nextsteps.{ico,icns}
    python packaging/make_icons.py --check    # exits 1 if the committed files are stale

The PNGs come from ``resources/icons/hicolor/<N>x<N>/apps/next-steps.png``,
rendered from the SVG source by ``tools/render_icons.py``: run that first
after editing the SVG, then this. Only the standard library is used: both
formats can hold PNG images as they are.

- ``.ico``: an ICONDIR header, one 16-byte entry per size, then the PNG bytes
  (PNG-compressed entries are read by Windows Vista and later, and by Qt).
  Sizes 16, 24, 32, 48, 64, 128 and 256 (a width byte of 0 means 256).
- ``.icns``: the ``icns`` header, then one chunk per image, each a four-letter
  type, a big-endian length (header included) and the PNG bytes:
  ``icp4`` 16, ``icp5`` 32, ``icp6`` 64, ``ic07`` 128, ``ic08`` 256,
  ``ic09`` 512, and the Retina ones ``ic11`` 16@2x (32), ``ic12`` 32@2x (64),
  ``ic13`` 128@2x (256), ``ic14`` 256@2x (512). There is no 1024 px source, so
  ``ic10`` (512@2x) is left out; macOS scales ``ic09`` instead.

The output depends only on the PNGs, so rebuilding gives identical bytes.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
OUT_DIR = ROOT / "packaging" / "icons"
ICO_PATH = OUT_DIR / "nextsteps.ico"
ICNS_PATH = OUT_DIR / "nextsteps.icns"

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_CHUNKS = (
    ("icp4", 16),
    ("icp5", 32),
    ("icp6", 64),
    ("ic07", 128),
    ("ic08", 256),
    ("ic09", 512),
    ("ic11", 32),
    ("ic12", 64),
    ("ic13", 256),
    ("ic14", 512),
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_path(size: int, hicolor: Path = HICOLOR) -> Path:
    """Where the rendered PNG of ``size`` pixels lives."""
    return hicolor / f"{size}x{size}" / "apps" / "next-steps.png"


def read_png(size: int, hicolor: Path = HICOLOR) -> bytes:
    """The PNG of ``size`` pixels, checked to be a PNG of exactly that size."""
    path = png_path(size, hicolor)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SystemExit(
            f"make_icons: {path} is missing; run python tools/render_icons.py first"
        ) from None
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise SystemExit(f"make_icons: {path} is not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    if (width, height) != (size, size):
        raise SystemExit(f"make_icons: {path} is {width}x{height}, expected {size}x{size}")
    return data


def build_ico(hicolor: Path = HICOLOR) -> bytes:
    """An ``.ico`` file holding one PNG image per size in :data:`ICO_SIZES`."""
    images = [(size, read_png(size, hicolor)) for size in ICO_SIZES]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, data in images:
        side = 0 if size >= 256 else size
        # width, height, colours in palette, reserved, colour planes, bits per pixel, size, offset
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + entries + b"".join(data for _size, data in images)


def build_icns(hicolor: Path = HICOLOR) -> bytes:
    """An ``.icns`` file holding one PNG chunk per entry of :data:`ICNS_CHUNKS`."""
    body = b""
    for kind, size in ICNS_CHUNKS:
        data = read_png(size, hicolor)
        body += kind.encode("ascii") + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str] | None = None) -> int:
    """Write both files, or with ``--check`` compare them with what would be written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the files are out of date"
    )
    args = parser.parse_args(argv)
    wanted = {ICO_PATH: build_ico(), ICNS_PATH: build_icns()}
    if args.check:
        stale = [p for p, data in wanted.items() if not p.exists() or p.read_bytes() != data]
        for path in stale:
            print(f"make_icons: {path.relative_to(ROOT)} is out of date; "
                  "run python packaging/make_icons.py", file=sys.stderr)
        return 1 if stale else 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for path, data in wanted.items():
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
