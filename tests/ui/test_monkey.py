"""Thousands of random actions on every tab, and not one exception may reach the event loop.

The driver lives in tests/monkey.py; ``python -m tests.monkey --actions 20000 --seed N``
runs a longer session on demand.
"""

from tests.monkey import KINDS, SIZE, Monkey

ACTIONS = 2000
SEED = 2024


def test_random_actions_on_every_tab_raise_nothing(window, tmp_path):
    window.resize(*SIZE)
    report = Monkey(window, SEED, tmp_path).run(ACTIONS)
    assert not report.failures, report.describe()
    assert report.actions == ACTIONS
    # Coverage: if finding the controls breaks, the run must not pass by doing nothing.
    tabs = {page.key for page in window.tab_pages}
    assert set(report.tabs) == tabs, report.summary()
    assert min(report.tabs.values()) >= ACTIONS // (5 * len(tabs)), report.summary()
    assert set(report.kinds) == set(KINDS), report.summary()


def test_an_exception_in_a_slot_is_reported_with_the_seed_and_the_last_actions(window,
                                                                               tmp_path):
    def broken(_index):
        raise RuntimeError("a slot that breaks")

    window.resize(*SIZE)
    window.tabs.currentChanged.connect(broken)
    try:
        report = Monkey(window, SEED, tmp_path).run(300)
    finally:
        window.tabs.currentChanged.disconnect(broken)
    assert report.failures and report.actions < 300
    assert "a slot that breaks" in report.failures[0].details
    assert 0 < len(report.last) <= 20
    assert report.failures[0].action == str(report.last[-1])
    assert f"--seed {SEED}" in report.describe()
