"""Build the Linux package: a clean PyInstaller build, the archive, and its smoke test.

    python packaging/build.py                  # build, archive, smoke test
    python packaging/build.py --no-smoke-test  # build and archive only
    python packaging/build.py --no-archive     # the folder only (also on Windows / macOS)

Run it with the Python of a venv that has the project installed (``pip install -e .``);
PyInstaller is installed into that venv when missing. Produces

    dist/deep-learning-made-simple/deep-learning-made-simple   the program (one folder)
    dist/deep-learning-made-simple-<version>-linux-<arch>.tar.gz

The archive holds the folder, install.sh / uninstall.sh, the menu entry, the icons and the
AppStream data (see packaging/README.md). Size budgets are checked: the folder must stay
under 200 MB and the archive under 75 MB.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import io
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project_info import (
    APPSTREAM_ID,
    ICON_SIZES,
    PACKAGING,
    ROOT,
    read_project,
)

PYINSTALLER_REQUIREMENT = "pyinstaller>=6.10,<7"
SPEC = PACKAGING / "deep-learning-made-simple.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
FOLDER_BUDGET_MB = 200
ARCHIVE_BUDGET_MB = 75
MB = 1024 * 1024


class BuildError(Exception):
    pass


def say(message: str) -> None:
    print(f"build: {message}", flush=True)


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*")
               if path.is_file() and not path.is_symlink())


def ensure_pyinstaller() -> str:
    """The installed PyInstaller's version, installing it into this venv if needed."""
    try:
        return importlib.metadata.version("pyinstaller")
    except importlib.metadata.PackageNotFoundError:
        pass
    if sys.prefix == sys.base_prefix:
        raise BuildError("PyInstaller is missing and this Python is not a venv; run build.py "
                         "with the venv's Python (e.g. .venv/bin/python packaging/build.py)")
    say(f"installing {PYINSTALLER_REQUIREMENT} into {sys.prefix}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", PYINSTALLER_REQUIREMENT],
                   check=True)
    importlib.invalidate_caches()
    return importlib.metadata.version("pyinstaller")


def check_project_installed() -> None:
    missing = []
    for module in ("desktop_app", "PySide6", "pyqtgraph", "numpy", "OpenGL", "superqt", "psygnal"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise BuildError(f"cannot import {', '.join(missing)}: install the project into this venv "
                         "first (pip install -e .)")


def check_tools() -> None:
    if sys.platform.startswith("linux"):
        missing = [tool for tool in ("objdump", "objcopy", "ldd") if shutil.which(tool) is None]
        if missing:
            raise BuildError(f"PyInstaller needs {', '.join(missing)} on Linux: "
                             "apt install binutils (ldd: libc-bin)")


def run_pyinstaller(name: str) -> Path:
    for old in (WORK, DIST / name):
        if old.exists():
            shutil.rmtree(old)
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
               "--log-level", "WARN", "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    say("running " + " ".join(command[1:]))
    subprocess.run(command, cwd=ROOT, check=True)
    program = DIST / name / (name + (".exe" if sys.platform == "win32" else ""))
    if not program.is_file():
        raise BuildError(f"PyInstaller finished but {program} does not exist")
    return program


def metainfo_with_release(version: str) -> bytes:
    """The AppStream file with a <releases> entry for this version."""
    text = (PACKAGING / "linux" / f"{APPSTREAM_ID}.metainfo.xml").read_text(encoding="utf-8")
    today = datetime.date.today().isoformat()
    release = (f'  <releases>\n    <release version="{version}" date="{today}"/>\n'
               "  </releases>\n</component>")
    return re.sub(r"</component>\s*$", release + "\n", text).encode()


def third_party_notices(project_name: str) -> bytes:
    """Name, version and licence of every Python distribution the package carries."""
    seen: dict[str, importlib.metadata.Distribution] = {}
    pending = [project_name]
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        for requirement in dist.requires or []:
            if "extra ==" in requirement:
                continue
            pending.append(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0])
    lines = [
        "Deep Learning Made Simple carries these components (folder _internal/):",
        "",
        "Python (PSF License), and the Python packages below (the app's dependencies and",
        "theirs, as installed when the package was built), with their licences.",
        "Qt 6 (PySide6/Qt/lib) is used under the GNU LGPL v3: its libraries are separate",
        "shared files that can be replaced by compatible builds. Licence texts of the",
        "packages are in their *.dist-info folders where the package ships them, and at",
        "https://pypi.org/project/<name>/.",
        "",
    ]
    for key in sorted(seen):
        dist = seen[key]
        if dist.metadata["Name"] == project_name:
            continue
        licence = (dist.metadata.get("License-Expression") or dist.metadata.get("License") or "")
        licence = licence.strip().splitlines()[0] if licence.strip() else ""
        if not licence or len(licence) > 60:
            classifiers = [c.split("::")[-1].strip()
                           for c in dist.metadata.get_all("Classifier") or []
                           if c.startswith("License ::")]
            licence = ", ".join(classifiers) or licence[:60] or "see the package"
        lines.append(f"{dist.metadata['Name']} {dist.version}: {licence}")
    return ("\n".join(lines) + "\n").encode()


def readme_text(name: str, version: str) -> bytes:
    return f"""Deep Learning Made Simple {version} for Linux

Install for your account (into ~/.local):   ./install.sh
Install for everyone (into /opt):           sudo ./install.sh
Then start it from the applications menu (Education), or run: {name}

Uninstall:   ~/.local/lib/{name}/uninstall.sh
        or:  sudo /opt/{name}/uninstall.sh

It runs without installing too: ./{name}/{name}
Options: --self-test, --screenshot FILE.png, --tab NAME (see --help).

If it says 'could not load the Qt platform plugin "xcb"', the system lacks a library
Qt needs. On Debian/Ubuntu:
  sudo apt install libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3
QT_DEBUG_PLUGINS=1 {name} names the missing library.
""".encode()


def payload(project) -> list[tuple[str, bytes, int]]:
    """Everything in the archive beside the program folder: (path inside it, data, mode)."""
    linux = PACKAGING / "linux"
    files = [
        ("install.sh", (linux / "install.sh").read_bytes(), 0o755),
        ("uninstall.sh", (linux / "uninstall.sh").read_bytes(), 0o755),
        (f"share/applications/{project.name}.desktop",
         (linux / f"{project.name}.desktop").read_bytes(), 0o644),
    ]
    icons = linux / "icons" / "hicolor"
    for size in [f"{n}x{n}" for n in ICON_SIZES] + ["scalable"]:
        for icon in sorted((icons / size / "apps").glob(f"{project.name}.*")):
            files.append((f"share/icons/hicolor/{size}/apps/{icon.name}", icon.read_bytes(), 0o644))
    files += [
        (f"share/metainfo/{APPSTREAM_ID}.metainfo.xml", metainfo_with_release(project.version),
         0o644),
        ("LICENSE", (ROOT / "LICENSE").read_bytes(), 0o644),
        ("README.txt", readme_text(project.name, project.version), 0o644),
        ("THIRD-PARTY-NOTICES.txt", third_party_notices(project.name), 0o644),
    ]
    return files


def make_archive(project, folder: Path) -> Path:
    """dist/<name>-<version>-linux-<arch>.tar.gz, one top folder named like the archive."""
    stem = project.package_stem
    archive = DIST / f"{stem}.tar.gz"
    for old in DIST.glob(f"{project.name}-*-linux-*.tar.gz"):
        old.unlink()

    def owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        if info.isdir():
            info.mode = 0o755
        return info

    now = int(time.time())
    with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
        tar.add(folder, arcname=f"{stem}/{project.name}", filter=owned_by_root)
        for arcname, data, mode in payload(project):
            info = tarfile.TarInfo(f"{stem}/{arcname}")
            info.size, info.mode, info.mtime = len(data), mode, now
            tar.addfile(owned_by_root(info), io.BytesIO(data))
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-archive", action="store_true", help="build the folder only")
    parser.add_argument("--no-smoke-test", action="store_true", help="do not run smoke_test.py")
    args = parser.parse_args(argv)
    started = time.monotonic()
    project = read_project()
    try:
        check_project_installed()
        check_tools()
        version = ensure_pyinstaller()
        say(f"{project.name} {project.version} with PyInstaller {version}, "
            f"Python {sys.version.split()[0]} ({sys.executable})")
        subprocess.run([sys.executable, str(PACKAGING / "render_icons.py"), "--stale"],
                       check=True)

        phase = time.monotonic()
        program = run_pyinstaller(project.name)
        folder = program.parent
        size = folder_size(folder)
        say(f"built {program.relative_to(ROOT)}: folder {size / MB:.1f} MB "
            f"in {time.monotonic() - phase:.0f} s")
        if size > FOLDER_BUDGET_MB * MB:
            raise BuildError(f"the folder is {size / MB:.1f} MB, "
                             f"over its {FOLDER_BUDGET_MB} MB budget")

        if args.no_archive or not sys.platform.startswith("linux"):
            say(f"done in {time.monotonic() - started:.0f} s (no archive)")
            return 0
        phase = time.monotonic()
        archive = make_archive(project, folder)
        archive_size = archive.stat().st_size
        say(f"archived {archive.relative_to(ROOT)}: {archive_size / MB:.1f} MB "
            f"in {time.monotonic() - phase:.0f} s")
        if archive_size > ARCHIVE_BUDGET_MB * MB:
            raise BuildError(f"the archive is {archive_size / MB:.1f} MB, "
                             f"over its {ARCHIVE_BUDGET_MB} MB budget")
        build_seconds = time.monotonic() - started

        if not args.no_smoke_test:
            say("running the smoke test")
            done = subprocess.run([sys.executable, str(PACKAGING / "smoke_test.py"), str(archive)],
                                  check=False)
            if done.returncode != 0:
                raise BuildError("the smoke test failed (see above)")
        say(f"done: folder {size / MB:.1f} MB, archive {archive_size / MB:.1f} MB, "
            f"build {build_seconds:.0f} s, total {time.monotonic() - started:.0f} s")
    except subprocess.CalledProcessError as error:
        print(f"build: FAILED: {' '.join(map(str, error.cmd))} exited with {error.returncode}",
              file=sys.stderr)
        return 1
    except BuildError as error:
        print(f"build: FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
