"""The classroom: presenter mode, zoom, colours, keys, the lesson panel, focus and export."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage, QImageReader, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDoubleSpinBox,
    QGroupBox,
    QLabel,
    QSplitter,
    QWidget,
)

from desktop_app.app import application, build_window
from desktop_app.model.hot_cold import HotColdGame
from desktop_app.ui import theme
from desktop_app.ui.main_window import KEYS
from desktop_app.ui.presenter import font_size

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "resources" / "lessons" / "01-from-a-function-to-a-network.md"


def key(qtbot, window, sequence: str) -> None:
    """Press a key combination as a user would (through the window's shortcuts)."""
    combo = QKeySequence(sequence)[0]
    window.activateWindow()
    qtbot.keyClick(window, combo.key(), combo.keyboardModifiers())


def axis_tick_points(plot_widget) -> float:
    font = plot_widget.getPlotItem().getAxis("bottom").style["tickFont"]
    return font_size(font) if font is not None else font_size(QApplication.font())


def pen_width(item) -> float:
    return pg.mkPen(item.opts["pen"]).widthF()


# -- presenter mode ---------------------------------------------------------------------------


def test_f5_turns_presenter_mode_on_and_off_exactly(window, qtbot):
    hot = window.tab_by_key("hot")
    heading = hot.findChild(QLabel, "function_heading")
    label = hot.findChild(QLabel, "result")
    plot = hot.plot
    before = {
        "app": font_size(QApplication.font()),
        "heading": font_size(heading.font()),
        "result": font_size(label.font()),
        "ticks": axis_tick_points(plot),
        "text_item": font_size(plot.label.textItem.font()),
        "curve": pen_width(plot.curve),
        "walker": float(plot.walker.opts["size"]),
        "palette": QApplication.palette().color(QApplication.palette().ColorRole.WindowText),
    }
    key(qtbot, window, "F5")
    assert window.presenter and window.presenter_action.isChecked()
    assert font_size(QApplication.font()) >= 1.5 * before["app"]
    assert font_size(heading.font()) >= 1.5 * before["heading"]
    assert font_size(label.font()) >= 1.5 * before["result"]
    assert axis_tick_points(plot) >= 1.5 * before["ticks"]
    assert font_size(plot.label.textItem.font()) >= 1.5 * before["text_item"]
    assert pen_width(plot.curve) >= 2 * before["curve"]
    assert plot.walker.opts["size"] >= 1.5 * before["walker"]
    assert QApplication.palette().color(QApplication.palette().ColorRole.WindowText).name() \
        == "#000000"
    # The less important group is tucked away, on every tab that names one.
    assert hot.findChild(QGroupBox, "dark_room_box").isHidden()
    slope = window.tab_by_key("slope")
    assert slope.findChild(QLabel, "mode_hint").isHidden()
    assert window.tab_by_key("surface").findChild(QLabel, "hover_info").isHidden()

    key(qtbot, window, "F5")
    assert not window.presenter
    assert font_size(QApplication.font()) == before["app"]
    assert font_size(heading.font()) == pytest.approx(before["heading"])
    assert axis_tick_points(plot) == pytest.approx(before["ticks"])
    assert pen_width(plot.curve) == pytest.approx(before["curve"])
    assert plot.walker.opts["size"] == pytest.approx(before["walker"])
    assert not hot.findChild(QGroupBox, "dark_room_box").isHidden()
    assert not slope.findChild(QLabel, "mode_hint").isHidden()


def test_presenter_mode_reaches_every_tab_and_its_plots(window):
    before = {page.key: [pen_width(item) for item in _curves(page)] for page in window.tab_pages}
    assert sum(bool(widths) for widths in before.values()) >= 4
    window.set_presenter(True)
    for page in window.tab_pages:
        assert page.presenter and page.text_scale >= 1.5
        widths = [pen_width(item) for item in _curves(page)]
        assert all(w >= 1.9 * b for w, b in zip(widths, before[page.key], strict=True)), \
            page.key
    window.set_presenter(False)
    for page in window.tab_pages:
        assert [pen_width(item) for item in _curves(page)] == pytest.approx(before[page.key])


def _curves(page) -> list:
    items = []
    for view in page.findChildren(pg.PlotWidget):
        items += [i for i in view.getPlotItem().listDataItems()
                  if isinstance(i, pg.PlotDataItem) and i.opts.get("pen") is not None]
    return items


def test_presenter_mode_keeps_new_moves_thick(window):
    window.set_presenter(True)
    hot = window.tab_by_key("hot")
    hot.step()
    thick = pen_width(hot.plot.last_move)
    hot.step()  # a new move recolours the newest arrow
    assert pen_width(hot.plot.last_move) == thick == pytest.approx(10.0)


def test_presenter_on_the_command_line(qtbot):
    application()
    QSettings().clear()
    window = build_window(["--presenter", "--tab", "slope"])
    qtbot.addWidget(window)
    assert window.presenter and window.current_tab().key == "slope"
    window.close()
    assert font_size(QApplication.font()) < 12  # closing gives the app its own font back


def test_side_panels_make_room_for_bigger_text(window, qtbot):
    hot = window.tab_by_key("hot")
    split = hot.findChild(QSplitter)
    normal = split.sizes()
    window.set_presenter(True)
    qtbot.waitUntil(lambda: split.sizes()[1] > normal[1])
    box = hot.findChild(QGroupBox, "rules_box")
    halve = hot.halve_step
    assert halve.mapTo(box, halve.rect().topRight()).x() <= box.width()
    window.set_presenter(False)
    assert split.sizes() == normal


# -- zoom and colours --------------------------------------------------------------------------


def test_ctrl_plus_minus_and_zero_scale_every_font(window, qtbot):
    base = font_size(QApplication.font())
    key(qtbot, window, "Ctrl+=")
    assert font_size(QApplication.font()) == pytest.approx(base * theme.ZOOM_STEP)
    key(qtbot, window, "Ctrl+=")
    assert font_size(QApplication.font()) == pytest.approx(base * theme.ZOOM_STEP ** 2)
    tick = axis_tick_points(window.tab_by_key("hot").plot)
    assert tick == pytest.approx(base * theme.ZOOM_STEP ** 2)
    key(qtbot, window, "Ctrl+-")
    assert font_size(QApplication.font()) == pytest.approx(base * theme.ZOOM_STEP)
    key(qtbot, window, "Ctrl+0")
    assert font_size(QApplication.font()) == pytest.approx(base)
    for _ in range(30):
        window.zoom_in()
    assert window.zoom == theme.ZOOM_RANGE[1]


def test_look_is_remembered_between_runs(window, qtbot):
    window.set_zoom(1.3)
    window.set_colorblind(True)
    window.set_presenter(True)
    window.close()
    assert font_size(QApplication.font()) < 12 and not theme.colorblind()
    again = build_window([])
    qtbot.addWidget(again)
    assert again.presenter and again.colorblind_action.isChecked() and theme.colorblind()
    assert again.zoom == pytest.approx(1.3)
    assert again.text_scale() == pytest.approx(1.3 * theme.PRESENTER_TEXT)


def test_colour_blind_palette_swaps_the_height_map_and_hot_and_cold(window, qtbot):
    surface = window.tab_by_key("surface")
    image = surface.top.image
    low = tuple(image.getColorMap().map([0.0])[0][:3])
    assert low == (0x5c, 0x0a, 0x0a)  # dark red
    window.findChild(type(window.colorblind_action), "action_colorblind").trigger()
    assert theme.colorblind()
    cividis = pg.colormap.get("cividis").map([0.0])[0][:3]
    assert tuple(image.getColorMap().map([0.0])[0][:3]) == tuple(cividis)
    assert tuple(surface.top.colour_bar.colorMap().map([0.0])[0][:3]) == tuple(cividis)
    hot = window.tab_by_key("hot")
    hot.step()
    assert pg.mkPen(hot.plot.hot_moves.opts["pen"]).color().name() == theme.COLORBLIND_HOT
    row = hot.move_log.item(0, 0).background().color().name()
    assert row == theme.COLORBLIND_HOT
    window.set_colorblind(False)
    assert tuple(image.getColorMap().map([0.0])[0][:3]) == low
    assert pg.mkPen(hot.plot.hot_moves.opts["pen"]).color().name() == theme.NORMAL_HOT


# -- the keyboard ------------------------------------------------------------------------------


def test_the_key_table_has_no_duplicates_and_every_key_parses():
    sequences = [s for binding in KEYS for s in binding.keys]
    parsed = [QKeySequence(s).toString() for s in sequences]
    assert all(parsed) and len(set(parsed)) == len(parsed)
    for needed in ("Space", "Right", "R", "F11", "F5", "Ctrl+=", "Ctrl+-", "PgDown", "PgUp",
                   "Ctrl+S", "Ctrl+O", "Ctrl+Shift+S"):
        assert QKeySequence(needed).toString() in parsed


def test_help_lists_every_key_the_window_answers(window):
    dialog = window.show_shortcuts()
    text = dialog.findChild(QLabel, "shortcuts_table").text()
    for binding in KEYS:
        if binding.name != "tabs":
            assert binding.what in text
    count = len(window.tab_pages)
    assert f"Ctrl+1 … Ctrl+{count}" in text
    known = {QKeySequence(s).toString() for b in KEYS for s in b.keys}
    known |= {f"Ctrl+{n}" for n in range(1, count + 1)}
    answered = {shortcut.toString() for action in window.actions()
                for shortcut in action.shortcuts()}
    by_tab = {QKeySequence(s).toString() for b in KEYS if b.by_tab for s in b.keys}
    assert answered == known - by_tab  # the table and the window's keys are the same list
    dialog.reject()


def test_the_shared_keys_work_on_every_tab(window, qtbot, monkeypatch):
    for index, page in enumerate(window.tab_pages):
        key(qtbot, window, f"Ctrl+{index + 1}")
        assert window.current_tab() is page
        pressed = []
        for name in ("toggle_play", "step", "reset"):
            monkeypatch.setattr(page, name, lambda name=name, pressed=pressed: pressed.append(name))
        for sequence in ("Space", "Right", "R"):
            key(qtbot, window, sequence)
        assert pressed == ["toggle_play", "step", "reset"], page.key
        monkeypatch.undo()
        key(qtbot, window, "F5")
        assert window.presenter and page.presenter
        key(qtbot, window, "F5")
        assert not window.presenter


# -- the lesson --------------------------------------------------------------------------------


def test_page_down_performs_the_next_step_and_page_up_and_home_go_back(window, qtbot):
    assert window.open_lesson(LESSON)
    panel = window.lesson
    assert panel.isVisible() and panel.index == 0
    assert window.current_tab().key == "hot"
    steps = panel.lesson.steps
    titles = [step.title for step in steps]
    found = titles.index("Hot and cold from −2: found it")
    panel.go(found - 1)
    key(qtbot, window, "PgDown")
    assert panel.index == found
    hot = window.tab_by_key("hot")
    assert hot.game.done and hot.game.x == 0 and hot.game.moves == 4
    assert panel.counter.text() == f"Step {found + 1} of {len(steps)}"
    assert "Step ×4" in panel.findChild(QLabel, "lesson_actions").text()
    key(qtbot, window, "PgDown")  # from −1.5: the step is too coarse
    assert hot.game.x == -0.5 and hot.game.done
    key(qtbot, window, "PgUp")
    assert panel.index == found and hot.game.x == 0
    key(qtbot, window, "Home")
    assert panel.index == 0 and hot.game.moves == 0
    assert "Lesson step 1" in window.statusBar().currentMessage()


def test_the_lesson_follows_the_articles_order_and_every_step_works(window):
    assert window.open_lesson(LESSON, act=False)
    panel = window.lesson
    order = []
    for index in range(panel.count):
        assert panel.go(index)
        assert not panel.findChild(QLabel, "lesson_problem").isVisible(), panel.problem.text()
        order.append(window.current_tab().key)
        for page in window.tab_pages:
            page.pause()
    positions = [order.index(k) for k in ("hot", "slope", "surface")]
    assert positions == sorted(positions) and order[0] == "hot"
    assert order[-1] == window.tab_pages[-1].key
    titles = [s.title for s in panel.lesson.steps]
    assert titles.index("Hot and cold from −2: found it") < titles.index(
        "Hot and cold from −1.5: too coarse") < titles.index("The slope between two points") \
        < titles.index("Let q shrink: the derivative") < titles.index(
        "Walking downhill by the slope") < titles.index("Two inputs: a surface")


def test_next_at_the_last_step_and_back_at_the_first_say_so(window, qtbot):
    assert window.open_lesson(LESSON)
    panel = window.lesson
    assert not panel.previous_step()
    assert "first step" in window.statusBar().currentMessage()
    panel.go(panel.count - 1)
    assert not panel.next_step()
    assert "last step" in window.statusBar().currentMessage()
    assert not panel.next_button.isEnabled() and panel.back_button.isEnabled()


def test_the_lesson_can_be_hidden_with_its_close_button_the_menu_and_ctrl_l(window, qtbot):
    panel = window.lesson
    window.open_lesson(LESSON, act=False)
    assert panel.isVisible() and window.lesson_action.isChecked()
    panel.close()
    assert not panel.isVisible() and not window.lesson_action.isChecked()
    window.findChild(type(window.lesson_action), "action_lesson").trigger()
    assert panel.isVisible()
    key(qtbot, window, "Ctrl+L")
    assert not panel.isVisible()
    # Hidden, the clicker still moves through the lesson.
    key(qtbot, window, "PgDown")
    assert panel.index == 1


def test_a_focused_slider_keeps_page_down_for_itself(window, qtbot):
    window.open_lesson(LESSON, act=False)
    window.show_tab("slope")
    spin = window.tab_by_key("slope").findChild(QDoubleSpinBox, "x")
    spin.setFocus()
    value = spin.value()
    qtbot.keyClick(spin, Qt.Key.Key_PageDown)
    assert window.lesson.index == 0 and spin.value() < value
    window.tabs.tabBar().setFocus()  # anywhere else, the clicker moves the lesson
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_PageDown)
    assert window.lesson.index == 1


LESSON_HEAD = "# Test lesson\n\n"


@pytest.mark.parametrize(("text", "message"), [
    ("", "has no steps"),
    ("Just some words.\n", "has no steps"),
    ("## One\n```app\ntab hott\n```\n", "line 5: unknown tab 'hott' — did you mean 'hot'?"),
    ("## One\n```app\njump 3\n```\n", "line 5: unknown action 'jump'"),
    ("## One\n```app\nstpe 3\n```\n", "did you mean 'step'?"),
    ("## One\n```app\nset start = -2\n```\n", "line 5: 'set' needs a tab first"),
    ("## One\n```app\ntab hot\nset strat = -2\n```\n",
     "line 6: set strat: unknown setting 'strat' — did you mean 'start'?"),
    ("## One\n```app\ntab hot\nset start = abc\n```\n",
     "line 6: set start: expected a number, got text 'abc'"),
    ("## One\n```app\ntab hot\nset start = 5000\n```\n", "5000 is out of range"),
    ("## One\n```app\ntab hot\nset function = __import__('os')\n```\n",
     "set function: the formula"),
    ("## One\n```app\ntab hot\nset start -2\n```\n", "write 'set NAME = VALUE'"),
    ("## One\n```app\ntab hot\nstep many\n```\n", "'step' takes a whole number"),
    ("## One\n```app\ntab hot\nstep 100000\n```\n", "'step' takes 1 to 500 steps"),
    ("## One\n```app\ntab hot\nreset now\n```\n", "'reset' takes nothing after it"),
    ("## One\n```app\nscenario nothing.json\n```\n", "the scenario 'nothing.json' cannot be "
     "used: the file"),
    ("## One\n```app\nscenario ../../etc/passwd\n```\n", "name a file inside"),
    ("## One\n```app\ntab surface\nset optimizers.adamw.on = true\n```\n",
     "unknown setting 'adamw' — did you mean 'adam'?"),
    ("## One\n```app\ntab hot\n", "is never closed"),
    ("```app\ntab hot\n```\n## One\n", "actions must belong to a step"),
    ("##\ntext\n", "a step needs a title"),
])
def test_a_bad_lesson_gives_a_clear_message_and_keeps_the_lesson(window, tmp_path, text,
                                                                 message):
    window.open_lesson(LESSON, act=False)
    shown = window.lesson.lesson
    path = tmp_path / "bad lesson.md"
    path.write_text(LESSON_HEAD + text, encoding="utf-8")
    assert not window.open_lesson(path)
    box = window.lesson_error_dialog
    assert box.isVisible()
    assert message in box.informativeText(), box.informativeText()
    assert box.informativeText().startswith("bad lesson.md")
    assert "Traceback" not in box.informativeText()
    assert window.lesson.lesson is shown


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary data"),
    (b"## Caf\xe9\n", "line 1: the file is not UTF-8"),
    (b"## a\n" + b"x" * 300_000, "too big for a lesson"),
])
def test_files_that_are_not_lessons_are_refused(window, tmp_path, data, message):
    path = tmp_path / "odd.md"
    path.write_bytes(data)
    assert not window.open_lesson(path)
    assert message in window.lesson_error_dialog.informativeText()


def test_a_lesson_step_for_a_missing_tab_is_left_out(window, tmp_path):
    from desktop_app.ui.lesson import LessonContext, parse_lesson

    text = "## One\n```app\ntab hot\n```\n## Two\n```app\ntab digits\n```\n## Three\nwords\n"
    context = LessonContext({"hot": "Hot and cold"}, ("hot", "digits"), tmp_path)
    lesson = parse_lesson(text, context, "l.md")
    assert [s.title for s in lesson.steps] == ["One", "Three"]
    assert lesson.skipped == ["Two (needs the 'digits' tab)"]
    assert lesson.steps[1].tab == "digits"  # still on the missing tab: its steps are left out


def test_lesson_actions_set_step_play_pause_and_open_scenarios(window, tmp_path, qtbot):
    path = tmp_path / "mine.md"
    path.write_text(
        "# Mine\n\n## Surface\nText.\n```app\ntab surface\nset surface = x^2 + 3y^2\n"
        "set start = [1.5, -1]\nset optimizers.adam.on = false\nset optimizers.gd.lr = 0.05\n"
        "reset\nstep 3\n```\n\n## Play\n```app\ntab slope\nset mode = explore\nplay\n```\n\n"
        "## Pause\n```app\npause\n```\n\n## Example\n```app\n"
        "scenario 07-descent-from-3-rate-0.25.json\n```\n", encoding="utf-8")
    assert window.open_lesson(path)
    surface = window.tab_by_key("surface")
    state = surface.state()
    assert state["surface"] == "x^2 + 3y^2" and state["start"] == [1.5, -1.0]
    assert not state["optimizers"]["adam"]["on"] and state["optimizers"]["gd"]["lr"] == 0.05
    assert surface.model.rounds == 3
    window.lesson.next_step()
    slope = window.tab_by_key("slope")
    assert window.current_tab() is slope and slope.playing
    window.lesson.next_step()
    assert not slope.playing
    window.lesson.next_step()
    assert slope.state()["mode"] == "descend" and slope.state()["learning_rate"] == 0.25


def test_a_step_the_tab_refuses_is_reported_in_the_panel(window, tmp_path, monkeypatch):
    path = tmp_path / "refuse.md"
    path.write_text("## One\n```app\ntab hot\nset start = 1\n```\n", encoding="utf-8")
    hot = window.tab_by_key("hot")

    def refuse(_state):
        raise ValueError("not today")

    monkeypatch.setattr(hot, "restore", refuse)
    assert window.open_lesson(path)
    problem = window.lesson.findChild(QLabel, "lesson_problem")
    assert problem.isVisible() and "not today" in problem.text()


# -- focus -------------------------------------------------------------------------------------


def test_focus_hides_chosen_controls_until_shown_again_and_is_saved(window, qtbot, tmp_path):
    window.show_tab("hot")
    hot = window.tab_by_key("hot")
    dialog = window.show_focus_dialog()
    assert dialog.isVisible()
    names = [dialog.list.item(i).data(Qt.ItemDataRole.UserRole)
             for i in range(dialog.list.count())]
    for needed in ("function_box", "rules_box", "start", "step_size", "move_log", "result"):
        assert needed in names
    dialog.item_for("function_box").setCheckState(Qt.CheckState.Unchecked)
    dialog.item_for("step_size").setCheckState(Qt.CheckState.Unchecked)
    box = hot.findChild(QGroupBox, "function_box")
    spin = hot.findChild(QDoubleSpinBox, "step_size")
    assert box.isHidden() and spin.isHidden()
    label = hot.findChild(QGroupBox, "rules_box").layout().labelForField(spin)
    assert label.isHidden()  # the form row goes with its field
    hot.step()
    hot.reset()  # the tab shows its function box again on every redraw: it stays hidden
    assert box.isHidden()
    assert window.capture_state()["focus"] == {"hot": ["function_box", "step_size"]}

    path = tmp_path / "focus.json"
    window.save_scenario(path)
    dialog.show_everything()
    assert not box.isHidden() and not spin.isHidden() and not label.isHidden()
    window.load_scenario(path)
    assert box.isHidden() and spin.isHidden()
    window.clear_focus()
    assert not box.isHidden()
    # Dark room: the tab hides the function box itself; showing it again respects that.
    window.set_focus_hidden(hot, ["function_box"])
    hot.set_dark_room(True)
    window.clear_focus()
    assert box.isHidden()
    hot.set_dark_room(False)
    assert not box.isHidden()


def test_the_focus_list_covers_tabs_under_construction(window):
    for page in window.tab_pages:
        window.show_tab(page.key)
        dialog = window.show_focus_dialog()
        assert dialog.list.count() >= 3, page.key
        dialog.close()


def test_presenter_tucked_controls_can_be_brought_back_from_the_focus_list(window):
    window.set_presenter(True)
    window.show_tab("hot")
    box = window.tab_by_key("hot").findChild(QGroupBox, "dark_room_box")
    assert box.isHidden()
    dialog = window.show_focus_dialog()
    item = dialog.item_for("dark_room_box")
    assert "presenter" in item.text() and item.checkState() == Qt.CheckState.Unchecked
    item.setCheckState(Qt.CheckState.Checked)
    assert not box.isHidden()


# -- export ------------------------------------------------------------------------------------


def test_ctrl_shift_s_saves_a_picture_of_the_view(window, qtbot, tmp_path):
    path = tmp_path / "view.png"
    window.ask_export_path = lambda kind: str(path) if kind == "png" else None
    window.tab_by_key("hot").step()
    key(qtbot, window, "Ctrl+Shift+S")
    image = QImage(str(path))
    page = window.current_tab()
    assert not image.isNull() and (image.width(), image.height()) == (page.width(),
                                                                      page.height())
    small = image.scaled(120, 80)
    colours = {small.pixel(x, y) for x in range(120) for y in range(80)}
    assert len(colours) > 40
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.png"]


def test_a_picture_that_cannot_be_written_says_why(window, tmp_path):
    assert not window.export_png(tmp_path / "missing" / "view.png")
    assert window.export_error_dialog.isVisible()
    assert "could not be written" in window.export_error_dialog.informativeText()


def gif_frames(data: bytes) -> list[dict]:
    """Parse a GIF: its frames with position, size, delay and decoded pixel indices."""
    assert data[:6] == b"GIF89a"
    width, height, flags = struct.unpack("<HHB", data[6:11])
    pos = 13 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)
    frames, delay = [], None
    while True:
        block = data[pos]
        if block == 0x3B:
            break
        if block == 0x21:
            label = data[pos + 1]
            pos += 2
            if label == 0xF9:
                delay = struct.unpack("<H", data[pos + 2:pos + 4])[0]
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        elif block == 0x2C:
            left, top, w, h, packed = struct.unpack("<HHHHB", data[pos + 1:pos + 10])
            pos += 10
            minimum = data[pos]
            pos += 1
            chunks = bytearray()
            while data[pos]:
                chunks += data[pos + 1:pos + 1 + data[pos]]
                pos += data[pos] + 1
            pos += 1
            pixels = lzw_decode(bytes(chunks), minimum, w * h)
            assert len(pixels) == w * h
            frames.append({"box": (left, top, w, h), "delay": delay, "pixels": pixels})
            assert left + w <= width and top + h <= height
        else:
            raise AssertionError(f"unknown block {block:#x} at {pos}")
    return frames


def lzw_decode(data: bytes, min_size: int, count: int) -> bytes:
    """A plain GIF LZW decoder, written from the format's description (not the encoder)."""
    clear, end = 1 << min_size, (1 << min_size) + 1
    size, next_code = min_size + 1, end + 1
    table = {i: bytes([i]) for i in range(clear)}
    out, prev, bit = bytearray(), None, 0
    while bit + size <= 8 * len(data):
        code = (int.from_bytes(data[bit // 8:bit // 8 + 3], "little") >> (bit % 8)) \
            & ((1 << size) - 1)
        bit += size
        if code == clear:
            size, next_code, prev = min_size + 1, end + 1, None
            table = {i: bytes([i]) for i in range(clear)}
            continue
        if code == end:
            break
        if prev is None:
            out += table[code]
            prev = code
            continue
        if code in table:
            entry = table[code]
            new = table[prev] + entry[:1]
        else:
            assert code == next_code, (code, next_code)
            entry = new = table[prev] + table[prev][:1]
        out += entry
        if next_code < 4096:
            table[next_code] = new
            next_code += 1
            if next_code == 1 << size and size < 12:
                size += 1
        prev = code
    return bytes(out[:count])


def test_the_animation_is_recorded_as_a_gif(window, tmp_path):
    hot = window.tab_by_key("hot")
    hot.reset()
    path = tmp_path / "hot.gif"
    window.playback.speed.setValue(4.0)
    assert window.export_gif(path)
    data = path.read_bytes()
    frames = gif_frames(data)
    game = HotColdGame(hot.curve.f, -2.0, 1.0)
    game.run()
    assert len(frames) == 1 + game.moves  # the start, then one picture per move
    assert frames[0]["box"][:2] == (0, 0) and frames[0]["delay"] == 25
    width, height = struct.unpack("<HH", data[6:10])
    assert frames[0]["box"][2:] == (width, height) and width <= 800
    assert len(set(frames[0]["pixels"])) > 10
    assert frames[-1]["delay"] > frames[0]["delay"]  # the end stays a moment longer
    assert hot.game.done  # it played while it recorded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hot.gif"]
    # Qt's own GIF reader, a decoder written by others, reads the same frames.
    reader = QImageReader(str(path))
    pictures = []
    while reader.canRead():
        pictures.append(reader.read())
    assert len(pictures) == len(frames)
    assert all(p.size() == pictures[0].size() and not p.isNull() for p in pictures)
    assert pictures[-1] != pictures[0]  # the walker moved


def test_cancel_stops_the_gif_and_leaves_no_file(window, qtbot, tmp_path):
    window.show_tab("surface")
    path = tmp_path / "race.gif"
    counted = []

    def on_frame(count: int) -> None:
        counted.append(count)
        if count == 3:
            window.gif_recorder.dialog.cancel()  # what the Cancel button does

    window.gif_recorder.frame_added.connect(on_frame)
    assert window.export_gif(path) is False
    assert counted[-1] == 3
    assert list(tmp_path.iterdir()) == []
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.gif_recorder.dialog is None and not window.gif_recorder.busy


def test_nothing_to_animate_is_said_not_recorded(window, tmp_path):
    hot = window.tab_by_key("hot")
    hot.restore({"dark_room": True})
    assert not window.export_gif(tmp_path / "x.gif")
    assert "Nothing to animate" in window.statusBar().currentMessage()
    assert not (tmp_path / "x.gif").exists()


def test_gif_export_dialog_uses_the_path_hook(window, tmp_path):
    path = tmp_path / "slope.gif"
    window.show_tab("slope")
    window.tab_by_key("slope").restore({"mode": "explore", "q": 1e-9})
    window.ask_export_path = lambda kind: str(path) if kind == "gif" else None
    window.findChild(type(window.export_gif_action), "action_export_gif").trigger()
    frames = gif_frames(path.read_bytes())
    assert 20 < len(frames) < 40  # q shrinks notch by notch down to 10⁻¹²
    assert window.tab_by_key("slope").state()["q"] == 1e-12


def shown_pictures(data: bytes, size: tuple[int, int]) -> list[np.ndarray]:
    """Compose the frames as a viewer does (entry 255 is transparent: the pixel below)."""
    palette = np.frombuffer(data[13:13 + 768], dtype=np.uint8).reshape(256, 3)
    canvas = np.zeros(size, dtype=np.int64)
    shown = []
    for frame in gif_frames(data):
        left, top, w, h = frame["box"]
        pixels = np.frombuffer(frame["pixels"], dtype=np.uint8).reshape(h, w)
        area = canvas[top:top + h, left:left + w]
        area[pixels != 255] = pixels[pixels != 255]
        shown.append(palette[canvas])
    return shown


def test_the_gif_encoder_keeps_flat_colours_and_stores_only_changes():
    from desktop_app.ui.export import GifWriter

    base = np.full((40, 60, 3), 255, dtype=np.uint8)
    base[10:30, 5:20] = (200, 30, 30)
    pictures = []
    for shift in range(5):
        frame = base.copy()
        frame[5:15, 20 + shift * 5:30 + shift * 5] = (20, 120, 200)
        pictures.append(frame)
    pictures.append(pictures[-1])  # nothing changed
    writer = GifWriter(delay=0.1)
    for picture in pictures:
        writer.add(picture)
    data = b"".join(writer.encode())
    frames = gif_frames(data)
    assert len(frames) == len(pictures) and frames[0]["delay"] == 10
    for shown, picture in zip(shown_pictures(data, (40, 60)), pictures, strict=True):
        assert np.abs(shown.astype(int) - picture.astype(int)).max() <= 7  # 5 bits a channel
    assert frames[1]["box"] == (20, 5, 15, 10)  # only the part that moved
    assert frames[-1]["box"][2:] == (1, 1)


def test_the_gif_encoder_quantises_many_colours_closely():
    from desktop_app.ui.export import GifWriter

    rng = np.random.default_rng(3)
    smooth = np.zeros((64, 64, 3), dtype=np.uint8)
    smooth[..., 0] = np.arange(64)[:, None] * 4
    smooth[..., 1] = np.arange(64)[None, :] * 4
    smooth[..., 2] = 128
    noise = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    for picture, worst, mean in ((smooth, 24, 8), (noise, 160, 40)):
        writer = GifWriter()
        writer.add(picture)
        data = b"".join(writer.encode())
        error = np.abs(shown_pictures(data, (64, 64))[0].astype(int) - picture.astype(int))
        assert error.max() <= worst and error.mean() <= mean


@pytest.mark.parametrize("seed", range(6))
def test_lzw_coding_is_lossless(seed):
    from desktop_app.ui.export import lzw_encode

    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 40_000))
    colours = int(rng.integers(1, 256))
    if seed % 2:
        data = rng.integers(0, colours, size).astype(np.uint8).tobytes()
    else:
        runs = rng.integers(0, colours, size // 9 + 1).astype(np.uint8)
        data = np.repeat(runs, 9)[:size].tobytes()
    assert lzw_decode(lzw_encode(data), 8, len(data)) == data


def test_the_classroom_controls_have_names_for_tests_and_screen_readers(window):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QListWidget

    window.open_lesson(LESSON, act=False)
    dialog = window.show_focus_dialog()
    for root in (window.lesson, dialog):
        controls = [w for kind in (QAbstractButton, QComboBox, QListWidget)
                    for w in root.findChildren(kind)
                    if w.isVisibleTo(root) and not w.objectName().startswith("qt_")]
        assert len(controls) >= 3
        assert all(w.objectName() for w in controls), [w.text() for w in controls]
        assert all(w.accessibleName() for w in controls), [w.objectName() for w in controls]
    for name in ("lesson_first", "lesson_previous", "lesson_next", "lesson_again",
                 "lesson_choice", "lesson_text"):
        widget = window.lesson.findChild(QWidget, name)
        assert widget is not None and widget.accessibleName(), name
    assert dialog.findChild(QWidget, "focus_show_all").accessibleName()


def test_presenter_screenshot_from_the_command_line(tmp_path):
    import os
    import subprocess
    import sys

    picture = tmp_path / "presenter.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "desktop_app", "--tab", "slope", "--presenter",
                           "--screenshot", str(picture)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1280, 800)
    small = image.scaled(160, 100)
    assert len({small.pixel(x, y) for x in range(160) for y in range(100)}) > 50
