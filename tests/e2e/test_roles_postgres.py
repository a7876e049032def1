"""The roles Lesen, Bearbeiten and Datenschutz on a real PostgreSQL server: the database refuses
what a role does not allow, the command line says so in German before it starts, a login
limited to a group sees only that group's people, and the trail names the login."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import psycopg
import pytest
from support.roles import Shared, shared_database

from koordination.cli.main import main
from koordination.core import open_core
from koordination.errors import KoordinationError

pytestmark = pytest.mark.postgres


@pytest.fixture
def shared(
    pg_url: str, pg_cluster: object, templates: object, capsys: pytest.CaptureFixture[str]
) -> Iterator[Shared]:
    yield from shared_database(pg_url, pg_cluster, templates, capsys)


def _person(shared: Shared) -> int:
    found = shared.scalar("SELECT min(id) FROM person WHERE erased_at IS NULL AND NOT archived")
    assert isinstance(found, int)
    return found


def _refused(call: Callable[[], object]) -> str:
    with pytest.raises(KoordinationError) as caught:
        call()
    return caught.value.message


def test_a_reading_login_cannot_change_or_erase(
    shared: Shared, capsys: pytest.CaptureFixture[str]
) -> None:
    login, url = shared.login("Lesen")
    person = _person(shared)
    name = shared.scalar("SELECT family_name FROM person WHERE id = :p", p=person)
    entries = shared.scalar("SELECT count(*) FROM audit_entry")

    # The database itself refuses, whatever program asks.
    with (
        psycopg.connect(url.replace("+psycopg", "")) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("UPDATE person SET notes = 'x' WHERE id = %s", (person,))

    # The services get the refusal in German, with the login and the role to ask for.
    core = open_core(url)
    try:
        assert core.access.label == "Lesen"
        record = core.directory.get_person(person)
        message = _refused(lambda: core.directory.set_person_archived(record, True))
        assert f"Ihre Anmeldung '{login}' hat die Rolle Lesen: Ändern ist nicht erlaubt" in message
        assert "um die Rolle Bearbeiten" in message
        assert "UPDATE" not in message and "person" not in message
        assert "Es wurde nichts geändert" in message
        erased = _refused(lambda: core.privacy.erase_person(person))
        assert "hat die Rolle Lesen" in erased
    finally:
        core.close()

    # The command line refuses before it starts.
    assert main(["--db", url, "people", "erase", str(person), "--yes"]) == 1
    err = capsys.readouterr().err
    assert f"Ihre Anmeldung '{login}' hat die Rolle Lesen" in err
    assert "Löschungen" in err and "um die Rolle Datenschutz" in err
    assert main(["--db", url, "people", "list"]) == 0  # reading is allowed

    assert shared.scalar("SELECT family_name FROM person WHERE id = :p", p=person) == name
    assert shared.scalar("SELECT archived FROM person WHERE id = :p", p=person) is False
    assert shared.scalar("SELECT count(*) FROM audit_entry") == entries


def test_an_editing_login_cannot_write_an_access_report_or_erase(
    shared: Shared, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    login, url = shared.login("Bearbeiten")
    person = _person(shared)
    core = open_core(url)
    try:
        assert core.access.label == "Bearbeiten"
        # Editing is allowed, and the trail names the login.
        record = core.directory.get_person(person)
        core.directory.set_person_archived(record, True)
        assert (
            shared.scalar(
                "SELECT login FROM audit_entry WHERE kind = 'person' AND record_id = :p "
                "ORDER BY id DESC LIMIT 1",
                p=person,
            )
            == login
        )
        report = _refused(lambda: core.privacy.access_report(person))
        assert f"Ihre Anmeldung '{login}' hat die Rolle Bearbeiten" in report
        assert "Auskünfte" in report and "um die Rolle Datenschutz" in report
        _refused(lambda: core.privacy.erase_person(person))
    finally:
        core.close()
    assert shared.scalar("SELECT erased_at FROM person WHERE id = :p", p=person) is None
    assert shared.scalar("SELECT count(*) FROM audit_entry WHERE action = 'auskunft'") == 0
    assert shared.scalar("SELECT count(*) FROM erasure_ledger") == 0

    assert main(["--db", url, "people", "export-data", str(person), "--format", "json"]) == 1
    assert "um die Rolle Datenschutz" in capsys.readouterr().err
    assert main(["--db", url, "export", "people", "-o", str(tmp_path)]) == 1
    assert "um die Rolle Datenschutz" in capsys.readouterr().err


def test_the_trail_is_append_only_and_in_the_logins_own_name(shared: Shared) -> None:
    login, url = shared.login("Bearbeiten")
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        for statement in (
            "UPDATE audit_entry SET changes = '{}'",
            "DELETE FROM audit_entry",
            "INSERT INTO audit_entry (at, actor, login, action, kind, owner_kind, refs, changes)"
            " VALUES (now(), 'x', 'jemand_anders', 'update', 'person', 'person', '', '{}')",
            "INSERT INTO audit_entry (at, actor, login, action, kind, owner_kind, refs, changes)"
            f" VALUES (now(), 'x', '{login}', 'auskunft', 'person', 'person', '', '{{}}')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert shared.scalar("SELECT count(*) FROM audit_entry WHERE changes = '{}'") == 0


def test_a_privacy_login_writes_access_reports_and_erases_and_the_trail_says_who(
    shared: Shared, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    login, url = shared.login("Datenschutz")
    person = _person(shared)
    assert main(["--db", url, "people", "export-data", str(person), "--format", "json",
                 "-o", f"{tmp_path}/auskunft.json"]) == 0  # fmt: skip
    assert main(["--db", url, "people", "erase", str(person), "--yes"]) == 0
    assert main(["--db", url, "export", "people", "-o", f"{tmp_path}/personen.csv"]) == 0
    capsys.readouterr()
    assert shared.scalar("SELECT erased_at FROM person WHERE id = :p", p=person) is not None
    assert main(["--db", url, "audit", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    acts = {
        (e["action"], e["login"]) for e in entries if e["action"] in ("auskunft", "erase", "export")
    }
    assert acts == {("auskunft", login), ("erase", login), ("export", login)}
    assert main(["--db", url, "audit", "--record", f"person:{person}"]) == 0
    assert login in capsys.readouterr().out


def test_a_login_limited_to_a_group_sees_only_its_people(
    shared: Shared, capsys: pytest.CaptureFixture[str]
) -> None:
    group = shared.scalar(
        "SELECT g.name FROM network_group g JOIN group_membership m ON m.group_id = g.id "
        "WHERE m.valid_to IS NULL GROUP BY g.name ORDER BY count(*) DESC, g.name LIMIT 1"
    )
    assert isinstance(group, str)
    members = shared.scalar(
        "SELECT count(DISTINCT m.person_id) FROM group_membership m JOIN network_group g "
        "ON g.id = m.group_id JOIN person p ON p.id = m.person_id WHERE g.name = :g "
        "AND (m.valid_to IS NULL OR m.valid_to >= current_date) AND NOT p.archived",
        g=group,
    )
    everybody = shared.scalar("SELECT count(*) FROM person WHERE NOT archived")
    assert isinstance(members, int) and isinstance(everybody, int) and 0 < members < everybody
    login, url = shared.login("Lesen", group)
    capsys.readouterr()

    assert main(["--db", url, "people", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == members
    core = open_core(url)
    try:
        assert core.access.groups == (group,)
        assert core.access.label == f"Lesen (nur {group})"
        assert len(core.directory.list_people()) == members
        outsider = shared.scalar(
            "SELECT min(id) FROM person WHERE id NOT IN (SELECT person_id FROM group_membership"
            " m JOIN network_group g ON g.id = m.group_id WHERE g.name = :g)",
            g=group,
        )
        with pytest.raises(KoordinationError):
            core.directory.get_person(int(str(outsider)))
    finally:
        core.close()
    assert main(["--db", shared.owner_url, "roles", "list"]) == 0
    out = capsys.readouterr().out
    assert login in out and group in out


def test_a_login_without_a_role_is_told_to_ask_for_one(
    shared: Shared, capsys: pytest.CaptureFixture[str]
) -> None:
    login, url = shared.login(None)
    assert main(["--db", url, "people", "list"]) == 1
    err = capsys.readouterr().err
    assert f"Die Anmeldung '{login}' hat keine koordination-Rolle" in err
    assert f"koordination roles grant {login} Lesen" in err
    assert "beschädigt" not in err and "permission" not in err


def test_an_editing_login_cannot_delete_a_person_or_a_consent_behind_the_erasure(
    shared: Shared,
) -> None:
    _login, url = shared.login("Bearbeiten")
    person = _person(shared)
    consents = shared.scalar("SELECT count(*) FROM consent")
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("UPDATE person SET notes = 'geändert' WHERE id = %s", (person,))
        for statement in ("DELETE FROM person WHERE id = %s", "DELETE FROM consent WHERE id > %s"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement, (person if "person" in statement else 0,))
    assert shared.scalar("SELECT notes FROM person WHERE id = :p", p=person) == "geändert"
    assert shared.scalar("SELECT count(*) FROM consent") == consents


def test_a_limited_login_reads_no_agenda_minutes_or_tasks_of_other_groups(
    shared: Shared,
) -> None:
    """Minutes carry attendance lists and the agenda notes what was said about people: a login
    limited to a group reads them for its group's sittings only."""
    group, group_id = (
        "AK Junges Engagement",
        shared.scalar("SELECT id FROM network_group WHERE name = 'AK Junges Engagement'"),
    )
    mine = "(SELECT s.id FROM sitting s JOIN meeting_group mg ON mg.meeting_id = s.meeting_id"
    mine += f" WHERE mg.group_id = {group_id})"
    wanted = {
        "agenda_item": f"sitting_id IN {mine}",
        "minutes_version": f"sitting_id IN {mine}",
        "workshop_card": f"sitting_id IN {mine}",
        "decision": f"item_id IN (SELECT id FROM agenda_item WHERE sitting_id IN {mine})",
        "task": f"sitting_id IN {mine} OR group_id = {group_id} OR assignee_group_id = "
        f"{group_id} OR assignee_person_id IN (SELECT person_id FROM group_membership WHERE "
        f"group_id = {group_id} AND (valid_to IS NULL OR valid_to >= current_date))",
    }
    total = {table: shared.scalar(f"SELECT count(*) FROM {table}") for table in wanted}
    assert all(isinstance(n, int) and n > 0 for n in total.values()), total
    _login, url = shared.login("Lesen", group)
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        seen = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in wanted}  # type: ignore[index]
    expected = {t: shared.scalar(f"SELECT count(*) FROM {t} WHERE {w}") for t, w in wanted.items()}
    assert seen == expected
    assert all(seen[t] < total[t] for t in wanted), (seen, total)


def test_roles_refuse_a_single_user_sqlite_file(
    migrated_sqlite: Callable[..., object], capsys: pytest.CaptureFixture[str]
) -> None:
    path = migrated_sqlite()
    assert main(["--db", str(path), "roles", "list"]) == 1
    err = capsys.readouterr().err
    assert "Rollen gibt es nur auf einer gemeinsamen PostgreSQL-Datenbank" in err
    assert main(["--db", str(path), "roles", "grant", "anna", "Lesen"]) == 1
    assert "SQLite-Datei nutzt eine Person allein" in capsys.readouterr().err
