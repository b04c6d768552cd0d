"""Render resources/icons/app.svg into every icon file the packages need.

    python packaging/render_icons.py          # (re)write them all
    python packaging/render_icons.py --stale  # only if one is missing or the SVG changed

Writes (all committed, so a checkout has them without running anything):

* packaging/linux/icons/hicolor/scalable/apps/deep-learning-made-simple.svg (a copy)
* packaging/linux/icons/hicolor/NxN/apps/deep-learning-made-simple.png, N = 16 ... 512
* packaging/windows/deep-learning-made-simple.ico (PNG-compressed, 16 ... 256)
* packaging/macos/deep-learning-made-simple.icns (PNG-compressed, 16 ... 1024)

The pictures are drawn by Qt's own SVG renderer (QSvgRenderer), on the offscreen
platform, so no display and no other tool is needed. build.py calls this with --stale.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project_info import ICON_SIZES, PACKAGING, ROOT, read_project

SOURCE = ROOT / "resources" / "icons" / "app.svg"
HICOLOR = PACKAGING / "linux" / "icons" / "hicolor"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns element types holding PNG data, by pixel size (512@2x is 'ic10', 1024 pixels).
ICNS_TYPES = ((16, b"icp4"), (32, b"icp5"), (64, b"icp6"), (128, b"ic07"),
              (256, b"ic08"), (512, b"ic09"), (1024, b"ic10"))


def outputs(name: str) -> list[Path]:
    files = [HICOLOR / "scalable" / "apps" / f"{name}.svg"]
    files += [HICOLOR / f"{n}x{n}" / "apps" / f"{name}.png" for n in ICON_SIZES]
    files += [PACKAGING / "windows" / f"{name}.ico", PACKAGING / "macos" / f"{name}.icns"]
    return files


def is_stale(name: str) -> bool:
    """A file is missing, or the scalable copy is not the current app.svg (by content, not
    by date: a fresh checkout gives every file the same arbitrary date)."""
    scalable = HICOLOR / "scalable" / "apps" / f"{name}.svg"
    return (any(not path.is_file() for path in outputs(name))
            or scalable.read_bytes() != SOURCE.read_bytes())


def png_bytes(size: int) -> bytes:
    """The SVG drawn on a transparent size x size square, as PNG data."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {SOURCE} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit(f"render_icons: could not encode a {size}px PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose images are PNG data (supported since Windows Vista)."""
    header = struct.pack("<HHH", 0, 1, len(ICO_SIZES))
    offset = len(header) + 16 * len(ICO_SIZES)
    entries, payload = b"", b""
    for size in ICO_SIZES:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        payload += data
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns whose elements are PNG data (supported since OS X 10.7)."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                    for size, kind in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def render(name: str) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    sizes = sorted(set(ICON_SIZES) | set(ICO_SIZES) | {size for size, _ in ICNS_TYPES})
    pngs = {size: png_bytes(size) for size in sizes}
    written = []
    scalable = HICOLOR / "scalable" / "apps" / f"{name}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable)
    written.append(scalable)
    for size in ICON_SIZES:
        path = HICOLOR / f"{size}x{size}" / "apps" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pngs[size])
        written.append(path)
    for path, data in ((PACKAGING / "windows" / f"{name}.ico", ico_bytes(pngs)),
                       (PACKAGING / "macos" / f"{name}.icns", icns_bytes(pngs))):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stale", action="store_true",
                        help="do nothing when every file exists and the SVG is unchanged")
    args = parser.parse_args(argv)
    name = read_project().name
    if args.stale and not is_stale(name):
        print("render_icons: icons are up to date")
        return 0
    for path in render(name):
        print(f"render_icons: wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
