"""The two POSIX sh scripts a cloud gate's node runs: its user-data, and the job bundle that user-data fetches.

Shared by the cloud gates (aws, azure, openstack): the node needs no SSH, no inbound port and no cloud
credentials. Its user-data holds one signed GET URL of its node's bundle in object storage (an S3
presigned URL, an Azure SAS URL, a Swift temp URL), polls it until start_job has written it, runs it and powers off.
The bundle holds signed URLs for everything the job reads and writes. Both scripts need only
``sh``, ``curl``, ``base64``, ``date`` and (with a time limit) ``timeout``, which every mainstream
cloud image has. :func:`job_state` reads back the markers a bundle leaves.

``SKYPORT_WORKDIR`` and ``SKYPORT_POWEROFF`` exist for the test suites, which play the node on the
test machine; a real node leaves them unset.
"""

from __future__ import annotations

import base64
import datetime
import re
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from skyport_gate_sdk.errors import BadRequest

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def user_data(*, site: str, partition_id: str, rank: int, bundle_url: str, poll: float, wait: float) -> str:
    """The boot script of node ``rank``: wait for its bundle, run it, power off."""
    return f"""#!/bin/sh
# Skyport bootstrap: site {site}, partition {partition_id}, node {rank}.
# Polls object storage for this node's job bundle, runs it, and powers off.
dir="${{SKYPORT_WORKDIR:-/var/lib/skyport}}"
mkdir -p "$dir"
bundle={shlex.quote(bundle_url)}
deadline=$(( $(date +%s) + {int(wait)} ))
until curl -fsS -o "$dir/bundle.part" "$bundle" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then break; fi
  sleep {poll:g}
done
if [ -s "$dir/bundle.part" ]; then
  mv "$dir/bundle.part" "$dir/bundle.sh"
  sh "$dir/bundle.sh"
fi
${{SKYPORT_POWEROFF:-shutdown -h now}}
"""


def check_env_names(env: Mapping[str, str]) -> None:
    """Refuse environment variable names a POSIX shell cannot export."""
    bad = sorted(name for name in env if not _ENV_NAME.match(name))
    if bad:
        raise BadRequest(f"env: {bad} are not valid variable names (letters, digits and _, not starting with a digit)")


# Outputs are tested without following links ([ -L ] first: [ -f ] follows them), like
# skyport_gate_sdk.outputs does on the gates that read a work folder themselves.
_OUTPUT_FUNCTIONS = """\
refuse() { printf '%s\\t%s\\n' "$1" "$2" >> .skyport-refused; }
output() {
  if [ -L "$2" ]; then refuse "$1" 'it is a symbolic link'
  elif [ -f "$2" ]; then put "$2" "$3"
  elif [ -d "$2" ]; then refuse "$1" 'it is a directory'
  elif [ -p "$2" ]; then refuse "$1" 'it is a FIFO'
  elif [ -S "$2" ]; then refuse "$1" 'it is a socket'
  elif [ -e "$2" ]; then refuse "$1" 'it is a device'
  fi
}"""


def refused_outputs(report: bytes, outputs: Sequence[str]) -> dict[str, str]:
    """Output name -> why node 0 did not upload it, from its ``refused`` report."""
    found = {}
    for line in report.decode(errors="replace").splitlines():
        index, _, why = line.partition("\t")
        if index.isdigit() and int(index) < len(outputs) and why:
            found[outputs[int(index)]] = why
    return found


def job_bundle(
    *,
    job_id: str,
    partition_id: str,
    rank: int,
    nodes: int,
    script: str,
    env: Mapping[str, str],
    time_limit: int,
    inputs: Mapping[str, str],
    puts: Mapping[str, str],
    outputs: Sequence[tuple[str, str]],
    storage: str,
    put_headers: Sequence[str] = (),
) -> str:
    """The job as node ``rank`` runs it.

    ``inputs`` maps input file names to GET URLs; ``puts`` maps the node's result keys (``started``,
    ``stdout``, ``stderr``, ``exit``, ``error``, and on node 0 ``refused``) to PUT URLs; ``outputs``
    lists (file name, PUT URL) of the declared outputs, which only node 0 uploads. Only a regular
    file is uploaded: for an output that is a symbolic link, a FIFO, a device, a socket or a
    directory, node 0 puts a line "<index of the output>\t<why>" into ``refused`` instead
    (read back by :func:`refused_outputs`). ``storage`` names the object store in messages ("S3");
    ``put_headers`` are HTTP headers every PUT sends (Azure Blob Storage wants "x-ms-blob-type: BlockBlob").
    """
    q = shlex.quote
    headers = "".join(f" -H {q(header)}" for header in put_headers)
    variables = {
        **env,
        "SKYPORT_JOB_ID": job_id,
        "SKYPORT_PARTITION_ID": partition_id,
        "SKYPORT_NODE_RANK": str(rank),
        "SKYPORT_NODE_COUNT": str(nodes),
    }
    runner = "./.skyport-job" if script.startswith("#!") else "/bin/sh ./.skyport-job"
    if time_limit:
        runner = f"timeout -k 10 {time_limit} {runner}"
    encoded = base64.b64encode(script.encode()).decode()
    lines = [
        "#!/bin/sh",
        f"# Skyport job {job_id}, node {rank} of {nodes} on partition {partition_id}.",
        f'work="${{SKYPORT_WORKDIR:-/var/lib/skyport}}/{job_id}"',
        'mkdir -p "$work" && cd "$work" || exit 1',
        f'put() {{ curl -fsS --retry 5{headers} -o /dev/null -T "$1" "$2"; }}',
        'get() { curl -fsS --retry 5 -o "$1" "$2"; }',
        f"fail() {{ printf '%s\\n' \"$1\" > .skyport-error; put .skyport-error {q(puts['error'])}; exit 1; }}",
        *([_OUTPUT_FUNCTIONS] if outputs else []),
        "date -u +%Y-%m-%dT%H:%M:%SZ > .skyport-started",
        f"put .skyport-started {q(puts['started'])}",
        *(
            f"get {q(name)} {q(url)} || fail {q(f'could not fetch input {name} from {storage}')}"
            for name, url in inputs.items()
        ),
        f"printf '%s' {q(encoded)} | base64 -d > .skyport-job || fail 'could not write the job script'",
        "chmod +x .skyport-job",
        *(f"export {name}={q(value)}" for name, value in variables.items()),
        f"{runner} < /dev/null > .skyport-stdout 2> .skyport-stderr",
        "status=$?",
        f"put .skyport-stdout {q(puts['stdout'])}",
        f"put .skyport-stderr {q(puts['stderr'])}",
        *(f"output {index} {q(name)} {q(url)}" for index, (name, url) in enumerate(outputs)),
        *([f"if [ -s .skyport-refused ]; then put .skyport-refused {q(puts['refused'])}; fi"] if outputs else []),
        # The exit status goes last: once it is stored, every other result is too.
        "printf '%s\\n' \"$status\" > .skyport-exit",
        f"put .skyport-exit {q(puts['exit'])}",
    ]
    return "\n".join(lines) + "\n"


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds")


def job_state(
    *,
    nodes: int,
    time_limit: int,
    markers: Mapping[str, tuple[int, datetime.datetime]],
    contents: Mapping[str, bytes],
) -> dict[str, Any]:
    """What a job's markers say, as fields of a spec Job.

    ``markers`` are the keys under the job's prefix (relative to it) -> (size, last modified);
    ``contents`` the bytes of its ``exit.<rank>`` and ``error.<rank>`` markers. The answer has
    ``started_at`` once a node started, and ``state`` once the job ended: ``failed`` when a node
    could not run it, else, when every node put its exit status, ``finished`` with ``exitcode``
    (``failed`` for a signal or the time limit). Without ``state`` the job is still going, and the
    gate decides from its nodes whether it is pending, running or lost.
    """
    body: dict[str, Any] = {}
    started = [markers[f"started.{r}"][1] for r in range(nodes) if f"started.{r}" in markers]
    if started:
        body["started_at"] = _iso(min(started))
    exits = {r: markers[f"exit.{r}"] for r in range(nodes) if f"exit.{r}" in markers}
    errors = [contents[f"error.{r}"] for r in range(nodes) if f"error.{r}" in contents]
    if errors:
        body.update(state="failed", state_details=errors[0].decode(errors="replace").strip())
    elif len(exits) == nodes:
        body["ended_at"] = _iso(max(moment for _, moment in exits.values()))
        statuses = [int(contents.get(f"exit.{r}", b"1").strip() or 1) for r in range(nodes)]
        status = statuses[0] or next((s for s in statuses if s), 0)
        if time_limit and status == 124:  # timeout(1) exits 124 when the limit is hit
            body.update(state="failed", state_details=f"killed: time limit of {time_limit} s exceeded")
        elif status > 128:  # the shell reports death by signal N as 128 + N
            body.update(state="failed", signal=status - 128, state_details=f"killed by signal {status - 128}")
        else:
            body.update(state="finished", exitcode=status)
    return body
