"""The two POSIX sh scripts an instance runs: its user-data, and the job bundle that user-data fetches.

The instance needs no SSH, no inbound port and no AWS credentials: the user-data holds one
presigned GET URL of its node's bundle, polls it until start_job has written it, runs it and
powers off. The bundle holds presigned URLs for everything the job reads and writes. Both scripts
need only ``sh``, ``curl``, ``base64``, ``date`` and (with a time limit) ``timeout``, which every
mainstream AMI has.

``SKYPORT_WORKDIR`` and ``SKYPORT_POWEROFF`` exist for the test suite, which plays the instance
on the test machine; a real instance leaves them unset.
"""

from __future__ import annotations

import base64
import re
import shlex
from collections.abc import Mapping, Sequence

from skyport_gate_sdk.errors import BadRequest

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def user_data(*, site: str, partition_id: str, rank: int, bundle_url: str, poll: float, wait: float) -> str:
    """The boot script of node ``rank``: wait for its bundle, run it, power off."""
    return f"""#!/bin/sh
# Skyport bootstrap: site {site}, partition {partition_id}, node {rank}.
# Polls S3 for this node's job bundle, runs it, and powers off (which terminates the instance).
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
) -> str:
    """The job as node ``rank`` runs it.

    ``inputs`` maps input file names to GET URLs; ``puts`` maps the node's result keys (``started``,
    ``stdout``, ``stderr``, ``exit``, ``error``, and on node 0 ``refused``) to PUT URLs; ``outputs``
    lists (file name, PUT URL) of the declared outputs, which only node 0 uploads. Only a regular
    file is uploaded: for an output that is a symbolic link, a FIFO, a device, a socket or a
    directory, node 0 puts a line "<index of the output>\t<why>" into ``refused`` instead
    (read back by :func:`refused_outputs`).
    """
    q = shlex.quote
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
        'put() { curl -fsS --retry 5 -o /dev/null -T "$1" "$2"; }',
        'get() { curl -fsS --retry 5 -o "$1" "$2"; }',
        f"fail() {{ printf '%s\\n' \"$1\" > .skyport-error; put .skyport-error {q(puts['error'])}; exit 1; }}",
        *([_OUTPUT_FUNCTIONS] if outputs else []),
        "date -u +%Y-%m-%dT%H:%M:%SZ > .skyport-started",
        f"put .skyport-started {q(puts['started'])}",
        *(
            f"get {q(name)} {q(url)} || fail {q(f'could not fetch input {name} from S3')}"
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
        # The exit status goes last: once it is in S3, every other result is too.
        "printf '%s\\n' \"$status\" > .skyport-exit",
        f"put .skyport-exit {q(puts['exit'])}",
    ]
    return "\n".join(lines) + "\n"
