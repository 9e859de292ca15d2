"""Daemon settings: where things live, where the API listens, which remote sites exist.

Every default is here. A home directory (``~/.skyport``, or ``--home`` / ``SKYPORT_HOME``) holds
``config.yaml``, written by ``skyport init``; a key missing from the file keeps its default::

    listen: {host: 127.0.0.1, port: 8443}
    store: sqlite:////home/me/.skyport/skyport.db   # or postgresql+psycopg://...
    sites:
      - name: local
        kind: local              # a gate registered in the entry-point group skyport.gates
        settings: {cpus: 8}      # handed to the gate as they are
      - name: lab
        kind: slurm
        url: https://gate.lab.example:9443   # a gate running on its own (skyport gate ...)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skyport.errors import BadRequest

CONFIG_FILE = "config.yaml"
URL_FILE = "daemon.url"  # written by a running daemon, so terminals find it
LOCK_FILE = "daemon.lock"  # locked by the running daemon: one per home (skyport.daemon_lock)
DEFAULT_PORT = 8443


def default_home() -> Path:
    """``$SKYPORT_HOME`` or ``~/.skyport``."""
    return Path(os.environ.get("SKYPORT_HOME") or Path.home() / ".skyport").expanduser()


@dataclasses.dataclass(frozen=True)
class SiteConfig:
    """One remote site: a gate kind and the settings handed to it."""

    name: str
    kind: str
    settings: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    url: str | None = None  # a gate served on its own; None mounts the gate in the daemon


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything the daemon needs to start."""

    home: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    store: str = ""  # SQLAlchemy URL; empty means the SQLite file skyport.db in home
    sites: tuple[SiteConfig, ...] = (SiteConfig("local", "local"),)
    owner: str = ""  # may submit ?path= scripts and name host files in TES; "" = the user the home was made for
    loop_interval: float = 1.0  # seconds between scheduling passes when nothing wakes the loop
    idle_timeout: float = 60.0  # seconds an unused partition is kept before it is deleted
    max_upload: int = 256 * 1024 * 1024  # bytes per submission, script and inputs together
    max_output: int = 256 * 1024 * 1024  # bytes of output files staged back per job, all files together
    request_timeout: float = 30.0  # seconds a request's head or body may stall before it is answered 408
    max_event_streams: int = 8  # event streams (GET /user/events) one user may have open at once
    event_heartbeat: float = 15.0  # seconds between comments on an idle event stream, so proxies keep it
    ui_session_lifetime: float = 12 * 3600.0  # seconds a dashboard session lasts from its login (not sliding)
    fair_share_half_life: float = 7 * 86400.0
    default_time_limit: int = 3600
    max_time_limit: int = 365 * 86400  # seconds; a longer #SWM time is refused at submit
    tes_s3_endpoint: str = ""  # S3 endpoint of TES s3:// inputs and outputs (MinIO, moto); "" = AWS's
    tes_s3_buckets: tuple[str, ...] = ()  # buckets every user's TES tasks may name; the owner may name any
    tes_http_inputs: tuple[str, ...] = ()  # URL prefixes TES http(s):// inputs may come from; none by default
    metrics_listen: str = ""  # HOST:PORT (loopback) of a plain-HTTP /metrics for a local Prometheus; "" for none

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.home / 'skyport.db'}"

    def metrics_address(self) -> tuple[str, int] | None:
        """Where to serve /metrics over plain HTTP (``metrics_listen``), or None; BadRequest unless loopback.

        Nothing there checks who asks, so only this machine may: 127.0.0.1, ::1 or localhost, with a
        port (``9464``, ``127.0.0.1:9464`` or ``[::1]:9464``).
        """
        import ipaddress  # here: only the daemon's start asks

        value = str(self.metrics_listen)
        if not value:
            return None
        host, _, port = value.rpartition(":")
        host = {"": "127.0.0.1", "localhost": "127.0.0.1"}.get(host, host.removeprefix("[").removesuffix("]"))
        try:
            loopback = ipaddress.ip_address(host).is_loopback
            number = int(port)
        except ValueError:
            loopback, number = False, 0
        if not loopback or not 0 < number < 65536:
            raise BadRequest(
                f"{CONFIG_FILE}: metrics_listen is {value!r}; it must be a loopback address and port such as "
                "127.0.0.1:9464, since metrics served there need no certificate. A Prometheus on another "
                "machine scrapes https://HOST:PORT/metrics with the daemon owner's certificate instead"
            )
        return host, number

    @property
    def jobs_dir(self) -> Path:
        return self.home / "jobs"

    def site_state_dir(self, site: str) -> Path:
        return self.home / "sites" / site


_FIELDS = {f.name for f in dataclasses.fields(Settings)} - {"home", "sites"}


def _site(raw: Any, index: int) -> SiteConfig:
    if not isinstance(raw, Mapping) or not raw.get("name") or not raw.get("kind"):
        raise BadRequest(f"{CONFIG_FILE}: sites[{index}] needs a name and a kind, got {raw!r}")
    unknown = set(raw) - {"name", "kind", "settings", "url"}
    if unknown:
        raise BadRequest(f"{CONFIG_FILE}: sites[{index}] has unknown keys {sorted(unknown)}")
    return SiteConfig(str(raw["name"]), str(raw["kind"]), dict(raw.get("settings") or {}), raw.get("url"))


def read_mapping(path: Path) -> dict[str, Any]:
    """A YAML file whose top level is a mapping (an empty file is an empty one)."""
    import yaml  # here: terminal commands read this module's paths, rarely a YAML file

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise BadRequest(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise BadRequest(f"{path}: expected a mapping at the top level")
    return raw


def load(home: Path, **overrides: Any) -> Settings:
    """Settings from ``home/config.yaml`` (if present), then ``overrides`` (None values ignored)."""
    path = home / CONFIG_FILE
    raw = read_mapping(path) if path.exists() else {}
    values: dict[str, Any] = {}
    listen = raw.pop("listen", None) or {}
    if "host" in listen:
        values["host"] = str(listen["host"])
    if "port" in listen:
        values["port"] = int(listen["port"])
    if "sites" in raw:
        sites = [_site(site, i) for i, site in enumerate(raw.pop("sites") or [])]
        names = [s.name for s in sites]
        if len(set(names)) != len(names):
            raise BadRequest(f"{path}: site names must be unique, got {names}")
        values["sites"] = tuple(sites)
    unknown = set(raw) - _FIELDS
    if unknown:
        raise BadRequest(f"{path}: unknown keys {sorted(unknown)}; known: listen, sites, {', '.join(sorted(_FIELDS))}")
    values.update(raw)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(home=home, **values)


def write_default(home: Path) -> Path:
    """Write a commented ``config.yaml`` with the defaults, unless one exists."""
    path = home / CONFIG_FILE
    if not path.exists():
        path.write_text(
            "# Skyport daemon settings; see docs/operations.md. Missing keys keep their defaults.\n"
            f"listen: {{host: 127.0.0.1, port: {DEFAULT_PORT}}}\n"
            "sites:\n"
            "  - name: local\n"
            "    kind: local\n"
            "    settings: {}   # cpus, mem (MiB): what the local machine lends to jobs\n",
            encoding="utf-8",
        )
    return path
