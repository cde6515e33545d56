"""Used by the apps' migrations that move their old history tables into ``fm_kernel.StatusChange``.

Migrations may import this (it is the kernel: it imports no app); it works on historical models only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def history_rows_copy(apps, rows: Iterable[dict], batch: int = 1000) -> int:
    """Insert history rows (dicts with app_label, model, object_id, reference, action, from_status,
    to_status, reason, actor_id, created_at) into the kernel's table, keeping their timestamps."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    StatusChange = apps.get_model("fm_kernel", "StatusChange")
    created_at = StatusChange._meta.get_field("created_at")
    created_at.auto_now_add = False  # a historical model of this migration only: keep the old times
    types: dict[tuple[str, str], int] = {}
    pending, count = [], 0
    for row in rows:
        key = (row.pop("app_label"), row.pop("model"))
        if key not in types:
            types[key] = ContentType.objects.get_or_create(app_label=key[0], model=key[1])[0].pk
        pending.append(StatusChange(content_type_id=types[key], **row))
        if len(pending) >= batch:
            StatusChange.objects.bulk_create(pending)
            count += len(pending)
            pending = []
    StatusChange.objects.bulk_create(pending)
    return count + len(pending)


def copier(build_rows: Callable) -> Callable:
    """A ``RunPython`` forward function from a generator of rows ``build_rows(apps)``."""

    def forward(apps, schema_editor) -> None:
        history_rows_copy(apps, build_rows(apps))

    return forward
