"""Can this computer draw the 3-D view? Asked once, before any OpenGL module is imported.

The surface tab calls :func:`opengl_problem` the first time it is shown. It tries what
the 3-D view will need — an OpenGL context of version 2.1 or later, made current on an
offscreen surface — using Qt alone, so a computer without a working driver (a remote
desktop, a virtual machine, Qt's offscreen platform) gets a clear sentence instead of a
crash, and never pays for importing ``pyqtgraph.opengl``.
"""

from __future__ import annotations

import os

#: Set this environment variable (to anything) to switch the 3-D view off, e.g. on a
#: computer whose graphics driver misbehaves.
NO_OPENGL_VARIABLE = "DLMS_NO_OPENGL"

# Qt platforms that never show anything on a screen, so have nothing to draw 3-D on.
_SCREENLESS_PLATFORMS = {"offscreen", "minimal", "vnc"}
_MINIMUM_VERSION = (2, 1)


def opengl_problem() -> str | None:
    """None when the 3-D view can be made here; otherwise a short reason why not."""
    from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

    if os.environ.get(NO_OPENGL_VARIABLE):
        return f"it is switched off ({NO_OPENGL_VARIABLE} is set)"
    app = QGuiApplication.instance()
    if app is None:
        return "the application has not started"
    platform = QGuiApplication.platformName()
    if platform in _SCREENLESS_PLATFORMS:
        return f"this window is not on a real screen (Qt platform “{platform}”)"
    try:
        context = QOpenGLContext()
        if not context.create():
            return "no OpenGL driver could be started"
        surface = QOffscreenSurface()
        surface.setFormat(context.format())
        surface.create()
        try:
            if not surface.isValid() or not context.makeCurrent(surface):
                return "OpenGL could not start drawing"
            version = context.format().version()
            if not context.isOpenGLES() and tuple(version) < _MINIMUM_VERSION:
                return (f"OpenGL {version[0]}.{version[1]} is too old "
                        f"({_MINIMUM_VERSION[0]}.{_MINIMUM_VERSION[1]} is needed)")
        finally:
            context.doneCurrent()
            surface.destroy()
    except Exception as error:
        return f"OpenGL failed to start ({type(error).__name__})"
    return None
