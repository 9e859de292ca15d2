"""``skyport-gate``: serve an installed gate over mutual TLS, or run the gate conformance checks.

    skyport-gate serve KIND [--config site.yaml] [--home DIR] [--host ADDR] [--port N]
    skyport-gate conformance URL --flavor NAME [--home DIR] [--image NAME] [--timeout S] [--json]

Both read the certificates of a Skyport home (``skyport init`` makes one; ``SKYPORT_HOME`` or
``~/.skyport`` by default): the gate serves the home's server certificate and admits only its core
certificate; the checks call the gate with that core certificate, as the daemon does.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from skyport_gate_sdk.errors import SkyportError


def _home(given: str | None) -> Path:
    return Path(given or os.environ.get("SKYPORT_HOME") or Path.home() / ".skyport").expanduser()


def _settings(path: str | None) -> dict[str, object]:
    if path is None:
        return {}
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    if not isinstance(data, dict):
        raise SkyportError(f"{path}: the site's settings must be a YAML mapping (name: ..., and the kind's keys)")
    return data


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="skyport-gate", description=__doc__.split("\n\n")[0])
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve an installed gate KIND (entry point group skyport.gates)")
    serve.add_argument("kind")
    serve.add_argument("--config", help="YAML file with the site's settings (name, and what the gate kind needs)")
    serve.add_argument("--home", help="Skyport home with the certificates [default: $SKYPORT_HOME or ~/.skyport]")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on [default: 127.0.0.1]")
    serve.add_argument("--port", type=int, default=9443, help="port to listen on [default: 9443]")
    check = commands.add_parser("conformance", help="run the gate API checks against the gate served at URL")
    check.add_argument("url")
    check.add_argument("--flavor", required=True, help="a flavor of the site; checks create one-node partitions")
    check.add_argument("--home", help="Skyport home with the core certificate [default: $SKYPORT_HOME or ~/.skyport]")
    check.add_argument("--image", help="image to boot [default: the site's default image]")
    check.add_argument("--timeout", type=float, default=120.0, help="seconds a partition or a trivial job may take")
    check.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    return top


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        if args.command == "serve":
            from skyport_gate_sdk.serve import serve_gate

            serve_gate(args.kind, _home(args.home), _settings(args.config), args.host, args.port)
            return
        from skyport_gate_sdk.conformance import check_gate

        passed = check_gate(
            args.url,
            flavor=args.flavor,
            home=_home(args.home),
            image=args.image,
            timeout=args.timeout,
            as_json=args.json,
        )
    except (SkyportError, OSError) as exc:
        sys.exit(f"skyport-gate: {getattr(exc, 'detail', exc)}")
    sys.exit(0 if passed else 1)
