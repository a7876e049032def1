"""`people consent texts|text-add|add|withdraw` as a coordinator types them: a consent needs the
catalogue's version, the channel and the proof (German messages naming the options, nothing
saved without them), and each consent given or withdrawn is in the person's audit trail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from koordination.cli.main import main
from koordination.db.engine import Database
from koordination.domain.enums import ConsentChannel, ConsentPurpose
from koordination.domain.inputs.directory import PersonInput
from koordination.services.directory.service import Directory
from koordination.services.privacy.audit_trail import AuditTrail

WORDING = "Ich bin einverstanden, zu Sitzungen der Arbeitskreise eingeladen zu werden."


@pytest.fixture
def office(migrated_sqlite: Callable[..., Path]) -> tuple[str, int]:
    """A database with one person and the catalogue's first wording for invitations."""
    path = str(migrated_sqlite())
    db = Database(path)
    try:
        pid = Directory(db).create_person(PersonInput("Yilmaz", "Lukas")).record.id
    finally:
        db.dispose()
    text_add = ["--db", path, "people", "consent", "text-add", "--zweck", "Einladungen"]
    assert main([*text_add, "--version", "2026-01", "--ab", "01.01.2026", "--text", WORDING]) == 0
    return path, pid


def _consents(path: str, pid: int) -> list[tuple[str, ConsentChannel | None, str, bool]]:
    db = Database(path)
    try:
        person = Directory(db).get_person(pid)
        return [(c.text_version, c.channel, c.evidence, c.active) for c in person.consents]
    finally:
        db.dispose()


def _trail(path: str, pid: int) -> list[tuple[str, dict[str, object]]]:
    """The person's consent entries, oldest first: action and the values written."""
    db = Database(path)
    try:
        entries = sorted(AuditTrail(db).of_record("person", pid), key=lambda e: e.id)
        return [
            (e.action, {c.field: c.new_text for c in e.changes})
            for e in entries
            if e.kind == "consent"
        ]
    finally:
        db.dispose()


def test_a_consent_without_version_channel_and_proof_is_refused_naming_the_options(
    office: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, pid = office
    capsys.readouterr()
    assert main(["--db", path, "people", "consent", "add", str(pid), "--zweck", "Einladungen"]) == 1
    err = capsys.readouterr().err
    assert "--version (Fassung): bitte die Fassung des Einwilligungstextes angeben" in err
    assert "--kanal (Kanal): bitte angeben, wie die Einwilligung kam" in err
    assert "--nachweis (Nachweis): bitte angeben, wo der Nachweis liegt" in err
    assert "Es wurde nichts gespeichert." in err
    assert "Traceback" not in err
    assert _consents(path, pid) == []


def test_a_version_the_catalogue_lacks_is_refused_with_the_versions_it_has(
    office: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, pid = office
    capsys.readouterr()
    argv = ["--db", path, "people", "consent", "add", str(pid), "--zweck", "Einladungen"]
    assert main([*argv, "--version", "2024", "--kanal", "Formular", "--nachweis", "Nr. 3"]) == 1
    err = capsys.readouterr().err
    expected = "„2024“ ist keine Fassung des Einwilligungstextes „Einladungen“ (vorhanden: 2026-01)"
    assert expected in err
    # A day before the wording was valid cannot have been agreed to it.
    early = ["--version", "2026-01", "--kanal", "Formular", "--nachweis", "Nr. 3"]
    assert main([*argv, *early, "--am", "31.12.2025"]) == 1
    assert "liegt vor der Gültigkeit der Fassung 2026-01 (ab 01.01.2026)" in capsys.readouterr().err
    assert _consents(path, pid) == []


def test_consent_given_and_withdrawn_with_channel_and_audit_entries(
    office: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, pid = office
    add = ["--db", path, "people", "consent", "add", str(pid), "--zweck", "Einladungen"]
    proof = ["--version", "2026-01", "--kanal", "E-Mail", "--nachweis", "E-Mail vom 03.02.2026"]
    assert main([*add, *proof, "--am", "03.02.2026"]) == 0
    assert "Einwilligung „Einladungen“ (Fassung 2026-01)" in capsys.readouterr().out
    assert _consents(path, pid) == [
        ("2026-01", ConsentChannel.EMAIL, "E-Mail vom 03.02.2026", True)
    ]

    withdraw = ["--db", path, "people", "consent", "withdraw", str(pid), "--zweck", "Einladungen"]
    assert main(withdraw) == 1
    assert "--kanal (Kanal): bitte angeben, wie der Widerruf kam" in capsys.readouterr().err
    assert main([*withdraw, "--kanal", "mündlich"]) == 0
    assert "widerrufen (mündlich)" in capsys.readouterr().out
    assert _consents(path, pid) == [
        ("2026-01", ConsentChannel.EMAIL, "E-Mail vom 03.02.2026", False)
    ]
    assert main([*withdraw, "--kanal", "mündlich"]) == 1
    assert "hat keine gültige Einwilligung „Einladungen“" in capsys.readouterr().err

    (given, withdrawn) = _trail(path, pid)
    assert given[0] == "create"
    assert {k: given[1][k] for k in ("purpose", "text_version", "channel", "evidence")} == {
        "purpose": ConsentPurpose.EINLADUNGEN.label,
        "text_version": "2026-01",
        "channel": "E-Mail",
        "evidence": "E-Mail vom 03.02.2026",
    }
    assert withdrawn[0] == "update"
    assert withdrawn[1]["withdrawal_channel"] == "mündlich"
    assert withdrawn[1]["withdrawn_at"]


def test_the_catalogue_is_listed_and_a_version_is_added_once(
    office: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _pid = office
    capsys.readouterr()
    assert main(["--db", path, "people", "consent", "texts"]) == 0
    out = capsys.readouterr().out
    assert "Einladungen, Fassung 2026-01 (ab 01.01.2026)" in out
    assert WORDING in out
    again = ["--db", path, "people", "consent", "text-add", "--zweck", "Einladungen"]
    assert main([*again, "--version", "2026-01", "--ab", "01.02.2026", "--text", "anders"]) == 1
    assert "„2026-01“ gibt es für „Einladungen“ schon" in capsys.readouterr().err
    assert main([*again, "--version", "2026-02"]) == 1
    err = capsys.readouterr().err
    assert "--text (Wortlaut): darf nicht leer sein" in err
    assert "--ab (Gültig ab): bitte ein Datum angeben" in err


def test_import_maps_yes_only_with_a_named_version_and_flags_art14_until_informed(
    office: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _pid = office
    listing = tmp_path / "jugendring.csv"
    listing.write_text(
        "Nachname;Vorname;E-Mail;Einwilligung\nBerg;Bea;bea@example.org;ja\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["--db", path, "import", "people", str(listing)]) == 1
    assert "--einwilligung einladungen=2026-01" in capsys.readouterr().err
    assert main(["--db", path, "import", "people", str(listing), "--einwilligung", "x"]) == 1
    assert "--einwilligung „x“: bitte ZWECK=FASSUNG angeben" in capsys.readouterr().err
    named = ["--einwilligung", "einladungen=2026-01", "--quelle", "Liste des Jugendrings"]
    assert main(["--db", path, "import", "people", str(listing), *named]) == 0
    capsys.readouterr()

    assert main(["--db", path, "people", "list", "--art14-offen"]) == 0
    out = capsys.readouterr()
    assert "Bea Berg  Liste des Jugendrings" in out.out
    assert "1 Personen: Art. 14 Information offen" in out.err
    bea = out.out.splitlines()[1].split()[0]
    assert main(["--db", path, "people", "show", bea]) == 0
    shown = capsys.readouterr().out
    assert "Fassung 2026-01, Import, Nachweis: jugendring.csv" in shown
    assert "Herkunft:      Liste des Jugendrings (Art. 14 Information offen)" in shown
    assert main(["--db", path, "people", "art14-informed", bea]) == 0
    assert "vermerkt: 1 Personen" in capsys.readouterr().out
    assert main(["--db", path, "people", "list", "--art14-offen", "--json"]) == 0
    assert capsys.readouterr().out == "[]\n"
