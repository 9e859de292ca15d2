"""Reading a job's outputs back from its work folder (skyport_gate_sdk.outputs), on real files.

The job wrote the folder, so each test plants what a hostile job would: links out of the
folder, a FIFO that would block a reader, a folder swapped for a link.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from skyport_gate_sdk.errors import NotFound
from skyport_gate_sdk.outputs import output_listing, read_output


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "secret").write_text("not the job's\n")
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "plain.txt").write_bytes(bytes(range(256)) * 40)
    return folder


def test_a_link_out_of_the_folder_is_listed_as_refused_and_never_read(work: Path) -> None:
    (work / "out.txt").symlink_to(work.parent / "secret")
    assert output_listing(work, ["out.txt"]) == [
        {"name": "out.txt", "size": 0, "kind": "output", "refused": "it is a symbolic link"}
    ]
    with pytest.raises(NotFound, match="is refused: it is a symbolic link"):
        read_output(work, "out.txt", 0, 100)


def test_a_fifo_a_folder_and_a_socket_are_refused_without_blocking(work: Path) -> None:
    os.mkfifo(work / "pipe")
    (work / "folder").mkdir()
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(work / "sock"))
        listed = {o["name"]: o["refused"] for o in output_listing(work, ["pipe", "folder", "sock"])}
        assert listed == {"pipe": "it is a FIFO", "folder": "it is a directory", "sock": "it is a socket"}
        for name in listed:
            with pytest.raises(NotFound, match="is refused"):
                read_output(work, name, 0, 100)


def test_a_regular_file_is_listed_with_its_size_and_read_by_ranges(work: Path) -> None:
    data = (work / "plain.txt").read_bytes()
    assert output_listing(work, ["plain.txt", "never-written"]) == [
        {"name": "plain.txt", "size": len(data), "kind": "output"}
    ]
    assert read_output(work, "plain.txt", 1000, 500) == data[1000:1500]
    assert read_output(work, "plain.txt", len(data) - 10, 500) == data[-10:]
    assert read_output(work, "plain.txt", len(data) + 10, 500) == b""


def test_a_work_folder_swapped_for_a_link_hands_out_nothing(work: Path) -> None:
    work.rename(work.with_name("moved"))
    work.symlink_to(work.with_name("moved"))
    assert output_listing(work, ["plain.txt"]) == []
    with pytest.raises(NotFound, match="does not exist"):
        read_output(work, "plain.txt", 0, 100)
