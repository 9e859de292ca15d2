"""The #SWM directive parser: Sky Port's scripts read as before, bad lines are named."""

from __future__ import annotations

from pathlib import Path

import pytest
from skyport_gate_sdk.files import MAX_NAME_BYTES, check_name

from skyport.errors import BadRequest, ScriptError
from skyport.jobs.script import JobRequest, array_tasks, check_request, decode, parse

REFERENCE = Path(__file__).parents[2].parent / "shared" / "reference"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "scripts"

# fixture file -> (line named in the error, a word the message must contain)
BROKEN = {
    "unknown-directive.job": (3, "cores"),
    "zero-cpus.job": (2, "from 1 to 100000"),
    "bad-memory-size.job": (2, "512M"),
    "bad-duration.job": (2, "duration"),
    "output-with-slash.job": (2, "'/'"),
    "huge-time.job": (2, "at most 365 days"),
    "nan-price.job": (2, "finite"),
    "flag-with-value.job": (2, "no value"),
    "empty-directive.job": (2, "directive name"),
    "unclosed-quote.job": (2, "quotation"),
    "bad-dependency.job": (2, "job IDs"),
    "port-out-of-range.job": (2, "65535"),
    "bad-priority.job": (2, "whole number"),
    "bad-price.job": (2, "price"),
    "two-values.job": (2, "one whole number"),
    "empty.job": (1, "empty"),
}


def test_every_broken_fixture_is_listed() -> None:
    assert {p.name for p in FIXTURES.glob("*.job")} == set(BROKEN)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_script_names_its_line(name: str) -> None:
    line, word = BROKEN[name]
    with pytest.raises(ScriptError) as error:
        parse((FIXTURES / name).read_text())
    assert error.value.line == line
    assert str(error.value).startswith(f"line {line}:")
    assert word in str(error.value)


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="Sky Port's reference scripts (../shared/reference) are absent")
def test_sky_port_transfer_example_reads_as_sky_port_meant() -> None:
    request = parse((REFERENCE / "example-transfer.job").read_text())
    assert request.name == "Transfer"
    assert request.relocatable
    assert request.account_id == "a02bd1ce-60cb-11e8-a356-172ec08db3e9"
    assert request.workdir == "/tmp"
    assert request.inputs == ("/tmp/input.dat",)
    assert request.outputs == ("results.dat",)


# The directive lines of the job script Sky Port's JupyterHub spawner (swmjupyter 0.1.7) writes, with
# the values it fills in; written here in that shape.
SWMJUPYTER_SHAPE = """#!/bin/bash
#SWM relocatable
#SWM flavor local
#SWM ports 8888/tcp/in,8081/tcp/out
#SWM account openstack
#SWM cloud-image host
#SWM container-image registry.example.org/jupyter/pytorch-notebook:cuda12-hub-5.2.1
#SWM input-files 
#SWM output-files 
#SWM storage swmblobcontainer
#SWM gpus 0

echo Start single user jupyter server
"""


def test_every_directive_of_sky_port_s_jupyterhub_spawner_is_read() -> None:
    request = parse(SWMJUPYTER_SHAPE)
    assert request.relocatable and request.flavor == "local" and request.gpus == 0
    assert request.ports == ("8888/tcp/in", "8081/tcp/out")
    assert request.account == "openstack"
    assert request.image == "host"  # cloud-image: the image a cloud node boots
    assert request.container_image == "registry.example.org/jupyter/pytorch-notebook:cuda12-hub-5.2.1"
    assert (request.inputs, request.outputs) == ((), ())
    assert request.storage == "swmblobcontainer"


@pytest.mark.parametrize(
    ("line", "ports"),
    [
        ("ports 8888", ("8888/tcp/in",)),
        ("ports 8888,8889", ("8888/tcp/in", "8889/tcp/in")),
        ("ports 53/udp 22/tcp/out", ("53/udp/in", "22/tcp/out")),
        ("ports 8888/tcp/in,22/tcp/out", ("8888/tcp/in", "22/tcp/out")),
    ],
)
def test_ports_in_the_short_and_the_full_form(line: str, ports: tuple[str, ...]) -> None:
    assert parse(f"#SWM {line}\n").ports == ports


@pytest.mark.parametrize(
    "line",
    [
        "ports 8888/sctp/in",
        "ports 8888/tcp/both",
        "ports 8888/tcp/in/x",
        "ports 0/tcp/in",
        "ports tcp/8888",
        "account 'two words'",
        "storage a/b",
        "storage 2000T",
        "container-image",
    ],
)
def test_bad_sky_port_directive_values_name_their_line(line: str) -> None:
    with pytest.raises(ScriptError) as error:
        parse(f"#!/bin/sh\n#SWM {line}\ntrue\n")
    assert error.value.line == 2


@pytest.mark.parametrize(("text", "mib"), [("20G", 20480), ("512M", 512), ("1024", 1024), ("1.5GiB", 1536)])
def test_storage_as_a_size_is_disk_per_node_and_as_a_name_sky_port_s_container(text: str, mib: int) -> None:
    assert (parse(f"#SWM storage {text}\n").disk, parse(f"#SWM storage {text}\n").storage) == (mib, "")
    assert (parse("#SWM storage swmblobcontainer\n").disk, parse("#SWM storage swmblobcontainer\n").storage) == (
        0,
        "swmblobcontainer",
    )
    assert parse("#SBATCH --tmp=2048\n").disk == parse("#SBATCH --tmp 2G\n").disk == 2048


def test_several_inputs_on_one_line_are_several_files() -> None:
    assert parse("#SWM input-files a.dat b.dat\n#SWM input c.dat\n").inputs == ("a.dat", "b.dat", "c.dat")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90m", 5400), ("2h", 7200), ("1d", 86400), ("30:00", 1800), ("1:30:00", 5400), ("1-00:00:01", 86401)],
)
def test_time_limit_formats(text: str, seconds: int) -> None:
    assert parse(f"#SWM time {text}\n").time_limit == seconds


@pytest.mark.parametrize(("text", "mib"), [("512", 512), ("512M", 512), ("4G", 4096), ("2GiB", 2048), ("1T", 1048576)])
def test_memory_sizes_are_mebibytes(text: str, mib: int) -> None:
    assert parse(f"#SWM mem {text}\n").mem == mib


def test_resources_and_placement() -> None:
    request = parse(
        "#SWM cpus 4\n#SWM gpus 1\n#SWM nodes 2\n#SWM priority -5\n#SWM site aws,lab\n#SWM max-price $1.25\n"
        "#SWM flavor g4dn.xlarge\n#SWM after 0c6b2b1e-1111-4222-8333-944455556666\n"
    )
    assert (request.cpus, request.gpus, request.nodes, request.priority) == (4, 1, 2, -5)
    assert request.sites == ("aws", "lab")
    assert request.max_price == 1.25
    assert request.flavor == "g4dn.xlarge"
    assert request.depends_on == ("0c6b2b1e-1111-4222-8333-944455556666",)


def test_lines_that_only_look_like_directives_are_shell() -> None:
    assert parse("# SWM cores 4\n#SWMX\necho '#SWM cores'\n").cpus == 1


def test_script_that_is_not_utf8_names_the_line() -> None:
    with pytest.raises(ScriptError) as error:
        decode(b"#!/bin/sh\necho ok\n\xff\n")
    assert error.value.line == 3


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("time 99999999999999999999d", ["'time'", "at most 365 days", "99999999999999999999d"]),
        ("time " + "9" * 320, ["'time'", "at most 365 days"]),
        ("time 366d", ["at most 365 days (31536000 s"]),
        ("mem 99999999999T", ["'mem'", "1 PiB"]),
        ("mem " + "9" * 400, ["'mem'", "1 PiB"]),
        ("cpus 100001", ["from 1 to 100000"]),
        ("nodes 0", ["from 1 to 100000"]),
        ("gpus 18446744073709551616", ["from 0 to 10000"]),
        ("max-price nan", ["finite number >= 0"]),
        ("max-price inf", ["finite number >= 0"]),
        ("max-price -1", ["finite number >= 0"]),
    ],
)
def test_numbers_outside_their_range_are_refused_naming_line_and_range(line: str, words: list[str]) -> None:
    with pytest.raises(ScriptError) as error:
        parse(f"#!/bin/sh\n#SWM {line}\ntrue\n")
    assert error.value.line == 2
    for word in words:
        assert word in str(error.value)


def test_the_time_limit_maximum_is_the_daemons_setting() -> None:
    assert parse("#SWM time 400d\n", max_time_limit=400 * 86400).time_limit == 400 * 86400
    with pytest.raises(ScriptError, match="at most 2 hours"):
        parse("#SWM time 3h\n", max_time_limit=7200)


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("output 'a\\b'", "contains '\\'"),
        ("output 'a\x00b'", "control character"),
        ("output " + "x" * 256, "256 bytes"),
        ("output " + "é" * 128, "256 bytes"),
        ("output 'tab\there'", "control character"),
        ("input dir/..", "names a folder"),
        ("input 'in\x07.txt'", "control character"),
        ("name 'sim/run1'", "'/'"),
    ],
)
def test_names_are_checked_at_submit_by_the_one_rule(line: str, word: str) -> None:
    with pytest.raises(ScriptError) as error:
        parse(f"#SWM {line}\n")
    assert error.value.line == 1
    assert word in str(error.value)


def test_names_up_to_255_bytes_are_names() -> None:
    long = "x" * MAX_NAME_BYTES
    request = parse(f"#SWM input data/{long}\n#SWM output {long} résumé.txt\n#SWM name my job\n")
    assert request.outputs == (long, "résumé.txt")
    assert request.name == "my job"
    assert check_name("é" * 127) == "é" * 127


def test_a_stored_request_outside_the_ranges_is_refused_naming_the_directive() -> None:
    check_request(JobRequest(time_limit=3600, outputs=("out.txt",)), max_time_limit=86400)
    for request, word in (
        (JobRequest(time_limit=10**320), "'time'"),
        (JobRequest(mem=2**70), "'mem'"),
        (JobRequest(max_price=float("nan")), "'max-price'"),
        (JobRequest(outputs=("a\\b",)), "'output'"),
    ):
        with pytest.raises(BadRequest, match=word):
            check_request(request, max_time_limit=86400)


def test_sbatch_lines_are_read_where_no_swm_line_says_the_same() -> None:
    dep = "12345678-1234-1234-1234-123456789abc"
    script = (
        "#!/bin/sh\n"
        "#SBATCH -J align --cpus-per-task=4 --mem=8G\n"
        f"#SBATCH -t 90 -N 2 --gres=gpu:a100:2 -d afterok:{dep}\n"
        "#SBATCH --partition gpu --exclusive -o out.%j\n"
        "#SWM cpus 2\n"
        "srun ./align\n"
    )
    request = parse(script)
    assert (request.name, request.cpus, request.mem, request.time_limit) == ("align", 2, 8192, 5400)
    assert (request.nodes, request.gpus, request.depends_on) == (2, 2, (dep,))
    assert request.ignored == ("--partition gpu", "--exclusive")
    assert request.stdout == "out.%j" and request.stderr == ""


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("#SBATCH -c 0", "from 1 to 100000"),
        ("#SBATCH --gres=fpga:1", "gpu:N"),
        ("#SBATCH --dependency=afterany:1", "afterok"),
        ("#SBATCH --time=400-00:00:00", "at most 365 days"),
        ("#SBATCH -J", "needs a value"),
        ("#SBATCH --job-name=a/b", "'/'"),
        ("#SBATCH --array=1-20000", "at most 10000 tasks"),
        ("#SBATCH -a 3-1", "'3-1'"),
        ("#SBATCH -o logs/..", "file name"),
    ],
)
def test_a_bad_sbatch_value_names_its_line(line: str, word: str) -> None:
    with pytest.raises(ScriptError) as raised:
        parse(f"#!/bin/sh\n{line}\n")
    assert "line 2" in str(raised.value) and word in str(raised.value)


@pytest.mark.parametrize(
    ("text", "tasks", "throttle"),
    [
        ("1-5", (1, 2, 3, 4, 5), 0),
        ("1,3,5-9", (1, 3, 5, 6, 7, 8, 9), 0),
        ("1-9:4", (1, 5, 9), 0),
        ("0-15:4%2", (0, 4, 8, 12), 2),
        ("7", (7,), 0),
        ("3,1,3", (1, 3), 0),
        ("0-9999", tuple(range(10000)), 0),
    ],
)
def test_array_task_ids_read_as_slurm_reads_them(text: str, tasks: tuple[int, ...], throttle: int) -> None:
    assert array_tasks(text) == (tasks, throttle)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("0-10000", "gives 10001 tasks; an array has at most 10000"),
        ("0-4000000", "gives 4000001 tasks"),
        ("1-5%0", "at least 1"),
        ("1-5%x", "throttle"),
        ("5-1", "'5-1'"),
        ("1-9:0", "steps >= 1"),
        ("1-4000001", "from 0 to 4000000"),
        ("a-b", "such as 1-100"),
        ("1,,2", "such as 1-100"),
        ("9" * 40, "from 0 to 4000000"),
    ],
)
def test_a_bad_array_is_refused_saying_what_is_accepted(text: str, word: str) -> None:
    with pytest.raises(ScriptError) as raised:
        parse(f"#!/bin/sh\n#SWM array {text}\n")
    assert "line 2" in str(raised.value) and word in str(raised.value)


def test_array_and_log_files_come_from_swm_or_sbatch_lines() -> None:
    request = parse("#!/bin/sh\n#SBATCH -a 1-3 --error=e-%a.txt\n#SWM array 1-10%2\n")
    assert (request.array, request.stdout, request.stderr) == ("1-10%2", "", "e-%a.txt")


def test_sbatch_account_names_the_account_charged_unless_an_swm_line_does() -> None:
    assert parse("#SBATCH -A physics\ntrue\n").account == "physics"
    assert parse("#SBATCH --account=physics\n#SWM account chem\ntrue\n").account == "chem"
