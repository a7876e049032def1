"""The pieces of a PostgreSQL restore that only move bytes and text: the SQL that drops the
old tables, and the pump from ``pg_restore`` into ``psql`` that commits only after a clean
archive (used by :mod:`koordination.db.backup`)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from typing import IO, Literal


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def clean_sql(schemas: tuple[str, ...]) -> str:
    """Drop every table, view, sequence and type of the archive's schemas (not extensions').

    ``pg_restore --clean`` drops only what the archive contains: tables a newer revision added
    would stay and make the upgrade of an older backup fail.
    """
    names = ", ".join(quote(s) for s in schemas)
    member = (
        "EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass"
        " AND d.objid = {oid} AND d.deptype = 'e')"
    )
    return f"""
DO $koordination$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT format('%I.%I', n.nspname, c.relname) AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE'
                          ELSE 'TABLE' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ({names}) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND NOT {member.format(catalog="pg_class", oid="c.oid")}
    ORDER BY c.relkind = 'S'
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', r.kind, r.name);
  END LOOP;
  FOR r IN
    SELECT format('%I.%I', n.nspname, t.typname) AS name,
           CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END AS kind
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname IN ({names}) AND t.typtype IN ('e', 'd')
      AND NOT {member.format(catalog="pg_type", oid="t.oid")}
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', r.kind, r.name);
  END LOOP;
END
$koordination$;
"""


def pump(
    dump: subprocess.Popen[bytes], psql: subprocess.Popen[bytes], prologue: bytes
) -> Literal["committed", "archive failed", "psql stopped"]:
    """Feed psql the prologue and pg_restore's SQL; ``COMMIT`` only after a clean archive."""
    assert dump.stdout is not None and psql.stdin is not None
    outcome: Literal["committed", "archive failed", "psql stopped"] = "psql stopped"
    try:
        psql.stdin.write(prologue)
        shutil.copyfileobj(dump.stdout, psql.stdin, 1 << 16)
        if dump.wait() == 0:
            psql.stdin.write(b"COMMIT;\n")
            outcome = "committed"
        else:
            outcome = "archive failed"
    except BrokenPipeError:
        pass  # psql stopped at an error; the transaction is rolled back, psql's output says why
    finally:
        with contextlib.suppress(BrokenPipeError):
            psql.stdin.close()  # without COMMIT psql ends the session and the server rolls back
        if dump.poll() is None:
            dump.kill()
        dump.wait()
        dump.stdout.close()
    return outcome


def read_all(fh: IO[bytes]) -> str:
    fh.seek(0)
    return fh.read().decode("utf-8", errors="replace")
