"""The demo city's audit trail: one "angelegt" entry per record, written in one statement.

The demo is built with the audit listener switched off (it would weigh every attribute of every
object at each of the build's flushes) and gets its trail afterwards from the finished rows: the
entries the listener writes for a new record (same kind, owner, references and values), without
the "geändert" entries of the build's own intermediate steps.
"""

from __future__ import annotations

import json
from typing import Any, cast

from sqlalchemy import Table, insert, inspect, select
from sqlalchemy.orm import Session

from koordination.db import audit
from koordination.domain.models import AuditEntry


def switch_off(session: Session) -> None:
    """No entry per flush in ``session``: :func:`write` makes the trail at the end."""
    session.info["audit_off"] = True


def write(session: Session) -> int:
    """One "create" entry for every tracked record; returns how many were written."""
    session.flush()
    conn = session.connection()
    actor, at = audit.actor_of(session), audit.now_of(session)
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    entries: list[dict[str, Any]] = []
    for model, tracked in audit.TRACKED.items():
        keys = [attr.key for attr in inspect(model).column_attrs]
        columns = [attr.columns[0] for attr in inspect(model).column_attrs]
        table = cast(Table, model.__table__)
        for row in conn.execute(select(*columns).order_by(*table.primary_key.columns)):
            values = dict(zip(keys, row, strict=True))
            changes = {
                key: [None, audit._plain(value)]
                for key, value in values.items()
                if key not in audit._SKIPPED and key != "id" and value is not None and value != ""
            }
            record_id = values.get("id")
            owner_kind, owner_id = tracked.kind, record_id
            if tracked.owner is not None:
                owner_kind, attribute = tracked.owner
                owner_id = values[attribute]
            refs = " ".join(
                f"{kind}:{values[attribute]}"
                for kind, attribute in tracked.refs
                if values.get(attribute) is not None
            )
            entries.append(
                {
                    "at": at,
                    "actor": actor,
                    "action": "create",
                    "kind": tracked.kind,
                    "record_id": record_id,
                    "owner_kind": owner_kind,
                    "owner_id": owner_id,
                    "refs": f" {refs} " if refs else "",
                    "changes": encode(changes),
                }
            )
    if entries:
        conn.execute(insert(cast(Table, AuditEntry.__table__)), entries)
    return len(entries)
