"""Hypothesis properties (trend tests) over every shipped profile.

Memory and energy never decrease with bit width, neurons or activity; direct lateral
inhibition never costs more than population inhibition; dense execution never costs less
than event-driven execution of the same counts.
"""

from dataclasses import replace
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from costmodels import COUNT_FIELDS, Activity, CostReport, SNNDesign, estimate
from hwprofiles import DeviceProfile, list_profiles, load_profile
from snn_dse import WEIGHT_BITS

PROFILES = sorted(entry.id for entry in list_profiles() if entry.builtin)
TOL = 1 + 1e-9


@cache
def profile(profile_id: str) -> DeviceProfile:
    return load_profile(profile_id)


designs = st.builds(
    SNNDesign,
    inputs=st.integers(1, 1000),
    neurons=st.integers(1, 3000),
    inhibition=st.sampled_from(["population", "direct"]),
    weight_bits=st.sampled_from(WEIGHT_BITS.values),
    state_bits=st.integers(1, 32),
    timesteps=st.integers(1, 500),
    rule=st.sampled_from(["baseline", "spikedyn"]),
)
rates = st.fixed_dictionaries({"mean_intensity": st.floats(0, 1), "max_rate_hz": st.floats(0, 200)})
profiles = st.sampled_from(PROFILES)
quick = settings(max_examples=60, deadline=None)


def price(design: SNNDesign, profile_id: str | DeviceProfile, rate: dict) -> CostReport:
    device = profile(profile_id) if isinstance(profile_id, str) else profile_id
    return estimate(design, device, Activity.estimated(design, training=True, **rate),
                    Activity.estimated(design, training=False, **rate))


def no_less(more: CostReport, less: CostReport) -> None:
    assert more.memory_bytes["total"] >= less.memory_bytes["total"]
    for mode in ("energy_train_j", "energy_infer_j"):
        assert getattr(more, mode)["total"] * TOL >= getattr(less, mode)["total"], mode
    assert more.latency_s * TOL >= less.latency_s


@quick
@given(designs, profiles, rates)
def test_monotone_in_weight_bits(design: SNNDesign, profile_id: str, rate: dict) -> None:
    wider = [bits for bits in WEIGHT_BITS.values if bits > design.weight_bits]
    if wider:
        no_less(price(replace(design, weight_bits=wider[0]), profile_id, rate),
                price(design, profile_id, rate))


@quick
@given(designs, profiles, rates, st.integers(1, 500))
def test_monotone_in_neurons(design: SNNDesign, profile_id: str, rate: dict, extra: int) -> None:
    no_less(price(replace(design, neurons=design.neurons + extra), profile_id, rate),
            price(design, profile_id, rate))


@quick
@given(designs, profiles, rates, st.sampled_from(COUNT_FIELDS), st.floats(1, 100))
def test_monotone_in_activity(design: SNNDesign, profile_id: str, rate: dict, field: str,
                              factor: float) -> None:
    device = profile(profile_id)
    train = Activity.estimated(design, training=True, **rate)
    infer = Activity.estimated(design, training=False, **rate)
    grow = {field: getattr(train, field) * factor + 1}
    more = estimate(design, device, replace(train, **grow), replace(infer, **grow))
    no_less(more, estimate(design, device, train, infer))


@quick
@given(designs, profiles, rates)
def test_direct_never_costs_more_than_population(design: SNNDesign, profile_id: str, rate: dict) -> None:
    no_less(price(replace(design, inhibition="population"), profile_id, rate),
            price(replace(design, inhibition="direct"), profile_id, rate))


@quick
@given(designs, profiles, rates)
def test_dense_never_costs_less_than_event_driven(design: SNNDesign, profile_id: str, rate: dict) -> None:
    device = profile(profile_id)
    dense = device.model_copy(update={"execution": "dense"})
    event = device.model_copy(update={"execution": "event_driven"})
    no_less(price(design, dense, rate), price(design, event, rate))
