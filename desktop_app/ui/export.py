"""Pictures for slides and hand-outs: the current view as PNG, the animation as a GIF.

The GIF encoder is written here in Python and NumPy (no imaging library needed):

* frames are first reduced to 15-bit colours (5 bits per channel) and kept in memory;
* one palette of 255 colours for the whole animation comes from a median cut of the
  histogram of every frame, and a look-up table maps the 32,768 possible colours to it;
* each frame after the first stores only the rectangle that changed, with unchanged pixels
  transparent (palette entry 255), which makes both the file and the LZW coding small;
* LZW coding (GIF's variable-length codes, 9 to 12 bits) runs in a tight Python loop.

Files are written through QSaveFile: a cancelled or failed export leaves no partial file.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSaveFile, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

#: Palette entry used for "unchanged since the last frame".
TRANSPARENT = 255
#: GIFs are made at most this wide (pixels); taller pictures are scaled to match.
GIF_MAX_WIDTH = 800
#: An animation records at most this many steps.
GIF_MAX_STEPS = 120


class ExportError(Exception):
    """A picture or animation that could not be written; the message says why."""


# -- pictures ----------------------------------------------------------------------------------

def grab(widget: QWidget) -> QImage:
    """A picture of ``widget`` as it is on screen, 3-D views included.

    QWidget.grab() composes OpenGL children (the surface tab's 3-D view) into the picture,
    as the command line's --screenshot does.
    """
    QApplication.processEvents()
    return widget.grab().toImage()


def write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` atomically: the file appears complete or not at all."""
    file = QSaveFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.WriteOnly):
        raise ExportError(f"{Path(path).name} could not be written ({file.errorString()})")
    if file.write(QByteArray(data)) != len(data) or not file.commit():
        problem = file.errorString()
        file.cancelWriting()
        raise ExportError(f"{Path(path).name} could not be written ({problem})")


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ExportError("the picture could not be turned into a PNG")
    buffer.close()
    return bytes(data.data())


def save_png(widget: QWidget, path: Path | str) -> QImage:
    image = grab(widget)
    if image.isNull():
        raise ExportError("there is nothing to draw yet")
    write_bytes(path, png_bytes(image))
    return image


def image_to_rgb(image: QImage, max_width: int = GIF_MAX_WIDTH) -> np.ndarray:
    """A QImage as an (h, w, 3) uint8 array, scaled down to ``max_width`` if wider."""
    if image.width() > max_width:
        image = image.scaledToWidth(max_width, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, :width * 3].reshape(height, width, 3).copy()


# -- the GIF encoder ------------------------------------------------------------------------------

def to_15_bit(rgb: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 -> (h, w) uint16 colour codes, 5 bits per channel."""
    rgb = rgb.astype(np.uint16)
    return ((rgb[..., 0] >> 3) << 10) | ((rgb[..., 1] >> 3) << 5) | (rgb[..., 2] >> 3)


def _code_colours(codes: np.ndarray) -> np.ndarray:
    """15-bit codes -> (n, 3) float colours (5 bits widened to 8: 0 -> 0, 31 -> 255)."""
    codes = np.asarray(codes, dtype=np.int64)
    channels = np.stack([(codes >> 10) & 31, (codes >> 5) & 31, codes & 31], axis=-1)
    return (channels * 8 + channels // 4).astype(np.float64)


def median_cut(histogram: np.ndarray, colours: int = 255) -> np.ndarray:
    """A palette of at most ``colours`` RGB colours (uint8, (n, 3)) for a 15-bit histogram."""
    used = np.flatnonzero(histogram)
    if used.size == 0:
        return np.zeros((1, 3), dtype=np.uint8)
    points = _code_colours(used)
    weights = histogram[used].astype(np.float64)
    if used.size <= colours:
        return points.astype(np.uint8)
    boxes = [np.arange(used.size)]
    while len(boxes) < colours:
        # Split the box whose colours spread the most, weighted by how many pixels it has.
        best, best_score, best_axis = -1, 0.0, 0
        for i, box in enumerate(boxes):
            if box.size < 2:
                continue
            spread = points[box].max(axis=0) - points[box].min(axis=0)
            axis = int(np.argmax(spread))
            score = spread[axis] * np.sqrt(weights[box].sum())
            if score > best_score:
                best, best_score, best_axis = i, score, axis
        if best < 0:
            break
        box = boxes.pop(best)
        order = box[np.argsort(points[box, best_axis], kind="stable")]
        cumulative = np.cumsum(weights[order])
        cut = int(np.searchsorted(cumulative, cumulative[-1] / 2.0))
        cut = min(max(cut, 1), order.size - 1)
        boxes += [order[:cut], order[cut:]]
    palette = np.array([np.average(points[box], axis=0, weights=weights[box]) for box in boxes])
    return np.clip(np.round(palette), 0, 255).astype(np.uint8)


def lookup_table(palette: np.ndarray, histogram: np.ndarray) -> np.ndarray:
    """For every 15-bit code used, the index of the nearest palette colour (uint8 (32768,))."""
    table = np.zeros(1 << 15, dtype=np.uint8)
    used = np.flatnonzero(histogram)
    pal = palette.astype(np.float32)
    for start in range(0, used.size, 4096):
        chunk = used[start:start + 4096]
        colours = _code_colours(chunk).astype(np.float32)
        distance = ((colours[:, None, :] - pal[None, :, :]) ** 2).sum(axis=2)
        table[chunk] = np.argmin(distance, axis=1).astype(np.uint8)
    return table


def lzw_encode(indices: bytes | np.ndarray, min_code_size: int = 8) -> bytes:
    """GIF's LZW coding of palette indices (one byte each) -> the packed code bytes."""
    data = bytes(indices) if not isinstance(indices, bytes) else indices
    clear = 1 << min_code_size
    end = clear + 1
    out = bytearray()
    if not data:
        return bytes(out)
    code_size = min_code_size + 1
    next_code = end + 1
    limit = 1 << code_size
    table: dict[int, int] = {}
    bits = clear  # the first code sent: clear
    used = code_size
    prefix = data[0]
    get = table.get
    for c in data[1:] if len(data) > 1 else b"":
        key = (prefix << 8) | c
        code = get(key)
        if code is not None:
            prefix = code
            continue
        bits |= prefix << used
        used += code_size
        while used >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            used -= 8
        if next_code < 4096:
            table[key] = next_code
            next_code += 1
            if next_code > limit and code_size < 12:
                code_size += 1
                limit <<= 1
        else:
            bits |= clear << used
            used += code_size
            while used >= 8:
                out.append(bits & 0xFF)
                bits >>= 8
                used -= 8
            table.clear()
            get = table.get
            code_size = min_code_size + 1
            limit = 1 << code_size
            next_code = end + 1
        prefix = c
    for code in (prefix, end):
        bits |= code << used
        used += code_size
        if code == prefix and next_code < 4096:
            # The decoder adds an entry for this last code too: follow its code size.
            if next_code + 1 > limit and code_size < 12:
                code_size += 1
        while used >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            used -= 8
    if used:
        out.append(bits & 0xFF)
    return bytes(out)


def _sub_blocks(data: bytes) -> bytes:
    parts = bytearray()
    for start in range(0, len(data), 255):
        chunk = data[start:start + 255]
        parts.append(len(chunk))
        parts += chunk
    parts.append(0)
    return bytes(parts)


class GifWriter:
    """Collect frames, then write the animated GIF in :meth:`encode` (a generator of bytes)."""

    def __init__(self, delay: float = 0.5, loop: bool = True) -> None:
        self.delay_cs = max(2, round(delay * 100))
        self.loop = loop
        self.frames: list[np.ndarray] = []
        self.holds: list[int] = []
        self.histogram = np.zeros(1 << 15, dtype=np.int64)
        self.size: tuple[int, int] | None = None

    def add(self, rgb: np.ndarray, hold: int = 1) -> None:
        """One frame, shown for ``hold`` times the delay."""
        height, width = rgb.shape[:2]
        if self.size is None:
            self.size = (width, height)
        elif self.size != (width, height):
            # The window was resized while recording: fit the frame to the first size.
            padded = np.full((self.size[1], self.size[0], 3), 255, dtype=np.uint8)
            h, w = min(height, self.size[1]), min(width, self.size[0])
            padded[:h, :w] = rgb[:h, :w]
            rgb = padded
        codes = to_15_bit(rgb)
        self.histogram += np.bincount(codes.ravel(), minlength=1 << 15)
        self.frames.append(codes)
        self.holds.append(max(1, int(hold)))

    def encode(self) -> Iterable[bytes]:
        """The file, piece by piece: the header, then one piece per frame, then the end."""
        if not self.frames:
            raise ExportError("there are no frames to write")
        width, height = self.size
        palette = median_cut(self.histogram, 255)
        table = lookup_table(palette, self.histogram)
        colours = np.zeros((256, 3), dtype=np.uint8)
        colours[:len(palette)] = palette
        head = bytearray(b"GIF89a")
        head += struct.pack("<HHBBB", width, height, 0xF7, 0, 0)
        head += colours.tobytes()
        if self.loop:
            head += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
        yield bytes(head)
        previous = None
        for codes, hold in zip(self.frames, self.holds, strict=True):
            indices = table[codes]
            if previous is None:
                box = (0, 0, width, height)
                pixels = indices
                transparent = False
            else:
                changed = indices != previous
                rows = np.flatnonzero(changed.any(axis=1))
                if rows.size == 0:
                    box = (0, 0, 1, 1)
                    pixels = np.full((1, 1), TRANSPARENT, dtype=np.uint8)
                else:
                    cols = np.flatnonzero(changed.any(axis=0))
                    top, bottom = int(rows[0]), int(rows[-1]) + 1
                    left, right = int(cols[0]), int(cols[-1]) + 1
                    box = (left, top, right - left, bottom - top)
                    pixels = np.where(changed[top:bottom, left:right],
                                      indices[top:bottom, left:right], TRANSPARENT)
                transparent = True
            previous = indices
            yield self._frame(box, pixels.astype(np.uint8), transparent,
                              min(0xFFFF, self.delay_cs * hold))
        yield b"\x3b"

    def _frame(self, box, pixels: np.ndarray, transparent: bool, delay_cs: int) -> bytes:
        left, top, width, height = box
        flags = (1 << 2) | (1 if transparent else 0)  # disposal 1: leave the frame in place
        part = bytearray(struct.pack("<BBBBHB", 0x21, 0xF9, 4, flags, delay_cs,
                                     TRANSPARENT if transparent else 0))
        part.append(0)
        part += struct.pack("<BHHHHB", 0x2C, left, top, width, height, 0)
        part.append(8)
        part += _sub_blocks(lzw_encode(np.ascontiguousarray(pixels).tobytes()))
        return bytes(part)


# -- recording an animation ----------------------------------------------------------------------

class GifRecorder(QObject):
    """Steps a tab, photographs every step, and writes the GIF, with a progress dialog.

    ``frame_added(count)`` is emitted after each picture; Cancel (or :meth:`cancel`) stops
    the work and leaves no file behind.
    """

    frame_added = Signal(int)
    finished = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog: QProgressDialog | None = None
        self._cancelled = False
        self.busy = False

    def cancel(self) -> None:
        self._cancelled = True
        if self.dialog is not None:
            self.dialog.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancelled or (self.dialog is not None and self.dialog.wasCanceled())

    def record(self, tab, path: Path | str, steps: int = GIF_MAX_STEPS, delay: float = 0.5,
               picture: Callable[[], QImage] | None = None,
               max_width: int = GIF_MAX_WIDTH) -> bool:
        """Record ``tab`` stepping up to ``steps`` times into ``path``; False if cancelled.

        Raises ExportError when the file cannot be written.
        """
        if self.busy:
            return False
        self.busy = True
        self._cancelled = False
        picture = picture or (lambda: grab(tab))
        parent = self.parent() if isinstance(self.parent(), QWidget) else None
        dialog = self.dialog = QProgressDialog("Recording the animation…", "Cancel", 0,
                                               steps + 1, parent)
        dialog.setObjectName("gif_progress")
        dialog.setWindowTitle("Export animation")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        writer = GifWriter(delay)
        try:
            tab.pause()
            writer.add(image_to_rgb(picture(), max_width))
            self.frame_added.emit(1)
            for done in range(1, steps + 1):
                if self.cancelled:
                    return self._stop(False)
                going = tab.advance()
                writer.add(image_to_rgb(picture(), max_width))
                dialog.setValue(done)
                self.frame_added.emit(done + 1)
                QApplication.processEvents()
                if not going:
                    break
            if self.cancelled:
                return self._stop(False)
            # The last picture stays a moment longer, so the end can be read.
            writer.holds[-1] = max(writer.holds[-1], round(2.0 / delay) if delay > 0 else 4)
            dialog.setLabelText("Writing the GIF…")
            dialog.setRange(0, len(writer.frames) + 1)
            return self._stop(self._write(writer, path, dialog))
        except BaseException:
            self._stop(False)
            raise

    def _write(self, writer: GifWriter, path, dialog: QProgressDialog) -> bool:
        file = QSaveFile(str(path))
        if not file.open(QIODevice.OpenModeFlag.WriteOnly):
            raise ExportError(f"{Path(path).name} could not be written ({file.errorString()})")
        try:
            for done, piece in enumerate(writer.encode()):
                if self.cancelled:
                    file.cancelWriting()
                    return False
                if file.write(QByteArray(piece)) != len(piece):
                    raise ExportError(f"{Path(path).name} could not be written "
                                      f"({file.errorString()})")
                dialog.setValue(done)
                QApplication.processEvents()
            if self.cancelled:
                file.cancelWriting()
                return False
            if not file.commit():
                raise ExportError(f"{Path(path).name} could not be written "
                                  f"({file.errorString()})")
            return True
        except BaseException:
            file.cancelWriting()
            raise

    def _stop(self, ok: bool) -> bool:
        self.busy = False
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        self.finished.emit(ok)
        return ok
