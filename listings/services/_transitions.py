"""Applying a state-machine transition: a conditional UPDATE plus a history row, or a refusal."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from ..errors import TransitionRefused
from ..state import Transition


def transition_apply(
    *,
    obj: models.Model,
    action: str,
    transitions: dict[str, Transition],
    history_model: type[models.Model],
    history_fields: dict[str, Any],
    updates: dict[str, Any] | None = None,
) -> models.Model:
    """Move ``obj`` by ``action`` with ``UPDATE ... WHERE pk=<pk> AND status=<the status we read>``.

    If another request moved the row first, no row matches and the move is refused rather than
    applied on top of a status we never saw. ``obj`` is refreshed either way.
    """
    transition = transitions.get(action)
    if transition is None:
        raise TransitionRefused(_("Unknown action %(action)r.") % {"action": action}, code="unknown_action")
    from_status = obj.status
    if from_status not in transition.sources:
        raise TransitionRefused(
            _("Cannot %(action)s from status %(status)s.") % {"action": action, "status": from_status}
        )
    changed = (
        type(obj)
        .objects.filter(pk=obj.pk, status=from_status)
        .update(status=transition.target, **(updates or {}))
    )
    obj.refresh_from_db()
    if changed != 1:
        raise TransitionRefused(
            _("The status changed meanwhile (now %(status)s); reload and try again.")
            % {"status": obj.status},
            code="stale_status",
        )
    history_model.objects.create(
        action=action, from_status=from_status, to_status=transition.target, **history_fields
    )
    return obj
