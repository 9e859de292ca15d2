"""The local site's settings: defaults from the machine, and a clear error for each bad value."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from skyport_gate_local.settings import load, total_memory_mib

from skyport.errors import BadRequest


def test_defaults_are_the_whole_machine(tmp_path: Path) -> None:
    settings = load({"name": "local", "state_dir": str(tmp_path)})
    assert (settings.cpus, settings.mem, settings.max_nodes) == (os.cpu_count(), total_memory_mib(), 1)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("cpus", 0, "'cpus' must be a whole number >= 1"),
        ("cpus", "two", "'cpus' must be a whole number >= 1"),
        ("mem", True, "'mem' must be a whole number >= 1"),
        ("max_nodes", 2, "'max_nodes' must be 1"),
        ("kill_grace", -1, "'kill_grace' must be a number of seconds >= 0"),
        ("gpus", 1, "unknown keys ['gpus']"),
        ("sandbox", "docker", "'sandbox' must be one of bubblewrap, none"),
        ("users", ["alice"], "'users' must map Skyport user names to Unix user names"),
        ("read_only", ["relative"], "'read_only' must be a list of absolute paths"),
    ],
)
def test_a_bad_setting_is_named_in_the_error(tmp_path: Path, key: str, value: object, message: str) -> None:
    with pytest.raises(BadRequest, match=message.replace("[", r"\[").replace("]", r"\]")):
        load({"name": "local", "state_dir": str(tmp_path), key: value})


def test_state_dir_is_required() -> None:
    with pytest.raises(BadRequest, match="'state_dir' is required"):
        load({"name": "local"})
