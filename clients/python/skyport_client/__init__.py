# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/package_init.py.jinja).
# Spec sha256: ed1c4843aea9afb4f22f14d55a72d46199af21fa85e19b815cd1b73bcab1c89e
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Skyport core terminal API

The API the core daemon serves to terminals (the skyport CLI, the Python client, a
JupyterHub spawner, curl). It is a superset of Sky Port's user API: the `/user/...` paths,
field names and state letters are Sky Port's, so Sky Port's terminals work unchanged.

Every request needs a client certificate issued by the daemon's CA (mutual TLS); the
certificate's common name is the user. A user sees and changes only their own jobs: another
user's job answers 404, as an unknown one does.

Job states: Q queued, W waiting for resources, R running, T transferring files,
F finished, E error, C cancelled.
"""

from .client import Client
from .errors import ApiError, UnexpectedStatus

__all__ = ["ApiError", "Client", "UnexpectedStatus"]
