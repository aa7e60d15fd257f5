"""Where a recalculation's time goes: each step's own time, counted only while a recording is active."""

import json
import sys
from pathlib import Path

import pytest

from trups_xl.recalc import steps
from trups_xl.recalc.steps import OUTSIDE, STEPS, recording, step

pytest.importorskip("formualizer")
sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import analyst_shapes as shapes
import recalc_scale


def test_outside_a_recording_a_step_records_nothing_and_takes_any_name():
    with step("no such step"):
        pass
    assert steps._recording is None


class _Clock:
    """A clock that moves only when told (the steps' own times then exact, on a machine under any load)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_step_inside_another_counts_for_itself_alone(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(steps.time, "perf_counter", clock)
    with recording() as record:
        clock.now += 1.0  # outside any step
        with step("runs"):
            clock.now += 0.5
            with step("engine evaluation"):
                clock.now += 2.0
            clock.now += 0.25
        clock.now += 0.125
    assert record.seconds["engine evaluation"] == 2.0
    assert record.seconds["runs"] == 0.75  # its own time, not the 2 s of the step inside it
    assert record.seconds[OUTSIDE] == 1.125
    assert sum(record.seconds.values()) == 3.875
    assert set(record.seconds) == {*STEPS, OUTSIDE}


def test_a_step_left_by_an_exception_is_closed_and_the_recording_goes_on(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(steps.time, "perf_counter", clock)
    with recording() as record:
        with pytest.raises(KeyError), step("scan"):
            clock.now += 1.0
            raise KeyError("a refusal inside the scan")
        clock.now += 0.5
        with step("values copy"):
            clock.now += 0.25
    assert (record.seconds["scan"], record.seconds[OUTSIDE], record.seconds["values copy"]) == (1.0, 0.5, 0.25)


def test_a_name_that_is_no_step_and_a_second_recording_are_refused():
    with recording():
        with pytest.raises(ValueError, match="'scna' is not a step"):
            with step("scna"):
                pass
        with pytest.raises(ValueError, match="is not a step"):
            with step(OUTSIDE):
                pass
        with pytest.raises(RuntimeError, match="already under way"):
            with recording():
                pass
    assert steps._recording is None


def test_a_recalculation_records_each_of_its_steps(tmp_path, capsys):
    """The bench's child: every step of the command timed, their sum its time after the import."""
    path = shapes.generate("ledger", tmp_path / "ledger.xlsx", 200)
    recalc_scale.child("ours", str(path))
    measured = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    seconds = measured["steps"]
    assert set(seconds) == {"import", *STEPS, OUTSIDE}
    for name in ("scan", "plan", "engine copy", "engine load", "runs", "engine evaluation", "read back",
                 "values copy"):
        assert seconds[name] > 0, name
    assert sum(seconds.values()) == pytest.approx(measured["seconds"], abs=0.05)
    assert seconds[OUTSIDE] < 0.2 * measured["seconds"]  # the command's time is in its steps
    recalc_scale.child("floor", str(path), recalc_scale.arities())
    floor = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(floor["steps"]) == {"import", "engine load", "engine evaluation"}
    assert sum(floor["steps"].values()) == pytest.approx(floor["seconds"], abs=0.05)
