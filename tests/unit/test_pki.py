"""The home's CA and certificates: who a server certificate names, checked by a real TLS handshake."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography import x509

from skyport import pki


def skyport(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "skyport", "--home", str(home), *args]
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)


def handshake(home: Path, server_hostname: str) -> None:
    """A TLS handshake with a server on 127.0.0.1 holding the home's server certificate, as ``server_hostname``."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve() -> None:
            connection, _ = listener.accept()
            try:
                with pki.server_context(home).wrap_socket(connection, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the client refused the certificate

        thread = threading.Thread(target=serve)
        thread.start()
        try:
            with socket.create_connection(("127.0.0.1", port)) as raw:
                with pki.client_context(home).wrap_socket(raw, server_hostname=server_hostname):
                    pass
        finally:
            thread.join(10)


def names_in(certificate: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(certificate.read_bytes())
    alternative = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    hosts = [*alternative.get_values_for_type(x509.DNSName), *alternative.get_values_for_type(x509.IPAddress)]
    return {str(name) for name in hosts}


def test_server_cert_names_the_given_hosts_besides_this_machine(tmp_path: Path) -> None:
    home = tmp_path / "home"
    pki.init_authority(home, "alice")
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(home, "gate.example")

    result = skyport(home, "server-cert", "gate.example", "10.1.2.3")

    assert result.returncode == 0, result.stderr
    assert names_in(home / pki.SERVER_CERT) == {"localhost", "127.0.0.1", "gate.example", "10.1.2.3"}
    assert pki.identity(home / pki.SERVER_CERT).role == pki.SERVER
    handshake(home, "gate.example")
    handshake(home, "localhost")
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(home, "other.example")


def test_server_cert_refuses_what_is_not_a_host_name_and_keeps_the_old_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    pki.init_authority(home, "alice")
    before = (home / pki.SERVER_CERT).read_bytes()
    result = skyport(home, "server-cert", "https://gate.example")
    assert result.returncode != 0
    assert "is not a host name or IP address" in result.stderr and "Traceback" not in result.stderr
    assert (home / pki.SERVER_CERT).read_bytes() == before


def test_server_cert_without_a_home_says_to_run_init(tmp_path: Path) -> None:
    result = skyport(tmp_path / "nowhere", "server-cert", "gate.example")
    assert result.returncode != 0
    assert "skyport init" in result.stderr
