"""Optimizers: the rules that turn a gradient into a step, on plain NumPy arrays.

Every optimizer here follows the standard published update rule, written exactly as
``torch.optim`` computes it with its defaults (no weight decay, no dampening, RMSProp
neither centred nor with momentum), so what a student sees in the app is what a real
deep-learning library does.

``opt.step(params, grad)`` returns new parameters and never touches its inputs.
``opt.step_in_place(p, grad)`` does the same update straight into one float64 array: a
training loop takes thousands of tiny steps a second, and a fresh array per step would
cost more than the arithmetic.
``params`` and ``grad`` may be a single array of any shape (a 0-d array or a plain
number too) or a nested list/tuple of arrays such as a network's ``[(W1, b1), (W2, b2)]``;
the result has the same structure. The optimizer remembers its running averages per
array ("leaf"), so every later call must have the same structure and shapes until
``reset()``; anything else raises ``ValueError``.

For the surface tab, where the parameters are just the two numbers (x, y), every step
also leaves the arithmetic it did, with the actual numbers, in ``last_explanation``:
the app shows its work.

NaN and infinity pass through quietly (no NumPy warnings): a walker that blows up is
something to show, not a crash.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "DEFAULT_LR",
    "DEFAULT_MOMENTUM",
    "OPTIMIZER_NAMES",
    "SGD",
    "TITLES",
    "AdaGrad",
    "Adam",
    "Optimizer",
    "RMSProp",
    "make",
]

# The names the app (and scenario files) use, in the order the surface tab lists them.
OPTIMIZER_NAMES = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")

# Learning rates for the surface race. From (−2, 2) each reaches a valley floor of the
# bowl, the ravine, Booth's bowl, Himmelblau's surface and the hills well within the race's
# 10 000 steps, without flying off; all but RMSProp do so from every point of a 7×7 grid
# over those surfaces' bounds too. The limits come from Himmelblau's steepest valley
# (curvature ≈ 134): plain GD needs lr < 2/134, and momentum's steps are about
# lr/(1 − μ) = 10·lr long, hence its smaller lr. (RMSProp with any fixed lr can end up
# hopping around a valley floor in steps of about lr when the floor is flat, as from some
# starts on the hills: that is the method, not a bug.)
DEFAULT_LR: dict[str, float] = {
    "gd": 0.01,
    "momentum": 0.005,
    "nesterov": 0.005,
    "adagrad": 0.5,
    "rmsprop": 0.02,
    "adam": 0.1,
}

# The momentum the "momentum" and "nesterov" entries use unless told otherwise.
DEFAULT_MOMENTUM = 0.9

# Display names, as shown in legends and menus.
TITLES: dict[str, str] = {
    "gd": "GD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}

# Explanations are written out only for parameters with at most this many numbers.
_EXPLAIN_MAX = 2
_COORDINATE_NAMES = ("x", "y")


# --------------------------------------------------------------------------------------
# Nested structures of arrays
# --------------------------------------------------------------------------------------


def _flatten(tree, leaves: list) -> tuple:
    """Append the leaves of ``tree`` to ``leaves``; return a spec of its structure.

    The spec ignores whether a sequence is a list or a tuple (a network's gradients may
    come back as lists of tuples or of lists) but records every length and shape.
    """
    if isinstance(tree, (list, tuple)):
        return ("seq", tuple(_flatten(child, leaves) for child in tree))
    array = np.asarray(tree)
    if array.dtype.kind not in "iuf":
        raise TypeError(
            "parameters and gradients must be numbers or arrays of numbers, "
            f"got {type(tree).__name__}"
        )
    leaves.append(tree)
    return ("leaf", array.shape)


def _rebuild(template, values):
    """``template``'s structure filled with the arrays from the iterator ``values``."""
    if isinstance(template, (list, tuple)):
        children = [_rebuild(child, values) for child in template]
        if isinstance(template, tuple) and hasattr(template, "_fields"):  # a namedtuple
            return type(template)(*children)
        if type(template) in (list, tuple):
            return type(template)(children)
        try:
            return type(template)(children)
        except TypeError:
            return tuple(children) if isinstance(template, tuple) else children
    value = next(values)
    if isinstance(template, np.ndarray):
        dtype = template.dtype if template.dtype.kind == "f" else np.float64
        with np.errstate(all="ignore"):  # a float32 parameter that overflowed stays inf
            return np.array(value, dtype=dtype)  # a fresh array; 0-d stays 0-d
    return float(value)


def _spec_text(spec) -> str:
    """A short readable form of a structure spec, for error messages."""
    kind, content = spec
    if kind == "leaf":
        return "array" + str(tuple(content)) if content else "number"
    return "[" + ", ".join(_spec_text(child) for child in content) + "]"


# --------------------------------------------------------------------------------------
# Numbers as the app shows them
# --------------------------------------------------------------------------------------

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _power_of_ten(mantissa: str, exponent: int) -> str:
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if mantissa == "1" else f"{mantissa}×{power}"


def _num(v: float) -> str:
    """A computed value: three decimals, scientific notation when tiny or huge."""
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    a = abs(v)
    if a == 0.0:
        text = "0.000"
    elif 0.1 <= a < 1e5:
        text = f"{a:.3f}"
    elif 1e-4 <= a < 0.1:
        text = f"{a:#.4g}"
    else:
        mantissa, exponent = f"{a:.3e}".split("e")
        text = _power_of_ten(mantissa, int(exponent))
    return ("−" if v < 0 else "") + text


def _term(v: float) -> str:
    """A computed value inside a formula: negative numbers get parentheses."""
    text = _num(v)
    return f"({text})" if text.startswith("−") else text


def _base(v: float) -> str:
    """A computed value about to be squared: parentheses unless it is a plain positive number."""
    text = _num(v)
    scientific = "×" in text or text.startswith("10")
    return f"({text})" if text.startswith("−") or scientific else text


def _hp(v: float) -> str:
    """A hyperparameter as the student typed it (0.1, 0.9, 10⁻⁸)."""
    text = f"{abs(v):g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = _power_of_ten(mantissa, int(exponent))
    return ("−" if v < 0 else "") + text


def _check(value, what: str, low: float = 0.0, high: float = math.inf, high_open: bool = False):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    too_high = number >= high if high_open else number > high
    if not math.isfinite(number) or number < low or too_high:
        closing = ")" if high_open else "]"
        upper = "∞)" if math.isinf(high) else f"{high:g}{closing}"
        raise ValueError(f"{what} must be a number in [{low:g}, {upper}, got {value!r}")
    return number


# --------------------------------------------------------------------------------------
# The optimizers
# --------------------------------------------------------------------------------------

State = dict[str, np.ndarray]
_FLOAT64 = np.dtype(np.float64)


class Optimizer:
    """Common machinery: structure checks, per-leaf state, explanations.

    Subclasses implement ``_update(p, g, state, t) -> (new_p, new_state)`` on one float64
    leaf (``state`` is None on the first step; ``t`` counts steps from 1) and
    ``_explain(name, p, g, old, new, p_new, t) -> list[str]`` on one number.
    """

    name = "Optimizer"
    key = ""
    formula = ""

    def __init__(self, lr: float) -> None:
        self.lr = _check(lr, "the learning rate")
        self.reset()

    # -- public -------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything learned so far (running averages, step count, structure)."""
        self.t = 0
        self._spec: tuple | None = None
        self._state: list[State | None] | None = None
        self._scratch: np.ndarray | None = None
        self._in_place_of: tuple = (None, None)  # the arrays update_in_place last checked
        self.last_explanation = []

    def hyperparameters(self) -> dict:
        return {"lr": self.lr}

    def step(self, params, grad):
        """One update: returns new parameters with the structure of ``params``."""
        if (type(params) is np.ndarray and type(grad) is np.ndarray
                and params.dtype == _FLOAT64 and grad.dtype == _FLOAT64
                and self._spec == ("leaf", params.shape) and grad.shape == params.shape):
            return self._step_array(params, grad)
        p_leaves: list = []
        g_leaves: list = []
        spec = _flatten(params, p_leaves)
        grad_spec = _flatten(grad, g_leaves)
        if grad_spec != spec:
            raise ValueError(
                "the gradient does not have the shape of the parameters: "
                f"parameters {_spec_text(spec)}, gradient {_spec_text(grad_spec)}"
            )
        if self._spec is not None and spec != self._spec:
            raise ValueError(
                "these parameters do not have the structure of the previous step's "
                f"({_spec_text(spec)} instead of {_spec_text(self._spec)}); call reset() "
                "before optimizing something else"
            )
        ps = [np.asarray(leaf, dtype=np.float64) for leaf in p_leaves]
        gs = [np.array(leaf, dtype=np.float64) for leaf in g_leaves]  # copies: kept as state
        old_states = self._state if self._state is not None else [None] * len(ps)
        t = self.t + 1
        new_ps: list[np.ndarray] = []
        new_states: list[State] = []
        with np.errstate(all="ignore"):
            for p, g, state in zip(ps, gs, old_states, strict=True):
                p_new, state_new = self._update(p, g, state, t)
                new_ps.append(p_new)
                new_states.append(state_new)
        # Commit only now: a rejected call above leaves the optimizer as it was.
        self.t = t
        self._spec = spec
        self._state = new_states
        # Written out only when someone reads it: a race steps many times per frame and
        # shows one explanation.
        if sum(p.size for p in ps) <= _EXPLAIN_MAX:
            self._explain_inputs = ([p.copy() for p in ps], gs, old_states, new_states,
                                    new_ps, t)
        else:
            self.last_explanation = []
        return _rebuild(params, iter(new_ps))

    def _step_array(self, p: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """``step`` for one float64 array shaped like the last one: the same numbers and
        state without taking the structure apart (a walker makes thousands of steps)."""
        g = grad.copy()  # kept as state
        old = self._state[0] if self._state is not None else None
        t = self.t + 1
        with np.errstate(all="ignore"):
            p_new, state = self._update(p, g, old, t)
        self.t = t
        self._state = [state]
        if p.size <= _EXPLAIN_MAX:
            self._explain_inputs = ([p.copy()], [g], [old], [state], [p_new], t)
        else:
            self.last_explanation = []
        return np.array(p_new, dtype=np.float64)

    def step_in_place(self, p: np.ndarray, grad: np.ndarray) -> None:
        """The update ``step`` would return, written into ``p`` (a writable float64 array);
        ``grad`` is only read. Same numbers, same running averages, same checks."""
        with np.errstate(all="ignore"):
            self.update_in_place(p, grad)

    def update_in_place(self, p: np.ndarray, grad: np.ndarray) -> None:
        """``step_in_place`` for a training loop that already holds
        ``np.errstate(all="ignore")`` (entering it costs more than a small update)."""
        if not (p is self._in_place_of[0] and grad is self._in_place_of[1]
                and self._spec is not None and p.shape == self._spec[1]):
            # Checked once for these two arrays: a training loop passes the same ones.
            spec = ("leaf", p.shape)
            if (p.size <= _EXPLAIN_MAX or self._spec not in (None, spec)
                    or p.dtype != _FLOAT64 or getattr(grad, "shape", None) != p.shape
                    or grad.dtype != _FLOAT64):
                # Tiny problems keep their explanation; wrong shapes get step's own message.
                np.copyto(p, self.step(p, grad))
                return
            if self._scratch is None or self._scratch.shape != p.shape:
                self._scratch = np.empty_like(p)
            if self._state is None:
                self._state = [None]
            self._spec = spec
            self._in_place_of = (p, grad)
            self.last_explanation = []
        t = self.t + 1
        self._state[0] = self._update_in_place(p, grad, self._state[0], t, self._scratch)
        self.t = t

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    # -- for subclasses -------------------------------------------------------------------

    def _update(self, p: np.ndarray, g: np.ndarray, state: State | None, t: int):
        raise NotImplementedError

    def _update_in_place(self, p: np.ndarray, g: np.ndarray, state: State | None, t: int,
                         scratch: np.ndarray) -> State:
        """``_update`` into ``p``; subclasses redo it with the state arrays kept in place
        (in the same order of operations, so the numbers match ``step`` exactly)."""
        p_new, state = self._update(p, g, state, t)
        np.copyto(p, p_new)
        return state

    def _explain(self, name: str, p: float, g: float, old: dict | None, new: dict,
                 p_new: float, t: int) -> list[str]:
        raise NotImplementedError

    @property
    def last_explanation(self) -> list[str]:
        """The last step's arithmetic with its numbers, one line per equation ([] for more
        than two numbers)."""
        pending = self._explain_inputs
        if pending is not None:
            with np.errstate(all="ignore"):
                self._explanation = self._explain_all(*pending)
            self._explain_inputs = None
        return self._explanation

    @last_explanation.setter
    def last_explanation(self, lines: list[str]) -> None:
        self._explain_inputs = None
        self._explanation = list(lines)

    def _explain_all(self, ps, gs, old_states, new_states, new_ps, t) -> list[str]:
        total = sum(p.size for p in ps)
        if total == 0 or total > _EXPLAIN_MAX:
            return []
        names = _COORDINATE_NAMES if total == 2 else ("x",)
        lines: list[str] = []
        k = 0
        for p, g, old, new, p_new in zip(ps, gs, old_states, new_states, new_ps, strict=True):
            p_flat, g_flat = p.reshape(-1), g.reshape(-1)
            p_new_flat = np.asarray(p_new).reshape(-1)
            for j in range(p.size):
                old_j = None if old is None else _number_at(old, j)
                new_j = _number_at(new, j)
                lines += self._explain(
                    names[k], float(p_flat[j]), float(g_flat[j]), old_j, new_j,
                    float(p_new_flat[j]), t,
                )
                k += 1
        return lines


def _scaled_step(p, g, s, lr: float, eps: float, scratch) -> None:
    """p ← p − lr · g / (√s + ε), in place (AdaGrad's and RMSProp's step)."""
    np.sqrt(s, out=scratch)
    scratch += eps
    np.divide(g, scratch, out=scratch)
    scratch *= lr
    p -= scratch


def _number_at(state: State, j: int) -> dict[str, float]:
    return {key: float(value.reshape(-1)[j]) for key, value in state.items()}


def _eq(*parts: str) -> str:
    """One explanation line: the rule, the rule with numbers, the result."""
    return " = ".join(parts)


_GD_FORMULA = "p ← p − lr · g\n(g = ∇f(p), the gradient at the current point)"
_MOMENTUM_FORMULA = (
    "b ← μ · b + g      (b ← g on the first step)\n"
    "p ← p − lr · b\n"
    "(g = ∇f(p), the gradient at the current point)"
)
_NESTEROV_FORMULA = (
    "b ← μ · b + g      (b ← g on the first step)\n"
    "p ← p − lr · (g + μ · b)\n"
    "(g = ∇f(p), the gradient at the current point)"
)


class SGD(Optimizer):
    """Gradient descent, optionally with (Nesterov) momentum, as ``torch.optim.SGD``.

    With g = ∇f(p):

    - momentum μ = 0 (plain gradient descent, "GD"):  p ← p − lr · g
    - momentum μ > 0:  b ← μ · b + g  (b ← g on the first step), then
      p ← p − lr · b  ("Momentum"), or with ``nesterov=True``
      p ← p − lr · (g + μ · b)  ("Nesterov").

    ``formula`` on the class lists all three; an instance's ``formula`` is its own rule.
    """

    formula = (
        "Gradient descent (GD):\n  " + _GD_FORMULA.replace("\n", "\n  ") + "\n"
        "Momentum:\n  " + _MOMENTUM_FORMULA.replace("\n", "\n  ") + "\n"
        "Nesterov momentum:\n  " + _NESTEROV_FORMULA.replace("\n", "\n  ")
    )

    def __init__(self, lr: float, momentum: float = 0.0, nesterov: bool = False) -> None:
        self.momentum = _check(momentum, "the momentum")
        if nesterov not in (True, False):
            raise ValueError(f"nesterov must be True or False, got {nesterov!r}")
        if nesterov and self.momentum == 0:
            raise ValueError("Nesterov momentum needs a momentum above 0")
        self.nesterov = bool(nesterov)
        if self.nesterov:
            self.name, self.key, self.formula = "Nesterov", "nesterov", _NESTEROV_FORMULA
        elif self.momentum > 0:
            self.name, self.key, self.formula = "Momentum", "momentum", _MOMENTUM_FORMULA
        else:
            self.name, self.key, self.formula = "GD", "gd", _GD_FORMULA
        super().__init__(lr)

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}

    def _update(self, p, g, state, t):
        mu = self.momentum
        if mu == 0:
            return p - self.lr * g, {}
        b = g if state is None else np.asarray(mu * state["b"] + g)
        direction = g + mu * b if self.nesterov else b
        return p - self.lr * direction, {"b": b}

    def _update_in_place(self, p, g, state, t, s):
        mu = self.momentum
        if mu == 0:
            np.multiply(self.lr, g, out=s)
            p -= s
            return {}
        if state is None:
            b = g.copy()
        else:
            b = state["b"]
            b *= mu
            b += g
        if self.nesterov:
            np.multiply(mu, b, out=s)
            s += g
            s *= self.lr
        else:
            np.multiply(self.lr, b, out=s)
        p -= s
        return {"b": b}

    def _explain(self, name, p, g, old, new, p_new, t):
        d, lr, mu = f"∂f/∂{name}", _hp(self.lr), _hp(self.momentum)
        new_value = f"{name}_new"
        if self.momentum == 0:
            return [_eq(new_value, f"{name} − lr · {d}", f"{_num(p)} − {lr} · {_term(g)}",
                        _num(p_new))]
        b = new["b"]
        if old is None:
            lines = [_eq(f"b_{name}", d, f"{_num(b)}   (first step)")]
        else:
            lines = [_eq(f"b_{name}", f"μ · b_{name} + {d}",
                         f"{mu} · {_term(old['b'])} + {_term(g)}", _num(b))]
        if self.nesterov:
            lines.append(_eq(new_value, f"{name} − lr · ({d} + μ · b_{name})",
                             f"{_num(p)} − {lr} · ({_num(g)} + {mu} · {_term(b)})", _num(p_new)))
        else:
            lines.append(_eq(new_value, f"{name} − lr · b_{name}",
                             f"{_num(p)} − {lr} · {_term(b)}", _num(p_new)))
        return lines


class AdaGrad(Optimizer):
    """AdaGrad, as ``torch.optim.Adagrad`` (no learning-rate decay, accumulator from 0).

    Each number keeps the sum of its squared gradients s (starting at 0):

        s ← s + g²
        p ← p − lr · g / (√s + ε)

    Steps shrink where the surface has been steep, so every direction gets its own pace.
    """

    name = "AdaGrad"
    key = "adagrad"
    formula = (
        "s ← s + g²\n"
        "p ← p − lr · g / (√s + ε)\n"
        "(g = ∇f(p); s starts at 0, one for each number)"
    )

    def __init__(self, lr: float, eps: float = 1e-10) -> None:
        self.eps = _check(eps, "eps")
        super().__init__(lr)

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "eps": self.eps}

    def _update(self, p, g, state, t):
        s = (0.0 if state is None else state["s"]) + g * g
        return p - self.lr * (g / (np.sqrt(s) + self.eps)), {"s": np.asarray(s)}

    def _update_in_place(self, p, g, state, t, scratch):
        s = np.zeros_like(p) if state is None else state["s"]
        np.multiply(g, g, out=scratch)
        s += scratch
        _scaled_step(p, g, s, self.lr, self.eps, scratch)
        return {"s": s}

    def _explain(self, name, p, g, old, new, p_new, t):
        d, lr, eps = f"∂f/∂{name}", _hp(self.lr), _hp(self.eps)
        s_old = 0.0 if old is None else old["s"]
        s_new = _num(new["s"])
        return [
            _eq(f"s_{name}", f"s_{name} + ({d})²", f"{_num(s_old)} + {_base(g)}²", s_new),
            _eq(f"{name}_new", f"{name} − lr · {d} / (√s_{name} + ε)",
                f"{_num(p)} − {lr} · {_term(g)} / (√{s_new} + {eps})", _num(p_new)),
        ]


class RMSProp(Optimizer):
    """RMSProp, as ``torch.optim.RMSprop`` (not centred, no momentum).

    Each number keeps a running average v of its squared gradients (starting at 0):

        v ← α · v + (1 − α) · g²
        p ← p − lr · g / (√v + ε)

    Like AdaGrad, but old gradients are slowly forgotten, so steps can grow again.
    """

    name = "RMSProp"
    key = "rmsprop"
    formula = (
        "v ← α · v + (1 − α) · g²\n"
        "p ← p − lr · g / (√v + ε)\n"
        "(g = ∇f(p); v starts at 0, one for each number)"
    )

    def __init__(self, lr: float, alpha: float = 0.99, eps: float = 1e-8) -> None:
        self.alpha = _check(alpha, "alpha", 0.0, 1.0)
        self.eps = _check(eps, "eps")
        super().__init__(lr)

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps}

    def _update(self, p, g, state, t):
        v_old = 0.0 if state is None else state["v"]
        v = self.alpha * v_old + (1.0 - self.alpha) * (g * g)
        return p - self.lr * (g / (np.sqrt(v) + self.eps)), {"v": np.asarray(v)}

    def _update_in_place(self, p, g, state, t, scratch):
        v = np.zeros_like(p) if state is None else state["v"]
        v *= self.alpha
        np.multiply(g, g, out=scratch)
        scratch *= 1.0 - self.alpha
        v += scratch
        _scaled_step(p, g, v, self.lr, self.eps, scratch)
        return {"v": v}

    def _explain(self, name, p, g, old, new, p_new, t):
        d, lr, eps = f"∂f/∂{name}", _hp(self.lr), _hp(self.eps)
        v_old = 0.0 if old is None else old["v"]
        v_new = _num(new["v"])
        return [
            _eq(f"v_{name}", f"α · v_{name} + (1 − α) · ({d})²",
                f"{_hp(self.alpha)} · {_num(v_old)} + {_hp(1.0 - self.alpha)} · {_base(g)}²",
                v_new),
            _eq(f"{name}_new", f"{name} − lr · {d} / (√v_{name} + ε)",
                f"{_num(p)} − {lr} · {_term(g)} / (√{v_new} + {eps})", _num(p_new)),
        ]


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam`` (no weight decay, not AMSGrad).

    Each number keeps running averages of its gradients m and squared gradients v
    (both starting at 0); t counts the steps:

        m ← β₁ · m + (1 − β₁) · g
        v ← β₂ · v + (1 − β₂) · g²
        t ← t + 1
        m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)      (bias corrections)
        p ← p − lr · m̂ / (√v̂ + ε)

    computed, as torch does, as p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
    """

    name = "Adam"
    key = "adam"
    formula = (
        "m ← β₁ · m + (1 − β₁) · g\n"
        "v ← β₂ · v + (1 − β₂) · g²\n"
        "t ← t + 1\n"
        "m̂ = m / (1 − β₁ᵗ)\n"
        "v̂ = v / (1 − β₂ᵗ)\n"
        "p ← p − lr · m̂ / (√v̂ + ε)\n"
        "(g = ∇f(p); m and v start at 0, one for each number)"
    )

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        self.beta1 = _check(beta1, "beta1", 0.0, 1.0, high_open=True)
        self.beta2 = _check(beta2, "beta2", 0.0, 1.0, high_open=True)
        self.eps = _check(eps, "eps")
        super().__init__(lr)

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def _update(self, p, g, state, t):
        b1, b2 = self.beta1, self.beta2
        m_old = 0.0 if state is None else state["m"]
        v_old = 0.0 if state is None else state["v"]
        m = b1 * m_old + (1.0 - b1) * g
        v = b2 * v_old + (1.0 - b2) * (g * g)
        # lr · m̂ / (√v̂ + ε) with both bias corrections moved onto the constants, as the
        # Adam paper suggests (ε scaled to match): the same update, with one pass over the
        # numbers fewer (see _update_in_place).
        root = math.sqrt(1.0 - b2**t)
        denominator = np.sqrt(v) + self.eps * root
        step_size = self.lr * root / (1.0 - b1**t)
        return p - step_size * (m / denominator), {"m": np.asarray(m), "v": np.asarray(v)}

    def _update_in_place(self, p, g, state, t, scratch):
        b1, b2 = self.beta1, self.beta2
        if state is None:
            m, v = np.zeros_like(p), np.zeros_like(p)
        else:
            m, v = state["m"], state["v"]
        m *= b1
        np.multiply(1.0 - b1, g, out=scratch)
        m += scratch
        v *= b2
        np.multiply(g, g, out=scratch)
        scratch *= 1.0 - b2
        v += scratch
        root = math.sqrt(1.0 - b2**t)
        np.sqrt(v, out=scratch)
        scratch += self.eps * root
        np.divide(m, scratch, out=scratch)
        scratch *= self.lr * root / (1.0 - b1**t)
        p -= scratch
        return {"m": m, "v": v}

    def _explain(self, name, p, g, old, new, p_new, t):
        d = f"∂f/∂{name}"
        b1, b2 = self.beta1, self.beta2
        m_old = 0.0 if old is None else old["m"]
        v_old = 0.0 if old is None else old["v"]
        m, v = new["m"], new["v"]
        m_hat = m / (1.0 - b1**t)
        v_hat = v / (1.0 - b2**t)
        return [
            _eq(f"m_{name}", f"β₁ · m_{name} + (1 − β₁) · {d}",
                f"{_hp(b1)} · {_term(m_old)} + {_hp(1.0 - b1)} · {_term(g)}", _num(m)),
            _eq(f"v_{name}", f"β₂ · v_{name} + (1 − β₂) · ({d})²",
                f"{_hp(b2)} · {_num(v_old)} + {_hp(1.0 - b2)} · {_base(g)}²", _num(v)),
            _eq(f"m̂_{name}", f"m_{name} / (1 − β₁ᵗ)", f"{_term(m)} / (1 − {_hp(b1)}^{t})",
                _num(m_hat)),
            _eq(f"v̂_{name}", f"v_{name} / (1 − β₂ᵗ)", f"{_num(v)} / (1 − {_hp(b2)}^{t})",
                _num(v_hat)),
            _eq(f"{name}_new", f"{name} − lr · m̂_{name} / (√v̂_{name} + ε)",
                f"{_num(p)} − {_hp(self.lr)} · {_term(m_hat)} / (√{_num(v_hat)} + {_hp(self.eps)})",
                _num(p_new)),
        ]


# --------------------------------------------------------------------------------------
# Factory
# --------------------------------------------------------------------------------------

_FACTORIES: dict[str, Callable[..., Optimizer]] = {
    "gd": lambda lr: SGD(lr),
    "momentum": lambda lr, momentum=DEFAULT_MOMENTUM: SGD(lr, momentum=momentum),
    "nesterov": lambda lr, momentum=DEFAULT_MOMENTUM: SGD(lr, momentum=momentum, nesterov=True),
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def make(name: str, lr: float | None = None, **hyper) -> Optimizer:
    """A fresh optimizer by app name (see ``OPTIMIZER_NAMES``).

    ``lr`` defaults to ``DEFAULT_LR[name]``; ``hyper`` are the class's other keyword
    arguments ("momentum" and "nesterov" take ``momentum``, default 0.9; "gd" takes none).
    Unknown names and arguments raise ``ValueError``.
    """
    key = str(name).strip().lower()
    if key not in _FACTORIES:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_NAMES)}")
    if lr is None:
        lr = DEFAULT_LR[key]
    try:
        return _FACTORIES[key](lr, **hyper)
    except TypeError:
        raise ValueError(
            f"optimizer {key!r} does not take {', '.join(sorted(hyper))}"
        ) from None
