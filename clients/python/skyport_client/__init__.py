# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/package_init.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Skyport core terminal API

The API the core daemon serves to terminals (the skyport CLI, the Python client, a
JupyterHub spawner, curl). It is a superset of Sky Port's user API: the `/user/...` paths,
field names and state letters are Sky Port's, so Sky Port's terminals work unchanged.

Every request needs a client certificate issued by the daemon's CA (mutual TLS), whose
common name is the user, or an API token (`skyport token create`; tag `tokens`) sent as
`Authorization: Bearer TOKEN` or as the password of HTTP basic auth (any user name): the token's
user is then the user. A request with a certificate is the certificate's, whatever else it
sends; one with neither, or with a token that is unknown, revoked or expired, is a 401 with a
`WWW-Authenticate` challenge. A token acts for its user only: it creates no tokens, and sending
`X-Skyport-User` naming anyone else is a 403. A delegate's certificate (a JupyterHub, say; `skyport
user add hub --acts-for bob`) acts for the users it names: each request names one in
the header `X-Skyport-User` and is then that user's in every respect; naming anyone else, or
sending the header with another kind of certificate, is a 403. A user sees and changes only
their own jobs: another user's job answers 404, as an unknown one does. The web dashboard
(`skyport ui`, under `/ui/`, not in this spec) calls this API with the session cookie
`skyport_session` of a one-time login code (`create_login_code`): as that user, without
`X-Skyport-User`, and for methods other than GET, HEAD and OPTIONS only with an `Origin` header
naming the daemon's own address (403 otherwise).

Job states: Q queued, W waiting for resources, R running, T transferring files,
F finished, E error, C cancelled.
"""

from .client import Client
from .errors import ApiError, UnexpectedStatus

__all__ = ["ApiError", "Client", "UnexpectedStatus"]
