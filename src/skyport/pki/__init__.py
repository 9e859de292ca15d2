"""Skyport's own certificate authority: the CA, the daemon's server certificate, user certificates.

Everything lives in the Skyport home directory (``~/.skyport`` by default)::

    ca.pem, ca-key.pem        the CA that signs everything below (the key never leaves home)
    server.pem, server-key.pem  the daemon's and gates' TLS server certificate (localhost, 127.0.0.1,
                              and the hosts given to ``skyport server-cert``)
    cert.pem, key.pem         the home owner's client certificate; CN = user name
    users/NAME/{cert,key}.pem certificates issued with ``skyport user add NAME``

Certificates are EC P-256 with the extensions strict verifiers ask for (basic constraints, key
usage, subject/authority key IDs, extended key usage, SANs).
"""

from skyport.pki.authority import (
    CA_CERT,
    CLIENT_CERT,
    CLIENT_KEY,
    SERVER_CERT,
    SERVER_KEY,
    client_context,
    common_name,
    init_authority,
    issue_server,
    issue_user,
    server_context,
)

__all__ = [
    "CA_CERT",
    "CLIENT_CERT",
    "CLIENT_KEY",
    "SERVER_CERT",
    "SERVER_KEY",
    "client_context",
    "common_name",
    "init_authority",
    "issue_server",
    "issue_user",
    "server_context",
]
