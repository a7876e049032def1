"""Invitation files: one per recipient, safe unique names, atomic, private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from koordination.delivery.files import safe_name, write_invitations
from koordination.errors import KoordinationError

ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def test_one_file_per_recipient_with_the_exact_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "Arbeitskreis 2026-10-13"
    paths = write_invitations(
        folder, [("Jürgen Müller", ICS), ("Ayşe Yılmaz <ayse@example.net>", ICS + b"x")]
    )
    assert [p.name for p in paths] == ["Jürgen Müller.ics", "Ayşe Yılmaz ayse@example.net.ics"]
    assert paths[0].read_bytes() == ICS  # CRLF kept
    assert paths[1].read_bytes() == ICS + b"x"
    assert sorted(os.listdir(folder)) == sorted(p.name for p in paths)  # no temp files left


def test_files_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    (path,) = write_invitations(tmp_path / "m", [("Lena", ICS)])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("../../etc/passwd", "etc passwd"),
        ('a/b\\c:d*e?f"g<h>i|j', "a b c d e f g h i j"),
        (".versteckt", "versteckt"),
        ("Zeile\neins\x00zwei", "Zeile eins zwei"),
        ("", "einladung"),
        ("...", "einladung"),
        ("CON", "einladung CON"),
        ("Ä" * 300, "Ä" * 80),
    ],
)
def test_safe_name_keeps_umlauts_and_drops_separators(label: str, expected: str) -> None:
    assert safe_name(label) == expected


def test_same_or_case_different_names_become_unique(tmp_path: Path) -> None:
    paths = write_invitations(
        tmp_path / "m", [("Anna Schmidt", ICS), ("anna schmidt", ICS), ("Anna/Schmidt", ICS)]
    )
    assert [p.name for p in paths] == [
        "Anna Schmidt.ics",
        "anna schmidt (2).ics",
        "Anna Schmidt (3).ics",
    ]
    assert all(p.parent == tmp_path / "m" for p in paths)


def test_writing_again_replaces_the_old_file(tmp_path: Path) -> None:
    write_invitations(tmp_path / "m", [("Anna", b"alt")])
    (path,) = write_invitations(tmp_path / "m", [("Anna", b"neu")])
    assert path.read_bytes() == b"neu"


def test_unwritable_folder_gives_a_german_error(tmp_path: Path) -> None:
    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner")
    with pytest.raises(KoordinationError, match="kann nicht geschrieben werden"):
        write_invitations(blocker / "m", [("Anna", ICS)])


def test_a_failed_write_leaves_no_half_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(KoordinationError):
        write_invitations(tmp_path / "m", [("Anna", ICS)])
    assert os.listdir(tmp_path / "m") == []
