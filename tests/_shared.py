"""Constants the test packages share."""

from hwprofiles import list_profiles
from snn_dse.domains import MNIST_MEAN_INTENSITY

#: Ids of every shipped profile.
PROFILES = sorted(entry.id for entry in list_profiles() if entry.builtin)
#: Estimated-activity inputs of an MNIST-like dataset: its mean intensity and a 63.75 Hz peak
#: input rate.
RATES = {"mean_intensity": MNIST_MEAN_INTENSITY, "max_rate_hz": 63.75}
