"""`dse calibrate` through the real CLI: recovers a known profile, refuses an under-determined
fit (exit 2, naming the figures), rejects a bad file; the written profile loads and extends."""

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from costmodels import Activity, SNNDesign, measurements_frame
from dse.cli import _app, main
from hwprofiles import load_profile

DSE = str(Path(sys.executable).with_name("dse"))
FIT = ["events.synaptic_op", "events.neuron_update", "events.learning_update", "static.power"]


def dse(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([DSE, *args], capture_output=True, text=True, check=False,
                          env={"COLUMNS": "250", "PATH": ""})


def _runs(count: int) -> list:
    out = []
    grid = itertools.product((64, 784), (20, 200), ("population", "direct"), (2, 8))
    for number, (inputs, neurons, inhibition, bits) in enumerate(itertools.islice(grid, count)):
        design = SNNDesign(inputs, neurons, inhibition, bits, timesteps=100 + 30 * number)
        for phase in ("train", "infer"):
            out.append((design, phase, Activity.estimated(
                design, training=phase == "train", mean_intensity=0.1 + 0.02 * number,
                max_rate_hz=40 + 5 * number)))
    return out


def _truth(tmp_path: Path) -> Path:
    """A known device: Loihi-like with four figures changed."""
    truth = {"extends": "loihi1_like", "id": "truth", "events": {
        "synaptic_op": {"value": "40 pJ", "basis": "measured", "reference": "t"},
        "neuron_update": {"value": "60 pJ", "basis": "measured", "reference": "t"},
        "learning_update": {"value": "200 pJ", "basis": "measured", "reference": "t"}},
        "static": {"power": {"value": "5 mW", "basis": "measured", "reference": "t"}}}
    path = tmp_path / "truth.yaml"
    path.write_text(yaml.safe_dump(truth))
    return path


@pytest.mark.slow
def test_calibration_recovers_a_known_profile(tmp_path: Path) -> None:
    truth = load_profile(_truth(tmp_path))
    csv = tmp_path / "runs.csv"
    frame = measurements_frame(truth, _runs(10), noise=0.01, seed=1)
    frame["operator"] = "bench 3"  # other columns are ignored
    frame.to_csv(csv, index=False)
    out = tmp_path / "calibrated.yaml"
    done = dse("calibrate", "--profile", "loihi1_like", "--measurements", str(csv), "--out",
               str(out), "--fit", ",".join(FIT))
    assert done.returncode == 0, done.stderr
    assert "R²" in done.stdout and "worst residual" in done.stdout
    written = yaml.safe_load(out.read_text())
    assert written["extends"] == "loihi1_like"
    assert set(written) == {"schema_version", "extends", "id", "name", "events", "static"}
    assert written["events"]["synaptic_op"]["basis"] == "measured"
    assert "runs.csv" in written["events"]["synaptic_op"]["reference"]
    fitted = load_profile(out)
    expected = dict(truth.iter_figures())
    for field, figure in fitted.iter_figures():
        if field in FIT:
            assert figure.value == pytest.approx(expected[field].value, rel=0.05), field
            assert figure.low <= expected[field].value <= figure.high, field
            assert figure.range_source == "range"
    base = load_profile("loihi1_like")
    assert fitted.events.neuron_update_idle == base.events.neuron_update_idle
    values = {field: figure.value for field, figure in base.iter_figures()}
    assert {f: fig.value for f, fig in fitted.iter_figures() if f.startswith("timing.")} == {
        f: v for f, v in values.items() if f.startswith("timing.")}


@pytest.mark.slow
def test_underdetermined_fit_is_refused_naming_the_figures(tmp_path: Path) -> None:
    # On the Cortex-M4 profile energy per event and static power x latency both follow the
    # cycles spent: energies alone cannot tell them apart.
    csv = tmp_path / "mcu.csv"
    measurements_frame(load_profile("cortex_m4_stm32l452"), _runs(16), noise=0.05).to_csv(
        csv, index=False)
    out = tmp_path / "never.yaml"
    done = dse("calibrate", "--profile", "cortex_m4_stm32l452", "--measurements", str(csv),
               "--out", str(out))
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "cannot separate" in message and "static.power" in message
    assert "events.synaptic_op" in message and "Traceback" not in done.stderr
    assert not out.exists()


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_app.stderr, "width", 250)
    monkeypatch.setattr(_app.stdout, "width", 250)


def test_too_few_runs_is_refused(tmp_path: Path, wide: None, capsys: pytest.CaptureFixture
                                 ) -> None:
    csv = tmp_path / "two.csv"
    measurements_frame(load_profile("loihi1_like"), _runs(1)).to_csv(csv, index=False)
    assert main(["calibrate", "--profile", "loihi1_like", "--measurements", str(csv), "--out",
                 str(tmp_path / "x.yaml"), "--fit", ",".join(FIT)]) == 2
    assert "2 measured run(s) for 4 figures" in " ".join(capsys.readouterr().err.split())


def test_unknown_fit_figure_lists_the_fittable_ones(tmp_path: Path, wide: None,
                                                    capsys: pytest.CaptureFixture) -> None:
    csv = tmp_path / "runs.csv"
    measurements_frame(load_profile("loihi1_like"), _runs(2)).to_csv(csv, index=False)
    assert main(["calibrate", "--profile", "loihi1_like", "--measurements", str(csv), "--out",
                 str(tmp_path / "x.yaml"), "--fit", "events.synop"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "unknown figure(s) events.synop" in err and "events.synaptic_op" in err


@pytest.mark.parametrize(("edit", "words"), [
    (lambda f: f.drop(columns=["synaptic_events"]), "missing column(s) synaptic_events"),
    (lambda f: f.assign(phase="test"), "phase 'test' is not one of train, infer"),
    (lambda f: f.assign(energy_j=-1.0), "energy_j must be a positive number"),
])
def test_bad_measurements_exit_2(tmp_path: Path, edit, words: str, wide: None,
                                 capsys: pytest.CaptureFixture) -> None:
    csv = tmp_path / "bad.csv"
    edit(measurements_frame(load_profile("loihi1_like"), _runs(2))).to_csv(csv, index=False)
    assert main(["calibrate", "--profile", "loihi1_like", "--measurements", str(csv), "--out",
                 str(tmp_path / "x.yaml")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert words in err and "Traceback" not in err
