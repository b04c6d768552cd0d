"""Replaces PyInstaller's hook for PySide6.QtWidgets (user hooks take precedence).

Same collection as the built-in hook, then only the plugins listed in
packaging/qt_selection.py are kept. Filtering here, inside the hook, matters: PyInstaller
follows the kept plugins' links to other libraries afterwards, so the libraries of the
dropped plugins (GTK for the GTK theme, QtQuick for the virtual keyboard...) are never
collected.
"""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies
from qt_selection import filter_plugins, filter_translations

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = filter_plugins(binaries)
datas = filter_translations(datas)
