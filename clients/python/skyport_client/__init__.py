# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/package_init.py.jinja).
# Spec sha256: 5fc11691cbedbf817dff08d29c8bec658e8d41c1c94b49cf419927bec5dce50b
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Skyport core terminal API

The API the core daemon serves to terminals (the skyport CLI, the Python client, a
JupyterHub spawner, curl). It is a superset of Sky Port's user API: the `/user/...` paths,
field names and state letters are Sky Port's, so Sky Port's terminals work unchanged.

Every request needs a client certificate issued by the daemon's CA (mutual TLS); the
certificate's common name is the user. A delegate's certificate (a JupyterHub, say; `skyport
user add hub --acts-for bob`) acts for the users it names: each request names one in
the header `X-Skyport-User` and is then that user's in every respect; naming anyone else, or
sending the header with another kind of certificate, is a 403. A user sees and changes only
their own jobs: another user's job answers 404, as an unknown one does.

Job states: Q queued, W waiting for resources, R running, T transferring files,
F finished, E error, C cancelled.
"""

from .client import Client
from .errors import ApiError, UnexpectedStatus

__all__ = ["ApiError", "Client", "UnexpectedStatus"]
