"""Listings name their moves (publish, pause, ...): map a named move onto the kernel's one engine."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from kernel.transitions import TransitionConflict, transition

from ..catalogue_cache import catalogue_cache_invalidate
from ..errors import TransitionRefused
from ..state import ListingAction, QuoteRequestAction, Transition

#: what a refused move says it was (the codes stay in the API's ``code`` and the history)
ACTION_LABELS = {**dict(QuoteRequestAction.choices), **dict(ListingAction.choices)}


def _action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _status_label(obj: models.Model, status: str) -> str:
    return str(dict(obj._meta.get_field("status").flatchoices).get(status, status))


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
            _("“%(action)s” is not possible while the status is “%(status)s”.")
            % {"action": _action_label(action), "status": _status_label(obj, from_status)}
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
