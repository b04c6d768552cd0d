"""Import every module of the app, then draw a pyqtgraph.opengl surface and check it.

Run inside the frozen app by the smoke test (``DLMS_PACKAGING_PROBE=opengl``, see
launcher.py); it also runs from a checkout: ``python packaging/gl_probe.py``. Exits 0
when all went well, 1 otherwise, with one line per check.

Why: the surface tab falls back to its top view, quietly and by design, when the 3-D view
cannot be made, so ``--self-test`` passes even if the package lost a module the 3-D view
imports lazily (pyqtgraph.opengl, PyOpenGL, QtOpenGLWidgets) or cannot load the system's
libGL. This probe fails loudly in those cases.
"""

from __future__ import annotations

import sys


def import_everything() -> int:
    """Import each module below desktop_app (lazily imported ones included)."""
    import importlib
    import pkgutil

    import desktop_app

    names = [info.name for info in pkgutil.walk_packages(desktop_app.__path__, "desktop_app.")
             if not info.name.endswith("__main__")]
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:
            failed.append(f"{name} ({type(error).__name__}: {error})")
    if failed or not names:
        print(f"module probe: FAILED {'; '.join(failed) or 'no desktop_app module found'}")
        return 1
    print(f"module probe: ok ({len(names)} desktop_app modules imported)")
    return 0


def main() -> int:
    if import_everything():
        return 1
    return draw_surface()


def draw_surface() -> int:
    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        import numpy as np
        import OpenGL.GL as GL
        import pyqtgraph.opengl as gl

        view = gl.GLViewWidget()
        view.resize(320, 240)
        view.setBackgroundColor("k")
        x = np.linspace(-2.0, 2.0, 41)
        z = (x[:, None] ** 2 + x[None, :] ** 2) / 4.0
        colors = np.empty(z.shape + (4,), dtype=np.float32)
        colors[..., 0] = 1.0
        colors[..., 1] = 1.0 - z / z.max()
        colors[..., 2] = 0.2
        colors[..., 3] = 1.0
        view.addItem(gl.GLSurfacePlotItem(x=x, y=x, z=z, colors=colors))
        view.addItem(gl.GLGridItem())
        view.show()
        loop = QEventLoop()
        QTimer.singleShot(300, loop.quit)
        loop.exec()
        image = view.grabFramebuffer()
        view.makeCurrent()
        renderer = GL.glGetString(GL.GL_RENDERER)
        version = GL.glGetString(GL.GL_VERSION)
        view.doneCurrent()
    except Exception as error:
        print(f"opengl probe: FAILED {type(error).__name__}: {error}")
        return 1
    if image.isNull():
        print("opengl probe: FAILED the 3-D view could not be read back")
        return 1
    small = image.scaled(64, 48)
    colours = {small.pixel(i, j) for i in range(small.width()) for j in range(small.height())}
    names = ", ".join(v.decode(errors="replace") for v in (renderer or b"?", version or b"?"))
    if len(colours) < 8:
        print(f"opengl probe: FAILED the surface was not drawn ({len(colours)} colours; {names})")
        return 1
    print(f"opengl probe: ok ({names}; {image.width()}x{image.height()}, "
          f"{len(colours)} colours)")
    view.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
