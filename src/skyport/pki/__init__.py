"""Skyport's own certificate authority: the CA and the certificates it issues, each with a role.

Everything lives in the Skyport home directory (``~/.skyport`` by default), private to its owner::

    ca.pem, ca-key.pem        the CA that signs everything below (the key never leaves home)
    server.pem, server-key.pem  role server: the daemon's and gates' TLS server certificate
                              (localhost, 127.0.0.1, and the hosts given to ``skyport server-cert``);
                              never accepted as a client
    core.pem, core-key.pem    role core: the daemon's client certificate towards gates, the only
                              one a gate accepts
    cert.pem, key.pem         role user: the home owner's client certificate; CN = user name
    users/NAME/{cert,key}.pem role user: certificates issued with ``skyport user add NAME``; role
                              delegate with ``--acts-for USER`` (a JupyterHub acting for its users)
    revoked                   certificates revoked with ``skyport user revoke NAME``

Certificates are EC P-256 with the extensions strict verifiers ask for (basic constraints, key
usage, subject/authority key IDs, extended key usage, SANs). The role is a SAN URI
``skyport:role:ROLE``; :class:`Door` checks it, and the revocation list, on every request.
Reading certificates and admitting peers is the gate SDK's (``skyport_gate_sdk.certs``), which
gates served on their own use too; issuing and revoking them is here.
"""

from skyport_gate_sdk.certs import (
    CA_CERT,
    CA_KEY,
    CLIENT_CERT,
    CLIENT_KEY,
    CORE,
    CORE_CERT,
    CORE_KEY,
    DELEGATE,
    ON_BEHALF_OF,
    REVOKED,
    SERVER,
    SERVER_CERT,
    SERVER_KEY,
    USER,
    USERS,
    Door,
    Identity,
    Revocation,
    Revocations,
    client_context,
    core_context,
    identity,
    server_context,
)
from skyport_gate_sdk.private import check_keys, make_private, private_umask

from skyport.pki.access import add_user, revoke, set_acts_for
from skyport.pki.authority import (
    check_user_name,
    init_authority,
    issue_server,
    issue_user,
    owner_name,
    reissue_without_roles,
)

__all__ = [
    "CA_CERT",
    "CA_KEY",
    "CLIENT_CERT",
    "CLIENT_KEY",
    "CORE",
    "CORE_CERT",
    "CORE_KEY",
    "DELEGATE",
    "ON_BEHALF_OF",
    "REVOKED",
    "SERVER",
    "SERVER_CERT",
    "SERVER_KEY",
    "USER",
    "USERS",
    "Door",
    "Identity",
    "Revocation",
    "Revocations",
    "add_user",
    "check_keys",
    "check_user_name",
    "client_context",
    "core_context",
    "identity",
    "init_authority",
    "issue_server",
    "issue_user",
    "make_private",
    "owner_name",
    "private_umask",
    "reissue_without_roles",
    "revoke",
    "server_context",
    "set_acts_for",
]
