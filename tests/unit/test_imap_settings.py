"""The [imap] settings and IMAP's folder names, without a server."""

from __future__ import annotations

import pytest

from koordination.delivery.imap import quote, utf7
from koordination.delivery.settings import imap_settings_from_table
from koordination.errors import KoordinationError


def test_imap_settings_default_to_imaps_and_the_koordination_folder() -> None:
    settings = imap_settings_from_table({"host": "mail.example.org", "user": "stelle"})
    assert (settings.port, settings.security) == (993, "ssl")
    assert (settings.folder, settings.done_folder) == ("INBOX", "koordination/verbucht")
    starttls = imap_settings_from_table({"host": "h", "user": "u", "security": "starttls"})
    assert starttls.port == 143


def test_a_password_in_the_settings_file_is_refused_and_not_repeated() -> None:
    with pytest.raises(KoordinationError) as caught:
        imap_settings_from_table({"host": "h", "user": "u", "password": "Geheim-123"})
    assert "KOORDINATION_IMAP_PASSWORD" in caught.value.message
    assert "Geheim-123" not in caught.value.message


def test_every_problem_of_the_imap_settings_is_named_in_german() -> None:
    with pytest.raises(KoordinationError) as caught:
        imap_settings_from_table({"security": "tls", "port": "993", "done_folder": "INBOX"})
    message = caught.value.message
    for expected in ("„host“", "„user“", "„security“", "„port“", "„done_folder“"):
        assert expected in message


def test_folder_names_are_modified_utf7_and_quoted() -> None:
    assert utf7("Rückmeldungen") == "R&APw-ckmeldungen"
    assert utf7("Termine & Antworten") == "Termine &- Antworten"
    assert utf7("日本語") == "&ZeVnLIqe-"
    assert quote('a "b"\\c') == '"a \\"b\\"\\\\c"'
