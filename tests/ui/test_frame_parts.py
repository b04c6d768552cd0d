"""The parts that keep a frame cheap: solid colours, the grid item, ranges applied at once,
dots, quiet boxes and tab slots, and the tabs that draw their slow parts in turns."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QGraphicsItem, QLabel, QStackedWidget

from desktop_app.ui import theme
from desktop_app.ui.network_tab import TURNS
from desktop_app.ui.plot_grid import GridItem, GridLines, show_grid
from desktop_app.ui.plot_marks import Dot, Dots
from desktop_app.ui.plot_range import set_range_now
from desktop_app.ui.quiet_box import QuietBox


class Counter(QObject):
    """Counts the events of one type an object receives (lets every event through)."""

    def __init__(self, watched: QObject, kind: QEvent.Type) -> None:
        super().__init__()
        self.kind = kind
        self.count = 0
        self.watched = watched
        watched.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == self.kind:
            self.count += 1
        return False

    def remove(self) -> None:
        self.watched.removeEventFilter(self)


def shown_plot(qtbot, width=600, height=400) -> pg.PlotWidget:
    plot = pg.PlotWidget(background=theme.BACKGROUND)
    qtbot.addWidget(plot)
    plot.resize(width, height)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def settle(rounds: int = 3) -> None:
    """Let posted events run; each level of widgets passes a layout request on in a round."""
    for _ in range(rounds):
        QApplication.processEvents()


# -- theme.solid -------------------------------------------------------------------------------


def rgba(colour: QColor) -> tuple[int, int, int, int]:
    return colour.red(), colour.green(), colour.blue(), colour.alpha()


@pytest.mark.parametrize(("colour", "share", "background", "expected"), [
    ("#000000", 0.25, "white", (191, 191, 191)),  # round(0.75 · 255) = 191
    ("#ff0000", 0.5, "#0000ff", (128, 0, 128)),  # round(127.5) = 128 (to even)
    ("#222222", 0.25, "w", (200, 200, 200)),  # 0.25 · 34 + 0.75 · 255 = 199.75
    ("#102030", 1.0, "w", (16, 32, 48)),
    ("#102030", 0.0, "#808080", (128, 128, 128)),
    ("#102030", 2.0, "w", (16, 32, 48)),  # share clipped to 1
    ("#102030", -3.0, "#000000", (0, 0, 0)),  # share clipped to 0
    ("#64c8ff", 0.1, "#000000", (10, 20, 26)),  # 0.1 · 255 = 25.5 -> 26
])
def test_solid_blends_by_hand(colour, share, background, expected):
    assert rgba(theme.solid(colour, share, background)) == (*expected, 255)


def test_solid_is_opaque_over_the_plot_background_even_from_a_see_through_colour():
    see_through = QColor(0, 0, 0, 10)
    assert rgba(theme.solid(see_through, 0.5)) == (128, 128, 128, 255)  # over white
    assert theme.solid("#000000", 0.25, "white") == QColor(191, 191, 191)


# -- grid lines --------------------------------------------------------------------------------


def vertical_xs(grid: GridLines) -> list[list[float]]:
    """The x of the vertical lines, one list per tick level (the bottom axis comes first)."""
    groups = grid.item._groups[:2]
    return [[line.x1() for line in lines] for _pen, lines in groups]


def horizontal_ys(grid: GridLines) -> list[list[float]]:
    return [[line.y1() for line in lines] for _pen, lines in grid.item._groups[2:]]


def major_ticks(plot, name: str, low: float, high: float) -> list[float]:
    view = plot.getPlotItem().getViewBox()
    pixels = view.width() if name == "bottom" else view.height()
    _spacing, values = plot.getPlotItem().getAxis(name).tickValues(low, high, pixels)[0]
    return [v for v in values if low <= v <= high]


def grid_items(plot) -> list:
    return [i for i in plot.scene().items() if isinstance(i, GridItem)]


def test_the_grid_draws_its_lines_at_the_axis_ticks_and_follows_the_range(qtbot):
    plot = shown_plot(qtbot)
    grid = show_grid(plot.getPlotItem())
    assert plot.getPlotItem().grid_lines is grid
    view = plot.getPlotItem().getViewBox()
    view.setRange(xRange=(0, 10), yRange=(-1, 1), padding=0)
    settle()
    assert view.viewRange() == [[0.0, 10.0], [-1.0, 1.0]]
    major = major_ticks(plot, "bottom", 0.0, 10.0)
    assert major == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    assert vertical_xs(grid)[0] == major
    # Vertical lines run across the whole height, horizontal ones across the whole width.
    for line in grid.item._groups[0][1]:
        assert (line.y1(), line.y2()) == (-1.0, 1.0)
    assert horizontal_ys(grid)[0] == major_ticks(plot, "left", -1.0, 1.0)
    for line in grid.item._groups[2][1]:
        assert (line.x1(), line.x2()) == (0.0, 10.0)

    view.setRange(xRange=(20, 30), padding=0)
    settle()
    moved = major_ticks(plot, "bottom", 20.0, 30.0)
    assert moved == [20.0, 22.0, 24.0, 26.0, 28.0, 30.0]
    assert vertical_xs(grid)[0] == moved
    for level in vertical_xs(grid):
        assert all(20.0 <= x <= 30.0 for x in level)
    assert grid.line_count() == sum(len(lines) for _pen, lines in grid.item._groups)
    assert len(grid_items(plot)) == 1


def test_the_grid_is_one_opaque_item_under_the_data(qtbot):
    plot = shown_plot(qtbot)
    curve = plot.plot([0, 1, 2], [0, 1, 0])
    grid = show_grid(plot.getPlotItem())
    view = plot.getPlotItem().getViewBox()
    for x1 in (3, 50, 7):
        view.setRange(xRange=(0, x1), yRange=(0, 1), padding=0)
        settle()
    items = grid_items(plot)
    assert items == [grid.item]
    # Under the data (the view box lifts its items' z to at least its own z + 1 = -99).
    assert grid.item.zValue() < curve.zValue() and grid.item.is_grid
    assert len(grid.item._groups) == 4  # two tick levels, each way
    assert grid.line_count() > 0
    for pen, _lines in grid.item._groups:
        assert pen.color().alpha() == 255
    # The major vertical lines: the foreground at GRID_ALPHA × fade over white, where lines
    # closer than 20 pixels fade: fade = min(1, 0.05 · width / (lines + 1)).
    pen, lines = grid.item._groups[0]
    fade = min(1.0, 0.05 * view.width() / (len(lines) + 1))
    assert pen.color() == theme.solid(theme.FOREGROUND, theme.GRID_ALPHA * fade, "white")
    if fade == 1.0:  # 0.25 · 34 + 0.75 · 255 = 199.75
        assert rgba(pen.color()) == (200, 200, 200, 255)


def test_a_grid_only_across_draws_only_horizontal_lines(qtbot):
    plot = shown_plot(qtbot)
    grid = GridLines(plot.getPlotItem(), x=False, y=True)
    plot.getPlotItem().getViewBox().setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    settle()
    assert grid.axes == ["left"]
    lines = [line for _pen, group in grid.item._groups for line in group]
    assert lines and all(line.y1() == line.y2() for line in lines)
    assert [line.y1() for line in grid.item._groups[0][1]] == \
        major_ticks(plot, "left", 0.0, 10.0)


# -- a range applied at once -------------------------------------------------------------------


def test_set_range_now_applies_the_range_before_the_paint_and_paints_once(qtbot):
    plot = shown_plot(qtbot)
    plot.plot([0, 1, 2, 3], [1, 0, 1, 0])
    view = plot.getPlotItem().getViewBox()
    settle()
    paints = Counter(plot.viewport(), QEvent.Type.Paint)
    set_range_now(view, (0.0, 5.0), (-2.0, 2.0), padding=0.0)
    assert view.viewRange() == [[0.0, 5.0], [-2.0, 2.0]]
    assert view._matrixNeedsUpdate is False
    # The child group already maps the range's corners to the view's corners.
    rect = view.rect()
    transform = view.childGroup.transform()
    top_left = transform.map(QPointF(0.0, 2.0))
    bottom_right = transform.map(QPointF(5.0, -2.0))
    assert (top_left.x(), top_left.y()) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert (bottom_right.x(), bottom_right.y()) == pytest.approx(
        (rect.width(), rect.height()), abs=1e-9)
    assert paints.count == 0
    QApplication.processEvents()
    QApplication.processEvents()
    paints.remove()
    assert paints.count == 1


def test_set_range_now_with_one_range_keeps_the_other(qtbot):
    plot = shown_plot(qtbot)
    view = plot.getPlotItem().getViewBox()
    set_range_now(view, (0.0, 1.0), (10.0, 20.0))
    set_range_now(view, x_range=(-4.0, 4.0))
    assert view.viewRange() == [[-4.0, 4.0], [10.0, 20.0]]
    assert view._matrixNeedsUpdate is False


# -- dots --------------------------------------------------------------------------------------


def drawn_width(dot: Dot, plot: pg.PlotWidget) -> float:
    return dot.deviceTransform(plot.viewportTransform()).mapRect(dot.rect()).width()


def test_a_dot_is_hidden_until_placed_and_hides_for_no_point(qtbot):
    plot = shown_plot(qtbot)
    dot = Dot(10, "#ff0000", pg.mkPen("#000000", width=1))
    plot.addItem(dot)
    assert not dot.isVisible() and dot.getData() == ([], [])
    assert dot.size == 10.0 and dot.rect().getRect() == (-5.0, -5.0, 10.0, 10.0)
    assert dot.flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
    assert dot.brush().color() == QColor("#ff0000")

    dot.set_point((1.5, -2.0))
    assert dot.isVisible() and (dot.pos().x(), dot.pos().y()) == (1.5, -2.0)
    assert dot.getData() == ([1.5], [-2.0])
    dot.set_point(None)
    assert not dot.isVisible() and dot.getData() == ([], [])
    dot.set_point(np.array([3.0, 4.0]))
    assert dot.getData() == ([3.0], [4.0])
    for bad in ((math.nan, 1.0), (1.0, math.inf), (-math.inf, 0.0)):
        dot.set_point((3.0, 4.0))
        assert dot.isVisible()
        dot.set_point(bad)
        assert not dot.isVisible() and dot.getData() == ([], []), bad
    assert (dot.pos().x(), dot.pos().y()) == (3.0, 4.0)  # a bad point is not taken


def test_a_dot_keeps_its_size_in_pixels_whatever_the_zoom(qtbot):
    plot = shown_plot(qtbot)
    dot = Dot(12, "#0000ff", pg.mkPen("#000000", width=1))
    plot.addItem(dot)
    dot.set_point((0.5, 0.5))
    view = plot.getPlotItem().getViewBox()
    widths = []
    for span in (1.0, 1000.0, 0.001):
        set_range_now(view, (0.5 - span, 0.5 + span), (0.5 - span, 0.5 + span))
        widths.append(drawn_width(dot, plot))
    assert widths == pytest.approx([12.0, 12.0, 12.0])
    dot.set_size(20)
    assert dot.size == 20.0 and drawn_width(dot, plot) == pytest.approx(20.0)


def test_dots_keep_the_finite_points_and_paint_them_round(qtbot):
    plot = shown_plot(qtbot, 200, 200)
    dots = Dots(8, "#ff0000", edge="#ffffff")
    plot.addItem(dots)
    dots.set_points([0.0, 1.0, math.nan, 2.0], [0.0, 1.0, 5.0, math.inf])
    xs, ys = dots.getData()
    assert xs.tolist() == [0.0, 1.0] and ys.tolist() == [0.0, 1.0]
    assert dots.dataBounds(0) == (0.0, 1.0) and dots.dataBounds(1) == (0.0, 1.0)
    view = plot.getPlotItem().getViewBox()
    set_range_now(view, (-1.0, 2.0), (-1.0, 2.0))
    # The box Qt repaints reaches half a dot (and its ring) past the centres, in pixels.
    box = dots.mapRectToDevice(dots.boundingRect())
    centres = dots.mapRectToDevice(QRectF(0.0, 0.0, 1.0, 1.0))
    assert box.left() <= centres.left() - 5 and box.right() >= centres.right() + 5
    # Painted: the pixel under a centre takes the dot's colour, one between them does not.
    image = plot.grab().toImage()
    at = plot.mapFromScene(view.mapViewToScene(QPointF(1.0, 1.0)))
    assert image.pixelColor(at) == QColor("#ff0000")
    between = plot.mapFromScene(view.mapViewToScene(QPointF(0.5, 0.5)))
    assert image.pixelColor(between) != QColor("#ff0000")
    dots.set_points([], [])
    assert dots.getData()[0].size == 0 and dots.boundingRect().isNull()


def test_presenter_mode_makes_the_walker_balls_bigger_and_back(window):
    window.show_tab("surface")
    tab = window.tab_by_key("surface")
    tab.step()
    balls = tab.top.balls
    assert all(isinstance(ball, Dot) for ball in balls.values())
    ball = balls["gd"]
    assert ball.isVisible() and ball.size == 14.0
    pen = ball.pen().widthF()
    window.set_presenter(True)
    assert ball.size == pytest.approx(14.0 * theme.PRESENTER_MARKERS)
    assert ball.pen().widthF() == pytest.approx(pen * theme.PRESENTER_LINES)
    window.set_presenter(True)  # again: no bigger still
    assert ball.size == pytest.approx(14.0 * theme.PRESENTER_MARKERS)
    window.set_presenter(False)
    assert ball.size == 14.0 and ball.pen().widthF() == pen


# -- the quiet box -----------------------------------------------------------------------------


def quiet_label(qtbot, width=260):
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(label.textFormat().RichText)
    box = QuietBox(label)
    qtbot.addWidget(box)
    box.resize(width, 200)
    box.show()
    qtbot.waitExposed(box)
    return box, label


RICH_TEXTS = [
    "<b>Step 3</b>: x = 1.25",
    "The walker moved <i>down</i> the slope by <b>0.0625</b> and is now at x = −1.5.",
    "A much longer report: " + "the slope is <b>steep</b> here, " * 8 + "so it moves a lot.",
    "Line one<br>Line two<br>Line three<br>Line four",
    "",
]


def test_the_quiet_box_measures_what_its_label_needs_at_its_width(qtbot):
    box, label = quiet_label(qtbot)
    assert box.width() == 260
    heights = []
    for text in RICH_TEXTS:
        label.setText(text)
        box.refit()
        measured, minimum = box._measure(box.width())
        assert measured == label.heightForWidth(box.width()), text
        assert minimum == label.minimumSizeHint(), text
        heights.append(measured)
        # The box asks for the tallest height its texts needed so far at this width.
        assert box._hints[2] == box.heightForWidth(box.width()) == max(heights), text
    assert heights[2] > heights[1] > 0 and heights[3] > heights[0]


def test_the_quiet_box_holds_a_taller_height_until_its_width_changes(qtbot):
    box, label = quiet_label(qtbot)
    label.setText(RICH_TEXTS[2])  # many lines
    box.refit()
    tall = box.heightForWidth(260)
    label.setText(RICH_TEXTS[0])  # one line
    box.refit()
    assert label.heightForWidth(260) < tall
    assert box.heightForWidth(260) == tall  # held: no new layout for a shorter text
    # At another width the short text asks only for what it needs.
    assert box.heightForWidth(400) == label.heightForWidth(400)
    font = box.font()
    font.setPointSizeF(font.pointSizeF() + 2)
    box.setFont(font)  # bigger letters: the held height is forgotten
    assert box.heightForWidth(260) == label.heightForWidth(260)


def test_the_quiet_box_measures_a_text_once_whatever_its_digits(qtbot):
    box, label = quiet_label(qtbot)
    label.setText("Loss: <b>12.5</b> after 3 epochs")
    box.refit()
    known = len(box._measured)
    twin = box._twin
    assert known >= 1 and twin is not None
    for text in ("Loss: <b>98.1</b> after 7 epochs", "Loss: <b>00.0</b> after 0 epochs",
                 "Loss: <b>45.6</b> after 9 epochs"):
        label.setText(text)
        box.refit()
        assert len(box._measured) == known, text
        assert box._measure(box.width())[0] == label.heightForWidth(box.width())
    assert box._twin is twin and twin.text() == "Loss: <b>12.5</b> after 3 epochs"
    label.setText("Loss: <b>98.1</b> after 7 steps")  # other words: measured anew
    box.refit()
    assert len(box._measured) == known + 1
    assert twin.text() == "Loss: <b>98.1</b> after 7 steps"


# -- the tab slot ------------------------------------------------------------------------------


def test_new_words_in_a_shown_tab_ask_the_tab_widget_for_no_layout(window, qtbot):
    window.show_tab("hot")
    tab = window.tab_by_key("hot")
    assert tab.isVisible()
    slot = tab.parentWidget()
    assert type(slot).__name__ == "_TabSlot" and slot.layout() is None
    tabs = window.tabs
    assert tabs.objectName() == "tabs"
    settle()
    requests = Counter(tabs, QEvent.Type.LayoutRequest)
    for text in ("short", "a somewhat longer text with <b>bold</b> words in it",
                 "x", "Two lines<br>of text", "An even longer text " * 6, ""):
        tab.result.setText(text)
        settle(10)  # more rounds than levels between the label and the tab widget
    requests.remove()
    assert requests.count == 0


def test_a_new_minimum_size_in_a_tab_reaches_the_window(window, qtbot):
    window.show_tab("hot")
    tab = window.tab_by_key("hot")
    settle()
    stack = window.tabs.findChild(QStackedWidget)
    assert stack is not None
    before = window.minimumSizeHint().width()
    assert before < 4000
    requests = Counter(stack, QEvent.Type.LayoutRequest)
    tab.heading.setMinimumWidth(4000)  # (the panel on the right has a minimum of its own)
    qtbot.waitUntil(lambda: window.minimumSizeHint().width() >= 4000, timeout=5000)
    requests.remove()
    assert requests.count >= 1
    assert tab.parentWidget()._hints[0] == tab.minimumSizeHint()
    assert window.tabs.minimumSizeHint().width() >= 4000


# -- digits: the slow parts take turns ---------------------------------------------------------


def timer_tick(tab, epochs_finished: int) -> None:
    tab._from_timer = True
    try:
        tab._draw_tick(epochs_finished)
    finally:
        tab._from_timer = False


def test_digits_results_take_turns_on_the_timer_and_pause_shows_the_rest(window):
    window.show_tab("digits")
    tab = window.tab_by_key("digits")
    lab = tab.lab
    assert not tab.playing and not lab.finished
    parts = [tab._show_numbers, tab._show_confusion, tab._show_first_layer,
             tab._show_mistakes, tab._refresh_reading]
    assert lab.train_epochs(1) == 1
    timer_tick(tab, 1)
    assert tab._later == parts[1:]
    assert tab.accuracy_curve.getData()[0].size == lab.epoch  # the numbers came first
    timer_tick(tab, 0)
    assert tab._later == parts[2:]
    np.testing.assert_array_equal(tab.confusion_plot.counts, lab.confusion())
    for left in (parts[3:], parts[4:], []):
        timer_tick(tab, 0)
        assert tab._later == left  # all five within five ticks of the epoch
    timer_tick(tab, 0)
    assert tab._later == []

    # Epochs in a row: the parts still waiting are not queued twice, and each waits for
    # its turn.
    lab.train_epochs(1)
    timer_tick(tab, 1)
    assert tab._later == parts[1:]
    shown = tab.accuracy_curve.getData()[0].size
    second = lab.confusion()
    lab.train_epochs(1)
    timer_tick(tab, 1)  # the confusion of the second epoch: shown now
    assert tab._later == [*parts[2:], parts[0]]
    np.testing.assert_array_equal(tab.confusion_plot.counts, lab.confusion())
    assert tab.accuracy_curve.getData()[0].size == shown  # the numbers' turn comes later
    assert lab.epoch == shown + 1
    del second
    tab.play()
    tab.pause()
    assert tab._later == []
    assert tab.accuracy_curve.getData()[0].size == lab.epoch
    np.testing.assert_array_equal(tab.confusion_plot.counts, lab.confusion())


def test_a_digits_step_by_hand_shows_everything_at_once(window):
    window.show_tab("digits")
    tab = window.tab_by_key("digits")
    lab = tab.lab
    lab.train_epochs(1)
    timer_tick(tab, 1)
    assert len(tab._later) == 4  # the numbers shown, four parts waiting
    tab.step()
    assert lab.epoch == 2
    assert tab._later == []
    np.testing.assert_array_equal(tab.confusion_plot.counts, lab.confusion())
    assert tab.mistakes_box.title() == f"Mistakes: {len(lab.mistakes())} of {lab.test_y.size}"
    # The status line says what the step did (not the welcome's "make the first move").
    assert window.statusBar().currentMessage() == (
        f"Epoch 2: {100 * lab.test_accuracy():.1f}% of the held-out digits read correctly.")


# -- network: the parts take turns while playing -------------------------------------------------


def loss_points(tab) -> int:
    xs, _ = tab.loss_plot.train.getData()
    return 0 if xs is None else len(xs)


def test_network_loss_curve_is_redrawn_on_its_turns_only(window):
    window.show_tab("network")
    tab = window.tab_by_key("network")
    for _ in range(3):
        tab.step()
    assert loss_points(tab) == tab.lab.epoch + 1 == 4  # epoch 0 too
    turns = []
    for _ in range(2 * len(TURNS)):
        tab.lab.train_epochs(1)
        before = loss_points(tab)
        tab._redraw(full=False)
        turn = TURNS[tab._frame % len(TURNS)]
        turns.append(turn)
        after = loss_points(tab)
        if turn == "loss":
            assert after == tab.lab.epoch + 1, turn
        else:
            assert after == before, turn
    assert sorted(set(turns)) == sorted(set(TURNS))
    assert turns.count("loss") == 2 * TURNS.count("loss") == 4


def shows_outputs(panel, report) -> bool:
    _xs, ys = panel.network_line.getData()
    return np.array_equal(np.sort(ys), np.sort(np.nan_to_num(report.network_outputs)))


def test_network_collapse_waits_for_its_turns_and_a_full_redraw_shows_it_now(window):
    window.show_tab("network")
    tab = window.tab_by_key("network")
    panel = tab.collapse_panel
    assert panel.isVisible()
    tab.step()
    old = tab.lab.collapse()
    assert np.array_equal(panel.report.network_outputs, old.network_outputs)
    tab.lab.train_epochs(20)
    now = tab.lab.collapse()
    assert not np.array_equal(now.network_outputs, old.network_outputs)

    tab._frame = TURNS.index("weights") - 1
    tab._redraw(full=False)  # not the collapse's turn
    assert np.array_equal(panel.report.network_outputs, old.network_outputs)
    assert shows_outputs(panel, old) and not shows_outputs(panel, now)

    tab._redraw(full=True)
    assert np.array_equal(panel.report.network_outputs, now.network_outputs)
    assert shows_outputs(panel, now)
    assert loss_points(tab) == tab.lab.epoch + 1


def test_network_collapse_plot_and_words_take_separate_turns(window):
    window.show_tab("network")
    tab = window.tab_by_key("network")
    panel = tab.collapse_panel
    tab.step()
    old = tab.lab.collapse()
    tab.lab.train_epochs(20)
    now = tab.lab.collapse()
    tab._frame = TURNS.index("collapse plot") - 1
    tab._redraw(full=False)
    assert TURNS[tab._frame % len(TURNS)] == "collapse plot"
    assert shows_outputs(panel, now)
    assert np.array_equal(panel.report.network_outputs, old.network_outputs)
    while TURNS[(tab._frame + 1) % len(TURNS)] != "collapse words":
        tab._redraw(full=False)
        assert np.array_equal(panel.report.network_outputs, old.network_outputs)
    tab._redraw(full=False)
    assert panel.report is tab._collapse
    assert np.array_equal(panel.report.network_outputs, now.network_outputs)


# -- the surface tab: texts in turns, a budget for the steps -------------------------------


def test_surface_texts_are_written_in_turns_and_pause_catches_up(window):
    import desktop_app.ui.surface_tab as surface_tab

    window.show_tab("surface")
    tab = window.tab_by_key("surface")
    tab.reset()
    tab._from_timer = True
    waiting = []
    try:
        for _turn in range(surface_tab.NARRATE_EVERY):
            tab._text_due = 0.0
            tab.advance()  # the text is due: its first part now, the others waiting
            waiting.append([part.__name__ for part in tab._text_parts])
        tab.advance()
        waiting.append([part.__name__ for part in tab._text_parts])
    finally:
        tab._from_timer = False
    # The narration only on every NARRATE_EVERY-th turn of the texts.
    assert waiting == ([["_write_slice_texts", "_fill_table"]] * (surface_tab.NARRATE_EVERY - 1)
                       + [["_write_slice_texts", "_fill_table", "_narrate"],
                          ["_fill_table", "_narrate"]])
    lead = tab.model.lead()
    assert f"step {lead.steps} from" not in tab.narration.toPlainText()  # written later
    tab._playing = True  # as if the timer were running: pause writes what is missing
    tab.pause()
    assert tab._text_parts == []
    assert tab.walkers.item(0, 1).text() == str(lead.steps)
    assert f"step {lead.steps} from" in tab.narration.toPlainText()
    assert window.statusBar().currentMessage() == f"Step {lead.steps}"


def test_a_timer_tick_of_the_surface_race_stops_at_its_budget(window, monkeypatch):
    import desktop_app.ui.surface_tab as surface_tab

    window.show_tab("surface")
    tab = window.tab_by_key("surface")
    tab.reset()
    tab.set_speed(1000.0)  # many steps a tick
    monkeypatch.setattr(surface_tab, "STEP_BUDGET_S", 0.0)
    tab._tick()
    assert tab.model.rounds == 1  # a budget of nothing still makes one round
    monkeypatch.setattr(surface_tab, "STEP_BUDGET_S", 60.0)
    tab._tick()
    assert tab.model.rounds == 1 + surface_tab.steps_per_tick(1000.0, 1, True)


def test_the_loss_axis_first_spans_about_twenty_frames_of_training(window):
    window.show_tab("network")
    tab = window.tab_by_key("network")
    view = tab.loss_plot.getPlotItem().getViewBox()
    for per_frame, first in ((10, 200.0), (1, 50.0), (4, 80.0)):
        tab.settings.epochs_per_frame = per_frame
        tab.reset()
        tab.lab.train_epochs(3)
        tab._redraw(full=True)
        assert view.viewRange()[0] == pytest.approx([0.0, first]), per_frame
        tab.lab.train_epochs(int(first))  # past the end: the axis doubles
        tab._redraw(full=True)
        assert view.viewRange()[0] == pytest.approx([0.0, 2 * first]), per_frame
