"""The input-drive rule: input rate and weight normalisation from the data's statistics.

One rule for every dataset (docs/learning-rules.md, "Input-drive rule"). The network sees only
spikes; the rule fixes what they do, whatever the images look like:

- **Rate** (``image_rates_hz``): every image emits ``TARGET_SPIKES_PER_MS`` input spikes per
  ms in total, ``rate = min(1000 * target / ink, cap)`` Hz for a pixel of intensity 1, with
  ``ink`` the image's summed pixel intensities. The target is BindsNET's MNIST operating
  point (127.5 Hz x mean pixel 0.1307 x 784 pixels = 13.07 spikes per ms, 4 574 per 350 ms
  presentation). Per image, not per dataset: with one rate for all, a coat (Fashion-MNIST's
  inkiest class) drove 8x the output spikes of a sandal, thresholds and label assignment
  followed the ink rather than the shape (184 of 400 neurons labelled "coat"), and
  Fashion-MNIST lost 1.5-3 points.
- **Cap** (``rate_cap_hz``): no rate above ``PEAK_RATE_HZ / mean_peak``, ``mean_peak`` the
  mean over the training images of their brightest pixel, so the dataset's bright pixels
  fire at most at ``PEAK_RATE_HZ``. It keeps a pixel's 20 ms STDP trace from saturating: at
  255 Hz a white pixel fires 5.1 times per trace time constant and its mean trace is 0.84;
  much faster, every lit pixel's trace sits near 1 at each post spike and potentiation no
  longer tells grey from white. It binds for small images (the 64-pixel digits, where every
  image gets the cap), never for an average 28x28 one. ``input_rate_hz`` is the rate of the
  average image (what the cost models price and a run reports).
- **Normalisation** (``image_rule_norm``, ``weight_norm``): each neuron's input weights sum to
  the value at which a neuron with uniform weights receives ``TARGET_DRIVE_MV_PER_MS`` from
  the mean input spike rate the images emit: ``norm = drive * inputs / spikes_per_ms`` mV.

Both depend on the data only through the spike trains: scaling every image's intensity by any
factor gives exactly the same spikes, weights and accuracy (the rule is scale invariant; below
the cap, so does scaling any single image), and a longer or shorter presentation keeps the
rates (fewer steps, fewer spikes). An explicit rate (``SimConfig.max_rate_hz``) is every
image's rate, with ``weight_norm`` at that rate.
"""

from __future__ import annotations

import numpy as np

from snn_dse.domains import MNIST_MEAN_INTENSITY
from snn_dse.errors import InputError

#: Input spikes per ms of an average image: MNIST at BindsNET's 127.5 Hz (mean pixel 0.1307).
TARGET_SPIKES_PER_MS = 127.5 * MNIST_MEAN_INTENSITY * 784 / 1000
#: Rate cap of a dataset's brightest pixels (Hz): 4x Diehl & Cook's 63.75 Hz, 5.1 spikes per
#: 20 ms trace time constant (docs/learning-rules.md: chosen on the digits, where it binds).
PEAK_RATE_HZ = 255.0
#: Drive of a uniform-weight neuron (mV per ms): Diehl & Cook's MNIST drive, 63.75 Hz x mean
#: pixel 0.1307 x 784 inputs x their 0.1 mV mean weight (norm 78.4) = 0.653 mV/ms.
TARGET_DRIVE_MV_PER_MS = 63.75 * MNIST_MEAN_INTENSITY * 784 * 0.1 / 1000


def input_rate_hz(mean_intensity: float, n_inputs: int, peak_intensity: float = 1.0) -> float:
    """Poisson rate (Hz) of a pixel of intensity 1 for images of mean pixel ``mean_intensity``
    over ``n_inputs`` pixels whose brightest pixel is ``peak_intensity`` on average (all in
    [0, 1]). Raises ``InputError`` for images without ink."""
    ink = mean_intensity * n_inputs
    if not (ink > 0 and peak_intensity > 0):
        raise InputError(f"the training images carry no ink (mean intensity {mean_intensity!r}):"
                         " no input rate makes them spike; check the dataset files")
    return min(1e3 * TARGET_SPIKES_PER_MS / ink, rate_cap_hz(peak_intensity))


def image_rates_hz(x: np.ndarray, cap_hz: float) -> np.ndarray:
    """The spike target applied to each image: Poisson rate (Hz for intensity 1) of every row
    of ``x`` (images, inputs) so that it emits ``TARGET_SPIKES_PER_MS`` input spikes per ms,
    at most ``cap_hz`` (the dataset's ``input_rate_hz`` cap, ``PEAK_RATE_HZ / mean_peak``);
    ``cap_hz`` for an image without ink (it emits nothing). Every image below the cap drives
    the network alike whatever its ink (float64, shape (images,))."""
    x = np.atleast_2d(x)
    ink = x.sum(axis=1, dtype=np.float64)
    rates = np.full(x.shape[0], cap_hz)
    lit = ink > 0
    rates[lit] = np.minimum(1e3 * TARGET_SPIKES_PER_MS / ink[lit], cap_hz)
    return rates


def rate_cap_hz(peak_intensity: float) -> float:
    """The rate cap (Hz for intensity 1) of images whose brightest pixel is ``peak_intensity``
    on average: ``PEAK_RATE_HZ / peak_intensity``."""
    return PEAK_RATE_HZ / peak_intensity


def image_rule_norm(x: np.ndarray, cap_hz: float) -> float:
    """``weight_norm`` of the per-image rule for training images ``x`` (images, inputs): the
    sum of input weights that gives a uniform-weight neuron ``TARGET_DRIVE_MV_PER_MS`` from the
    mean input spike rate the images emit under ``image_rates_hz``. Raises ``InputError`` for
    images without ink."""
    spikes_per_ms = float(np.mean(image_rates_hz(x, cap_hz) * x.sum(axis=1, dtype=np.float64)))
    if not spikes_per_ms > 0:
        raise InputError("the training images carry no ink: no input rate makes them spike;"
                         " check the dataset files")
    return TARGET_DRIVE_MV_PER_MS * x.shape[1] * 1e3 / spikes_per_ms


def weight_norm(rate_hz: float, mean_intensity: float) -> float:
    """Sum of each neuron's input weights (mV) that gives a uniform-weight neuron
    ``TARGET_DRIVE_MV_PER_MS`` at input rate ``rate_hz`` (Hz for intensity 1) from images of
    mean pixel ``mean_intensity``."""
    return 1e3 * TARGET_DRIVE_MV_PER_MS / (rate_hz * mean_intensity)
