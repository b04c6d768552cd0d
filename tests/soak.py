"""Soak the whole window: every tab animating, in turn, for minutes on end.

Run it by hand for a long soak (offscreen, with throw-away settings)::

    python -m tests.soak --minutes 30

It prints one JSON report on stdout; ``tests/test_soak_tabs.py`` runs it in a child
process, so a fatal Qt crash shows up as an exit code, and checks the report:

- resident memory grows less than :data:`MAX_GROWTH_MB` after the warm-up round;
- every pyqtgraph scene holds as many items at the end as after the warm-up round
  (items are made once and fed with ``setData``, never made per frame);
- with every tab paused, or only hidden tabs playing, the process is idle (their timers
  are stopped) and uses under :data:`MAX_IDLE_CPU` of one core.

The duration is split into rounds; in each round every tab is shown and plays for its
share of the time. A tab that finishes by itself (the game is over, the training has
converged) is reset and played again, so something animates the whole time.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import resource
import sys
import tempfile
import time
import traceback

#: Resident memory may grow this much (MB) from the end of the warm-up round to the end.
MAX_GROWTH_MB = 5.0
#: Idle CPU time as a fraction of wall time.
MAX_IDLE_CPU = 0.01
#: Steps per second for every tab: the fastest the playback bar allows, to work them hard.
SPEED = 20.0
#: How often (ms) the playing tab is looked at: is its timer running, how many plot items.
CHECK_MS = 100
IDLE_SECONDS = 3.0


def default_rounds(minutes: float) -> int:
    """Enough rounds to see a trend after the warm-up one, none shorter than a few seconds."""
    return max(3, min(12, round(minutes * 2)))


def rss_mb() -> float:
    """Resident memory of this process now (not the peak that ``resource`` reports)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        # No /proc (macOS): the peak is the best there is, and it never goes down either.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def run_events(ms: int, every=None) -> None:
    """Run the Qt event loop for ``ms`` milliseconds, calling ``every()`` each CHECK_MS."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    check = None
    if every is not None:
        check = QTimer()
        check.setInterval(CHECK_MS)
        check.timeout.connect(every)
        check.start()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    if check is not None:
        check.stop()


def settle() -> None:
    """Let deferred deletes and pending paints happen, collect Python garbage, and hand
    freed heap back to the system, so resident memory counts what is kept, not what the
    allocator happens to hold on to (glibc keeps several MB of freed blocks, more or
    less from one moment to the next)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    run_events(50)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    run_events(50)
    gc.collect()
    _trim_heap()


def _trim_heap() -> None:
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return  # not glibc: nothing to trim, the limit then has the allocator's slack in it
    trim.argtypes = [ctypes.c_size_t]
    trim(0)


def scene_items(window, pages=None) -> dict[str, int]:
    """``{"tab/view": number of QGraphicsItems in its scene}`` for every pyqtgraph view of
    ``pages`` (every tab and the rest of the window when not given)."""
    import pyqtgraph as pg

    counts: dict[str, int] = {}
    if pages is None:
        owners = [(page.key, page) for page in window.tab_pages] + [("window", window)]
    else:
        owners = [(page.key, page) for page in pages]
    seen: set[int] = set()
    for owner_key, owner in owners:
        for index, view in enumerate(owner.findChildren(pg.GraphicsView)):
            if id(view) in seen:
                continue
            seen.add(id(view))
            name = view.objectName() or f"{type(view).__name__}#{index}"
            key = f"{owner_key}/{name}"
            while key in counts:
                key += "'"
            counts[key] = len(view.scene().items())
    return counts


def keep_playing(tab) -> None:
    """Play ``tab``, first resetting it when it has finished by itself."""
    if tab.playing:
        return
    if not tab.can_play():
        tab.reset()
    tab.play()


def lively(window) -> None:
    """Settings that keep every tab busy: the fastest speed, and a game that lasts."""
    window.playback.speed.setValue(SPEED)
    hot = window.tab_by_key("hot")
    if hot is not None and hasattr(hot, "params"):
        # Halving the step when stuck makes each game many moves long instead of a few.
        hot.params.halve_when_stuck = True
        hot.reset()
    network = window.tab_by_key("network")
    if network is not None and hasattr(network, "settings"):
        # XOR converges within a second at full speed; the spiral, a few epochs a frame,
        # keeps the loss curve, the diagram and the data picture moving for many seconds.
        network.settings.dataset = "spiral"
        network.settings.epochs_per_frame = 2
        network.reset()


def show(window, tab) -> None:
    # By key: the tab widget's page may be a holder around the tab rather than the tab.
    if not window.show_tab(tab.key):
        raise LookupError(f"the window has no tab {tab.key!r}")
    run_events(1)
    if not tab.isVisible():
        raise RuntimeError(f"the {tab.key} tab is not on screen after switching to it")


def soak(window, minutes: float, rounds: int, keys: list[str] | None = None) -> dict:
    """Every tab (or those named in ``keys``) plays for ``minutes / rounds / tabs`` each
    round; memory and plot items are measured after every round."""
    from PySide6.QtCore import QTimer

    pages = [page for page in window.tab_pages if keys is None or page.key in keys]
    slot_ms = max(200, round(minutes * 60_000 / rounds / len(pages)))
    memory: list[float] = []
    objects: list[int] = []
    items: list[dict[str, int]] = []
    restarts = {page.key: 0 for page in pages}
    ticks = {page.key: 0 for page in pages}
    checks = {page.key: [0, 0] for page in pages}  # [times seen animating, times looked]
    live_max: list[dict[str, int]] = []
    turn: list = [None]  # the tab whose turn it is

    def stopped(page, playing: bool) -> None:
        if not playing and turn[0] is page:
            restarts[page.key] += 1
            # Not from inside the tab's own pause(): once it has finished stopping.
            QTimer.singleShot(0, lambda: turn[0] is page and keep_playing(page))

    for page in pages:
        # Counts the frames actually drawn (the tab's own timer), not our checks.
        page._timer.timeout.connect(lambda key=page.key: ticks.__setitem__(key, ticks[key] + 1))
        page.playing_changed.connect(lambda playing, page=page: stopped(page, playing))
    started = time.monotonic()
    for _ in range(rounds):
        most: dict[str, int] = {}
        for page in pages:
            show(window, page)
            page.reset()
            turn[0] = page
            keep_playing(page)

            def check(page=page, most=most) -> None:
                checks[page.key][0] += page.timer_active
                checks[page.key][1] += 1
                for key, count in scene_items(window, [page]).items():
                    most[key] = max(most.get(key, 0), count)

            run_events(slot_ms, check)
            turn[0] = None
            page.pause()
            # Each tab is counted from the same state (just reset), whatever it was doing.
            page.reset()
        settle()
        memory.append(round(rss_mb(), 2))
        objects.append(len(gc.get_objects()))
        items.append(scene_items(window))
        live_max.append(most)
        print(f"soak: round {len(memory)} of {rounds}, {memory[-1]} MB resident",
              file=sys.stderr, flush=True)
    return {
        "seconds": round(time.monotonic() - started, 1),
        "rounds": rounds,
        "slot_seconds": slot_ms / 1000,
        "rss_mb": memory,
        "growth_mb": round(memory[-1] - memory[0], 2),
        "python_objects": objects,
        "items_after_warmup": items[0],
        "items_at_end": items[-1],
        "items_changed": {key: [counts.get(key) for counts in items]
                          for key in sorted(set().union(*items))
                          if len({counts.get(key) for counts in items}) > 1},
        "live_items_max_warmup": live_max[0],
        "live_items_max_after": {key: max(m.get(key, 0) for m in live_max[1:])
                                 for key in live_max[0]},
        "restarts": restarts,
        "ticks": ticks,
        "animating": {key: round(seen / max(1, looked), 3)
                      for key, (seen, looked) in checks.items()},
    }


def cpu_fraction(seconds: float) -> float:
    """CPU time this process used over ``seconds`` of running the event loop, per wall second."""
    wall, cpu = time.perf_counter(), time.process_time()
    run_events(round(seconds * 1000))
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def active_tab_timers(window) -> list[str]:
    return [page.key for page in window.tab_pages if page.timer_active]


def active_timers(window) -> list[str]:
    """Every repeating QTimer in the window that is running, named by its owner."""
    from PySide6.QtCore import QTimer

    running = []
    for timer in window.findChildren(QTimer):
        if timer.isActive() and not timer.isSingleShot():
            owner = timer.parent()
            name = owner.objectName() or type(owner).__name__
            running.append(f"{name} every {timer.interval()} ms")
    return running


def idle(window, seconds: float) -> dict:
    """Every tab paused, one shown: nothing should run."""
    for page in window.tab_pages:
        page.pause()
    show(window, window.tab_pages[0])
    settle()
    return {"cpu": round(cpu_fraction(seconds), 4), "seconds": seconds,
            "active_timers": active_tab_timers(window), "running": active_timers(window)}


def hidden(window, seconds: float) -> dict:
    """Every tab playing but only one shown, and that one paused: the hidden ones must not
    tick. Also: a hidden tab's timer comes back when the tab is shown again."""
    pages = list(window.tab_pages)
    shown = pages[0]
    for page in pages:
        show(window, page)
        page.reset()
        keep_playing(page)
    show(window, shown)
    shown.pause()
    settle()
    playing = [page.key for page in pages if page.playing]
    active = active_tab_timers(window)
    running = active_timers(window)
    cpu = cpu_fraction(seconds)
    back = pages[-1]
    show(window, back)
    resumed = back.timer_active
    for page in pages:
        page.pause()
    return {"cpu": round(cpu, 4), "seconds": seconds, "playing_hidden": playing,
            "active_timers": active, "running": running,
            "resumed_on_show": {back.key: resumed}}


def run(minutes: float, rounds: int | None = None, idle_seconds: float = IDLE_SECONDS,
        keys: list[str] | None = None) -> dict:
    from PySide6.QtCore import QSettings

    from desktop_app.app import application, build_window

    errors: list[str] = []
    sys.excepthook = lambda *exc: errors.append("".join(traceback.format_exception(*exc)))
    application()
    QSettings().clear()
    window = build_window([])
    window.resize(1280, 800)
    window.show()
    run_events(100)
    lively(window)
    report = {
        "minutes": minutes,
        "soak": soak(window, minutes, rounds or default_rounds(minutes), keys),
        "idle": idle(window, idle_seconds),
        "hidden": hidden(window, idle_seconds),
    }
    report["errors"] = errors
    window.close()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=2.0, help="how long to animate")
    parser.add_argument("--rounds", type=int, default=None,
                        help="times each tab gets its turn (the first is the warm-up)")
    parser.add_argument("--idle-seconds", type=float, default=IDLE_SECONDS,
                        help="how long the idle CPU is measured")
    parser.add_argument("--tabs", nargs="+", metavar="KEY",
                        help="soak only these tabs (e.g. to find which one leaks)")
    args = parser.parse_args(argv)
    if args.rounds is not None and args.rounds < 2:
        parser.error("--rounds needs 2 or more: the first one is the warm-up")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A soak must neither read nor change the user's remembered settings.
    home = tempfile.mkdtemp(prefix="dlms-soak-home-")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = os.path.join(home, name.lower())
    report = run(args.minutes, args.rounds, args.idle_seconds, args.tabs)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
