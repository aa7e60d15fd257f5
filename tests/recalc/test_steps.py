"""Where a recalculation's time goes: each step's own time, counted only while a recording is active."""

import json
import sys
import time
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


def test_a_step_inside_another_counts_for_itself_alone():
    with recording() as record:
        with step("runs"):
            time.sleep(0.02)
            with step("engine evaluation"):
                time.sleep(0.05)
            time.sleep(0.02)
        time.sleep(0.01)
    seconds = record.seconds
    assert 0.05 <= seconds["engine evaluation"] < 0.07
    assert 0.04 <= seconds["runs"] < 0.06  # its own 0.04 s, not the 0.05 s of the step inside it
    assert seconds[OUTSIDE] >= 0.01
    assert set(seconds) == {*STEPS, OUTSIDE}


def test_a_name_that_is_no_step_and_a_second_recording_are_refused():
    with recording():
        with pytest.raises(ValueError, match="'scna' is not a step"):
            with step("scna"):
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
    assert sum(seconds.values()) == pytest.approx(measured["seconds"], rel=0.01)
    assert seconds[OUTSIDE] < 0.2 * measured["seconds"]  # the command's time is in its steps
    recalc_scale.child("floor", str(path), recalc_scale.arities())
    floor = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(floor["steps"]) == {"import", "engine load", "engine evaluation"}
    assert sum(floor["steps"].values()) == pytest.approx(floor["seconds"], rel=0.01)
