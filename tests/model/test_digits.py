"""The handwritten digits: the data set, drawings in its form, and a network learning it."""

# X, T, W: the usual mathematical names.
# ruff: noqa: N806

import gzip
import hashlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app import paths
from desktop_app.model import digits
from desktop_app.model.digits import DigitsLab, digit_from_drawing, load_digits


def _arc(cx, cy, rx, ry, a0, a1, n=24):
    t = np.radians(np.linspace(a0, a1, n))
    return [(cx + rx * np.cos(a), cy - ry * np.sin(a)) for a in t]


#: One way of writing each digit, as strokes in a unit box (x right, y down).
STROKES = {
    0: [_arc(0.5, 0.5, 0.3, 0.45, 90, 450)],
    1: [[(0.35, 0.25), (0.55, 0.05), (0.55, 0.95)]],
    2: [_arc(0.5, 0.3, 0.3, 0.25, 160, -40) + [(0.2, 0.95), (0.85, 0.95)]],
    3: [_arc(0.5, 0.28, 0.28, 0.23, 150, -90) + _arc(0.5, 0.72, 0.3, 0.23, 90, -150)],
    4: [[(0.65, 0.95), (0.65, 0.05), (0.15, 0.7), (0.9, 0.7)]],
    5: [[(0.8, 0.05), (0.3, 0.05), (0.25, 0.45)] + _arc(0.5, 0.67, 0.32, 0.28, 140, -150)],
    6: [[(0.7, 0.05)] + _arc(0.5, 0.68, 0.3, 0.27, 150, 510)],
    7: [[(0.15, 0.05), (0.85, 0.05), (0.4, 0.95)]],
    8: [_arc(0.5, 0.27, 0.25, 0.22, -90, 270) + _arc(0.5, 0.72, 0.3, 0.23, 90, -270)],
    9: [_arc(0.5, 0.3, 0.3, 0.25, -20, 340) + [(0.8, 0.3), (0.75, 0.95)]],
}


def render(strokes, size, x0, y0, side, pen=0.18):
    """Strokes drawn with an anti-aliased round pen (``pen`` × ``side`` wide) into a
    size × size picture, the unit box placed at (x0, y0) with the given side (pixels)."""
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    distance = np.full((size, size), np.inf)
    for stroke in strokes:
        P = np.array([(x0 + side * x, y0 + side * y) for x, y in stroke])
        for (ax, ay), (bx, by) in zip(P[:-1], P[1:], strict=True):
            dx, dy = bx - ax, by - ay
            if dx == dy == 0:
                continue
            t = np.clip(((xx - ax) * dx + (yy - ay) * dy) / (dx * dx + dy * dy), 0, 1)
            distance = np.minimum(distance, np.hypot(xx - (ax + t * dx), yy - (ay + t * dy)))
    return np.clip(pen * side / 2 - distance + 0.5, 0.0, 1.0)


def blocks_drawing(sample):
    """An 8 × 8 sample drawn back as a 32 × 32 bitmap: a value v lights the first v pixels
    of its 4 × 4 block, row by row."""
    lit = np.arange(16)[None, :] < np.asarray(sample).reshape(64, 1)
    return lit.reshape(8, 8, 4, 4).transpose(0, 2, 1, 3).reshape(32, 32).astype(float)


@pytest.fixture(scope="module")
def trained():
    lab = DigitsLab()
    lab.run()
    return lab


# -- the data set ---------------------------------------------------------------------------


def test_the_data_set_is_the_uci_test_set_as_scikit_learn_ships_it():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and np.issubdtype(y.dtype, np.integer)
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))
    assert set(np.unique(y)) == set(range(10))
    counts = np.bincount(y)
    assert counts.sum() == 1797 and counts.min() >= 170 and counts.max() <= 190
    # The first digit of the file is a 0 (its well-known top row).
    assert y[0] == 0 and list(X[0, :8]) == [0, 0, 5, 13, 9, 1, 0, 0]


def test_the_data_file_is_the_one_documented_with_its_licence():
    data = paths.resource(*digits.DATA_FILE)
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    note = paths.resource("digits", "README.md").read_text(encoding="utf-8")
    assert digest in note
    assert "CC BY 4.0" in note and "Alpaydin" in note and "Kaynak" in note
    with gzip.open(data, "rt") as f:
        assert sum(1 for _ in f) == 1797


def test_the_datasets_module_hands_out_the_same_digits():
    from desktop_app.model import datasets

    X, y = datasets.load_digits()
    assert X is load_digits()[0] and y is load_digits()[1]
    image = np.zeros((50, 40))
    image[5:45, 18:24] = 1.0
    assert np.array_equal(datasets.digit_from_drawing(image), digit_from_drawing(image))
    assert datasets.digit_from_drawing(image).any()
    assert not datasets.digit_from_drawing(np.zeros((9, 9))).any()


def test_loading_is_cached_and_read_only():
    X1, y1 = load_digits()
    X2, y2 = load_digits()
    assert X1 is X2 and y1 is y2
    with pytest.raises(ValueError):
        X1[0, 0] = 3.0


def test_the_split_holds_out_a_fifth_of_every_digit_always_the_same():
    _, y = load_digits()
    train, test = digits.split_indices(y)
    assert np.intersect1d(train, test).size == 0
    assert np.array_equal(np.union1d(train, test), np.arange(y.size))
    for label in range(10):
        assert np.sum(y[test] == label) == round(0.2 * np.sum(y == label))
    again = digits.split_indices(y)
    assert np.array_equal(again[1], test)
    assert test.size == 359


# -- a drawing in the data set's form -----------------------------------------------------------


@pytest.mark.parametrize("image", [np.zeros((280, 280)), np.full((50, 90), 0.49),
                                   np.zeros((1, 1))])
def test_an_empty_drawing_gives_all_zeros(image):
    values = digit_from_drawing(image)
    assert values.shape == (64,) and not values.any()


def test_a_full_page_of_ink_gives_all_sixteens():
    assert np.array_equal(digit_from_drawing(np.ones((40, 40))), np.full(64, 16.0))


def test_a_thin_tall_stroke_is_centred_keeping_its_shape():
    image = np.zeros((100, 100))
    image[10:90, 20:30] = 1.0  # 80 tall, 10 wide: 32 tall, 4 wide once scaled
    values = digit_from_drawing(image).reshape(8, 8)
    assert np.array_equal(values[:, 3:5], np.full((8, 2), 8.0))  # 4 columns: 2 + 2 pixels
    assert not values[:, :3].any() and not values[:, 5:].any()


def test_samples_drawn_back_from_their_blocks_come_back_close(trained):
    X, _ = load_digits()
    back = np.array([digit_from_drawing(blocks_drawing(x)) for x in X])
    difference = np.abs(back - X).mean(axis=1)  # mean over the 64 values, out of 16
    # Most come back exactly; the others moved sideways, because the data set did not
    # always centre a digit in its box and the preprocessing does.
    assert difference.mean() <= 0.8
    assert np.mean(difference == 0) >= 0.55
    assert np.mean(difference <= 2.5) >= 0.90
    # And a trained network reads them the same way.
    same = trained.net.predict_classes(back / 16) == trained.net.predict_classes(X / 16)
    assert same.mean() >= 0.95


def test_a_sample_scaled_up_by_a_whole_factor_gives_the_same_values():
    X, _ = load_digits()
    for k in (3, 8):
        for x in X[:40]:
            small = blocks_drawing(x)
            big = np.kron(small, np.ones((k, k)))
            assert np.array_equal(digit_from_drawing(big), digit_from_drawing(small))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=6, max_size=6), min_size=9, max_size=9),
       st.integers(1, 5), st.integers(0, 20), st.integers(0, 20))
def test_moving_and_enlarging_a_drawing_changes_nothing(rows, k, dx, dy):
    shape = np.array(rows, dtype=float)
    if not shape.any():
        shape[4, 3] = 1.0
    canvas = np.zeros((9 * k + 25, 6 * k + 25))
    canvas[dy:dy + 9 * k, dx:dx + 6 * k] = np.kron(shape, np.ones((k, k)))
    assert np.array_equal(digit_from_drawing(canvas), digit_from_drawing(shape))


@pytest.mark.parametrize("digit", range(10))
def test_stroke_drawings_anywhere_and_at_any_size_give_nearly_the_same_values(digit):
    strokes = STROKES[digit]
    reference = digit_from_drawing(render(strokes, 256, 28, 28, 200))
    for size, x0, y0, side in [(256, 100, 20, 97), (256, 12, 150, 60), (300, 33, 41, 230),
                               (80, 10, 8, 56), (256, 120, 130, 101)]:
        values = digit_from_drawing(render(strokes, size, x0, y0, side))
        assert np.abs(values - reference).mean() <= 0.6, (size, side)
        assert np.abs(values - reference).max() <= 4


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.integers(0, 2**32 - 1))
def test_any_picture_gives_64_whole_numbers_from_0_to_16(h, w, seed):
    image = np.random.default_rng(seed).uniform(-0.5, 1.5, (h, w))
    values = digit_from_drawing(image)
    assert values.shape == (64,) and values.dtype == np.float64
    assert values.min() >= 0 and values.max() <= 16 and np.array_equal(values, np.round(values))
    if not (image >= 0.5).any():
        assert not values.any()


@pytest.mark.parametrize("shape", [(1, 100), (100, 1), (3, 500), (1, 1), (2, 37)])
def test_a_long_thin_line_does_not_vanish(shape):
    values = digit_from_drawing(np.ones(shape)).reshape(8, 8)
    assert values.sum() >= 2 * 32 or shape == (1, 1)
    assert values.any()


def test_nan_counts_as_paper_and_bad_shapes_are_refused():
    image = np.full((20, 20), np.nan)
    image[5:15, 8:12] = 1.0
    assert digit_from_drawing(image).any()
    for bad in (np.zeros(10), np.zeros((2, 2, 2)), "ink"):
        with pytest.raises(ValueError):
            digit_from_drawing(bad)


def test_drawn_digits_are_read_correctly_by_a_trained_network(trained):
    right = 0
    for digit, strokes in STROKES.items():
        values = digit_from_drawing(render(strokes, 200, 20, 20, 160, pen=0.22))
        right += int(np.argmax(trained.read(values)) == digit)
    assert right >= 9


# -- the lab ---------------------------------------------------------------------------------------


def test_the_default_network_learns_to_read_95_percent_of_the_held_out_digits():
    lab = DigitsLab()
    assert lab.layer_sizes == (64, 32, 10) and lab.target == 40
    assert lab.test_accuracy() < 0.3  # untrained
    trained_epochs = lab.run()
    assert trained_epochs == 40 and lab.finished and lab.epoch == 40
    assert lab.test_accuracy() >= 0.95
    assert lab.accuracies[-1] == lab.test_accuracy() and len(lab.losses) == 40
    assert lab.losses[-1] < lab.losses[0]
    assert max(lab.accuracies[:15]) >= 0.95  # it gets there early


def test_confusion_matrix_and_mistakes_agree_with_the_predictions(trained):
    counts = trained.confusion()
    assert counts.shape == (10, 10) and counts.sum() == trained.test_idx.size
    assert np.array_equal(counts.sum(axis=1), np.bincount(trained.test_y, minlength=10))
    wrong = trained.test_idx.size - int(np.trace(counts))
    mistakes = trained.mistakes()
    assert len(mistakes) == wrong > 0
    X, y = load_digits()
    for m in mistakes:
        assert m.true == y[m.index] != m.guessed
        assert trained.net.predict_classes(X[m.index:m.index + 1] / 16)[0] == m.guessed
        assert counts[m.true, m.guessed] >= 1
        assert m.text == f"true {m.true}, guessed {m.guessed}"


def test_training_in_slices_does_the_same_arithmetic_as_whole_epochs():
    whole = DigitsLab()
    whole.train_epochs(2)
    sliced = DigitsLab()
    calls = 0
    while sliced.epoch < 2:
        sliced.train_slice(seconds=0.0)  # one mini-batch per call
        calls += 1
    assert calls == 2 * int(np.ceil(sliced.train_x.shape[0] / 32))
    assert np.array_equal(whole.net.flat, sliced.net.flat)
    assert whole.losses == pytest.approx(sliced.losses, rel=1e-12)


def test_progress_counts_the_batches_of_the_epoch_under_way():
    lab = DigitsLab()
    lab.settings.epochs = 2
    lab.new_network()
    assert lab.progress == 0.0
    for _ in range(23):  # 23 of the 45 batches of the first epoch
        lab.train_slice(seconds=0.0)
    assert lab.progress == pytest.approx(23 * 32 / 1438 / 2)
    lab.run()
    assert lab.progress == 1.0 and lab.finished


def test_first_layer_pictures_are_the_weights_from_each_pixel():
    lab = DigitsLab()
    pictures = lab.first_layer()
    W, _ = lab.net.params[0]
    assert pictures.shape == (32, 8, 8)
    assert pictures[5, 2, 7] == W[2 * 8 + 7, 5]
    lab.settings.hidden = ()
    lab.new_network()
    assert lab.layer_sizes == (64, 10) and lab.first_layer().shape == (10, 8, 8)


def test_the_penalty_pulls_the_weights_of_never_inked_pixels_to_zero():
    X, _ = load_digits()
    never = np.flatnonzero(X.max(axis=0) == 0)  # e.g. the top-left corner
    assert never.size > 0
    lab = DigitsLab()
    before = np.abs(lab.net.params[0][0][never]).mean()
    lab.run()
    assert np.abs(lab.net.params[0][0][never]).mean() < 0.2 * before
    lab.settings.l2 = 0.0
    lab.new_network()
    lab.run()
    assert np.abs(lab.net.params[0][0][never]).mean() == pytest.approx(before)


def test_a_huge_learning_rate_blows_up_and_says_so():
    lab = DigitsLab()
    lab.settings.optimizer = "gd"
    lab.settings.learning_rate = 10.0
    lab.settings.l2 = 1.0
    lab.new_network()
    lab.train_epochs(200)
    assert lab.diverged and lab.finished
    assert lab.train_slice(0.01) == 0


@pytest.mark.parametrize("text, hidden", [("32", (32,)), ("64, 32", (64, 32)),
                                          ("  ", ()), ("none", ()), ("16;8", (16, 8)),
                                          ("8 4 2", (8, 4, 2))])
def test_hidden_layers_are_read_from_text(text, hidden):
    assert digits.parse_hidden(text) == hidden


@pytest.mark.parametrize("text, words", [("abc", "not a whole number"),
                                         ("1, 2, 3, 4", "at most 3"),
                                         ("300", "from 1 to 256"), ("2.5", "not a whole")])
def test_bad_hidden_layers_are_explained(text, words):
    with pytest.raises(ValueError, match=words):
        digits.parse_hidden(text)


# -- saving ------------------------------------------------------------------------------------


def test_state_round_trip_keeps_settings_and_trained_weights(trained):
    state = trained.state()
    other = DigitsLab()
    other.restore(state)
    assert np.array_equal(other.net.flat, trained.net.flat)
    assert other.epoch == trained.epoch and other.test_accuracy() == trained.test_accuracy()
    assert other.state() == state


def test_a_big_network_saves_only_its_settings():
    lab = DigitsLab()
    lab.settings.hidden = (256, 64)
    lab.new_network()
    assert lab.net.parameter_count > digits.MAX_SAVED_PARAMETERS
    state = lab.state()
    assert state["network"] is None and state["hidden"] == [256, 64]
    other = DigitsLab()
    other.restore(state)
    assert other.settings.hidden == (256, 64) and other.layer_sizes == (64, 32, 10)


def test_restoring_only_settings_keeps_the_network():
    lab = DigitsLab()
    before = lab.net.flat.copy()
    lab.restore({"hidden": [16], "activation": "relu", "epochs": 5})
    assert lab.settings.hidden == (16,) and lab.settings.activation == "relu"
    assert np.array_equal(lab.net.flat, before)
    lab.new_network()
    assert lab.layer_sizes == (64, 16, 10) and lab.target == 5


@pytest.mark.parametrize("bad", [
    "nope",
    {"hidden": [0]},
    {"learning_rate": -1},
    {"activation": "softmax"},
    {"batch_size": 0},
    {"network": {"layer_sizes": [64, 32, 10], "weights": [0.0, 1.0]}},
    {"network": {"layer_sizes": [63, 32, 10], "weights": []}},
    {"network": {"layer_sizes": [64, 10], "weights": [float("nan")] * 650}},
    {"network": "weights"},
])
def test_a_bad_state_is_refused_and_changes_nothing(bad):
    lab = DigitsLab()
    lab.train_epochs(1)
    before = lab.state()
    with pytest.raises(ValueError):
        lab.restore(bad)
    assert lab.state() == before
