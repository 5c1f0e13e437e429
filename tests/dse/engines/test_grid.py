"""Grid engine: the whole space once, in enumeration order, then an empty batch."""

from __future__ import annotations

from dse.engines import GridEngine
from tests.dse.engines.toy import drive, toy_space


def test_grid_enumerates_the_space_in_order() -> None:
    space = toy_space()
    archive = drive(GridEngine(space, n_objectives=3, n_constraints=1, seed=0, batch_size=7), 10**6)
    assert archive.candidates == list(space.enumerate())


def test_grid_batches_then_empty() -> None:
    engine = GridEngine(toy_space(), n_objectives=3, n_constraints=1, seed=0, batch_size=100)
    sizes = [len(drive_one(engine)) for _ in range(6)]
    assert sizes == [100, 100, 100, 100, 80, 0]


def drive_one(engine: GridEngine) -> list[dict]:
    batch = engine.ask()
    if batch:
        engine.tell(batch, [[0.0, 0.0, 0.0]] * len(batch), [[0.0]] * len(batch))
    return batch
