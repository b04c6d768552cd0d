"""Fast checks of the packaging files; nothing here runs PyInstaller.

The build itself (packaging/build.py) and the installed package (packaging/smoke_test.py)
are checked by .ci/run. These tests cover what can go wrong without a build: the spec's
name, version and contents, the menu entry, the icons, and install.sh / uninstall.sh
working on a stand-in program.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import desktop_app

from .packaging_helpers import LINUX, PACKAGING, ROOT, load, parse_desktop_entry, png_size

project_info = load("project_info")
PROJECT = project_info.read_project()
NAME = PROJECT.name
SPEC = PACKAGING / "deep-learning-made-simple.spec"
DESKTOP = LINUX / f"{NAME}.desktop"
METAINFO = LINUX / f"{project_info.APPSTREAM_ID}.metainfo.xml"
HICOLOR = LINUX / "icons" / "hicolor"


def pyproject() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as stream:
        return tomllib.load(stream)


# --- name and version ------------------------------------------------------------------------

def test_name_and_version_come_from_pyproject():
    assert NAME == pyproject()["project"]["name"] == "deep-learning-made-simple"
    assert PROJECT.version == desktop_app.__version__
    assert PROJECT.package_stem == f"{NAME}-{desktop_app.__version__}-linux-{PROJECT.arch}"


def test_a_static_version_is_read_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo-app"\nversion = "2.3.4"\n')
    read = project_info.read_project(tmp_path / "pyproject.toml")
    assert (read.name, read.version) == ("demo-app", "2.3.4")


def test_a_dynamic_version_is_read_without_importing_the_package(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo-app"\ndynamic = ["version"]\n'
        '[tool.setuptools.dynamic]\nversion = { attr = "demo_pkg.__version__" }\n')
    package = tmp_path / "demo_pkg"
    package.mkdir()
    (package / "__init__.py").write_text('raise RuntimeError("imported")\n__version__ = "5.6.7"\n')
    assert project_info.read_project(tmp_path / "pyproject.toml").version == "5.6.7"


def test_the_spec_has_no_name_or_version_of_its_own():
    source = SPEC.read_text(encoding="utf-8")
    compile(source, str(SPEC), "exec")
    assert "PROJECT = read_project()" in source
    assert "NAME = PROJECT.name" in source
    assert f'"{PROJECT.version}"' not in source
    assert "tomllib" in (PACKAGING / "project_info.py").read_text(encoding="utf-8")


# --- the spec, run with stand-ins for PyInstaller's classes ---------------------------------

REQUIRED_BINARIES = [
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/QtOpenGL.abi3.so", "PySide6/QtOpenGLWidgets.abi3.so", "PySide6/QtSvg.abi3.so",
    "PySide6/Qt/lib/libQt6Core.so.6", "libstdc++.so.6",
]
REQUIRED_MODULES = ["desktop_app.app", "pyqtgraph.opengl", "OpenGL.GL", "OpenGL.platform.glx"]


def run_spec(tmp_path, monkeypatch, binaries=REQUIRED_BINARIES):
    """Execute the spec as PyInstaller would, with recording stand-ins; returns the calls."""
    calls: dict[str, dict] = {}

    def recorder(kind, result=None):
        def record(*args, **kwargs):
            calls[kind] = {"args": args, **kwargs}
            return result if result is not None else types.SimpleNamespace()
        return record

    def analysis(scripts, **kwargs):
        calls["Analysis"] = {"scripts": scripts, **kwargs}
        return types.SimpleNamespace(
            scripts=[], datas=[(dest, src, "DATA") for src, dest in kwargs["datas"]],
            pure=[(name, f"/{name}.py", "PYMODULE") for name in REQUIRED_MODULES],
            binaries=[(dest, f"/src/{dest}", "BINARY") for dest in binaries])

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, filter=None: [f"{package}.stand_in"]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "path", list(sys.path))
    spec_globals = {
        "__name__": "__main__", "__file__": str(SPEC), "SPECPATH": str(PACKAGING),
        "DISTPATH": str(tmp_path / "dist"), "Analysis": analysis, "PYZ": recorder("PYZ"),
        "EXE": recorder("EXE"), "COLLECT": recorder("COLLECT"), "BUNDLE": recorder("BUNDLE"),
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), spec_globals)
    return calls, spec_globals


def test_the_spec_builds_one_folder_named_after_the_project(tmp_path, monkeypatch):
    calls, _ = run_spec(tmp_path, monkeypatch)
    assert calls["EXE"]["name"] == NAME
    assert calls["EXE"]["exclude_binaries"] is True  # one folder, not one file
    assert calls["COLLECT"]["name"] == NAME
    assert Path(calls["Analysis"]["scripts"][0]) == PACKAGING / "launcher.py"
    assert Path(calls["Analysis"]["hookspath"][0]) == PACKAGING / "pyinstaller_hooks"


def test_the_spec_bundles_resources_but_not_the_screenshots(tmp_path, monkeypatch):
    calls, _ = run_spec(tmp_path, monkeypatch)
    datas = calls["Analysis"]["datas"]
    assert (str(ROOT / "resources" / "icons" / "app.svg"), "resources/icons") in datas
    assert not [src for src, _ in datas if "screenshots" in src]
    assert all(dest.split("/")[0] == "resources" for _, dest in datas)


def test_the_spec_collects_lazy_imports_and_excludes_optional_ones(tmp_path, monkeypatch):
    calls, spec_globals = run_spec(tmp_path, monkeypatch)
    hidden = calls["Analysis"]["hiddenimports"]
    assert "desktop_app.stand_in" in hidden  # every module of the app, imported or not
    assert "pyqtgraph.opengl.stand_in" in hidden
    assert {"OpenGL.platform.glx", "OpenGL.platform.egl", "PySide6.QtOpenGLWidgets"} <= set(hidden)
    excludes = set(calls["Analysis"]["excludes"])
    assert {"scipy", "matplotlib", "torch", "PyQt5", "PyQt6", "PySide2", "tkinter",
            "IPython"} <= excludes
    assert {"PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick"} <= excludes
    kept = {f"PySide6.{name}" for name in load("qt_selection").KEPT_QT_MODULES}
    assert not kept & excludes
    # The C++ runtime stays with the system (newer Mesa drivers need the newer one).
    collected = {entry[0] for entry in spec_globals["a"].binaries}
    assert "libstdc++.so.6" not in collected


def test_the_spec_refuses_a_package_without_the_xcb_plugin(tmp_path, monkeypatch):
    without_xcb = [path for path in REQUIRED_BINARIES if "qxcb.so" not in path]
    with pytest.raises(SystemExit, match="platforms/qxcb"):
        run_spec(tmp_path, monkeypatch, binaries=without_xcb)


def test_the_spec_refuses_unused_qt_libraries(tmp_path, monkeypatch):
    with pytest.raises(SystemExit, match="libQt6Quick"):
        run_spec(tmp_path, monkeypatch,
                 binaries=[*REQUIRED_BINARIES, "PySide6/Qt/lib/libQt6Quick.so.6"])


# --- which parts of Qt ---------------------------------------------------------------------

def test_the_qt_plugin_selection():
    qt = load("qt_selection")
    plugins = "PySide6/Qt/plugins"
    assert qt.keep_plugin("/x/libqxcb.so", f"{plugins}/platforms")
    assert qt.keep_plugin("/x/libqoffscreen.so", f"{plugins}/platforms")
    assert qt.keep_plugin("/x/libqxcb-glx-integration.so", f"{plugins}/xcbglintegrations")
    assert qt.keep_plugin("/x/libqsvg.so", f"{plugins}/imageformats")
    assert qt.keep_plugin("/x/qwindows.dll", "PySide6/plugins/platforms")
    assert not qt.keep_plugin("/x/libqlinuxfb.so", f"{plugins}/platforms")
    assert not qt.keep_plugin("/x/libqgtk3.so", f"{plugins}/platformthemes")
    assert not qt.keep_plugin("/x/libqtiff.so", f"{plugins}/imageformats")
    assert not qt.keep_plugin("/x/libqopensslbackend.so", f"{plugins}/tls")
    assert qt.keep_plugin("/x/libQt6Gui.so.6", "PySide6/Qt/lib")  # not a plugin
    assert qt.filter_translations([("/t/qtbase_de.qm", "PySide6/Qt/translations"),
                                   ("/r/a.svg", "resources")]) == [("/r/a.svg", "resources")]


def test_every_kept_qt_module_has_a_filtering_hook():
    qt = load("qt_selection")
    for module in qt.KEPT_QT_MODULES:
        hook = PACKAGING / "pyinstaller_hooks" / f"hook-PySide6.{module}.py"
        assert hook.is_file(), f"{hook.name} is missing: its plugins would not be filtered"
        text = hook.read_text(encoding="utf-8")
        assert "filter_plugins(binaries)" in text and "add_qt6_dependencies(__file__)" in text


# --- the menu entry and the AppStream file ---------------------------------------------------

def app_source() -> str:
    return (ROOT / "desktop_app" / "app.py").read_text(encoding="utf-8")


def test_the_desktop_entry_has_the_required_keys():
    entry = parse_desktop_entry(DESKTOP)
    for key in ("Type", "Name", "Comment", "Exec", "TryExec", "Icon", "Terminal", "Categories"):
        assert entry.get(key), f"{DESKTOP.name} has no {key}"
    assert entry["Type"] == "Application"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Education" in entry["Categories"].split(";")


def test_exec_and_icon_name_the_program_and_its_icon():
    entry = parse_desktop_entry(DESKTOP)
    scripts = pyproject()["project"]["gui-scripts"]
    assert entry["Exec"].split()[0] == entry["TryExec"] == NAME
    assert NAME in scripts  # the same command a pip install provides
    assert entry["Icon"] == NAME
    assert (HICOLOR / "scalable" / "apps" / f"{entry['Icon']}.svg").is_file()


def test_the_desktop_file_name_and_window_class_match_the_app():
    # Wayland shells find the window's icon through the desktop file name the app sets;
    # X11 docks match StartupWMClass against the class Qt derives from the app name.
    desktop_name = re.search(r'setDesktopFileName\("([^"]+)"\)', app_source()).group(1)
    app_name = re.search(r'setApplicationName\("([^"]+)"\)', app_source()).group(1)
    assert DESKTOP.name == f"{desktop_name}.desktop"
    assert parse_desktop_entry(DESKTOP)["StartupWMClass"] == app_name


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (desktop-file-utils)")
def test_desktop_file_validate_accepts_the_entry():
    done = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ": error:" not in done.stdout and ": warning:" not in done.stdout, done.stdout


def test_the_appstream_file_names_the_app_and_its_entry():
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == project_info.APPSTREAM_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == NAME
    assert root.findtext("project_license") == pyproject()["project"]["license"]["text"]


def test_build_adds_the_release_to_the_appstream_file(tmp_path):
    text = load("build").metainfo_with_release(PROJECT.version)
    root = ET.fromstring(text)
    assert root.find("releases/release").get("version") == PROJECT.version
    if shutil.which("appstreamcli"):
        (tmp_path / METAINFO.name).write_bytes(text)
        done = subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(tmp_path / METAINFO.name)],
            capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


# --- icons -------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", project_info.ICON_SIZES)
def test_a_square_png_icon_of_each_size(size):
    icon = HICOLOR / f"{size}x{size}" / "apps" / f"{NAME}.png"
    assert icon.is_file(), f"{icon} is missing: run python packaging/render_icons.py"
    assert png_size(icon) == (size, size)


def test_the_icon_sizes_span_16_to_512():
    assert min(project_info.ICON_SIZES) == 16 and max(project_info.ICON_SIZES) == 512


def test_the_scalable_icon_is_the_apps_svg():
    scalable = HICOLOR / "scalable" / "apps" / f"{NAME}.svg"
    assert scalable.read_bytes() == (ROOT / "resources" / "icons" / "app.svg").read_bytes(), \
        "resources/icons/app.svg changed: run python packaging/render_icons.py"


def test_the_windows_and_macos_icons_exist():
    ico = (PACKAGING / "windows" / f"{NAME}.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and int.from_bytes(ico[4:6], "little") >= 5
    icns = (PACKAGING / "macos" / f"{NAME}.icns").read_bytes()
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)


# --- install.sh and uninstall.sh ---------------------------------------------------------------

@pytest.mark.parametrize("script", ["install.sh", "uninstall.sh"])
def test_the_scripts_parse_and_are_executable(script):
    path = LINUX / script
    done = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert path.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"
    text = path.read_text(encoding="utf-8")
    assert f"\nNAME={NAME}\n" in text
    if script == "install.sh":
        assert f"\nAPPSTREAM_ID={project_info.APPSTREAM_ID}\n" in text


def unpacked_archive(tmp_path: Path) -> Path:
    """The archive's layout (from build.payload) around a stand-in program."""
    top = tmp_path / "unpacked"
    for arcname, data, mode in load("build").payload(PROJECT):
        path = top / arcname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(mode)
    program = top / NAME / NAME
    program.parent.mkdir()
    program.write_text("#!/bin/sh\necho stand-in\n")
    program.chmod(0o755)
    (top / NAME / "_internal").mkdir()
    (top / NAME / "_internal" / "library.so").write_bytes(b"\0")
    return top


def script_env(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", **extra}


def run_script(path: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(["bash", str(path), *args], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def installed_files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if (p.is_file() or p.is_symlink())
            and p.name not in ("icon-theme.cache", "mimeinfo.cache")}


def test_install_and_uninstall_for_a_user_whose_home_has_odd_characters(tmp_path):
    top = unpacked_archive(tmp_path)
    home = tmp_path / "a home with spaces & $dollar"
    home.mkdir()
    run_script(top / "install.sh", "--user", env=script_env(home))
    run_script(top / "install.sh", "--user", env=script_env(home))  # a second time: upgrade

    program = home / ".local" / "lib" / NAME / NAME
    assert program.is_file()
    link = home / ".local" / "bin" / NAME
    assert link.is_symlink() and link.resolve() == program
    desktop = home / ".local" / "share" / "applications" / f"{NAME}.desktop"
    entry = parse_desktop_entry(desktop)
    # Quoted as the Desktop Entry spec asks: "...", with $ escaped (\$, doubled in a string).
    assert entry["Exec"] == '"' + str(program).replace("$", "\\\\$") + '"'
    assert entry["TryExec"] == str(program)
    for size in project_info.ICON_SIZES:
        assert (home / f".local/share/icons/hicolor/{size}x{size}/apps/{NAME}.png").is_file()
    assert (home / ".local/share/metainfo" / METAINFO.name).is_file()
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(desktop)],
                              capture_output=True, text=True)
        assert done.returncode == 0 and ": error:" not in done.stdout, done.stdout

    run_script(program.parent / "uninstall.sh", env=script_env(home))
    assert not installed_files(home)


def test_uninstall_leaves_a_command_someone_else_installed(tmp_path):
    top = unpacked_archive(tmp_path)
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    foreign = home / ".local" / "bin" / NAME
    foreign.write_text("#!/bin/sh\n# installed by pip --user\n")
    done = run_script(top / "install.sh", "--user", env=script_env(home))
    assert "already exists" in done.stderr
    run_script(home / ".local" / "lib" / NAME / "uninstall.sh", env=script_env(home))
    assert installed_files(home) == {foreign}


def test_a_staged_system_install_and_uninstall(tmp_path):
    top = unpacked_archive(tmp_path)
    stage = tmp_path / "stage"
    env = script_env(tmp_path, DESTDIR=str(stage))
    run_script(top / "install.sh", "--system", env=env)
    assert (stage / "opt" / NAME / NAME).is_file()
    assert os.readlink(stage / "usr/local/bin" / NAME) == f"/opt/{NAME}/{NAME}"
    entry = parse_desktop_entry(stage / "usr/local/share/applications" / f"{NAME}.desktop")
    assert entry["Exec"] == f"/opt/{NAME}/{NAME}"
    assert (stage / "usr/local/share/icons/hicolor/48x48/apps" / f"{NAME}.png").is_file()
    run_script(stage / "opt" / NAME / "uninstall.sh", "--system", env=env)
    assert not installed_files(stage)


def test_uninstall_refuses_a_folder_it_did_not_install(tmp_path):
    home = tmp_path / "home"
    stranger = home / ".local" / "lib" / NAME
    stranger.mkdir(parents=True)
    (stranger / "precious.txt").write_text("keep me")
    done = subprocess.run(["bash", str(LINUX / "uninstall.sh"), "--user"], env=script_env(home),
                          capture_output=True, text=True)
    assert done.returncode != 0 and "not touching it" in done.stderr
    assert (stranger / "precious.txt").is_file()


# --- the smoke test's own picture check --------------------------------------------------------

def test_the_smoke_test_reads_png_pictures():
    smoke = load("smoke_test")
    width, height, rows = smoke.read_png(HICOLOR / "64x64" / "apps" / f"{NAME}.png")
    assert (width, height, len(rows)) == (64, 64, 64)
    assert len({rows[y][x * 4:x * 4 + 4] for y in range(64) for x in range(64)}) > 16
