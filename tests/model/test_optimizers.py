"""Optimizers against hand-computed steps, an independent reference loop, and torch if present."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from desktop_app.model import optimizers
from desktop_app.model.optimizers import SGD, AdaGrad, Adam, RMSProp

try:  # torch is optional: when present, it is the reference as well
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None

APPROX = {"rel": 1e-12, "abs": 1e-15}


def grad_quadratic(p):
    """Gradient of f(x, y) = x² + 10y²: (2x, 20y)."""
    return np.array([2.0 * p[0], 20.0 * p[1]])


def two_steps(opt):
    p1 = opt.step(np.array([1.0, 1.0]), grad_quadratic([1.0, 1.0]))
    p2 = opt.step(p1, grad_quadratic(p1))
    return p1, p2


# ----------------------------------------------------------------------------------------
# The first two steps of every optimizer, by hand, on f = x² + 10y² from (1, 1)
# ----------------------------------------------------------------------------------------


def test_gd_two_steps_by_hand():
    # lr = 0.01
    # step 1: g = (2, 20);      p = (1 − 0.01·2, 1 − 0.01·20)          = (0.98, 0.8)
    # step 2: g = (1.96, 16);   p = (0.98 − 0.0196, 0.8 − 0.16)         = (0.9604, 0.64)
    p1, p2 = two_steps(SGD(0.01))
    assert p1.tolist() == pytest.approx([0.98, 0.8], **APPROX)
    assert p2.tolist() == pytest.approx([0.9604, 0.64], **APPROX)


def test_momentum_two_steps_by_hand():
    # lr = 0.01, μ = 0.9
    # step 1: g = (2, 20); b = g = (2, 20);  p = (1 − 0.02, 1 − 0.2) = (0.98, 0.8)
    # step 2: g = (1.96, 16); b = 0.9·(2, 20) + (1.96, 16) = (3.76, 34)
    #         p = (0.98 − 0.0376, 0.8 − 0.34) = (0.9424, 0.46)
    p1, p2 = two_steps(SGD(0.01, momentum=0.9))
    assert p1.tolist() == pytest.approx([0.98, 0.8], **APPROX)
    assert p2.tolist() == pytest.approx([0.9424, 0.46], **APPROX)


def test_nesterov_two_steps_by_hand():
    # lr = 0.01, μ = 0.9
    # step 1: g = (2, 20); b = (2, 20); g' = g + 0.9·b = (3.8, 38)
    #         p = (1 − 0.038, 1 − 0.38) = (0.962, 0.62)
    # step 2: g = (1.924, 12.4); b = 0.9·(2, 20) + g = (3.724, 30.4)
    #         g' = (1.924 + 3.3516, 12.4 + 27.36) = (5.2756, 39.76)
    #         p = (0.962 − 0.052756, 0.62 − 0.3976) = (0.909244, 0.2224)
    p1, p2 = two_steps(SGD(0.01, momentum=0.9, nesterov=True))
    assert p1.tolist() == pytest.approx([0.962, 0.62], **APPROX)
    assert p2.tolist() == pytest.approx([0.909244, 0.2224], **APPROX)


def test_adagrad_two_steps_by_hand():
    # lr = 0.5, eps = 2 (large on purpose, so its place in the formula shows)
    # step 1: g = (2, 20); s = (4, 400); √s + eps = (4, 22)
    #         p = (1 − 0.5·2/4, 1 − 0.5·20/22) = (0.75, 6/11)
    # step 2: g = (1.5, 120/11); s = (4 + 2.25, 400 + 14400/121) = (6.25, 62800/121)
    #         x = 0.75 − 0.5·1.5/(2.5 + 2) = 0.75 − 1/6 = 7/12
    #         y = 6/11 − 0.5·(120/11)/(√(62800/121) + 2) = 6/11 − (60/11)/(√62800/11 + 2)
    p1, p2 = two_steps(AdaGrad(0.5, eps=2.0))
    assert p1.tolist() == pytest.approx([0.75, 6 / 11], **APPROX)
    y2 = 6 / 11 - (60 / 11) / (math.sqrt(62800) / 11 + 2)
    assert p2.tolist() == pytest.approx([7 / 12, y2], **APPROX)
    assert y2 == pytest.approx(0.32535, abs=1e-5)  # the hand value, to 5 places


def test_rmsprop_two_steps_by_hand():
    # lr = 0.1, α = 0.75, eps = 1
    # step 1: g = (2, 20); v = 0.25·g² = (1, 100); √v + 1 = (2, 11)
    #         p = (1 − 0.1·2/2, 1 − 0.1·20/11) = (0.9, 9/11)
    # step 2: g = (1.8, 180/11)
    #         v_x = 0.75·1 + 0.25·3.24 = 1.56
    #         v_y = 0.75·100 + 0.25·32400/121 = 75 + 8100/121 = 17175/121
    #         x = 0.9 − 0.1·1.8/(√1.56 + 1) ≈ 0.9 − 0.18/2.249000 ≈ 0.819964
    #         y = 9/11 − 0.1·(180/11)/(√17175/11 + 1) = 9/11 − (18/11)/(√17175/11 + 1)
    #           ≈ 0.818182 − 1.636364/12.913949 ≈ 0.691469
    p1, p2 = two_steps(RMSProp(0.1, alpha=0.75, eps=1.0))
    assert p1.tolist() == pytest.approx([0.9, 9 / 11], **APPROX)
    x2 = 0.9 - 0.18 / (math.sqrt(1.56) + 1)
    y2 = 9 / 11 - (18 / 11) / (math.sqrt(17175) / 11 + 1)
    assert p2.tolist() == pytest.approx([x2, y2], **APPROX)
    assert (x2, y2) == pytest.approx((0.81996, 0.69147), abs=1e-5)  # the hand values


def test_adam_two_steps_by_hand():
    # lr = 0.1, β1 = 0.5, β2 = 0.75, eps = 1
    # step 1 (t = 1): g = (2, 20); m = 0.5·g = (1, 10); v = 0.25·g² = (1, 100)
    #         m̂ = m/(1 − 0.5) = (2, 20); v̂ = v/(1 − 0.75) = (4, 400); √v̂ + 1 = (3, 21)
    #         p = (1 − 0.1·2/3, 1 − 0.1·20/21) = (14/15, 19/21)
    # step 2 (t = 2): g = (28/15, 380/21)
    #         m = 0.5·m + 0.5·g = (0.5 + 14/15, 5 + 190/21) = (43/30, 295/21)
    #         v = 0.75·v + 0.25·g² = (0.75 + 196/225, 75 + 36100/441) ≈ (1.621111, 156.859410)
    #         m̂ = m/(1 − 0.25) = m/0.75 ≈ (1.911111, 18.730159)
    #         v̂ = v/(1 − 0.5625) = v/0.4375 ≈ (3.705397, 358.535795); √v̂ ≈ (1.924941, 18.935041)
    #         p = p − 0.1·m̂/(√v̂ + 1) ≈ (0.933333 − 0.065338, 0.904762 − 0.093956)
    p1, p2 = two_steps(Adam(0.1, beta1=0.5, beta2=0.75, eps=1.0))
    assert p1.tolist() == pytest.approx([14 / 15, 19 / 21], **APPROX)
    m = (43 / 30, 295 / 21)
    v = (0.75 + 196 / 225, 75 + 36100 / 441)
    expected = [
        p - 0.1 * (mi / 0.75) / (math.sqrt(vi / 0.4375) + 1)
        for p, mi, vi in zip((14 / 15, 19 / 21), m, v)
    ]
    assert p2.tolist() == pytest.approx(expected, **APPROX)
    assert expected == pytest.approx([0.86799, 0.81081], abs=1e-5)  # the hand values


def test_adam_with_default_betas_first_step_moves_lr_per_coordinate():
    # Bias correction makes Adam's first step lr · g/(|g| + eps) ≈ ±lr for every number.
    opt = Adam(0.1, eps=0.0)
    p = opt.step(np.array([1.0, -3.0, 5.0]), np.array([2.0, -0.001, 400.0]))
    assert p.tolist() == pytest.approx([0.9, -2.9, 4.9], **APPROX)


# ----------------------------------------------------------------------------------------
# Twenty steps on random arrays against an independent reference
# ----------------------------------------------------------------------------------------

CASES = {
    "gd": (SGD, {"lr": 0.05}),
    "momentum": (SGD, {"lr": 0.05, "momentum": 0.8}),
    "nesterov": (SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    "adagrad": (AdaGrad, {"lr": 0.3, "eps": 1e-3}),
    "rmsprop": (RMSProp, {"lr": 0.01, "alpha": 0.9, "eps": 1e-4}),
    "adam": (Adam, {"lr": 0.02, "beta1": 0.8, "beta2": 0.95, "eps": 1e-5}),
}


def reference_run(kind, hyper, params0, grads):
    """Straightforward per-number loops over plain Python floats, written from the papers."""
    params = [[float(v) for v in np.ravel(p)] for p in params0]
    state = [[{} for _ in p] for p in params]
    lr = hyper["lr"]
    for t, step_grads in enumerate(grads, start=1):
        for leaf, (p_list, g_arr) in enumerate(zip(params, step_grads)):
            for i, g in enumerate(np.ravel(g_arr).tolist()):
                s = state[leaf][i]
                if kind == "gd":
                    p_list[i] -= lr * g
                elif kind in ("momentum", "nesterov"):
                    mu = hyper["momentum"]
                    s["b"] = g if t == 1 else mu * s["b"] + g
                    d = g + mu * s["b"] if kind == "nesterov" else s["b"]
                    p_list[i] -= lr * d
                elif kind == "adagrad":
                    s["s"] = s.get("s", 0.0) + g * g
                    p_list[i] -= lr * g / (math.sqrt(s["s"]) + hyper["eps"])
                elif kind == "rmsprop":
                    a = hyper["alpha"]
                    s["v"] = a * s.get("v", 0.0) + (1 - a) * g * g
                    p_list[i] -= lr * g / (math.sqrt(s["v"]) + hyper["eps"])
                elif kind == "adam":
                    b1, b2 = hyper["beta1"], hyper["beta2"]
                    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
                    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
                    m_hat = s["m"] / (1 - b1**t)
                    v_hat = s["v"] / (1 - b2**t)
                    p_list[i] -= lr * m_hat / (math.sqrt(v_hat) + hyper["eps"])
                else:  # pragma: no cover
                    raise AssertionError(kind)
    return [np.array(p).reshape(np.shape(p0)) for p, p0 in zip(params, params0)]


def torch_run(kind, hyper, params0, grads):  # pragma: no cover - only with torch installed
    tensors = [torch.tensor(p, dtype=torch.float64) for p in params0]
    h = dict(hyper)
    if kind in ("gd", "momentum", "nesterov"):
        opt = torch.optim.SGD(tensors, lr=h["lr"], momentum=h.get("momentum", 0.0),
                              nesterov=kind == "nesterov")
    elif kind == "adagrad":
        opt = torch.optim.Adagrad(tensors, lr=h["lr"], eps=h["eps"])
    elif kind == "rmsprop":
        opt = torch.optim.RMSprop(tensors, lr=h["lr"], alpha=h["alpha"], eps=h["eps"])
    else:
        opt = torch.optim.Adam(tensors, lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=h["eps"])
    for step_grads in grads:
        for tensor, g in zip(tensors, step_grads):
            tensor.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
    return [t.detach().numpy() for t in tensors]


@pytest.mark.parametrize("kind", list(CASES))
def test_twenty_steps_match_the_reference(kind):
    cls, hyper = CASES[kind]
    rng = np.random.default_rng(7)
    params0 = [rng.normal(size=(3, 4)), rng.normal(size=5), np.array(rng.normal())]
    grads = [[rng.normal(size=np.shape(p)) * 3 for p in params0] for _ in range(20)]
    opt = cls(**hyper)
    params = params0
    for step_grads in grads:
        params = opt.step(params, step_grads)
    expected = reference_run(kind, hyper, params0, grads)
    moved = 0.0
    for got, want, start in zip(params, expected, params0):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
        moved = max(moved, float(np.max(np.abs(got - start))))
    assert moved > 1e-3  # the comparison is not between two unmoved starts
    if torch is not None:  # pragma: no cover - depends on the environment
        for got, want in zip(params, torch_run(kind, hyper, params0, grads)):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_reference_loop_tells_the_optimizers_apart():
    # Guards the comparison above: the reference really depends on the rule.
    rng = np.random.default_rng(1)
    params0 = [rng.normal(size=4)]
    grads = [[rng.normal(size=4)] for _ in range(5)]
    results = {k: reference_run(k, CASES[k][1], params0, grads)[0] for k in CASES}
    keys = list(results)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            assert not np.allclose(results[a], results[b]), (a, b)


# ----------------------------------------------------------------------------------------
# Structures, state, inputs
# ----------------------------------------------------------------------------------------


def network_like(rng):
    return [
        (rng.normal(size=(2, 3)), rng.normal(size=3)),
        (rng.normal(size=(3, 1)), rng.normal(size=1)),
    ]


@pytest.mark.parametrize("kind", optimizers.OPTIMIZER_NAMES)
def test_nested_structure_round_trips(kind):
    rng = np.random.default_rng(0)
    params, grads = network_like(rng), network_like(rng)
    opt = optimizers.make(kind, 0.1)
    new = opt.step(params, grads)
    assert isinstance(new, list) and len(new) == 2
    for (W, b), (W0, b0) in zip(new, params):
        assert isinstance((W, b), tuple)
        assert W.shape == W0.shape and b.shape == b0.shape
        assert W.dtype == np.float64
        assert not np.array_equal(W, W0)
    # A second step with list-of-lists gradients (same shapes) is accepted.
    again = opt.step(new, [[W, b] for W, b in grads])
    assert [a.shape for pair in again for a in pair] == [(2, 3), (3,), (3, 1), (1,)]


def test_gd_on_a_structure_is_leafwise():
    params = [(np.array([[1.0, 2.0]]), np.array([3.0])), 4.0]
    grads = [(np.array([[10.0, 20.0]]), np.array([30.0])), 40.0]
    new = SGD(0.1).step(params, grads)
    assert new[0][0].shape == (1, 2)
    assert new[0][0].ravel().tolist() == pytest.approx([0.0, 0.0], abs=1e-15)
    assert new[0][1].tolist() == pytest.approx([0.0], abs=1e-15)
    assert isinstance(new[1], float) and new[1] == pytest.approx(0.0, abs=1e-15)


def test_scalars_and_zero_dimensional_arrays():
    assert SGD(0.5).step(3.0, 2.0) == 2.0
    assert isinstance(SGD(0.5).step(3.0, 2.0), float)
    out = SGD(0.5).step(np.array(3.0), np.array(2.0))
    assert isinstance(out, np.ndarray) and out.shape == () and float(out) == 2.0


def test_float32_parameters_stay_float32():
    out = SGD(0.5).step(np.ones(3, dtype=np.float32), np.ones(3, dtype=np.float32))
    assert out.dtype == np.float32 and out.tolist() == [0.5, 0.5, 0.5]
    assert SGD(0.5).step(np.array([3, 1]), np.array([2, 2])).dtype == np.float64  # ints → float


@pytest.mark.parametrize(
    "params, grad",
    [
        ([np.zeros(2), np.zeros(3)], [np.zeros(2)]),                # a leaf missing
        ([np.zeros(2), np.zeros(3)], [np.zeros(2), np.zeros(4)]),    # wrong shape
        (np.zeros((2, 2)), np.zeros(4)),                             # same size, other shape
        ([(np.zeros(2), np.zeros(1))], [np.zeros(2), np.zeros(1)]),  # other nesting
    ],
)
def test_gradient_with_another_structure_is_rejected(params, grad):
    with pytest.raises(ValueError, match="gradient"):
        Adam(0.1).step(params, grad)


def test_changing_structure_between_steps_is_rejected_and_harmless():
    rng = np.random.default_rng(3)
    p, g = network_like(rng), network_like(rng)
    opt, twin = SGD(0.1, momentum=0.9), SGD(0.1, momentum=0.9)
    p1 = opt.step(p, g)
    twin.step(p, g)
    with pytest.raises(ValueError, match="reset"):
        opt.step(p1[:1], g[:1])
    with pytest.raises(ValueError):
        opt.step(np.zeros(3), np.zeros(3))
    # The refused calls changed nothing: the next step is the twin's.
    a, b = opt.step(p1, g), twin.step(p1, g)
    for (Wa, ba), (Wb, bb) in zip(a, b):
        assert np.array_equal(Wa, Wb) and np.array_equal(ba, bb)
    opt.reset()
    assert opt.step(np.zeros(3), np.ones(3)).tolist() == pytest.approx([-0.1] * 3, **APPROX)


def test_non_numbers_are_rejected():
    with pytest.raises(TypeError):
        SGD(0.1).step(["a", "b"], [1.0, 2.0])
    with pytest.raises(TypeError):
        SGD(0.1).step(None, None)


@pytest.mark.parametrize("kind", optimizers.OPTIMIZER_NAMES)
def test_inputs_are_not_mutated_and_state_is_not_shared_with_them(kind):
    rng = np.random.default_rng(5)
    params, grads = network_like(rng), network_like(rng)
    params_copy = [(W.copy(), b.copy()) for W, b in params]
    grads_copy = [(W.copy(), b.copy()) for W, b in grads]
    opt, twin = optimizers.make(kind, 0.1), optimizers.make(kind, 0.1)
    first = opt.step(params, grads)
    twin.step(params_copy, grads_copy)
    for (W, b), (Wc, bc) in zip(params, params_copy):
        assert np.array_equal(W, Wc) and np.array_equal(b, bc)
    for (W, b), (Wc, bc) in zip(grads, grads_copy):
        assert np.array_equal(W, Wc) and np.array_equal(b, bc)
    # Scribbling over the caller's arrays afterwards must not reach the optimizer's memory.
    for W, b in grads + params:
        W[...] = 1e6
        b[...] = -1e6
    for W, b in first:  # nor over the result
        W[...] = 7.0
    second = opt.step(params_copy, grads_copy)
    expected = twin.step(params_copy, grads_copy)
    for (W, b), (We, be) in zip(second, expected):
        assert np.array_equal(W, We) and np.array_equal(b, be)


@pytest.mark.parametrize("kind", optimizers.OPTIMIZER_NAMES)
def test_reset_forgets_everything(kind):
    p, g = np.array([1.0, -2.0, 0.5]), np.array([0.3, -4.0, 2.0])
    fresh_first = optimizers.make(kind, 0.1).step(p, g)
    opt = optimizers.make(kind, 0.1)
    for _ in range(3):
        opt.step(p, g)
    before_reset = opt.step(p, g)
    opt.reset()
    assert opt.t == 0 and opt.last_explanation == []
    after = opt.step(p, g)
    assert after.tolist() == fresh_first.tolist()
    if kind != "gd":  # stateful optimizers really did carry something to forget
        assert before_reset.tolist() != fresh_first.tolist()
    opt.reset()
    assert opt.step(np.zeros((2, 2)), np.ones((2, 2))).shape == (2, 2)  # any structure now


@pytest.mark.parametrize("kind", optimizers.OPTIMIZER_NAMES)
def test_non_finite_values_pass_quietly(kind):
    opt = optimizers.make(kind, 0.1)
    p = np.array([1.0, np.inf, np.nan, 1e308, 0.0])
    g = np.array([np.inf, 1.0, 1.0, 1e308, -np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = opt.step(p, g)
        out = opt.step(out, g)
        explained = optimizers.make(kind, 0.1)
        explained.step(np.array([np.inf, 1e308]), np.array([np.nan, 1e308]))
    assert out.shape == p.shape
    assert not np.isfinite(out).all()
    assert len(explained.last_explanation) >= 2
    assert any("nan" in line or "∞" in line for line in explained.last_explanation)


# ----------------------------------------------------------------------------------------
# Explanations, names, formulas, the factory
# ----------------------------------------------------------------------------------------


def test_gd_explanation_shows_the_arithmetic():
    opt = SGD(0.1)
    opt.step(np.array([1.0, -0.5]), np.array([2.0, -3.0]))
    assert opt.last_explanation == [
        "x_new = x − lr · ∂f/∂x = 1.000 − 0.1 · 2.000 = 0.800",
        "y_new = y − lr · ∂f/∂y = −0.500 − 0.1 · (−3.000) = −0.200",
    ]


def test_explanation_of_a_single_number_and_of_tiny_values():
    opt = SGD(0.5)
    opt.step(2.0, 1e-7)
    assert opt.last_explanation == ["x_new = x − lr · ∂f/∂x = 2.000 − 0.5 · 1.000×10⁻⁷ = 2.000"]


def test_momentum_explanation_mentions_the_first_step_then_the_memory():
    opt = SGD(0.1, momentum=0.9)
    p = opt.step(np.array([1.0, 1.0]), np.array([2.0, 4.0]))
    assert opt.last_explanation[0] == "b_x = ∂f/∂x = 2.000   (first step)"
    assert opt.last_explanation[1] == "x_new = x − lr · b_x = 1.000 − 0.1 · 2.000 = 0.800"
    opt.step(p, np.array([1.0, 1.0]))
    assert opt.last_explanation[0] == "b_x = μ · b_x + ∂f/∂x = 0.9 · 2.000 + 1.000 = 2.800"
    assert opt.last_explanation[1] == "x_new = x − lr · b_x = 0.800 − 0.1 · 2.800 = 0.520"
    assert len(opt.last_explanation) == 4 and opt.last_explanation[2].startswith("b_y")


def test_adam_explanation_has_m_v_mhat_vhat_then_the_new_value():
    opt = Adam(0.1, eps=1e-8)
    opt.step(np.array([1.0, 1.0]), np.array([2.0, -20.0]))
    lines = opt.last_explanation
    assert len(lines) == 10
    assert [line.split(" =")[0] for line in lines[:5]] == ["m_x", "v_x", "m̂_x", "v̂_x", "x_new"]
    assert lines[0] == "m_x = β₁ · m_x + (1 − β₁) · ∂f/∂x = 0.9 · 0.000 + 0.1 · 2.000 = 0.200"
    assert lines[1] == (
        "v_x = β₂ · v_x + (1 − β₂) · (∂f/∂x)² = 0.999 · 0.000 + 0.001 · 2.000² = 0.004000"
    )
    assert lines[2] == "m̂_x = m_x / (1 − β₁ᵗ) = 0.200 / (1 − 0.9^1) = 2.000"
    assert lines[4] == (
        "x_new = x − lr · m̂_x / (√v̂_x + ε) = 1.000 − 0.1 · 2.000 / (√4.000 + 10⁻⁸) = 0.900"
    )
    assert lines[5].startswith("m_y") and lines[9].endswith("= 1.100")


@pytest.mark.parametrize("kind", optimizers.OPTIMIZER_NAMES)
def test_explanations_only_for_at_most_two_numbers(kind):
    opt = optimizers.make(kind, 0.1)
    out = opt.step(np.array([1.0, 2.0]), np.array([0.5, -0.5]))
    assert len(opt.last_explanation) >= 2
    assert opt.last_explanation[-1].startswith("y_new = y − lr")
    assert opt.last_explanation[-1].endswith(f"= {out[1]:.3f}")
    opt.reset()
    opt.step(np.ones(3), np.ones(3))
    assert opt.last_explanation == []


def test_names_hyperparameters_and_formulas():
    assert SGD(0.1).name == "GD"
    assert SGD(0.1, momentum=0.9).name == "Momentum"
    assert SGD(0.1, momentum=0.9, nesterov=True).name == "Nesterov"
    assert (AdaGrad(0.1).name, RMSProp(0.1).name, Adam(0.1).name) == ("AdaGrad", "RMSProp", "Adam")
    assert SGD(0.1, momentum=0.5).hyperparameters() == {
        "lr": 0.1, "momentum": 0.5, "nesterov": False,
    }
    assert AdaGrad(0.2).hyperparameters() == {"lr": 0.2, "eps": 1e-10}
    assert RMSProp(0.2).hyperparameters() == {"lr": 0.2, "alpha": 0.99, "eps": 1e-8}
    assert Adam(0.2).hyperparameters() == {"lr": 0.2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    for cls, marker in ((SGD, "μ · b"), (AdaGrad, "√s"), (RMSProp, "(1 − α)"), (Adam, "m̂")):
        assert marker in cls.formula and "\n" in cls.formula
        assert cls.__doc__ and "←" in cls.__doc__
    assert "μ" not in SGD(0.1).formula and "μ" in SGD(0.1, momentum=0.9).formula
    assert "(g + μ · b)" in SGD(0.1, momentum=0.9, nesterov=True).formula
    assert "Adam" in repr(Adam(0.1)) and "beta2=0.999" in repr(Adam(0.1))


def test_make_and_the_name_list():
    assert optimizers.OPTIMIZER_NAMES == (
        "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam",
    )
    assert set(optimizers.DEFAULT_LR) == set(optimizers.OPTIMIZER_NAMES)
    assert all(lr > 0 for lr in optimizers.DEFAULT_LR.values())
    for key in optimizers.OPTIMIZER_NAMES:
        opt = optimizers.make(key)
        assert opt.key == key
        assert opt.lr == optimizers.DEFAULT_LR[key]
        assert opt.name == optimizers.TITLES[key]
    assert optimizers.make("momentum", 0.3).hyperparameters()["momentum"] == 0.9
    assert optimizers.make("Nesterov", 0.3, momentum=0.5).hyperparameters() == {
        "lr": 0.3, "momentum": 0.5, "nesterov": True,
    }
    assert optimizers.make("adam", 0.01, beta1=0.5).beta1 == 0.5
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.make("lbfgs", 0.1)
    with pytest.raises(ValueError, match="does not take"):
        optimizers.make("gd", 0.1, momentum=0.9)


@pytest.mark.parametrize(
    "build",
    [
        lambda: SGD(-0.1),
        lambda: SGD(float("nan")),
        lambda: SGD("fast"),
        lambda: SGD(0.1, momentum=-0.5),
        lambda: SGD(0.1, nesterov=True),
        lambda: AdaGrad(0.1, eps=-1.0),
        lambda: RMSProp(0.1, alpha=1.5),
        lambda: Adam(0.1, beta1=1.0),
        lambda: Adam(0.1, beta2=-0.1),
    ],
)
def test_bad_hyperparameters_are_refused(build):
    with pytest.raises(ValueError):
        build()


# ----------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def params_and_grads(draw):
    leaf_shapes = draw(st.lists(shapes, min_size=1, max_size=4))
    params = [draw(hnp.arrays(np.float64, s, elements=finite)) for s in leaf_shapes]
    grads = [draw(hnp.arrays(np.float64, s, elements=finite)) for s in leaf_shapes]
    return params, grads


@settings(max_examples=60, deadline=None)
@given(data=params_and_grads(), kind=st.sampled_from(optimizers.OPTIMIZER_NAMES))
def test_step_keeps_shapes_and_finiteness(data, kind):
    params, grads = data
    opt = optimizers.make(kind, 0.1)
    out = opt.step(params, grads)
    out = opt.step(out, grads)
    assert isinstance(out, list) and len(out) == len(params)
    for o, p in zip(out, params):
        assert isinstance(o, np.ndarray) and o.shape == p.shape and o.dtype == np.float64
        assert np.isfinite(o).all()
    total = sum(p.size for p in params)
    assert (len(opt.last_explanation) > 0) == (0 < total <= 2)


@settings(max_examples=40, deadline=None)
@given(
    curvature=st.lists(st.floats(0.2, 5.0), min_size=1, max_size=6),
    fraction=st.floats(0.2, 1.5),
    seed=st.integers(0, 2**16),
)
def test_gd_converges_on_positive_definite_diagonal_quadratics(curvature, fraction, seed):
    # f(p) = Σ a_i (p_i − c_i)² / 2 has gradient a·(p − c); GD is stable for lr < 2 / max a.
    a = np.array(curvature)
    rng = np.random.default_rng(seed)
    centre = rng.uniform(-3, 3, size=a.size)
    p = rng.uniform(-3, 3, size=a.size)
    opt = SGD(fraction / a.max())
    for _ in range(2000):
        p = opt.step(p, a * (p - centre))
    np.testing.assert_allclose(p, centre, atol=1e-6)


# -- step_in_place: the training loop's form of step -------------------------------------


@pytest.mark.parametrize("kind", optimizers.OPTIMIZER_NAMES)
def test_step_in_place_gives_exactly_the_numbers_of_step(kind):
    rng = np.random.default_rng(7)
    start = rng.normal(size=37)
    grads = [rng.normal(size=37) * 10.0 ** rng.integers(-3, 3) for _ in range(6)]
    by_step, in_place = optimizers.make(kind, 0.05), optimizers.make(kind, 0.05)
    p = start.copy()
    q = start.copy()
    for g in grads:
        p = by_step.step(p, g)
        g_before = g.copy()
        in_place.step_in_place(q, g)
        assert np.array_equal(g, g_before)  # the gradient is only read
        assert np.array_equal(p, q), f"{kind}: step {in_place.t} differs"
    assert in_place.t == by_step.t == len(grads)


@pytest.mark.parametrize("kind", optimizers.OPTIMIZER_NAMES)
def test_step_and_step_in_place_share_their_running_averages(kind):
    rng = np.random.default_rng(3)
    grads = [rng.normal(size=9) for _ in range(4)]
    alone, mixed = optimizers.make(kind, 0.1), optimizers.make(kind, 0.1)
    p = np.linspace(-1.0, 1.0, 9)
    q = p.copy()
    for i, g in enumerate(grads):
        p = alone.step(p, g)
        if i % 2:
            q = mixed.step(q, g)
        else:
            mixed.step_in_place(q, g)
    assert np.array_equal(p, q)


def test_step_in_place_keeps_explanations_for_two_numbers():
    opt = optimizers.make("gd", 0.5)
    p = np.array([1.0, 2.0])
    opt.step_in_place(p, np.array([2.0, -2.0]))
    assert p.tolist() == [0.0, 3.0]
    assert opt.last_explanation  # the surface tab's worked arithmetic is still there


def test_step_in_place_rejects_a_gradient_of_another_shape():
    opt = optimizers.make("adam", 0.1)
    p = np.zeros(5)
    opt.step_in_place(p, np.ones(5))
    before = p.copy()
    with pytest.raises(ValueError, match="shape"):
        opt.step_in_place(p, np.ones(4))
    assert np.array_equal(p, before) and opt.t == 1
