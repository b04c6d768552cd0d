"""Every tab animating for minutes: no memory growth, no new plot items, no idle CPU.

The soak (``tests/soak.py``) runs once, in a child process, for ``DLMS_SOAK_MINUTES``
minutes (2 by default; ``DLMS_SOAK_MINUTES=30`` for the long one); each test checks one
property of its report.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.soak import MAX_GROWTH_MB, MAX_IDLE_CPU

ROOT = Path(__file__).resolve().parent.parent
MINUTES = float(os.environ.get("DLMS_SOAK_MINUTES", "2"))


@pytest.fixture(scope="module")
def report():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "tests.soak", "--minutes", str(MINUTES)],
                          capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=MINUTES * 60 + 300)
    assert "Fatal Python error" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 0, f"the soak exited with {done.returncode}:\n" \
                                 f"{done.stderr[-3000:]}"
    result = json.loads(done.stdout)
    assert not result["errors"], "exceptions while the tabs played:\n" + \
        "\n".join(result["errors"])
    return result


def test_every_tab_animated_the_whole_time(report):
    soak = report["soak"]
    idle = {key: share for key, share in soak["animating"].items() if share < 0.9}
    assert not idle, f"tabs that stood still during their turn (share of time animating): {idle}"
    assert all(ticks > 0 for ticks in soak["ticks"].values()), soak["ticks"]


def test_memory_does_not_grow_after_the_warm_up(report):
    soak = report["soak"]
    assert soak["growth_mb"] < MAX_GROWTH_MB, (
        f"resident memory grew {soak['growth_mb']} MB after the warm-up round over "
        f"{soak['seconds']} s (limit {MAX_GROWTH_MB} MB); after each round: {soak['rss_mb']} MB")


def test_plot_items_are_made_once(report):
    soak = report["soak"]
    assert soak["items_at_end"] == soak["items_after_warmup"], (
        "the number of items in these plots changed from round to round (items made per "
        f"frame instead of fed with setData?): {soak['items_changed']}")
    grew = {key: (soak["live_items_max_warmup"][key], count)
            for key, count in soak["live_items_max_after"].items()
            if count > soak["live_items_max_warmup"][key]}
    assert not grew, f"plots that held more items while playing than in the warm-up: {grew}"


def test_paused_tabs_use_no_cpu(report):
    idle = report["idle"]
    assert not idle["active_timers"], f"timers still running on paused tabs: {idle}"
    assert idle["cpu"] < MAX_IDLE_CPU, (
        f"with every tab paused the app used {idle['cpu']:.2%} of a core over "
        f"{idle['seconds']} s (limit {MAX_IDLE_CPU:.0%})")


def test_hidden_tabs_stop_their_timers(report):
    hidden = report["hidden"]
    assert len(hidden["playing_hidden"]) >= 4, f"the hidden tabs were not playing: {hidden}"
    assert not hidden["active_timers"], f"hidden tabs whose timer kept running: {hidden}"
    assert all(hidden["resumed_on_show"].values()), \
        f"a playing tab did not start animating again when shown: {hidden}"
    assert hidden["cpu"] < MAX_IDLE_CPU, (
        f"with only hidden tabs playing the app used {hidden['cpu']:.2%} of a core over "
        f"{hidden['seconds']} s (limit {MAX_IDLE_CPU:.0%})")
