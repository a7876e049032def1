"""A real IMAP server for the tests: Dovecot from the system packages on 127.0.0.1.

Started once per session with a throwaway configuration (IMAP with STARTTLS and IMAPS with a
certificate from a throwaway authority, any user with one password, a maildir per user in a
temporary folder), as the current user, or as the unprivileged "dovecot" user when the tests run
as root. Each test takes a user of its own, so tests never see each other's mail.
"""

from __future__ import annotations

import email
import imaplib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import trustme

REQUIRE_IMAP = "KOORDINATION_REQUIRE_IMAP"
#: The one password the throwaway server accepts, for any user.
PASSWORD = "Postfach-geheim-4711"


@dataclass(frozen=True)
class Dovecot:
    plain_port: int
    ssl_port: int
    ca_file: Path
    folder: Path

    def client(self, user: str) -> imaplib.IMAP4_SSL:
        """The test's own logged-in connection (to put mail in and look)."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.ssl_port, ssl_context=context, timeout=10)
        imap.login(user, PASSWORD)
        return imap


@dataclass(frozen=True)
class OfficeMailbox:
    """One test's mailbox on the server, and a config.toml whose [imap] points at it."""

    server: Dovecot
    user: str
    config: Path

    def append(self, message: bytes, folder: str = "INBOX") -> None:
        imap = self.server.client(self.user)
        try:
            typ, data = imap.append(folder, None, None, message)
            assert typ == "OK", data
        finally:
            imap.logout()

    def subjects(self, folder: str = "INBOX") -> list[str]:
        """The subjects in ``folder`` (server's own name), read without marking anything."""
        return [subject for subject, _flags in self.messages(folder)]

    def messages(self, folder: str = "INBOX") -> list[tuple[str, str]]:
        """(subject, flags) of every message in ``folder``; [] when the folder does not exist."""
        imap = self.server.client(self.user)
        try:
            typ, count = imap.select(f'"{folder}"', readonly=True)
            if typ != "OK" or count[0] == b"0":
                return []
            typ, data = imap.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            found = []
            for item in data:
                if isinstance(item, tuple):
                    head = item[0].decode()
                    flags = head[head.find("FLAGS (") + 7 :].split(")")[0]
                    header = email.message_from_bytes(item[1]).get("Subject", "")
                    subject = str(make_header(decode_header(header)))
                    found.append((" ".join(subject.split()), flags))
            return found
        finally:
            imap.logout()

    def folders(self) -> list[str]:
        imap = self.server.client(self.user)
        try:
            _typ, data = imap.list()
            return [
                ln.decode().rsplit(" ", 1)[-1].strip('"') for ln in data if isinstance(ln, bytes)
            ]
        finally:
            imap.logout()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dovecot_binary() -> Path | None:
    chosen = os.environ.get("KOORDINATION_DOVECOT")
    if chosen:
        return Path(chosen) if Path(chosen).is_file() else None
    found = shutil.which("dovecot") or "/usr/sbin/dovecot"
    return Path(found) if Path(found).is_file() else None


def no_dovecot(reason: str) -> None:
    message = (
        f"IMAP-Testserver Dovecot nicht gefunden ({reason}). Das Abholen der Antworten wird "
        "gegen einen echten IMAP-Server geprüft: bitte installieren (Debian/Ubuntu: sudo "
        "apt-get install dovecot-imapd) oder .ci/run ausführen, das ihn einrichtet."
    )
    if os.environ.get(REQUIRE_IMAP, "1") != "0":
        pytest.fail(message + f" Nur ohne IMAP prüfen: {REQUIRE_IMAP}=0.", pytrace=False)
    pytest.skip(message)


def _config(root: Path, user: str, plain_port: int, ssl_port: int) -> str:
    return f"""\
base_dir = {root}/run
state_dir = {root}/state
instance_name = koordination-test-{plain_port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {user}
default_internal_group = {user}
default_login_user = {user}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={user} gid={user} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {plain_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def _wait_until_greeting(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Dovecot endete mit {process.returncode}:\n{_read(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Dovecot antwortet nicht innerhalb von 30 s:\n{_read(log)}")


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """Dovecot of its own on 127.0.0.1 for the whole session; stopped afterwards."""
    binary = dovecot_binary()
    if binary is None:
        no_dovecot("weder KOORDINATION_DOVECOT noch dovecot im PATH noch /usr/sbin/dovecot")
    assert binary is not None
    as_root = os.geteuid() == 0
    if as_root:
        try:
            owner = pwd.getpwnam("dovecot")
        except KeyError:
            no_dovecot("als root wird der Benutzer „dovecot“ des Pakets gebraucht, er fehlt")
        user = "dovecot"
    else:
        owner = pwd.getpwuid(os.geteuid())
        user = owner.pw_name
    # Not under pytest's tmp_path: as root that lies in a folder the dovecot user cannot enter.
    root = Path(tempfile.mkdtemp(prefix="koordination-imap-"))
    authority = trustme.CA(organization_name="Testzertifikate Wiesenbrück")
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    certificate.private_key_pem.write_to_path(str(root / "key.pem"))
    certificate.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
    ca_file = root / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    plain_port, ssl_port = _free_port(), _free_port()
    (root / "dovecot.conf").write_text(_config(root, user, plain_port, ssl_port))
    if as_root:
        for path in [root, *root.iterdir()]:
            os.chown(path, owner.pw_uid, owner.pw_gid)
    command = [str(binary), "-F", "-c", str(root / "dovecot.conf")]
    if as_root:
        command = ["runuser", "-u", user, "--", *command]
    out = root / "stdout.log"
    with out.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, cwd=root, start_new_session=True
        )
    try:
        _wait_until_greeting(process, plain_port, root / "dovecot.log")
    except RuntimeError as exc:
        _stop(process)
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"IMAP-Testserver startet nicht: {exc}\n{_read(out)}", pytrace=False)
    try:
        yield Dovecot(plain_port=plain_port, ssl_port=ssl_port, ca_file=ca_file, folder=root)
    finally:
        _stop(process)
        shutil.rmtree(root, ignore_errors=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    # The server runs in a process group of its own (master, login and imap processes).
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture
def office_mailbox(
    dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> OfficeMailbox:
    """A mailbox of this test's own, trusted like a real server's (the throwaway authority via
    SSL_CERT_FILE), with [imap] (IMAPS) in the settings and the password in the environment."""
    user = f"stelle-{uuid.uuid4().hex[:10]}@wiesenbrueck.example.org"
    config = tmp_path / "imap-einstellungen.toml"
    write_imap_config(config, dovecot, user, security="ssl")
    monkeypatch.setenv("KOORDINATION_CONFIG", str(config))
    monkeypatch.setenv("KOORDINATION_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return OfficeMailbox(server=dovecot, user=user, config=config)


def write_imap_config(
    path: Path, server: Dovecot, user: str, *, security: str, port: int | None = None
) -> None:
    if port is None:
        port = server.ssl_port if security == "ssl" else server.plain_port
    path.write_text(
        f'[imap]\nhost = "127.0.0.1"\nport = {port}\nuser = "{user}"\n'
        f'security = "{security}"\ntimeout = 5\n',
        encoding="utf-8",
    )
