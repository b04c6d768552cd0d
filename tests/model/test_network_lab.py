"""The network builder's model: examples, training runs, collapse, pictures, landscapes."""

# ruff: noqa: N806 (X, T, W: the usual mathematical names)

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.model import datasets, expression, optimizers
from desktop_app.model import network_lab as lab_module
from desktop_app.model.network import Network
from desktop_app.model.network_lab import (
    CONVERGED,
    DIVERGED,
    READY,
    TYPED,
    NetworkLab,
    ParameterHistory,
    check_settings,
    class_score,
    closest_linear,
    collapse_report,
    distance_squared,
    make_three_input,
    neuron_pictures,
    picture_inputs,
    residuals,
    training_targets,
)

# -- the article's 3-input sets ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(lab_module.THREE_INPUT_SETS))
def test_three_input_sets_are_exact_and_reproducible(name):
    data = make_three_input(name, 50, 0.0, seed=4)
    assert data.X.shape == (50, 3) and data.T.shape == (50, 1)
    assert data.input_names == ("x", "y", "z") and data.kind == "regression"
    assert np.abs(data.X).max() <= 1.0
    x, y, z = data.X.T
    expected = 2.3 * x + 4.2 * y + 5.1 * z + 1 if name == "article_flat" else x**2 + y * z
    np.testing.assert_allclose(data.T[:, 0], expected, rtol=1e-15, atol=1e-15)
    again = make_three_input(name, 50, 0.0, seed=4)
    np.testing.assert_array_equal(again.X, data.X)
    noisy = make_three_input(name, 50, 0.5, seed=4)
    np.testing.assert_array_equal(noisy.X, data.X)
    assert 0.1 < np.std(noisy.T - data.T) < 1.0


def test_three_input_sets_refuse_nonsense():
    with pytest.raises(ValueError, match="unknown"):
        make_three_input("cube", 10)
    with pytest.raises(ValueError):
        make_three_input("article_flat", 1)
    with pytest.raises(ValueError):
        make_three_input("article_flat", 10, noise=-1)


# -- small pure functions ----------------------------------------------------------------------


def test_training_targets_are_plus_minus_one_for_squared_error_classes():
    data = datasets.make("xor", 20, 0.0, 0)
    np.testing.assert_array_equal(training_targets(data, "cross_entropy"), data.T)
    np.testing.assert_array_equal(training_targets(data, "mse"), 2 * data.T - 1)
    plane = datasets.make("plane", 20, 0.0, 0)
    np.testing.assert_array_equal(training_targets(plane, "mse"), plane.T)


def test_class_score_is_zero_on_the_decision_boundary():
    y = np.array([-50.0, -1.0, 0.0, 2.0, 50.0])
    np.testing.assert_allclose(class_score(y, "cross_entropy"),
                               2 / (1 + np.exp(-y)) - 1, atol=1e-15)
    np.testing.assert_array_equal(class_score(y, "mse"), [-1, -1, 0, 1, 1])
    assert np.all(np.sign(class_score(y, "cross_entropy")) == np.sign(y))


def test_distance_squared_is_the_sum_of_squared_residuals():
    data = datasets.make("curve:parabola", 11, 0.0, 0)
    net = Network([1, 3, 1], ["tanh", "linear"], seed=2)
    g, r = residuals(net, data.X, data.T)
    np.testing.assert_allclose(g, net.forward(data.X)[:, 0])
    np.testing.assert_allclose(r, g - data.T[:, 0])
    by_hand = sum((gi - ti) ** 2 for gi, ti in zip(g, data.T[:, 0], strict=True))
    assert distance_squared(net, data.X, data.T) == pytest.approx(by_hand, rel=1e-14)
    # mse is the mean of half the squares: distance² = 2 n mse
    assert distance_squared(net, data.X, data.T) == pytest.approx(
        2 * 11 * net.loss(data.X, data.T, "mse"), rel=1e-14)


def test_a_linear_network_collapses_into_its_equivalent_neuron():
    net = Network([3, 4, 2, 1], "linear", seed=3)
    X = np.random.default_rng(0).uniform(-2, 2, (40, 3))
    report = collapse_report(net, X)
    W, b = net.equivalent_linear()
    assert report.collapses and report.nonlinear == ()
    np.testing.assert_array_equal(report.weights, W[:, 0])
    assert report.bias == b[0]
    assert report.max_difference < 1e-12
    np.testing.assert_allclose(report.neuron_outputs, report.network_outputs, atol=1e-12)
    single = Network([3, 1], "linear")
    single.params[0][0][...] = W
    single.params[0][1][...] = b
    assert report.formula == single.neuron_formula(1, 0)
    assert "single neuron" in report.reason


def test_a_bent_layer_is_named_and_no_straight_neuron_matches():
    net = Network([2, 3, 3, 1], ["linear", "relu", "linear"], seed=1)
    X = np.random.default_rng(1).uniform(-1, 1, (60, 2))
    report = collapse_report(net, X)
    assert not report.collapses
    assert report.nonlinear == ((2, "relu"),)
    assert report.weights is None and report.max_difference is None
    assert "layer 2 (hidden layer 2) uses relu" in report.reason
    assert report.closest_gap > 1e-3
    out = Network([2, 1], "sigmoid", seed=1)
    assert "layer 1 (the output layer) uses sigmoid" in collapse_report(out, X).reason


def test_closest_linear_is_exact_on_straight_data_and_least_squares_otherwise():
    X = np.random.default_rng(2).uniform(-1, 1, (30, 2))
    y = 0.5 * X[:, 0] - 2 * X[:, 1] + 3
    np.testing.assert_allclose(closest_linear(X, y), y, atol=1e-12)
    bent = X[:, 0] ** 2
    fit = closest_linear(X, bent)
    A = np.column_stack([X, np.ones(30)])
    np.testing.assert_allclose(A.T @ (fit - bent), 0, atol=1e-12)  # normal equations
    assert np.isnan(closest_linear(X, np.full(30, np.nan))).all()


def test_picture_inputs_cover_the_square_and_the_slice():
    X, shape = picture_inputs(2, ((-1, 1), (0, 2)), 5)
    assert shape == (5, 5) and X.shape == (25, 2)
    grid = X.reshape(5, 5, 2)
    np.testing.assert_allclose(grid[0, :, 0], np.linspace(-1, 1, 5))  # first row: x across
    np.testing.assert_allclose(grid[:, 0, 1], np.linspace(0, 2, 5))   # rows go up in y
    X3, shape3 = picture_inputs(3, ((-1, 1), (-1, 1), (-1, 1)), 4)
    assert shape3 == (4, 4) and np.all(X3[:, 2] == 0)
    X1, shape1 = picture_inputs(1, ((-3, 3),), 7)
    assert shape1 == (7,) and X1.shape == (7, 1)


def test_neuron_pictures_are_every_neuron_scaled_into_minus_one_to_one():
    net = Network([2, 3, 2, 1], ["tanh", "relu", "linear"], seed=5)
    X, shape = picture_inputs(2, ((-2, 2), (-2, 2)), 6)
    pictures = neuron_pictures(net, X, shape)
    assert [p.shape for p in pictures] == [(2, 6, 6), (3, 6, 6), (2, 6, 6), (1, 6, 6)]
    _, post = net.forward_all(X)
    # tanh is shown as it is; the inputs and linear outputs divided by their largest size
    np.testing.assert_allclose(pictures[1][2].ravel(), post[1][:, 2])
    np.testing.assert_allclose(pictures[0][0].ravel(), X[:, 0] / 2)
    top = np.abs(post[3][:, 0]).max()
    np.testing.assert_allclose(pictures[3][0].ravel(), post[3][:, 0] / top)
    for p in pictures:
        assert np.all(np.abs(p) <= 1.0) and np.isfinite(p).all()
    sig = Network([1, 2, 1], ["sigmoid", "linear"], seed=0)
    X1, shape1 = picture_inputs(1, ((-1, 1),), 9)
    np.testing.assert_allclose(neuron_pictures(sig, X1, shape1)[1],
                               2 * sig.forward_all(X1)[1][1].T - 1)


# -- parameter history ---------------------------------------------------------------


def test_history_keeps_everything_while_it_fits():
    history = ParameterHistory(3, capacity=8)
    for k in range(5):
        history.append(np.array([k, 10.0 * k, -k]))
    assert len(history) == 5 and history.stride == 1
    np.testing.assert_array_equal(history.path(0, 2), [[k, -k] for k in range(5)])


def test_history_thins_evenly_and_always_ends_at_the_newest():
    history = ParameterHistory(2, capacity=8)
    for k in range(100):
        history.append(np.array([k, 0.0]))
    path = history.path(0, 1)[:, 0]
    assert len(history) <= 9 and history.stride == 16
    assert path[0] == 0 and path[-1] == 99
    np.testing.assert_array_equal(np.diff(path[:-1]), 16)


@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 400), capacity=st.integers(4, 40))
def test_history_is_bounded_and_ordered(count, capacity):
    history = ParameterHistory(1, capacity=capacity)
    for k in range(count):
        history.append(np.array([float(k)]))
    path = history.path(0, 0)[:, 0]
    assert len(path) == len(history) <= capacity + 1
    assert path[0] == 0 and path[-1] == count - 1
    assert np.all(np.diff(path) > 0)


# -- the lab -------------------------------------------------------------------------


def same_run(lab: NetworkLab):
    """A network, data and optimizer built by hand from the lab's default settings."""
    data = datasets.make("xor", 200, 0.0, 0)
    train, test = datasets.split(data, 0.3, 0)
    net = Network([2, 4, 4, 1], ["tanh", "tanh", "linear"], seed=0)
    return net, train, test, optimizers.make("adam", 0.03)


def test_an_epoch_of_the_lab_is_an_epoch_of_the_network():
    lab = NetworkLab()
    net, train, test, opt = same_run(lab)
    np.testing.assert_array_equal(lab.train.X, train.X)
    np.testing.assert_array_equal(lab.net.flat, net.flat)
    for _ in range(3):
        net.train_epoch(train.X, train.T, opt, "cross_entropy", 10)
    assert lab.train_epochs(3) == 3
    np.testing.assert_array_equal(lab.net.flat, net.flat)
    epochs, train_loss, test_loss = lab.history()
    assert epochs.tolist() == [0, 1, 2, 3] and lab.epoch == 3
    assert train_loss[-1] == net.loss(train.X, train.T, "cross_entropy")
    assert test_loss[-1] == net.loss(test.X, test.T, "cross_entropy")
    assert len(lab.path(0, 1)) == 4
    np.testing.assert_array_equal(lab.path(0, 1)[-1], net.flat[[0, 1]])


def test_training_converges_and_can_go_on():
    lab = NetworkLab()
    lab.settings.dataset = "circle"
    done = lab.train_epochs(5000)
    assert lab.status == CONVERGED and done < 5000
    assert lab.accuracies()[0] >= 0.95
    more = lab.train_epochs(3)  # asked again, it trains on (and stops again at the floor)
    assert more >= 1 and lab.epoch == done + more
    lab.resume()
    assert lab.status == READY


def test_a_huge_learning_rate_is_reported_as_diverged():
    lab = NetworkLab()
    lab.settings.task = "regress"
    lab.settings.optimizer = "gd"
    lab.settings.learning_rate = 10.0
    lab.train_epochs(200)
    assert lab.status == DIVERGED and lab.diverged
    assert lab.train_epochs(5) == 0
    lab.reset()
    assert lab.status == READY and lab.epoch == 0 and np.isfinite(lab.net.flat).all()


def test_task_changes_rebuild_inputs_and_defaults():
    lab = NetworkLab()
    lab.settings.task = "fit"
    assert lab.layer_sizes == (1, 4, 4, 1)
    assert lab.settings.loss == "mse" and lab.settings.points == 24
    assert lab.data.name == "curve:parabola" and len(lab.train) + len(lab.test) == 24
    lab.settings.task = "article"
    assert lab.layer_sizes == (3, 4, 4, 1)
    lab.settings.task = "classify"
    assert lab.settings.loss == "cross_entropy" and lab.data.name == "xor"


def test_layer_changes_keep_the_weights_that_fit():
    lab = NetworkLab()
    lab.train_epochs(2)
    before = lab.net.copy()
    lab.add_neuron(1)
    assert lab.layer_sizes == (2, 5, 4, 1)
    np.testing.assert_array_equal(lab.net.params[0][0][:, :4], before.params[0][0])
    assert lab.epoch == 0  # the history starts again
    lab.add_hidden_layer()
    assert lab.layer_sizes == (2, 5, 4, 4, 1)
    assert lab.settings.activations == ("tanh", "tanh", "tanh", "linear")
    lab.remove_hidden_layer()
    lab.remove_hidden_layer()
    lab.remove_hidden_layer()
    assert lab.layer_sizes == (2, 1) and lab.settings.activations == ("linear",)
    with pytest.raises(ValueError):
        lab.remove_hidden_layer()
    lab.add_hidden_layer()
    assert lab.layer_sizes == (2, 4, 1) and lab.settings.activations == ("tanh", "linear")
    for _ in range(4):
        lab.add_neuron(1)
    with pytest.raises(ValueError):
        lab.add_neuron(1)
    with pytest.raises(ValueError):
        lab.add_neuron(2)
    lab.set_activation(1, "relu")
    assert lab.net.activations == ("relu", "linear")
    with pytest.raises(ValueError):
        lab.set_activation(1, "wobbly")


def test_optimizer_and_rate_changes_keep_training():
    lab = NetworkLab()
    lab.train_epochs(2)
    weights = lab.net.flat.copy()
    lab.settings.learning_rate = 0.1
    assert lab.optimizer.lr == 0.1 and lab.epoch == 2
    lab.settings.optimizer = "momentum"
    assert lab.optimizer.key == "momentum" and lab.optimizer.lr == 0.1
    np.testing.assert_array_equal(lab.net.flat, weights)
    lab.settings.loss = "mse"
    np.testing.assert_array_equal(lab.train_targets, 2 * lab.train.T - 1)
    assert lab.epoch == 0


def test_regularisation_is_part_of_the_objective():
    lab = NetworkLab()
    plain = lab.objective()
    lab.settings.regularization = "l2"
    lab.settings.regularization_rate = 0.5
    weights = sum(float(np.sum(W * W)) for W, _ in lab.net.params)
    assert lab.objective() == pytest.approx(plain + 0.25 * weights)
    assert lab.l2 == 0.5 and lab.l1 == 0.0


def test_typed_weights_and_points():
    lab = NetworkLab()
    lab.set_weight(3, 2.5)
    assert lab.net.flat[3] == 2.5 and lab.epoch == 0
    assert lab.losses()[0] == lab.net.loss(lab.train.X, lab.train.T, "cross_entropy")
    with pytest.raises(ValueError):
        lab.set_weight(10_000, 1.0)
    with pytest.raises(ValueError):
        lab.set_weight(0, math.nan)
    n = len(lab.train)
    lab.add_point(0.2, 0.3, other_class=True)
    assert len(lab.train) == n + 1 and lab.train.T[-1, 0] == 0.0
    assert lab.added == [(0.2, 0.3, 0.0)]
    lab.settings.noise = 0.1  # the examples are made again; the added point stays
    assert len(lab.train) == n + 1
    lab.settings.dataset = "circle"  # another set: it goes
    assert len(lab.train) == n and lab.added == []
    lab.settings.task = "regress"
    with pytest.raises(ValueError):
        lab.add_point(0.0, 0.0)


def test_a_typed_formula_is_checked_before_it_is_used():
    lab = NetworkLab()
    lab.settings.task = "fit"
    with pytest.raises(expression.ExpressionError):
        lab.set_formula("x^2 +")
    assert lab.settings.dataset == "curve:parabola"
    lab.set_formula("2x - 1")
    assert lab.settings.dataset == TYPED and lab.settings.formula == "2x - 1"
    np.testing.assert_allclose(lab.data.T[:, 0], 2 * lab.data.X[:, 0] - 1)
    xs = np.array([0.0, 1.0])
    np.testing.assert_allclose(lab.target_curve(xs), [-1.0, 1.0])


def test_the_article_network():
    lab = NetworkLab()
    lab.use_article_network()
    assert lab.layer_sizes == (3, 3, 3, 1)
    assert lab.net.activations == ("linear",) * 3
    assert lab.collapse().collapses
    lab.train_epochs(500)
    weights = lab.collapse().weights
    np.testing.assert_allclose(weights, [2.3, 4.2, 5.1], atol=0.05)


def test_the_landscape_is_centred_on_the_network_and_works_on_copies():
    lab = NetworkLab()
    lab.train_epochs(3)
    a, b = lab.net.flat_index(1, 0, 0), lab.net.flat_index(3, None, 0)
    job = lab.landscape_job(a, b, n=21)
    objective = lab.objective()
    lab.train_epochs(2)  # training goes on while the job waits
    landscape = job()
    assert landscape.loss.shape == (21, 21)
    assert landscape.centre_loss == pytest.approx(objective, rel=1e-12)
    assert landscape.epoch == 3
    # it reaches far enough to hold the path
    path = lab.path(a, b)[:4]
    assert landscape.values_a[0] <= path[:, 0].min() and path[:, 0].max() <= landscape.values_a[-1]
    with pytest.raises(ValueError):
        lab.landscape_job(a, a)
    with pytest.raises(ValueError):
        lab.landscape_job(a, b, n=20)


def test_state_round_trip_and_refusals():
    lab = NetworkLab()
    lab.settings.dataset = "spiral"
    lab.add_neuron(2)
    lab.add_point(0.1, 0.1)
    lab.train_epochs(4)
    saved = lab.state()
    other = NetworkLab()
    other.restore(saved)
    np.testing.assert_array_equal(other.net.flat, lab.net.flat)
    np.testing.assert_array_equal(other.train.X, lab.train.X)
    assert other.state() == saved
    before = other.state()
    for bad in ({"layer_sizes": [3, 4, 5, 1]}, {"weights": [0.0]}, {"points": 1},
                {"weights": [math.inf] * len(saved["weights"])}, {"added_points": [[1, 2]]},
                {"dataset": "spiral", "task": "fit"}, "nonsense"):
        with pytest.raises(ValueError):
            other.restore(bad if isinstance(bad, str) else dict(saved, **bad))
        assert other.state() == before


def test_check_settings_names_what_is_wrong():
    good = lab_module._settings_dict(lab_module.LabSettings())
    assert check_settings(good)["hidden"] == (4, 4)
    for key, value, words in (("hidden", (9,), "hidden layer"), ("seed", -1, "seed"),
                              ("activations", ("tanh",), "one activation"),
                              ("batch_size", 1.5, "batch size"),
                              ("test_ratio", 0.95, "test share")):
        with pytest.raises(ValueError, match=words):
            check_settings(dict(good, **{key: value}))
