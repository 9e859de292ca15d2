"""The job lifecycle: allowed transitions, refused ones, and what each says."""

from __future__ import annotations

import pytest

from skyport.errors import Conflict
from skyport.jobs.states import TERMINAL, JobState, transition


@pytest.mark.parametrize(
    ("source", "target"),
    [("Q", "W"), ("Q", "R"), ("W", "R"), ("R", "T"), ("T", "F"), ("T", "E"), ("Q", "C"), ("W", "C"), ("R", "C")]
    + [(ended, "Q") for ended in "FEC"],
)
def test_allowed_transition_records_its_reason(source: str, target: str) -> None:
    step = transition("j", JobState(source), JobState(target), "because")
    assert (step.source.value, step.target.value, step.reason) == (source, target, "because")


@pytest.mark.parametrize(("source", "target"), [("F", "R"), ("C", "R"), ("E", "F"), ("Q", "F"), ("F", "C")])
def test_forbidden_transition_is_a_conflict_naming_both_states(source: str, target: str) -> None:
    with pytest.raises(Conflict) as error:
        transition("j", JobState(source), JobState(target), "no")
    assert f"state {source}" in error.value.detail and f"go to {target}" in error.value.detail


def test_wire_letters_are_sky_ports() -> None:
    assert {s.value for s in JobState} == set("QWRTFEC")
    assert {s.value for s in TERMINAL} == set("FEC")
