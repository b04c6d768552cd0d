"""Smoke test of the Linux package: install it as a user would, run it, uninstall it.

    python packaging/smoke_test.py [dist/deep-learning-made-simple-<version>-linux-<arch>.tar.gz]

Needs only the standard library (any Python >= 3.11) plus, from the system, ``xvfb-run``
(apt: xvfb xauth) and Mesa's software OpenGL (libgl1-mesa-dri) for the X11 checks;
``desktop-file-validate`` (desktop-file-utils) and ``appstreamcli`` (appstream) are used
when present. Every step prints a line; the first failure stops the test with a message
and exit status 1.

1. Unpack the archive into a temporary folder and run its ``install.sh --user`` with HOME
   set to an empty temporary folder (so it installs into that ~/.local); check the files,
   then delete the unpacked archive: the installed copy must stand alone.
2. Run the installed program from an unrelated folder through ``env -i`` (no PATH, no
   Python, no venv; only HOME, QT_QPA_PLATFORM and, for X11, DISPLAY/XAUTHORITY):
   ``--self-test`` on Qt's offscreen platform (no OpenGL: the surface tab shows its top
   view and a notice) and under ``xvfb-run`` on xcb with Mesa's llvmpipe OpenGL;
   ``--screenshot`` on both, checking the PNG is not blank; and the OpenGL probe
   (gl_probe.py inside the package: every app module imports, a 3-D surface is drawn).
3. Validate the installed .desktop entry (and the AppStream file).
4. Run the installed ``uninstall.sh`` and check that every installed file is gone.
   With ``weston`` installed (not needed; CI does not), the same on Wayland, on a
   headless weston.
5. Stage a system install (``DESTDIR=... install.sh --system``: /opt + /usr/local) and
   uninstall it again, without touching the real system.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project_info import APPSTREAM_ID, ICON_SIZES, ROOT, read_project

PROJECT = read_project()
NAME = PROJECT.name
XVFB_SCREEN = "-screen 0 1280x800x24"
RUN_TIMEOUT = 300
# Lines that mean the program is broken even when its exit status says otherwise.
FATAL_OUTPUT = ("Traceback (most recent call last)", "Failed to execute script",
                "Could not load the Qt platform plugin", "ModuleNotFoundError",
                "[PYI-", "cannot open shared object file")
# What may stay in a user's ~/.local after uninstall.sh: caches the desktop tools rebuild.
ALLOWED_LEFTOVERS = ("icon-theme.cache", "mimeinfo.cache")


class SmokeTestError(Exception):
    """A check failed; the message says which and why."""


def step(title: str) -> None:
    print(f"== {title}", flush=True)


def ok(message: str) -> None:
    print(f"   ok: {message}", flush=True)


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeTestError(message)


def run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise SmokeTestError(f"{' '.join(command)} did not finish in {timeout:.0f} s") from error


def shorten(text: str, head: int = 15, tail: int = 25) -> str:
    lines = text.strip().splitlines()
    if len(lines) <= head + tail:
        return "\n".join(lines)
    return "\n".join([*lines[:head], f"[... {len(lines) - head - tail} lines ...]", *lines[-tail:]])


def describe(done: subprocess.CompletedProcess[str]) -> str:
    return (f"exit status {done.returncode}\n--- stdout\n{shorten(done.stdout)}\n"
            f"--- stderr\n{shorten(done.stderr)}")


def tool_env(home: Path) -> dict[str, str]:
    """A small, predictable environment for the shell scripts (they need PATH for cp, ln...)."""
    return {"HOME": str(home),
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}


# --- the installed program, in an empty environment -------------------------------------

def run_app(program: Path, args: list[str], *, home: Path, cwd: Path, platform: str,
            extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the program through ``env -i``: nothing of this process's environment leaks in."""
    assignments = [f"HOME={home}", f"QT_QPA_PLATFORM={platform}"]
    assignments += [f"{key}={value}" for key, value in (extra or {}).items()]
    if platform == "offscreen":
        return run(["env", "-i", *assignments, str(program), *args], cwd=cwd)
    # xvfb-run starts an X server and exports DISPLAY and XAUTHORITY to its command; the
    # shell hands exactly those two (and nothing else) through env -i to the program.
    script = ('exec env -i DISPLAY="$DISPLAY" ${XAUTHORITY:+XAUTHORITY="$XAUTHORITY"} '
              + " ".join(shlex.quote(a) for a in assignments) + ' "$0" "$@"')
    return run(["xvfb-run", "-a", "-s", XVFB_SCREEN, "sh", "-c", script, str(program), *args],
               cwd=cwd)


def check_clean_run(done: subprocess.CompletedProcess[str], what: str) -> None:
    check(done.returncode == 0, f"{what} failed: {describe(done)}")
    output = done.stdout + done.stderr
    for marker in FATAL_OUTPUT:
        check(marker not in output, f"{what} printed {marker!r}: {describe(done)}")


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered rows of an 8-bit, non-interlaced PNG."""
    data = path.read_bytes()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file")
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    check(header is not None, f"{path} has no PNG header")
    width, height, depth, colour_type, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour_type)
    check(depth == 8 and channels and not interlace,
          f"{path}: unexpected PNG format (depth {depth}, colour type {colour_type})")
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - upper_left
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - upper_left)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def check_picture(path: Path, what: str) -> str:
    check(path.is_file() and path.stat().st_size > 0, f"{what}: no picture was written to {path}")
    width, height, rows = read_png(path)
    check(width >= 400 and height >= 300, f"{what}: the picture is only {width}x{height}")
    channels = len(rows[0]) // width
    colours = set()
    for y in range(0, height, 4):
        row = rows[y]
        for x in range(0, width, 4):
            colours.add(row[x * channels:(x + 1) * channels])
    check(len(colours) >= 16, f"{what}: the picture is blank ({len(colours)} colours)")
    return f"{width}x{height}, {len(colours)} colours"


# --- the installed files ---------------------------------------------------------------------

def parse_desktop(path: Path) -> dict[str, str]:
    entries, group = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            group = line.strip()
        elif group == "[Desktop Entry]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            entries[key.strip()] = value.strip()
    return entries


def files_below(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file() or path.is_symlink()}


def check_user_install(home: Path) -> tuple[Path, set[Path]]:
    appdir = home / ".local" / "lib" / NAME
    program = appdir / NAME
    data = home / ".local" / "share"
    check(program.is_file() and os.access(program, os.X_OK), f"{program} was not installed")
    link = home / ".local" / "bin" / NAME
    check(link.is_symlink() and link.resolve() == program.resolve(),
          f"{link} is not a link to {program}")
    desktop = data / "applications" / f"{NAME}.desktop"
    check(desktop.is_file(), f"{desktop} was not installed")
    entry = parse_desktop(desktop)
    check(entry.get("Exec") == str(program),
          f"{desktop}: Exec is {entry.get('Exec')!r}, not the installed {program}")
    check(entry.get("TryExec") == str(program), f"{desktop}: TryExec is {entry.get('TryExec')!r}")
    check(entry.get("Icon") == NAME, f"{desktop}: Icon is {entry.get('Icon')!r}, not {NAME!r}")
    icons = data / "icons" / "hicolor"
    for size in ICON_SIZES:
        icon = icons / f"{size}x{size}" / "apps" / f"{NAME}.png"
        check(icon.is_file(), f"{icon} was not installed")
    check((icons / "scalable" / "apps" / f"{NAME}.svg").is_file(), "the scalable icon is missing")
    check((data / "metainfo" / f"{APPSTREAM_ID}.metainfo.xml").is_file(),
          "the AppStream file was not installed")
    manifest = appdir / ".install-manifest"
    check(manifest.is_file(), f"{manifest} is missing")
    listed = {Path(line) for line in manifest.read_text().splitlines() if line}
    installed = files_below(home)
    outside = {path for path in installed if appdir not in path.parents
               and path.name not in ALLOWED_LEFTOVERS}
    check(outside == listed, "install.sh placed files it did not list in .install-manifest: "
          f"{sorted(map(str, outside ^ listed))}")
    return program, installed


def validate_desktop_entry(desktop: Path) -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        print("   skipped: desktop-file-validate is not installed (apt install desktop-file-utils)")
        return
    done = run([validator, str(desktop)], cwd=desktop.parent)
    # It prints hints (not errors) on some systems; only errors and warnings fail.
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if ": error:" in line or ": warning:" in line]
    check(done.returncode == 0 and not problems, f"the .desktop entry is invalid: {describe(done)}")
    ok(f"desktop-file-validate accepts {desktop.name}")


def validate_appstream(metainfo: Path) -> None:
    validator = shutil.which("appstreamcli")
    if validator is None:
        print("   skipped: appstreamcli is not installed (apt install appstream)")
        return
    done = run([validator, "validate", "--no-net", str(metainfo)], cwd=metainfo.parent)
    check(done.returncode == 0, f"the AppStream file is invalid: {describe(done)}")
    ok(f"appstreamcli accepts {metainfo.name}")


# --- the steps -------------------------------------------------------------------------------

def unpack(archive: Path, into: Path) -> Path:
    step(f"unpack {archive.name}")
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "tar_filter"):  # Python >= 3.11.4 (Debian 12 has 3.11.2)
            tar.extractall(into, filter="tar")
        else:
            tar.extractall(into)  # our own archive
    top = into / PROJECT.package_stem
    for needed in ("install.sh", "uninstall.sh", f"{NAME}/{NAME}",
                   f"share/applications/{NAME}.desktop"):
        check((top / needed).exists(), f"the archive has no {PROJECT.package_stem}/{needed}")
    ok(f"unpacked into {top}")
    return top


def install_for_user(top: Path, home: Path) -> tuple[Path, set[Path]]:
    step("install.sh --user with HOME set to an empty folder")
    done = run(["bash", str(top / "install.sh"), "--user"], cwd=top, env=tool_env(home))
    check(done.returncode == 0, f"install.sh failed: {describe(done)}")
    program, installed = check_user_install(home)
    ok(f"installed {len(installed)} files; {program}")
    return program, installed


def exercise(program: Path, work: Path, use_x11: bool) -> None:
    elsewhere = work / "elsewhere"  # neither the archive nor the install: any folder
    elsewhere.mkdir()
    run_home = work / "run-home"  # settings and logs the app writes stay out of the install
    run_home.mkdir()

    platforms = ["offscreen"] + (["xcb"] if use_x11 else [])
    for platform in platforms:
        step(f"--self-test, env -i, QT_QPA_PLATFORM={platform}")
        started = time.monotonic()
        done = run_app(program, ["--self-test"], home=run_home, cwd=elsewhere, platform=platform)
        check_clean_run(done, f"--self-test on {platform}")
        check("self-test passed" in done.stdout, f"--self-test said nothing: {describe(done)}")
        for line in done.stdout.splitlines():
            print(f"   {line}")
        ok(f"--self-test passed on {platform} in {time.monotonic() - started:.1f} s")

    for platform in platforms:
        step(f"--screenshot, env -i, QT_QPA_PLATFORM={platform}")
        picture = work / f"screenshot-{platform}.png"
        done = run_app(program, ["--screenshot", str(picture)], home=run_home, cwd=elsewhere,
                       platform=platform)
        check_clean_run(done, f"--screenshot on {platform}")
        ok(f"{picture.name}: {check_picture(picture, f'--screenshot on {platform}')}")

    if use_x11:
        step("--tab surface --screenshot on xcb (the 3-D view)")
        picture = work / "screenshot-surface-xcb.png"
        done = run_app(program, ["--tab", "surface", "--screenshot", str(picture)],
                       home=run_home, cwd=elsewhere, platform="xcb")
        if done.returncode == 3:  # EXIT_NOT_AVAILABLE: this version has no surface tab
            print("   skipped: this version has no surface tab")
        else:
            check_clean_run(done, "--tab surface --screenshot on xcb")
            ok(f"{picture.name}: {check_picture(picture, 'the surface tab on xcb')}")

        step("OpenGL probe inside the package (every app module; a pyqtgraph.opengl surface)")
        done = run_app(program, [], home=run_home, cwd=elsewhere, platform="xcb",
                       extra={"DLMS_PACKAGING_PROBE": "opengl"})
        check_clean_run(done, "the OpenGL probe")
        for line in done.stdout.splitlines():
            print(f"   {line}")


def exercise_wayland(program: Path, work: Path) -> None:
    """--self-test and the OpenGL probe on a headless weston (when weston is installed)."""
    weston = shutil.which("weston")
    if weston is None:
        return
    step("Wayland: --self-test and the OpenGL probe on a headless weston")
    runtime = work / "wayland-runtime"
    runtime.mkdir(mode=0o700)
    log = (work / "weston.log").open("w")
    server = subprocess.Popen(
        [weston, "--backend=headless-backend.so", "--socket=smoke", "--width=1280",
         "--height=800", "--idle-time=0"],
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)}, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while not (runtime / "smoke").exists():
            check(server.poll() is None and time.monotonic() < deadline,
                  f"weston did not start (see {work / 'weston.log'})")
            time.sleep(0.1)
        wayland = {"XDG_RUNTIME_DIR": str(runtime), "WAYLAND_DISPLAY": "smoke"}
        for args, extra, what in ((["--self-test"], {}, "--self-test on wayland"),
                                  ([], {"DLMS_PACKAGING_PROBE": "opengl"}, "the probe on wayland")):
            done = run_app(program, args, home=work / "run-home", cwd=work / "elsewhere",
                           platform="wayland", extra={**wayland, **extra})
            check_clean_run(done, what)
            print("   " + done.stdout.strip().splitlines()[-1])
        ok("the package runs on Wayland")
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def uninstall_for_user(program: Path, home: Path, installed: set[Path]) -> None:
    step("uninstall.sh (the copy install.sh left in the program's folder)")
    done = run(["bash", str(program.parent / "uninstall.sh")], cwd=home, env=tool_env(home))
    check(done.returncode == 0, f"uninstall.sh failed: {describe(done)}")
    left = {path for path in installed | files_below(home)
            if (path.exists() or path.is_symlink()) and path.name not in ALLOWED_LEFTOVERS}
    check(not left, f"uninstall.sh left {len(left)} files: {sorted(map(str, left))[:10]}")
    check(not program.parent.exists(), f"{program.parent} still exists")
    ok("every installed file is gone")


def system_install_round_trip(top: Path, work: Path) -> None:
    step("install.sh --system, staged with DESTDIR (the /opt + /usr/local layout)")
    stage = work / "stage"
    env = tool_env(work / "stage-home") | {"DESTDIR": str(stage)}
    done = run(["bash", str(top / "install.sh"), "--system"], cwd=top, env=env)
    check(done.returncode == 0, f"install.sh --system failed: {describe(done)}")
    program = stage / "opt" / NAME / NAME
    check(program.is_file(), f"{program} was not installed")
    link = stage / "usr" / "local" / "bin" / NAME
    check(link.is_symlink() and os.readlink(link) == f"/opt/{NAME}/{NAME}",
          f"{link} should point to /opt/{NAME}/{NAME}")
    desktop = stage / "usr" / "local" / "share" / "applications" / f"{NAME}.desktop"
    check(parse_desktop(desktop).get("Exec") == f"/opt/{NAME}/{NAME}",
          f"{desktop}: Exec should be /opt/{NAME}/{NAME}")
    icon = stage / "usr/local/share/icons/hicolor/256x256/apps" / f"{NAME}.png"
    check(icon.is_file(), f"{icon} was not installed")
    ok(f"/opt/{NAME}, /usr/local/bin/{NAME} and /usr/local/share entries staged")
    done = run(["bash", str(stage / "opt" / NAME / "uninstall.sh"), "--system"], cwd=work, env=env)
    check(done.returncode == 0, f"uninstall.sh --system failed: {describe(done)}")
    left = files_below(stage)
    check(not left, f"uninstall.sh --system left {sorted(map(str, left))[:10]}")
    ok("uninstall.sh --system removed everything")


def default_archive() -> Path:
    return ROOT / "dist" / f"{PROJECT.package_stem}.tar.gz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", nargs="?", type=Path, default=default_archive(),
                        help=f"the archive to test (default: dist/{PROJECT.package_stem}.tar.gz)")
    parser.add_argument("--no-x11", action="store_true",
                        help="skip the checks that need xvfb-run (offscreen only)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    started = time.monotonic()
    use_x11 = not args.no_x11
    problem = None
    if not args.archive.is_file():
        problem = f"no archive at {args.archive}: run packaging/build.py first"
    elif use_x11 and not shutil.which("xvfb-run"):
        problem = ("xvfb-run is not installed (apt install xvfb xauth), "
                   "or pass --no-x11 to test offscreen only")
    if problem:
        print(f"SMOKE TEST FAILED: {problem}", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="dlms-smoke-"))
    try:
        top = unpack(args.archive, work / "unpacked")
        home = work / "home"
        home.mkdir()
        program, installed = install_for_user(top, home)
        shutil.rmtree(work / "unpacked")  # the install must not need the archive any more

        exercise(program, work, use_x11)
        exercise_wayland(program, work)

        step("the installed menu entry and AppStream data")
        validate_desktop_entry(home / ".local/share/applications" / f"{NAME}.desktop")
        validate_appstream(home / ".local/share/metainfo" / f"{APPSTREAM_ID}.metainfo.xml")

        uninstall_for_user(program, home, installed)

        top = unpack(args.archive, work / "unpacked-again")
        system_install_round_trip(top, work)
    except SmokeTestError as failure:
        print(f"\nSMOKE TEST FAILED: {failure}", file=sys.stderr, flush=True)
        print(f"(files kept in {work})", file=sys.stderr)
        return 1
    if args.keep:
        print(f"(files kept in {work})")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nsmoke test passed in {time.monotonic() - started:.0f} s: {args.archive.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
