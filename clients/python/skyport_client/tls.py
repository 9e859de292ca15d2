# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tls.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""TLS from a Skyport home directory (``skyport init`` writes it): mutual, or for an API token."""

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


def context_for_token(home: str | os.PathLike[str]) -> ssl.SSLContext:
    """An SSL context trusting the home's CA (``ca.pem``), presenting no certificate: for an API token.

    Pass it as ``Client(url, ssl_context=..., token=TOKEN)``; only ``ca.pem`` needs to be in ``home``.

    Raises:
        FileNotFoundError: ``ca.pem`` is missing from ``home``.
        ssl.SSLError: it is not a PEM certificate.
    """
    return ssl.create_default_context(cafile=Path(home).expanduser() / CA_FILE)
