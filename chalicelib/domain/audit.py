"""Audit entries: who changed what, and the difference between before and after."""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.domain.base import View

IGNORED_IN_DIFF = frozenset({"updated_at", "version"})


class FieldChange(View):
    before: Any = None
    after: Any = None


class AuditEntry(View):
    id: str
    action: Literal["created", "updated", "deleted"]
    entity_type: str
    entity_id: str
    actor: str
    on_behalf_of: str | None = None
    changes: dict[str, FieldChange]
    occurred_at: str
    correlation_id: str | None = None


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, FieldChange]:
    """Fields whose value differs, with both values (a creation or deletion lists every field set).

    Bookkeeping fields (``updated_at``, ``version``) are left out: they change on every write.
    """
    old, new = before or {}, after or {}
    return {
        name: FieldChange(before=old.get(name), after=new.get(name))
        for name in sorted(old.keys() | new.keys())
        if name not in IGNORED_IN_DIFF and old.get(name) != new.get(name)
    }
