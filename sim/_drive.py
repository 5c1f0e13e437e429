"""The input-drive rule: input rate and weight normalisation from the data's statistics.

One rule for every dataset (docs/learning-rules.md, "Input-drive rule"). The network sees only
spikes; the rule fixes what they do, whatever the images look like:

- **Rate** (``input_rate_hz``): an average training image emits ``TARGET_SPIKES_PER_MS``
  input spikes per ms in total, unless that drives its brightest pixels above
  ``PEAK_RATE_HZ``: ``rate = min(1000 * target / mean_ink, PEAK_RATE_HZ / mean_peak)`` Hz for
  a pixel of intensity 1, with ``mean_ink`` the mean over the training images of the summed
  pixel intensities and ``mean_peak`` the mean of their brightest pixel. The target is
  BindsNET's MNIST operating point (127.5 Hz x mean pixel 0.1307 x 784 pixels = 13.07 spikes
  per ms, 4 574 per 350 ms presentation). The cap keeps a pixel's 20 ms STDP trace from
  saturating: at 255 Hz a white pixel fires 5.1 times per trace time constant and its mean
  trace is 0.84; much faster, every lit pixel's trace sits near 1 at each post spike and
  potentiation no longer tells grey from white. It binds for small images (the 64-pixel
  digits), never for 28x28 ones.
- **Normalisation** (``weight_norm``): each neuron's input weights sum to the value at which a
  neuron with uniform weights receives ``TARGET_DRIVE_MV_PER_MS`` from an average image at the
  rate in use: ``norm = 1000 * drive / (rate * mean_pixel)`` mV.

Both depend on the data only through the spike trains: scaling every image's intensity by any
factor gives exactly the same spikes, weights and accuracy (the rule is scale invariant), and a
longer or shorter presentation keeps the rates (fewer steps, fewer spikes).
"""

from __future__ import annotations

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
    return min(1e3 * TARGET_SPIKES_PER_MS / ink, PEAK_RATE_HZ / peak_intensity)


def weight_norm(rate_hz: float, mean_intensity: float) -> float:
    """Sum of each neuron's input weights (mV) that gives a uniform-weight neuron
    ``TARGET_DRIVE_MV_PER_MS`` at input rate ``rate_hz`` (Hz for intensity 1) from images of
    mean pixel ``mean_intensity``."""
    return 1e3 * TARGET_DRIVE_MV_PER_MS / (rate_hz * mean_intensity)
