# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tls.py.jinja).
# Spec sha256: 5fc11691cbedbf817dff08d29c8bec658e8d41c1c94b49cf419927bec5dce50b
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Mutual TLS from a Skyport home directory (``skyport init`` writes it)."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

CA_FILE = "ca.pem"
CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"


def context_from_home(home: str | os.PathLike[str]) -> ssl.SSLContext:
    """An SSL context trusting the home's CA (``ca.pem``) and presenting its ``cert.pem``/``key.pem``.

    Pass it as ``Client(url, ssl_context=...)``; httpx drops ``cert=`` when ``verify`` is a path,
    so the certificate has to be loaded into the context.

    Raises:
        FileNotFoundError: a file is missing from ``home``.
        ssl.SSLError: a file is not a PEM certificate or key, or the key does not match.
    """
    folder = Path(home).expanduser()
    context = ssl.create_default_context(cafile=folder / CA_FILE)
    context.load_cert_chain(folder / CERT_FILE, folder / KEY_FILE)
    return context
