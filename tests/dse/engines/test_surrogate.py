"""The guided engine's surrogates: GP and forest fit, uncertainty, and the switch between them."""

from __future__ import annotations

import numpy as np
import pytest

from dse.engines import _surrogate
from dse.engines._surrogate import AccuracySurrogate, GaussianProcess, Surrogate


def noisy_data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 4, (n, 2))
    return X, (np.sin(X[:, 0]) + 0.3 * X[:, 1] + rng.normal(0, 0.05, n))[:, None]


@pytest.mark.parametrize("model", [GaussianProcess, Surrogate])
def test_predicts_a_smooth_function_with_an_honest_spread(model: type) -> None:
    X, Y = noisy_data(60)
    fitted = model(0)
    fitted.fit(X, Y)
    X_new, Y_new = noisy_data(200, seed=1)
    mean, std = fitted.predict(X_new)
    assert mean.shape == std.shape == (200, 1)
    assert np.sqrt(np.mean((mean - Y_new) ** 2)) < 0.25          # target s.d. is about 0.8
    assert (std > 0).all()
    far, _ = noisy_data(1)
    assert fitted.predict(far + 40.0)[1][0, 0] > np.median(std)   # unsure far from the data


def test_gp_learns_the_noise_level() -> None:
    """The white-noise term absorbs the scatter of repeated measurements: the predicted
    spread at a measured point stays near the noise, it does not collapse to zero."""
    rng = np.random.default_rng(0)
    X = np.repeat(np.linspace(0, 1, 10), 4)[:, None]
    Y = (X[:, 0] + rng.normal(0, 0.2, X.shape[0]))[:, None]
    gp = GaussianProcess(0)
    gp.fit(X, Y)
    assert 0.1 < gp.predict(np.array([[0.5]]))[1][0, 0] < 0.4


def test_accuracy_surrogate_switches_to_the_forest_beyond_the_gp_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_surrogate, "GP_LIMIT", 20)
    model = AccuracySurrogate(0)
    model.fit(*noisy_data(20))
    assert isinstance(model._model, GaussianProcess)
    model.fit(*noisy_data(21))
    assert isinstance(model._model, Surrogate)
    assert model.predict(noisy_data(3)[0])[0].shape == (3, 1)


def test_gp_covariance_is_the_posterior_covariance_of_the_latent_function() -> None:
    """What the Kriging believer conditions on: the off-diagonal of scikit-learn's posterior
    covariance (noise only on the diagonal), in target units."""
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (30, 2))
    Y = (np.sin(4 * X[:, 0]) + X[:, 1] + rng.normal(0, 0.1, 30))[:, None] * 5.0
    gp = GaussianProcess(0)
    gp.fit(X, Y)
    Xq = rng.uniform(0, 1, (12, 2))
    gp.predict(Xq)
    rows = np.array([0, 3, 7, 11])
    mine = gp.covariance(rows, 5)[:, 0]
    model = gp._models[0]
    _, cov = model.predict((Xq - gp._low) / gp._span, return_cov=True)
    expected = cov[rows, 5] * gp._scale[0] ** 2
    np.testing.assert_allclose(mine, expected, rtol=1e-6, atol=1e-9)
