"""Which parts of Qt the packaged app carries: the one list the spec and its hooks share.

PySide6-Essentials ships far more Qt than the app uses (QML, Quick, PDF, networking, SQL,
designer plugins, forty languages of translations...). PyInstaller's own PySide6 hooks
collect every plugin of every type a used Qt module *may* load, and then follow those
plugins' links to system libraries (the GTK theme plugin alone drags in GTK, cairo and
pango). The user hooks in ``pyinstaller_hooks/`` call PyInstaller's helper and then keep
only the plugins listed here, *before* PyInstaller follows their links, so nothing a
dropped plugin needed is collected either.

Whatever is dropped must be really unused: ``smoke_test.py`` runs the frozen app's
``--self-test`` on the offscreen platform and on X11 (xcb, with OpenGL), which loads every
plugin the app needs, and imports every module of the app (gl_probe.py).

When the app starts to use another PySide6 module (say QtPrintSupport for printing), the
smoke test fails with ``ModuleNotFoundError: No module named 'PySide6.QtPrintSupport'``:
add it to KEPT_QT_MODULES, copy one of the hooks in ``pyinstaller_hooks/`` to
``hook-PySide6.QtPrintSupport.py`` (a test insists on one per kept module), and keep its
plugins in KEPT_PLUGINS if it has any.
"""

from __future__ import annotations

import os

#: The PySide6 Python modules the app and pyqtgraph use. Every other PySide6 module is
#: excluded (pyqtgraph imports QtTest only optionally; QtDBus and QtNetwork are not used
#: from Python; libQt6DBus itself stays, because libQt6Gui links it).
KEPT_QT_MODULES = frozenset({
    "QtCore", "QtGui", "QtWidgets", "QtOpenGL", "QtOpenGLWidgets", "QtSvg",
})

#: Plugin type (folder under Qt/plugins) -> plugin base names kept; None keeps them all.
#: Plugin types not listed are dropped entirely: egldeviceintegrations and generic (only
#: for the eglfs/linuxfb kiosk platforms), networkinformation/tls (QtNetwork), sqldrivers,
#: printsupport, qmltooling, designer, the GTK 3 theme (GTK, cairo, pango...), the virtual
#: keyboard (needs QtQuick) and the image formats other than SVG (PNG is built into QtGui).
KEPT_PLUGINS: dict[str, frozenset[str] | None] = {
    # Linux: X11 (xcb), Wayland, and offscreen (no display; used by --self-test in CI).
    # Windows: qwindows; macOS: qcocoa.
    "platforms": frozenset({"qxcb", "qwayland", "qoffscreen", "qwindows", "qcocoa"}),
    "platforms/darwin": None,
    # OpenGL on X11 (GLX and EGL); the 3-D view needs one of them.
    "xcbglintegrations": None,
    # Wayland: the shell (xdg-shell), window decorations, and EGL/shm buffer integration.
    "wayland-shell-integration": None,
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": None,
    # The app icon and any SVG pictures.
    "imageformats": frozenset({"qsvg"}),
    "iconengines": frozenset({"qsvgicon"}),
    # Dead keys / compose sequences, and IBus for people who type through an input method.
    "platforminputcontexts": frozenset({
        "composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"}),
    # Native file dialogs through the XDG desktop portal (Flatpak/Snap-style desktops).
    "platformthemes": frozenset({"qxdgdesktopportal"}),
    # Native widget styles on Windows and macOS (Linux uses Qt's built-in Fusion).
    "styles": frozenset({"qmodernwindowsstyle", "qwindowsvistastyle", "qmacstyle"}),
}

#: Plugins a working package must contain on each platform (checked by the spec).
REQUIRED_PLUGINS = {
    "linux": ("platforms/qxcb", "platforms/qoffscreen", "xcbglintegrations/qxcb-glx-integration",
              "imageformats/qsvg", "iconengines/qsvgicon"),
    "win32": ("platforms/qwindows", "imageformats/qsvg", "iconengines/qsvgicon"),
    "darwin": ("platforms/qcocoa", "imageformats/qsvg", "iconengines/qsvgicon"),
}

#: Qt libraries that must not end up in the package (checked by the spec): if one appears,
#: something started to depend on it and the size budget is at risk.
FORBIDDEN_QT_LIBRARIES = (
    "Qt6Qml", "Qt6Quick", "Qt6Network", "Qt6Pdf", "Qt6Test", "Qt6Designer", "Qt6Sql",
    "Qt6PrintSupport", "Qt6VirtualKeyboard", "Qt6EglFSDeviceIntegration",
)


def plugin_base_name(path: str) -> str:
    """libqxcb.so -> qxcb, qwindows.dll -> qwindows, libqcocoa.dylib -> qcocoa."""
    name = os.path.basename(path)
    for suffix in (".so", ".dll", ".dylib"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name[3:] if name.startswith("lib") else name


def plugin_key(dest_dir: str) -> str | None:
    """'PySide6/Qt/plugins/platforms' -> 'platforms' (None when not a plugin folder)."""
    parts = dest_dir.replace("\\", "/").split("/")
    if "plugins" not in parts:
        return None
    return "/".join(parts[parts.index("plugins") + 1:])


def keep_plugin(src: str, dest_dir: str) -> bool:
    key = plugin_key(dest_dir)
    if key is None:
        return True  # not a plugin: a Qt library or an extension module
    if key not in KEPT_PLUGINS:
        return False
    kept = KEPT_PLUGINS[key]
    return kept is None or plugin_base_name(src) in kept


def filter_plugins(binaries):
    """Keep only the wanted plugins from a hook's (src, dest_dir) binaries list."""
    return [(src, dest) for src, dest in binaries if keep_plugin(src, dest)]


def filter_translations(datas):
    """Qt's own translations (dialog buttons in forty languages): the app is in English."""
    return [(src, dest) for src, dest in datas
            if "translations" not in dest.replace("\\", "/").split("/")]
