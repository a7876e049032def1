"""SMTP settings from the config file; the password from the environment or the keyring only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring

from koordination.delivery.settings import (
    SmtpSettings,
    load_caldav_settings,
    load_smtp_settings,
    smtp_password,
)
from koordination.errors import KoordinationError
from koordination.paths import config_file

SECRET = "s3hr-geheim"


def write_config(text: str) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_smtp_table_is_read_from_the_config_file() -> None:
    write_config(
        'database = "x"\n[smtp]\nhost = "mail.musterstadt.de"\nuser = "engagement@musterstadt.de"\n'
        'security = "ssl"\nfrom_name = "Koordinierungsstelle Engagierte Stadt"\n'
    )
    settings = load_smtp_settings()
    assert settings == SmtpSettings(
        host="mail.musterstadt.de",
        port=465,
        user="engagement@musterstadt.de",
        security="ssl",
        from_name="Koordinierungsstelle Engagierte Stadt",
        from_email="engagement@musterstadt.de",
    )
    assert settings.ssl and not settings.starttls


def test_missing_smtp_table_explains_what_to_write() -> None:
    write_config('database = "x"\n')
    with pytest.raises(KoordinationError, match=r"fehlt der Abschnitt \[smtp\]"):
        load_smtp_settings()


def test_incomplete_smtp_table_lists_every_problem() -> None:
    write_config('[smtp]\nport = "abc"\nsecurity = "tls"\n')
    with pytest.raises(KoordinationError) as info:
        load_smtp_settings()
    for word in ("host", "port", "security", "from_email"):
        assert word in info.value.message


def test_password_in_the_config_file_is_refused() -> None:
    write_config(f'[smtp]\nhost = "h"\nfrom_email = "a@b.de"\npassword = "{SECRET}"\n')
    with pytest.raises(KoordinationError, match="gehört nicht in die Einstellungsdatei") as info:
        load_smtp_settings()
    assert SECRET not in info.value.message


def test_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOORDINATION_SMTP_PASSWORD", SECRET)
    settings = SmtpSettings(host="h", user="u@b.de", from_email="u@b.de")
    assert smtp_password(settings) == SECRET
    assert SECRET not in repr(SmtpSettings(host="h", user="u", password=SECRET))


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps its passwords in memory, as `keyring` stores them."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.stored.pop((service, username), None)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv("KOORDINATION_SMTP_PASSWORD", raising=False)
    monkeypatch.delenv("KOORDINATION_CALDAV_PASSWORD", raising=False)
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


def test_password_comes_from_the_keyring(memory_keyring: MemoryKeyring) -> None:
    keyring.set_password("koordination", "u@b.de", SECRET)  # what `keyring set` does
    assert smtp_password(SmtpSettings(host="h", user="u@b.de")) == SECRET
    assert smtp_password(SmtpSettings(host="h", user="andere@b.de", password="x")) == "x"


def test_failing_keyring_backend_gives_a_german_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOORDINATION_SMTP_PASSWORD", raising=False)
    before = keyring.get_keyring()
    # keyring's own backend for "no usable keyring on this system" (no D-Bus, none installed).
    keyring.set_keyring(FailKeyring())
    try:
        with pytest.raises(
            KoordinationError, match="Schlüsselbund des Systems ist nicht erreichbar"
        ):
            smtp_password(SmtpSettings(host="h", user="u@b.de"))
    finally:
        keyring.set_keyring(before)


def test_no_password_anywhere_says_how_to_store_one(memory_keyring: MemoryKeyring) -> None:
    keyring.set_password("koordination", "jemand@b.de", SECRET)  # someone else's
    with pytest.raises(KoordinationError, match=r"keyring set koordination u@b\.de") as info:
        smtp_password(SmtpSettings(host="h", user="u@b.de"))
    assert SECRET not in info.value.message


def test_relay_without_user_needs_no_password() -> None:
    assert smtp_password(SmtpSettings(host="h")) is None


def test_caldav_settings_take_the_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config('[caldav]\nurl = "http://127.0.0.1:5232/koordination/termine/"\nuser = "k"\n')
    monkeypatch.setenv("KOORDINATION_CALDAV_PASSWORD", SECRET)
    settings = load_caldav_settings()
    assert (settings.url, settings.username, settings.password) == (
        "http://127.0.0.1:5232/koordination/termine/",
        "k",
        SECRET,
    )
    assert SECRET not in repr(settings)


def test_caldav_password_in_the_config_file_is_refused() -> None:
    write_config(f'[caldav]\nurl = "http://x/"\nusername = "k"\npassword = "{SECRET}"\n')
    with pytest.raises(KoordinationError, match="gehört nicht in die Einstellungsdatei"):
        load_caldav_settings()


def test_caldav_password_comes_from_the_keyring(memory_keyring: MemoryKeyring) -> None:
    write_config('[caldav]\nurl = "http://127.0.0.1:5232/koordination/termine/"\nuser = "k"\n')
    keyring.set_password("koordination-caldav", "k", SECRET)
    settings = load_caldav_settings()
    assert settings.password == SECRET
    assert SECRET not in repr(settings)
