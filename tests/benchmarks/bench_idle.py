"""Memory after visiting every tab, and CPU while everything is paused, against a bare window.

Run from the repository root, on an X display for the 3-D view (Xvfb is fine) or offscreen::

    xvfb-run -a -s "-screen 0 1280x1024x24" /work/venv/bin/python tests/benchmarks/bench_idle.py
    QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/benchmarks/bench_idle.py --seconds 1

It is a script, not a pytest test. Each side runs in a fresh process of its own, so neither
inherits the other's memory:

- the app: the window built at 1280 × 800 and shown (resident memory, VmRSS from
  /proc/self/status), then every tab visited in turn with the event loop left running a
  moment on each (the 3-D view, lazy panels and first paints happen then), every tab
  paused, and the memory read again (with the peak, VmHWM). Then, for each tab in turn
  shown, the process's CPU seconds (all threads) over ``--seconds`` of the event loop with
  nothing playing, as a share of the wall time;
- the baseline: a bare QApplication with one pyqtgraph PlotWidget (one curve) of the same
  size, shown, measured the same way.

Goal: under 1 % CPU while paused; memory has no goal, only the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
GOAL_CPU_PERCENT = 1.0


def vm_status() -> dict[str, float]:
    """VmRSS and VmHWM of this process in MB."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024.0
    return found


def run_loop(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def cpu_percent(seconds: float) -> float:
    """The process's CPU time over ``seconds`` of a free-running event loop, % of the wall."""
    wall, cpu = time.perf_counter(), time.process_time()
    run_loop(round(1000 * seconds))
    return 100.0 * (time.process_time() - cpu) / (time.perf_counter() - wall)


def app_side(seconds: float) -> dict:
    sys.path.insert(0, ROOT)
    from desktop_app.app import TAB_NAMES, application, build_window

    application()
    window = build_window(["--tab", TAB_NAMES[0]])
    window.resize(1280, 800)
    window.show()
    run_loop(500)
    built = vm_status()
    visited = []
    for key in TAB_NAMES:
        if window.show_tab(key):
            run_loop(600)
            window.current_tab().pause()
            visited.append(key)
    run_loop(300)
    after = vm_status()
    cpu = {}
    for key in visited:
        window.show_tab(key)
        run_loop(300)  # the switch itself (relayout, first paint) is not idling
        cpu[key] = cpu_percent(seconds)
    surface = window.tab_by_key("surface")
    result = {
        "rss_built_mb": built["VmRSS"],
        "rss_visited_mb": after["VmRSS"],
        "hwm_visited_mb": after["VmHWM"],
        "tabs": visited,
        "three_d": getattr(surface, "view3d", None) is not None,
        "cpu_percent": cpu,
    }
    window.close()
    return result


def bare_side(seconds: float) -> dict:
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    widget = pg.PlotWidget()
    xs = np.linspace(0.0, 2.0 * np.pi, 200)
    widget.plot(xs, np.sin(xs))
    widget.resize(1280, 800)
    widget.show()
    run_loop(500)
    rss = vm_status()
    result = {"rss_mb": rss["VmRSS"], "hwm_mb": rss["VmHWM"], "cpu_percent": cpu_percent(seconds)}
    widget.close()
    app.processEvents()
    return result


def _child(side: str, seconds: float) -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "xcb" if env.get("DISPLAY") else "offscreen")
    done = subprocess.run([sys.executable, __file__, "--side", side, "--seconds", str(seconds)],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{side} side failed (exit {done.returncode}): "
                           f"{(done.stdout + done.stderr)[-2000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def measure(seconds: float = 3.0) -> dict:
    """Both sides, each in a fresh process, bare first."""
    bare = _child("bare", seconds)
    app = _child("app", seconds)
    platform = os.environ.get("QT_QPA_PLATFORM") or ("xcb" if os.environ.get("DISPLAY")
                                                    else "offscreen")
    return {"seconds": seconds, "platform": platform, "bare": bare, "app": app,
            "goal_cpu_percent": GOAL_CPU_PERCENT}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="event loop time per CPU reading (3)")
    parser.add_argument("--side", choices=("app", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        result = app_side(args.seconds) if args.side == "app" else bare_side(args.seconds)
        print("RESULT " + json.dumps(result), flush=True)
        return 0
    r = measure(args.seconds)
    bare, app = r["bare"], r["app"]
    print(f"memory and idle CPU, platform {r['platform']}, {args.seconds:g} s per CPU reading; "
          f"3-D view built: {'yes' if app['three_d'] else 'no'}")
    print(f"{'what':<44}{'app':>9}{'bare':>9}{'ratio':>8}")
    print(f"{'RSS MB, window built':<44}{app['rss_built_mb']:>9.1f}{bare['rss_mb']:>9.1f}"
          f"{app['rss_built_mb'] / bare['rss_mb']:>8.2f}")
    print(f"{'RSS MB, every tab visited':<44}{app['rss_visited_mb']:>9.1f}{bare['rss_mb']:>9.1f}"
          f"{app['rss_visited_mb'] / bare['rss_mb']:>8.2f}")
    for key, percent in app["cpu_percent"].items():
        flag = "met" if percent < GOAL_CPU_PERCENT else "missed"
        print(f"{f'CPU % while paused, {key} tab shown':<44}{percent:>9.2f}"
              f"{bare['cpu_percent']:>9.2f}{'':>8}  {flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
