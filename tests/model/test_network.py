"""The network model: hand-computed passes, backprop against finite differences, training,
the article's linear collapse, formulas, pictures and the loss landscape."""

# X, T, W, A, B, L: the usual mathematical names (inputs, targets, weights, grids).
# ruff: noqa: N803, N806

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.model import datasets, network, optimizers
from desktop_app.model.network import (
    ACTIVATIONS,
    ARTICLE_NETWORK,
    ConvergenceMonitor,
    Network,
    article_network,
)

# ----------------------------------------------------------------------------------------
# A tiny network with weights set by hand
# ----------------------------------------------------------------------------------------


def tiny(hidden="relu"):
    """2 inputs → 2 hidden (relu) → 1 linear output.

    W1 = [[1, −1], [0.5, 2]]  (row i: from input i; column j: to neuron j),  b1 = [0, 1]
    W2 = [[2], [−1]],  b2 = [0.5]
    """
    net = Network([2, 2, 1], [hidden, "linear"])
    (w1, b1), (w2, b2) = net.params
    w1[...] = [[1.0, -1.0], [0.5, 2.0]]
    b1[...] = [0.0, 1.0]
    w2[...] = [[2.0], [-1.0]]
    b2[...] = [0.5]
    return net


X_TINY = np.array([[1.0, 2.0], [-1.0, 1.0]])


def test_forward_by_hand():
    # sample 1, (x, y) = (1, 2):
    #   z1 = (1·1 + 2·0.5 + 0,  1·(−1) + 2·2 + 1) = (2, 4);  relu → (2, 4)
    #   y  = 2·2 + 4·(−1) + 0.5 = 0.5
    # sample 2, (x, y) = (−1, 1):
    #   z1 = (−1 + 0.5 + 0,  1 + 2 + 1) = (−0.5, 4);  relu → (0, 4)
    #   y  = 0·2 + 4·(−1) + 0.5 = −3.5
    net = tiny()
    assert net.forward(X_TINY).tolist() == [[0.5], [-3.5]]
    pre, post = net.forward_all(X_TINY)
    assert len(pre) == len(post) == 3
    assert pre[0].tolist() == post[0].tolist() == X_TINY.tolist()
    assert pre[1].tolist() == [[2.0, 4.0], [-0.5, 4.0]]
    assert post[1].tolist() == [[2.0, 4.0], [0.0, 4.0]]
    assert pre[2].tolist() == post[2].tolist() == [[0.5], [-3.5]]


def test_forward_tanh_by_hand():
    # the same weights with tanh: y = 2·tanh(z1₁) − tanh(z1₂) + 0.5
    net = tiny("tanh")
    expected = [2 * math.tanh(2.0) - math.tanh(4.0) + 0.5,
                2 * math.tanh(-0.5) - math.tanh(4.0) + 0.5]
    assert net.forward(X_TINY)[:, 0].tolist() == pytest.approx(expected, rel=1e-15)


def test_mse_by_hand():
    # targets 1.5 and −3: ½(0.5 − 1.5)² = 0.5 and ½(−3.5 + 3)² = 0.125; mean 0.3125
    net = tiny()
    assert net.loss(X_TINY, [[1.5], [-3.0]], "mse") == 0.3125
    # dL/db2 = mean(y − t) = ((0.5 − 1.5) + (−3.5 + 3)) / 2 = −0.75
    grads = net.gradients(X_TINY, [[1.5], [-3.0]], "mse")
    assert grads[1][1].tolist() == [-0.75]
    # dL/dW2 = mean(h · (y − t)) = ((2, 4)·(−1) + (0, 4)·(−0.5)) / 2 = (−1, −3)
    assert grads[1][0].tolist() == [[-1.0], [-3.0]]


def test_regularisation_by_hand():
    # weights only: Σ|W| = (1 + 1 + 0.5 + 2) + (2 + 1) = 7.5,
    #               Σ W² = (1 + 1 + 0.25 + 4) + (4 + 1) = 11.25  (biases 0, 1, 0.5 excluded)
    # l1 = 0.1, l2 = 0.2: 0.1·7.5 + ½·0.2·11.25 = 0.75 + 1.125 = 1.875
    net = tiny()
    t = [[1.5], [-3.0]]
    assert net.loss(X_TINY, t, "mse", l1=0.1, l2=0.2) == pytest.approx(0.3125 + 1.875, rel=1e-15)
    # the gradient of the penalty is l1·sign(W) + l2·W on weights, nothing on biases
    plain = net.gradients(X_TINY, t, "mse")
    reg = net.gradients(X_TINY, t, "mse", l1=0.1, l2=0.2)
    (w1, b1), (w2, b2) = net.params
    np.testing.assert_allclose(reg[0][0] - plain[0][0], 0.1 * np.sign(w1) + 0.2 * w1, rtol=1e-14)
    np.testing.assert_array_equal(reg[0][1], plain[0][1])
    np.testing.assert_array_equal(reg[1][1], plain[1][1])


def test_binary_cross_entropy_by_hand():
    # one output: −[t·log σ(y) + (1 − t)·log(1 − σ(y))]
    # sample 1: y = 0.5, t = 1: −log σ(0.5) = log(1 + e^−0.5)
    # sample 2: y = −3.5, t = 0: −log(1 − σ(−3.5)) = log(1 + e^−3.5)
    net = tiny()
    expected = (math.log(1 + math.exp(-0.5)) + math.log(1 + math.exp(-3.5))) / 2
    assert net.loss(X_TINY, [[1.0], [0.0]], "cross_entropy") == pytest.approx(expected, rel=1e-14)
    # dL/db2 = mean(σ(y) − t)
    s1, s2 = 1 / (1 + math.exp(-0.5)), 1 / (1 + math.exp(3.5))
    grads = net.gradients(X_TINY, [[1.0], [0.0]], "cross_entropy")
    assert grads[1][1][0] == pytest.approx(((s1 - 1) + s2) / 2, rel=1e-14)


def test_softmax_cross_entropy_by_hand():
    # one linear layer, W = I, b = (0, ln 3); input (0, 0) gives logits y = (0, ln 3),
    # softmax = (1/4, 3/4): class 1 costs −log(3/4) = log(4/3), class 0 costs log 4.
    net = Network([2, 2], "linear")
    (w, b), = net.params
    w[...] = np.eye(2)
    b[...] = [0.0, math.log(3.0)]
    x = [[0.0, 0.0]]
    assert net.loss(x, [[0.0, 1.0]], "cross_entropy") == pytest.approx(math.log(4 / 3), rel=1e-14)
    assert net.loss(x, [[1.0, 0.0]], "cross_entropy") == pytest.approx(math.log(4.0), rel=1e-14)
    # gradient wrt the logits: softmax − t = (1/4, −1/4); so db = (0.25, −0.25)
    grads = net.gradients(x, [[0.0, 1.0]], "cross_entropy")
    assert grads[0][1].tolist() == pytest.approx([0.25, -0.25], rel=1e-14)
    np.testing.assert_allclose(net.probabilities(x), [[0.25, 0.75]], rtol=1e-14)


def test_cross_entropy_is_stable_for_huge_logits():
    # log(1 + e^1000) − 0·1000 = 1000 exactly in floating point; no overflow, no warning
    net = Network([1, 1], "linear")
    (w, b), = net.params
    w[...] = 1.0
    b[...] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert net.loss([[1000.0]], [[0.0]], "cross_entropy") == 1000.0
        assert net.loss([[-1000.0]], [[0.0]], "cross_entropy") == 0.0
        two = Network([1, 2], "linear")
        (w2, b2), = two.params
        w2[...] = [[1.0, -1.0]]
        b2[...] = 0.0
        # logits (800, −800): −log softmax₁ = 1600 (log-sum-exp keeps it finite)
        assert two.loss([[800.0]], [[0.0, 1.0]], "cross_entropy") == pytest.approx(1600.0)


def test_initialisation_is_he_or_glorot_and_seeded():
    net = Network([30, 50, 40, 1], ["relu", "tanh", "sigmoid"], seed=3)
    (w1, b1), (w2, b2), (w3, b3) = net.params
    he = math.sqrt(6 / 30)  # relu layer: Uniform(−√(6/n_in), √(6/n_in))
    glorot2 = math.sqrt(6 / (50 + 40))  # tanh layer: Uniform(−√(6/(n_in+n_out)), …)
    glorot3 = math.sqrt(6 / (40 + 1))
    assert 0.97 * he < np.abs(w1).max() <= he
    assert 0.97 * glorot2 < np.abs(w2).max() <= glorot2
    assert 0.7 * glorot3 < np.abs(w3).max() <= glorot3
    assert abs(w1.mean()) < 0.05 * he
    for b in (b1, b2, b3):
        assert not b.any()
    same = Network([30, 50, 40, 1], ["relu", "tanh", "sigmoid"], seed=3)
    np.testing.assert_array_equal(same.get_flat(), net.get_flat())
    other = Network([30, 50, 40, 1], ["relu", "tanh", "sigmoid"], seed=4)
    assert not np.array_equal(other.get_flat(), net.get_flat())
    # one name is every layer's, the output layer's included
    assert Network([2, 3, 1], "relu").activations == ("relu", "relu")


# ----------------------------------------------------------------------------------------
# Backpropagation against central finite differences
# ----------------------------------------------------------------------------------------


def _random_problem(sizes, activations, kind, seed, n):
    rng = np.random.default_rng(seed)
    net = Network(sizes, activations, seed=seed)
    net.set_flat(rng.normal(0.0, 0.8, net.parameter_count))  # biases nonzero too
    X = rng.normal(0.0, 1.0, (n, sizes[0]))
    if kind == "mse":
        T = rng.normal(0.0, 1.0, (n, sizes[-1]))
    elif sizes[-1] == 1:
        T = rng.uniform(0.0, 1.0, (n, 1)).round()
    else:
        T = datasets.one_hot(rng.integers(0, sizes[-1], n), sizes[-1])
    return net, X, T


def _numeric_gradient(net, X, T, kind, l1, l2, h=1e-6):
    flat = net.get_flat()
    g = np.empty_like(flat)
    for i in range(flat.size):
        plus, minus = flat.copy(), flat.copy()
        plus[i] += h
        minus[i] -= h
        net.set_flat(plus)
        f_plus = net.loss(X, T, kind, l1, l2)
        net.set_flat(minus)
        f_minus = net.loss(X, T, kind, l1, l2)
        g[i] = (f_plus - f_minus) / (2 * h)
    net.set_flat(flat)
    return g


def _flat_gradient(grads):
    return np.concatenate([np.concatenate([dw.ravel(), db.ravel()]) for dw, db in grads])


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    data=st.data(),
    kind=st.sampled_from(["mse", "cross_entropy"]),
    l1=st.sampled_from([0.0, 0.05]),
    l2=st.sampled_from([0.0, 0.3]),
    seed=st.integers(0, 10_000),
    n=st.integers(1, 6),
)
def test_gradients_match_finite_differences(sizes, data, kind, l1, l2, seed, n):
    acts = data.draw(st.lists(st.sampled_from(ACTIVATIONS), min_size=len(sizes) - 1,
                              max_size=len(sizes) - 1))
    net, X, T = _random_problem(sizes, acts, kind, seed, n)
    analytic = _flat_gradient(net.gradients(X, T, kind, l1, l2))
    numeric = _numeric_gradient(net, X, T, kind, l1, l2)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("kind", ["mse", "cross_entropy"])
@pytest.mark.parametrize("outputs", [1, 3])
def test_gradients_every_activation_and_loss(activation, kind, outputs):
    # every activation in both hidden layers and the output, with both penalties
    net, X, T = _random_problem([3, 4, 5, outputs], activation, kind, seed=7, n=9)
    analytic = _flat_gradient(net.gradients(X, T, kind, l1=0.02, l2=0.1))
    numeric = _numeric_gradient(net, X, T, kind, 0.02, 0.1)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_gradients_are_fresh_arrays_shaped_like_params():
    net, X, T = _random_problem([2, 3, 1], "tanh", "mse", seed=1, n=4)
    grads = net.gradients(X, T, "mse")
    for (dw, db), (w, b) in zip(grads, net.params, strict=True):
        assert dw.shape == w.shape and db.shape == b.shape
        assert not np.shares_memory(dw, net.flat)
    before = grads[0][0].copy()
    net.gradients(X, 2 * T + 1, "mse")
    np.testing.assert_array_equal(grads[0][0], before)  # not overwritten by a later call


# ----------------------------------------------------------------------------------------
# The article's linear collapse
# ----------------------------------------------------------------------------------------


def test_article_network_shape():
    net = article_network()
    assert ARTICLE_NETWORK == (3, 3, 3, 1)
    assert net.layer_sizes == (3, 3, 3, 1)
    assert net.activations == ("linear", "linear", "linear")
    assert net.input_names == ("x", "y", "z")
    assert net.parameter_count == 4 * 3 + 4 * 3 + 4 * 1
    assert article_network("tanh").activations == ("tanh",) * 3


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_equivalent_linear_of_the_article_network(seed):
    net = article_network("linear", seed=seed)
    rng = np.random.default_rng(seed)
    net.set_flat(rng.normal(0.0, 1.5, net.parameter_count))
    W, b = net.equivalent_linear()
    assert W.shape == (3, 1) and b.shape == (1,)
    X = rng.uniform(-5.0, 5.0, (200, 3))
    y = net.forward(X)
    scale = np.abs(y).max()
    np.testing.assert_allclose(y, X @ W + b, rtol=1e-12, atol=1e-12 * scale)


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(1, 6), min_size=2, max_size=6), seed=st.integers(0, 1000))
def test_equivalent_linear_any_linear_network(sizes, seed):
    net = Network(sizes, "linear", seed=seed)
    rng = np.random.default_rng(seed)
    net.set_flat(rng.normal(0.0, 1.0, net.parameter_count))
    W, b = net.equivalent_linear()
    assert W.shape == (sizes[0], sizes[-1])
    X = rng.normal(0.0, 1.0, (20, sizes[0]))
    y = net.forward(X)
    np.testing.assert_allclose(y, X @ W + b, rtol=1e-12, atol=1e-12 * max(1.0, np.abs(y).max()))


@pytest.mark.parametrize("layer", [1, 2, 3])
def test_equivalent_linear_refuses_a_nonlinearity(layer):
    acts = ["linear"] * 3
    acts[layer - 1] = "tanh"
    net = Network(ARTICLE_NETWORK, acts)
    with pytest.raises(ValueError, match=rf"layer {layer} .*tanh"):
        net.equivalent_linear()


# ----------------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------------


def classifier(seed=0):
    return Network([2, 8, 8, 1], ["tanh", "tanh", "linear"], seed=seed)


@pytest.mark.parametrize("name", ["xor", "circle"])
def test_learns_to_classify(name):
    data = datasets.make(name, 200, 0.0, seed=0)
    net = classifier()
    opt = optimizers.make("adam", 0.03)
    rng = np.random.default_rng(0)
    assert net.accuracy(data.X, data.T) < 0.95  # not solved at the start
    for _epoch in range(300):
        net.train_epoch(data.X, data.T, opt, "cross_entropy", batch_size=20, rng=rng)
        if net.accuracy(data.X, data.T) >= 0.95:
            break
    assert net.accuracy(data.X, data.T) >= 0.95


def test_fits_the_parabola():
    # the article's d(x) = x² + 1 on [−3, 3]: the distance between f and the network shrinks
    data = datasets.make("curve:parabola", 100, 0.0, seed=0)
    net = Network([1, 8, 8, 1], ["tanh", "tanh", "linear"], seed=0)
    opt = optimizers.make("adam", 0.01)
    losses = net.train(data.X, data.T, opt, "mse", epochs=2000)
    assert losses[0] > 5.0
    assert net.loss(data.X, data.T, "mse") < 1e-3


def test_huge_learning_rate_diverges_quietly():
    data = datasets.make("curve:parabola", 50, 0.0, seed=0)
    net = Network([1, 8, 1], ["tanh", "linear"], seed=0)
    opt = optimizers.make("gd", 50.0)
    assert not net.diverged
    values = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(200):
            values.append(net.train_step(data.X, data.T, opt, "mse"))
            if net.diverged:
                break
        assert net.diverged
        assert not math.isfinite(values[-1])  # the loss overflowed before the weights did
        # still quiet afterwards, with nan everywhere
        net.train_step(data.X, data.T, opt, "mse")
        net.train_epoch(data.X, data.T, opt, "mse", batch_size=7, rng=np.random.default_rng(0))
        net.forward(data.X)
        net.gradients(data.X, data.T, "cross_entropy", l1=0.1, l2=0.1)
        net.loss_landscape(data.X, data.T, "mse", 0, 1, n=3)
        assert not math.isfinite(net.loss(data.X, data.T, "mse"))


def test_huge_weights_stay_quiet():
    net = Network([2, 4, 3], ["sigmoid", "linear"])
    net.set_flat(np.full(net.parameter_count, 1e200))
    X = np.array([[1e200, -1e200]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.forward(X)
        net.loss(X, [[0.0, 1.0, 0.0]], "cross_entropy", l2=1.0)
        net.gradients(X, [[0.0, 1.0, 0.0]], "cross_entropy")
        net.probabilities(X)
        net.neuron_formula(1, 0)


def test_train_step_writes_into_the_live_arrays():
    data = datasets.make("circle", 40, 0.1, seed=3)
    net = classifier()
    before = [(w, b) for w, b in net.params]
    values = [(w.copy(), b.copy()) for w, b in before]
    net.train_step(data.X, data.T, optimizers.make("adam", 0.01), "cross_entropy")
    for (w, b), (w_now, b_now), (w_old, _) in zip(before, net.params, values, strict=True):
        assert w is w_now and b is b_now
        assert not np.array_equal(w, w_old)  # the very same arrays hold the new values
        assert np.shares_memory(w, net.flat)


def test_writing_into_params_changes_the_network():
    net = tiny()
    net.params[1][1][...] = 10.5
    assert net.forward(X_TINY).tolist() == [[10.5], [-3.5 + 10.0]]


@pytest.mark.parametrize("name", optimizers.OPTIMIZER_NAMES)
def test_train_step_is_the_optimizer_step_on_the_gradient(name):
    # returns the loss before the step and applies exactly opt.step to the gradients
    net, X, T = _random_problem([2, 5, 3, 1], "tanh", "mse", seed=5, n=12)
    reference = net.copy()
    opt, opt_ref = optimizers.make(name, 0.05), optimizers.make(name, 0.05)
    for _ in range(3):
        expected_loss = reference.loss(X, T, "mse", 0.01, 0.02)
        grads = reference.gradients(X, T, "mse", 0.01, 0.02)
        new = opt_ref.step(reference.params, grads)
        for (w, b), (w_new, b_new) in zip(reference.params, new, strict=True):
            w[...], b[...] = w_new, b_new
        assert net.train_step(X, T, opt, "mse", 0.01, 0.02) == pytest.approx(
            expected_loss, rel=1e-12)
        np.testing.assert_allclose(net.get_flat(), reference.get_flat(), rtol=1e-12,
                                   atol=1e-15)


@pytest.mark.parametrize("batch", [1, 5, 7, 23, 100])
def test_train_epoch_is_shuffled_mini_batch_steps(batch):
    # 23 samples: batches of 5 leave a last batch of 3; 100 means one full batch
    net, X, T = _random_problem([2, 4, 2], ["relu", "linear"], "cross_entropy", seed=9, n=23)
    reference = net.copy()
    opt, opt_ref = optimizers.make("adam", 0.02), optimizers.make("adam", 0.02)
    for epoch in range(2):
        value = net.train_epoch(X, T, opt, "cross_entropy", batch, np.random.default_rng(epoch))
        if batch >= 23:
            order = np.arange(23)
        else:
            order = np.random.default_rng(epoch).permutation(23)
        total = 0.0
        for start in range(0, 23, batch):
            idx = order[start:start + batch]
            total += len(idx) * reference.train_step(X[idx], T[idx], opt_ref, "cross_entropy")
        assert value == pytest.approx(total / 23, rel=1e-12)
        np.testing.assert_allclose(net.get_flat(), reference.get_flat(), rtol=1e-12,
                                   atol=1e-15)


def test_train_epoch_default_rng_is_reproducible():
    data = datasets.make("xor", 60, 0.2, seed=1)
    a, b = classifier(seed=4), classifier(seed=4)
    for net in (a, b):
        opt = optimizers.make("adam", 0.01)
        for _ in range(3):
            net.train_epoch(data.X, data.T, opt, "cross_entropy", batch_size=8)
    np.testing.assert_array_equal(a.get_flat(), b.get_flat())


def test_train_stops_when_converged_or_diverged():
    # a plane is learned exactly by one linear neuron: the loss falls below the floor
    data = datasets.make("plane", 50, 0.0, seed=0)
    net = Network([2, 1], "linear")
    monitor = ConvergenceMonitor(patience=5, tol=1e-3, floor=1e-12)
    losses = net.train(data.X, data.T, optimizers.make("gd", 0.5), "mse", epochs=5000,
                       monitor=monitor)
    assert monitor.reason == "floor" and len(losses) < 5000 and losses[-1] < 1e-12
    # with noisy targets the loss levels off above zero: a plateau
    noisy = datasets.make("plane", 50, 0.1, seed=0)
    net = Network([2, 1], "linear")
    monitor = ConvergenceMonitor(patience=5, tol=1e-6, floor=1e-12)
    losses = net.train(noisy.X, noisy.T, optimizers.make("gd", 0.5), "mse", epochs=5000,
                       monitor=monitor)
    assert monitor.reason == "plateau" and len(losses) < 5000 and losses[-1] > 1e-4
    wild = Network([2, 1], "linear")
    wild_opt = optimizers.make("gd", 1e6)
    losses = wild.train(data.X, data.T, wild_opt, "mse", epochs=1000)
    assert len(losses) < 1000 and not math.isfinite(losses[-1])
    assert np.all(np.isfinite(losses[:-1]))  # stopped at the first non-finite loss
    for _ in range(100):  # the weights overflow a few dozen steps later
        wild.train_step(data.X, data.T, wild_opt, "mse")
        if wild.diverged:
            break
    assert wild.diverged


# ----------------------------------------------------------------------------------------
# Formulas, pictures, flat access
# ----------------------------------------------------------------------------------------


def test_neuron_formula_text():
    net = Network([2, 2, 1], ["tanh", "linear"])
    (w1, b1), (w2, b2) = net.params
    w1[...] = [[0.31, -0.5], [-1.2, 0.0004]]
    b1[...] = [0.05, -2.0]
    w2[...] = [[2.0], [-1.0]]
    b2[...] = [0.5]
    assert net.neuron_formula(1, 0) == "tanh(0.31·x − 1.20·y + 0.05)"
    assert net.neuron_formula(1, 1) == "tanh(−0.50·x + 0.00·y − 2.00)"
    assert net.neuron_formula(2, 0) == "2.00·h1_1 − 1.00·h1_2 + 0.50"
    assert net.neuron_formula(1, 0, digits=1) == "tanh(0.3·x − 1.2·y + 0.1)"
    assert net.neuron_formula(2, 0, variables=("a", "b"), digits=0) == "2·a − 1·b + 0"
    w1[0, 0] = -0.001  # rounds to 0.00: no minus sign in front of a zero
    assert net.neuron_formula(1, 0) == "tanh(0.00·x − 1.20·y + 0.05)"
    with pytest.raises(ValueError, match="neurons"):
        net.neuron_formula(1, 2)
    with pytest.raises(ValueError, match="layer"):
        net.neuron_formula(0, 0)
    with pytest.raises(ValueError, match="2 inputs"):
        net.neuron_formula(2, 0, variables=("a",))


def test_names_of_many_inputs_and_deeper_layers():
    net = Network([4, 2, 3, 1], ["relu", "sigmoid", "linear"])
    net.set_flat(np.zeros(net.parameter_count))
    assert net.input_names == ("x1", "x2", "x3", "x4")
    assert net.neuron_formula(1, 0) == "relu(0.00·x1 + 0.00·x2 + 0.00·x3 + 0.00·x4 + 0.00)"
    assert net.neuron_formula(3, 0) == "0.00·h2_1 + 0.00·h2_2 + 0.00·h2_3 + 0.00"
    assert net.neuron_formula(2, 2) == "sigmoid(0.00·h1_1 + 0.00·h1_2 + 0.00)"


def test_weight_names_follow_the_flat_order():
    net = Network([2, 2, 1], ["tanh", "linear"])
    names = net.weight_names()
    assert names == [
        "layer 1: x → neuron 1", "layer 1: x → neuron 2",
        "layer 1: y → neuron 1", "layer 1: y → neuron 2",
        "layer 1: bias → neuron 1", "layer 1: bias → neuron 2",
        "layer 2: h1_1 → neuron 1", "layer 2: h1_2 → neuron 1", "layer 2: bias → neuron 1",
    ]
    assert len(names) == net.parameter_count
    flat = np.arange(net.parameter_count, dtype=float)
    net.set_flat(flat)
    (w1, b1), (w2, b2) = net.params
    assert w1[1, 0] == flat[names.index("layer 1: y → neuron 1")]
    assert b1[1] == flat[names.index("layer 1: bias → neuron 2")]
    assert w2[1, 0] == flat[names.index("layer 2: h1_2 → neuron 1")]
    assert net.flat_index(1, 1, 0) == names.index("layer 1: y → neuron 1")
    assert net.flat_index(1, None, 1) == names.index("layer 1: bias → neuron 2")
    assert net.flat_index(2, 1, 0) == names.index("layer 2: h1_2 → neuron 1")


def test_flat_round_trip_and_copy():
    net, X, T = _random_problem([3, 4, 2], "tanh", "mse", seed=2, n=5)
    saved = net.get_flat()
    assert saved.shape == (net.parameter_count,)
    y = net.forward(X)
    net.set_flat(np.zeros(net.parameter_count))
    assert np.all(net.forward(X) == 0.0)
    net.set_flat(saved)
    np.testing.assert_array_equal(net.forward(X), y)
    saved[0] += 1.0  # a copy: changing it leaves the network alone
    assert net.get_flat()[0] != saved[0]
    twin = net.copy()
    np.testing.assert_array_equal(twin.get_flat(), net.get_flat())
    twin.params[0][0][...] = 0.0
    assert not np.array_equal(twin.get_flat(), net.get_flat())
    with pytest.raises(ValueError, match="parameter values"):
        net.set_flat(np.zeros(3))


def test_saved_form_round_trip():
    net, X, _ = _random_problem([2, 3, 1], ["relu", "sigmoid"], "mse", seed=3, n=4)
    again = Network.from_dict(net.to_dict())
    assert again.layer_sizes == net.layer_sizes and again.activations == net.activations
    np.testing.assert_array_equal(again.forward(X), net.forward(X))
    with pytest.raises(ValueError):
        Network.from_dict({"layer_sizes": [2, 1]})


def test_with_layer_sizes_keeps_the_weights_that_fit():
    net, _, _ = _random_problem([2, 3, 1], ["tanh", "linear"], "mse", seed=4, n=1)
    bigger = net.with_layer_sizes([2, 4, 1])
    assert bigger.activations == ("tanh", "linear")
    np.testing.assert_array_equal(bigger.params[0][0][:, :3], net.params[0][0])
    np.testing.assert_array_equal(bigger.params[0][1][:3], net.params[0][1])
    np.testing.assert_array_equal(bigger.params[1][0][:3], net.params[1][0])
    assert bigger.params[0][1][3] == 0.0
    deeper = net.with_layer_sizes([2, 3, 2, 1])
    assert deeper.activations == ("tanh", "tanh", "linear")


def test_neuron_outputs_on_a_grid():
    net = tiny("tanh")
    gx, gy = np.meshgrid(np.linspace(-1, 1, 7), np.linspace(-2, 2, 5))
    first = net.neuron_outputs(1, gx, gy)
    assert first.shape == (2, 5, 7)
    # neuron 2 of layer 1: tanh(−1·x + 2·y + 1)
    np.testing.assert_allclose(first[1], np.tanh(-gx + 2 * gy + 1), rtol=1e-14, atol=1e-15)
    out = net.neuron_outputs(2, gx, gy)
    assert out.shape == (1, 5, 7)
    np.testing.assert_allclose(out[0], 2 * first[0] - first[1] + 0.5, rtol=1e-14, atol=1e-15)
    inputs = net.neuron_outputs(0, gx, gy)
    np.testing.assert_array_equal(inputs[0], gx)
    np.testing.assert_array_equal(inputs[1], gy)
    with pytest.raises(ValueError, match="grid_y"):
        net.neuron_outputs(1, gx)


def test_neuron_outputs_of_a_one_input_network():
    net = Network([1, 3, 1], ["relu", "linear"])
    (w1, b1), _ = net.params
    w1[...] = [[1.0, -1.0, 2.0]]
    b1[...] = [0.0, 0.5, -1.0]
    xs = np.linspace(-2, 2, 9)
    out = net.neuron_outputs(1, xs)
    assert out.shape == (3, 9)
    np.testing.assert_array_equal(out[0], np.maximum(xs, 0))
    np.testing.assert_array_equal(out[1], np.maximum(-xs + 0.5, 0))
    np.testing.assert_array_equal(out[2], np.maximum(2 * xs - 1, 0))
    with pytest.raises(ValueError, match="one input"):
        net.neuron_outputs(1, xs, xs)


# ----------------------------------------------------------------------------------------
# Loss landscape
# ----------------------------------------------------------------------------------------


def _landscape_by_brute_force(net, X, T, kind, a, b, A, B, l1, l2):
    saved = net.get_flat()
    out = np.empty(A.shape)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            flat = saved.copy()
            flat[a], flat[b] = A[i, j], B[i, j]
            net.set_flat(flat)
            out[i, j] = net.loss(X, T, kind, l1, l2)
    net.set_flat(saved)
    return out


@pytest.mark.parametrize("kind", ["mse", "cross_entropy"])
@pytest.mark.parametrize("pair", [(0, 1), (1, 30), (24, 26), (10, 31), (5, 36), (34, 12)])
@pytest.mark.parametrize("chunk", [100, 900, network._LANDSCAPE_CHUNK])
def test_loss_landscape_matches_setting_each_point(kind, pair, chunk, monkeypatch):
    # flat layout: layer 1 is 0-14 (biases 10-14), layer 2 is 15-32 (biases 30-32),
    # layer 3 is 33-36 (bias 36). Pairs: one layer; layers 1 and 2; two weights of layer 2;
    # two biases; a weight and the output bias; layer 3 before layer 1.
    net, X, T = _random_problem([2, 5, 3, 1], ["tanh", "relu", "sigmoid"], kind, seed=11, n=15)
    assert net.parameter_count == 37
    a, b = pair
    saved = net.get_flat()
    # 15 samples, 5 × 5 points, at most 6 numbers a row: chunks of 1 row, 2 rows, everything
    monkeypatch.setattr(network, "_LANDSCAPE_CHUNK", chunk)
    A, B, L = net.loss_landscape(X, T, kind, a, b, n=5, l1=0.05, l2=0.1)
    np.testing.assert_array_equal(net.get_flat(), saved)
    assert A.shape == B.shape == L.shape == (5, 5)
    np.testing.assert_allclose(A[:, 0], np.linspace(saved[a] - 3, saved[a] + 3, 5))
    np.testing.assert_allclose(B[0, :], np.linspace(saved[b] - 3, saved[b] + 3, 5))
    expected = _landscape_by_brute_force(net, X, T, kind, a, b, A, B, 0.05, 0.1)
    np.testing.assert_allclose(L, expected, rtol=1e-10, atol=1e-12)


def test_loss_landscape_centre_is_the_current_loss():
    data = datasets.make("circle", 120, 0.1, seed=0)
    net = classifier()
    net.train(data.X, data.T, optimizers.make("adam", 0.03), "cross_entropy", epochs=20)
    saved = net.get_flat()
    A, B, L = net.loss_landscape(data.X, data.T, "cross_entropy", 3, 90, n=41)
    assert L.shape == (41, 41)
    assert L[20, 20] == pytest.approx(net.loss(data.X, data.T, "cross_entropy"), rel=1e-12)
    assert (A[20, 20], B[20, 20]) == pytest.approx((saved[3], saved[90]), rel=1e-12)
    np.testing.assert_array_equal(net.get_flat(), saved)
    # a span of absolute values on both axes
    A, B, _ = net.loss_landscape(data.X, data.T, "cross_entropy", 3, 90, span=(-1, 2), n=4)
    assert A[:, 0].tolist() == [-1.0, 0.0, 1.0, 2.0] and B[0].tolist() == [-1.0, 0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match="different"):
        net.loss_landscape(data.X, data.T, "cross_entropy", 3, 3)
    with pytest.raises(ValueError, match="index_b"):
        net.loss_landscape(data.X, data.T, "cross_entropy", 3, net.parameter_count)


# ----------------------------------------------------------------------------------------
# Convergence, checks
# ----------------------------------------------------------------------------------------


def test_convergence_monitor_plateau_floor_and_divergence():
    monitor = ConvergenceMonitor(patience=3, tol=0.01, floor=1e-6)
    assert not monitor.update(1.0)
    assert not monitor.update(0.5)          # real progress
    assert not monitor.update(0.499)        # < 1 % better than 0.5: stale 1
    assert not monitor.update(0.498)        # stale 2
    assert monitor.update(0.4975)           # stale 3 = patience
    assert monitor.reason == "plateau" and monitor.best == 0.4975
    monitor.reset()
    assert not monitor.converged
    # a slow crawl: each step < 1 %, but over three steps more than 1 % of the reference
    for value in (1.0, 0.996, 0.992, 0.988, 0.984, 0.980):
        assert not monitor.update(value)
    assert monitor.update(1e-7) and monitor.reason == "floor"
    monitor.reset()
    assert not monitor.update(float("nan"))
    assert monitor.diverged and not monitor.converged


def test_bad_arguments_are_plain_value_errors():
    with pytest.raises(ValueError, match="activation 'softmax'"):
        Network([2, 1], "softmax")
    with pytest.raises(ValueError, match="one activation for every layer"):
        Network([2, 3, 1], ["tanh"])
    with pytest.raises(ValueError, match="at least two layers"):
        Network([2], "tanh")
    with pytest.raises(ValueError, match="layer 1 must have between"):
        Network([2, 0, 1], "tanh")
    with pytest.raises(ValueError, match="whole number of neurons"):
        Network([2, 1.5, 1], "tanh")
    net = Network([2, 1], "linear")
    with pytest.raises(ValueError, match="unknown loss"):
        net.loss([[0.0, 0.0]], [[0.0]], "hinge")
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        net.forward([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="targets"):
        net.loss([[0.0, 0.0]], [[0.0, 1.0]], "mse")
    with pytest.raises(ValueError, match="l2"):
        net.loss([[0.0, 0.0]], [[0.0]], "mse", l2=-1.0)
    with pytest.raises(ValueError, match="batch size"):
        net.train_epoch([[0.0, 0.0]], [[0.0]], optimizers.make("gd", 0.1), "mse", batch_size=0)
