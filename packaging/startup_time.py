"""Compare the start-up time of the packaged app with ``python -m desktop_app``.

    python packaging/startup_time.py [--runs 9] [--platform offscreen|xcb]

Times, from launch to exit, ``--screenshot`` (start, build the window, draw it once, save
a PNG, quit) for the frozen program in dist/ and for ``python -m desktop_app`` run by this
Python, alternately, in the same empty environment (``env -i`` plus HOME and
QT_QPA_PLATFORM). One warm-up run each is discarded so both read from a warm disk cache.
Prints every run, the medians and their ratio (the budget: packaged <= 1.3 x python -m).
A benchmark to run on demand, never part of the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project_info import ROOT, read_project

BUDGET = 1.3


def timed_run(command: list[str], home: Path, platform: str, picture: Path) -> float:
    assignments = [f"HOME={home}", f"QT_QPA_PLATFORM={platform}"]
    if platform == "offscreen":
        full = ["env", "-i", *assignments, *command, "--screenshot", str(picture)]
    else:
        # An X server is started once by the caller (xvfb-run around this script).
        full = ["env", "-i", *assignments, *_display(), *command, "--screenshot", str(picture)]
    started = time.perf_counter()
    done = subprocess.run(full, cwd=home, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or not picture.is_file():
        raise SystemExit(f"startup_time: {' '.join(command)} failed:\n{done.stderr}")
    picture.unlink()
    return elapsed


def _display() -> list[str]:
    """DISPLAY (and XAUTHORITY, which xvfb-run sets) for env -i."""
    import os

    if not os.environ.get("DISPLAY"):
        raise SystemExit("startup_time: --platform xcb needs a display "
                         "(run it under xvfb-run -a -s '-screen 0 1280x800x24')")
    return [f"{key}={os.environ[key]}" for key in ("DISPLAY", "XAUTHORITY") if key in os.environ]


def main(argv: list[str] | None = None) -> int:
    name = read_project().name
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each (default 9)")
    parser.add_argument("--platform", default="offscreen", choices=("offscreen", "xcb"))
    parser.add_argument("--tab", help="open this tab first (e.g. surface: the lazy 3-D import)")
    parser.add_argument("--program", type=Path, default=ROOT / "dist" / name / name,
                        help="the packaged program (default: dist/%(prog)s...)")
    args = parser.parse_args(argv)
    if not args.program.is_file():
        raise SystemExit(f"startup_time: no program at {args.program}; run packaging/build.py")

    tab = ["--tab", args.tab] if args.tab else []
    candidates = {
        "packaged": [str(args.program), *tab],
        "python -m": [sys.executable, "-m", "desktop_app", *tab],
    }
    home = Path(tempfile.mkdtemp(prefix="dlms-startup-"))
    try:
        picture = home / "picture.png"
        times: dict[str, list[float]] = {label: [] for label in candidates}
        for command in candidates.values():  # warm-up, discarded
            timed_run(command, home, args.platform, picture)
        for run in range(args.runs):
            order = list(candidates.items())
            if run % 2:
                order.reverse()
            for label, command in order:
                times[label].append(timed_run(command, home, args.platform, picture))
    finally:
        shutil.rmtree(home, ignore_errors=True)

    for label, values in times.items():
        listed = " ".join(f"{value:.2f}" for value in values)
        print(f"{label:>10}: median {statistics.median(values):.2f} s  ({listed})")
    ratio = statistics.median(times["packaged"]) / statistics.median(times["python -m"])
    verdict = "within" if ratio <= BUDGET else "OVER"
    options = " ".join([*tab, "--screenshot"])
    print(f"ratio packaged / python -m = {ratio:.2f} ({verdict} the {BUDGET} budget; "
          f"{args.runs} runs each, {options}, QT_QPA_PLATFORM={args.platform})")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
