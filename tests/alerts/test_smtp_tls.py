"""Mail over STARTTLS with a login, and over implicit TLS (SSL), against a real aiosmtpd server."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy.engine import Engine

from jobs.runner import run_job
from tests.alerts.conftest import CZ, JY, MZ
from tests.support import MailServer

APRIL_1 = date(2024, 4, 1)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def authenticator(_server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"tracker", b"pass-1")
    return AuthResult(success=ok, handled=False)


def served(server: MailServer) -> list[str]:
    return sorted(r.envelope_to[0] for r in server.received)


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the client verifies the server as usual
    return certificate


def test_starttls_with_a_login_delivers(quarter: Engine, trusted: tuple[Path, Path], use: Callable[..., None]) -> None:
    options = {"tls_context": server_context(trusted), "require_starttls": True, "authenticator": authenticator,
               "auth_required": True}  # fmt: skip
    server = MailServer(options=options).start()
    try:
        use(smtp_port=server.port, smtp_starttls="true", smtp_user="tracker", smtp_password="pass-1")
        assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 3
        assert served(server) == sorted([CZ, JY, MZ])
    finally:
        server.stop()


def test_a_wrong_password_leaves_everything_queued(
    quarter: Engine, trusted: tuple[Path, Path], use: Callable[..., None]
) -> None:
    options = {"tls_context": server_context(trusted), "require_starttls": True, "authenticator": authenticator,
               "auth_required": True}  # fmt: skip
    server = MailServer(options=options).start()
    try:
        use(smtp_port=server.port, smtp_starttls="true", smtp_user="tracker", smtp_password="wrong")
        run = run_job("alerts", as_of=APRIL_1)
        assert run.counts["queued"] == 3 and server.received == []
    finally:
        server.stop()


def test_implicit_tls_delivers(quarter: Engine, trusted: tuple[Path, Path], use: Callable[..., None]) -> None:
    server = MailServer(options={"ssl_context": server_context(trusted)}).start()
    try:
        use(smtp_port=server.port, smtp_ssl="true")
        assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 3
        assert served(server) == sorted([CZ, JY, MZ])
    finally:
        server.stop()
