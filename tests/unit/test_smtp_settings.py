"""SMTP settings from the config file; the password from the environment or the keyring only."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest

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


def test_password_comes_from_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOORDINATION_SMTP_PASSWORD", raising=False)
    asked: list[tuple[str, str]] = []

    def get_password(service: str, user: str) -> str:
        asked.append((service, user))
        return SECRET

    monkeypatch.setattr(keyring, "get_password", get_password)
    assert smtp_password(SmtpSettings(host="h", user="u@b.de")) == SECRET
    assert asked == [("koordination", "u@b.de")]


def test_failing_keyring_backend_gives_a_german_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOORDINATION_SMTP_PASSWORD", raising=False)

    def broken(service: str, user: str) -> str:
        raise RuntimeError("No recommended backend was available")

    monkeypatch.setattr(keyring, "get_password", broken)
    with pytest.raises(KoordinationError, match="Schlüsselbund des Systems ist nicht erreichbar"):
        smtp_password(SmtpSettings(host="h", user="u@b.de"))


def test_no_password_anywhere_says_how_to_store_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOORDINATION_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)
    with pytest.raises(KoordinationError, match=r"keyring set koordination u@b\.de"):
        smtp_password(SmtpSettings(host="h", user="u@b.de"))


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
