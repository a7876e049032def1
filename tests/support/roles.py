"""A shared PostgreSQL database with roles for tests: the demo city on the test server, set up
by `koordination db upgrade`, and LOGIN roles with passwords given a role by `roles grant`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import text

from koordination.cli.main import main
from koordination.db.engine import Database

PASSWORD = "geheim-123"


@dataclass
class Shared:
    """The demo city on the test server, set up by `db upgrade`, and logins made for a test."""

    owner_url: str
    cluster: object
    logins: list[str]

    @property
    def database(self) -> str:
        return self.owner_url.rsplit("/", 1)[1]

    def login(self, role: str | None, *groups: str) -> tuple[str, str]:
        """A new LOGIN role with a password, given ``role`` by `koordination roles grant`;
        returns (login, its database URL)."""
        name = f"{(role or 'ohne').lower()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.cluster.conninfo(), autocommit=True) as conn:  # type: ignore[attr-defined]
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(PASSWORD)
                )
            )
        self.logins.append(name)
        if role is not None:
            extra = [arg for group in groups for arg in ("--gruppe", group)]
            assert main(["--db", self.owner_url, "roles", "grant", name, role, *extra]) == 0
        port = self.cluster.port  # type: ignore[attr-defined]
        return name, f"postgresql+psycopg://{name}:{PASSWORD}@127.0.0.1:{port}/{self.database}"

    def scalar(self, statement: str, **params: object) -> object:
        db = Database(self.owner_url)
        try:
            with db.engine.connect() as conn:
                return conn.execute(text(statement), params).scalar()
        finally:
            db.dispose()


def shared_database(
    pg_url: str, pg_cluster: object, templates: object, capsys: pytest.CaptureFixture[str]
) -> Iterator[Shared]:
    """The body of a ``shared`` fixture: the database, and its logins dropped afterwards."""
    templates.fill(pg_url, "demo")  # type: ignore[attr-defined]
    assert main(["--db", pg_url, "db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert "Rollen Lesen, Bearbeiten und Datenschutz angelegt" in out
    made = Shared(pg_url, pg_cluster, [])
    yield made
    conninfo = pg_cluster.conninfo()  # type: ignore[attr-defined]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for name in made.logins:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
