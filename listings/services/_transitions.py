"""Listings name their moves (publish, pause, ...): map a named move onto the kernel's one engine."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from kernel.transitions import TransitionConflict, transition

from ..catalogue_cache import catalogue_cache_invalidate
from ..errors import TransitionRefused
from ..state import Transition


def transition_apply(
    *,
    obj: models.Model,
    action: str,
    transitions: dict[str, Transition],
    actor=None,
    reason: str = "",
    updates: dict[str, Any] | None = None,
) -> models.Model:
    """Move ``obj`` by ``action`` with the kernel's conditional UPDATE (on the status we read).

    If another request moved the row first, the move is refused rather than applied on top of a
    status we never saw. ``obj`` is refreshed either way.
    """
    move = transitions.get(action)
    if move is None:
        raise TransitionRefused(_("Unknown action %(action)r.") % {"action": action}, code="unknown_action")
    from_status = obj.status
    if from_status not in move.sources:
        raise TransitionRefused(
            _("Cannot %(action)s from status %(status)s.") % {"action": action, "status": from_status}
        )
    try:
        transition(
            obj,
            to=move.target,
            transitions={source: {move.target} for source in move.sources},
            action=action,
            actor=actor,
            reason=reason,
            **(updates or {}),
        )
    except TransitionConflict:
        obj.refresh_from_db()
        raise TransitionRefused(
            _("The status changed meanwhile (now %(status)s); reload and try again.")
            % {"status": obj.status},
            code="stale_status",
        ) from None
    obj.refresh_from_db()
    transaction.on_commit(catalogue_cache_invalidate)  # what the catalogue counts may have changed
    return obj
