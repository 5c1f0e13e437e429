"""Gradients of the layered families against central finite differences.

Spiking networks are checked in their smooth relaxation (``LIF(relaxed=True)``): the surrogate
gradient is the exact gradient of that network, so finite differences must agree. The
threshold is set above every membrane value so the (detached, piecewise-constant) reset never
switches inside a difference step.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim._ann import ReLUMLP
from sim._imsnn import ISISynapse
from sim._layers import LIF, Dense
from sim._optim import Adam
from sim._regularisers import penalty
from sim._snn import SpikingMLP, softmax_xent

EPS = 1e-2


def _fd_check(params: list[np.ndarray], loss_fn, grads: list[np.ndarray], rng: np.random.Generator,
              samples: int = 12, rtol: float = 0.05) -> None:
    """Compare ``grads`` with central differences of ``loss_fn`` at random parameter entries."""
    for p, g in zip(params, grads, strict=True):
        for _ in range(samples):
            idx = tuple(int(rng.integers(0, n)) for n in p.shape)
            old = p[idx]
            p[idx] = old + EPS
            up = loss_fn()
            p[idx] = old - EPS
            down = loss_fn()
            p[idx] = old
            numeric = (up - down) / (2 * EPS)
            assert g[idx] == pytest.approx(numeric, rel=rtol, abs=2e-4), (p.shape, idx)


@pytest.mark.parametrize("unit", [1.0, 25.0])
@pytest.mark.parametrize("name", ["l1", "l2", "hoyer"])
def test_regulariser_gradients(name: str, unit: float) -> None:
    rng = np.random.default_rng(0)
    a = unit * rng.uniform(0.5, 3.0, (4, 7)).astype(np.float64)
    _, grad = penalty(name, a, unit)
    for b in range(4):
        for i in range(7):
            e = np.zeros_like(a)
            e[b, i] = 1e-4 * unit
            numeric = (penalty(name, a + e, unit)[0] - penalty(name, a - e, unit)[0]) / (2e-4 * unit)
            assert grad[b, i] == pytest.approx(numeric, rel=1e-3, abs=1e-9)


@pytest.mark.parametrize("name", ["l1", "l2", "hoyer"])
def test_regulariser_is_per_neuron_and_per_step(name: str) -> None:
    """The same rates give the same penalty at any width and any T (counts = T x rates)."""
    rates = np.random.default_rng(8).uniform(0.0, 0.4, (3, 5))
    value = penalty(name, rates)[0]
    assert penalty(name, 25 * rates, unit=25)[0] == pytest.approx(value)
    assert penalty(name, np.tile(rates, 4))[0] == pytest.approx(value)


def test_hoyer_is_scale_invariant_and_zero_safe() -> None:
    a = np.array([[1.0, 2.0, 0.0, 3.0]])
    assert penalty("hoyer", a)[0] == pytest.approx(penalty("hoyer", 5 * a)[0])
    value, grad = penalty("hoyer", np.zeros((2, 3)))
    assert value == 0.0 and np.all(np.isfinite(grad))


def test_softmax_xent_gradient() -> None:
    rng = np.random.default_rng(1)
    z = rng.normal(size=(3, 4))
    y = np.array([0, 3, 1])
    _, g = softmax_xent(z, y)
    for b in range(3):
        for c in range(4):
            e = np.zeros_like(z)
            e[b, c] = 1e-5
            numeric = (softmax_xent(z + e, y)[0] - softmax_xent(z - e, y)[0]) / 2e-5
            assert g[b, c] == pytest.approx(numeric, rel=1e-3, abs=1e-6)


def _relaxed_neuron() -> LIF:
    return LIF(beta=0.9, threshold=6.0, slope=1.0, relaxed=True)


@pytest.mark.parametrize("readout", ["membrane", "count"])
@pytest.mark.parametrize("coding", ["rate", "direct"])
@pytest.mark.parametrize("reg", ["none", "l2", "hoyer"])
def test_surrogate_network_gradient(coding: str, reg: str, readout: str) -> None:
    rng = np.random.default_rng(2)
    steps, batch = 5, 3
    net = SpikingMLP([Dense.create(6, 5, rng), Dense.create(5, 4, rng), Dense.create(4, 3, rng)],
                     _relaxed_neuron(), steps, readout)
    x = (rng.random((steps if coding == "rate" else 1, batch, 6)) < 0.5).astype(np.float32)
    if coding == "direct":
        x = rng.random((1, batch, 6)).astype(np.float32)
    y = np.array([0, 2, 1])

    def loss() -> float:
        return net.loss_and_grads(net.forward(x), y, reg, 0.3)[0]

    fwd = net.forward(x)
    assert max(float(np.abs(v).max()) for v in fwd.v) < net.neuron.threshold
    _, grads = net.loss_and_grads(fwd, y, reg, 0.3)
    _fd_check(net.params(), loss, grads, rng)


def _isi_net(rng: np.random.Generator, steps: int, selective: bool) -> SpikingMLP:
    layers = [ISISynapse.create(6, 5, steps, rng, selective), ISISynapse.create(5, 3, steps, rng, selective)]
    for layer in layers:
        layer.exact = True
    return SpikingMLP(layers, _relaxed_neuron(), steps)  # type: ignore[arg-type]


def test_imsnn_plain_bptt_gradient() -> None:
    """With the selective rule off, the ISI synapse's backward (ISI path included) is exact."""
    rng = np.random.default_rng(3)
    steps = 6
    net = _isi_net(rng, steps, selective=False)
    x = (rng.random((steps, 2, 6)) < 0.5).astype(np.float32)
    y = np.array([1, 2])

    def loss() -> float:
        return net.loss_and_grads(net.forward(x), y, "l1", 0.1)[0]

    _, grads = net.loss_and_grads(net.forward(x), y, "l1", 0.1)
    _fd_check(net.params(), loss, grads, rng)


def test_imsnn_selective_rule_cuts_only_the_isi_path() -> None:
    """The rule leaves the output layer's gradient alone, changes the hidden layer's, and
    what it keeps of ``dL/dphi`` is never positive (it only lengthens intervals)."""
    steps = 6
    x = (np.random.default_rng(4).random((steps, 4, 6)) < 0.5).astype(np.float32)
    y = np.array([0, 1, 2, 0])
    grads = {}
    for selective in (False, True):
        net = _isi_net(np.random.default_rng(5), steps, selective)
        _, grads[selective] = net.loss_and_grads(net.forward(x), y)
    np.testing.assert_allclose(grads[True][2], grads[False][2], rtol=1e-6)
    assert not np.allclose(grads[True][0], grads[False][0])
    assert 0 < net.projections[1].blocked_fraction < 1  # type: ignore[attr-defined]


def test_imsnn_tables_match_exact_gaussian() -> None:
    """The per-interval tables of production runs compute what the exact Gaussian does."""
    rng = np.random.default_rng(6)
    steps = 8
    s = (rng.random((steps, 3, 7)) < 0.4).astype(np.float32)
    layer = ISISynapse.create(7, 4, steps, rng)
    tabled = layer.forward(s)
    delta = rng.normal(size=tabled.shape).astype(np.float32)
    g_tab, gs_tab = layer.backward(delta, input_grad=True)
    layer.exact = True
    np.testing.assert_allclose(layer.forward(s), tabled, rtol=1e-5, atol=1e-6)
    g_ex, gs_ex = layer.backward(delta, input_grad=True)
    np.testing.assert_allclose(g_ex[0], g_tab[0], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(gs_ex, gs_tab, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("reg", ["none", "l1", "hoyer"])
def test_ann_gradient(reg: str) -> None:
    rng = np.random.default_rng(7)
    ann = ReLUMLP.create([6, 8, 5, 3], rng)
    for proj in ann.projections:  # positive biases keep pre-activations away from the kink
        proj.b += 0.5
    x = rng.random((4, 6)).astype(np.float32)
    y = np.array([0, 1, 2, 1])

    def loss() -> float:
        return ann.loss_and_grads(ann.forward(x), y, reg, 0.05)[0]

    _, grads = ann.loss_and_grads(ann.forward(x), y, reg, 0.05)
    _fd_check(ann.params(), loss, grads, rng)


def test_adam_first_step_is_lr_times_sign() -> None:
    p = np.array([1.0, -2.0, 0.5], np.float32)
    Adam([p], lr=0.1).step([np.array([3.0, -0.01, 0.0], np.float32)])
    np.testing.assert_allclose(p, [0.9, -1.9, 0.5], atol=1e-5)
