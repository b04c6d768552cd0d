"""The network learns what the network builder promises: a two-arm spiral, to 97%."""

import numpy as np
import pytest

from desktop_app.model import datasets, network, optimizers


@pytest.mark.parametrize("seed", [0, 1])
def test_spiral_is_learned_to_97_percent_by_a_2_8_8_1_tanh_network_with_adam(seed):
    data = datasets.make("spiral", n=400, noise=0.0, seed=seed)
    net = network.Network([2, 8, 8, 1], ["tanh", "tanh", "linear"], seed=seed)
    adam = optimizers.make("adam", 0.01)
    rng = np.random.default_rng(seed)
    accuracy = 0.0
    for epoch in range(3000):
        net.train_epoch(data.X, data.T, adam, "cross_entropy", 20, rng)
        if epoch % 50 == 49:
            accuracy = net.accuracy(data.X, data.T)
            if accuracy >= 0.97:
                break
    assert accuracy >= 0.97, f"only {accuracy:.3f} after {epoch + 1} epochs"
    # Before training the same network is no better than a coin on this data.
    fresh = network.Network([2, 8, 8, 1], ["tanh", "tanh", "linear"], seed=seed)
    assert fresh.accuracy(data.X, data.T) < 0.8
