"""The one transition engine: a conditional ``UPDATE ... WHERE status = <from>`` plus one history row.

Every state machine (orders, licences, holds, payments, refunds, transfers, enrollments, listings,
quote requests, usage reports, disputes, cases, claims, appeals) declares its table of allowed moves
in its app's ``state.py`` and moves through :func:`transition`. Behaviour is the same everywhere:

- a move the table does not allow from the object's status raises :class:`TransitionNotAllowed`;
- a lost race (someone moved the row since it was read) raises :class:`TransitionConflict`;
  the UPDATE matched no row, nothing was written, and the caller decides what losing means.

Both are :class:`TransitionRefused`, a 409 ``ServiceError``. The history row's ``from_status`` is the
status the UPDATE matched on, so it is always true.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .atomic import atomic_join
from .errors import Conflict

Transitions = Mapping[str, Iterable[str]]


class TransitionRefused(Conflict):
    code = "transition_refused"
    default_message = _("This cannot be done in its current state.")


class TransitionNotAllowed(TransitionRefused):
    """The state machine has no edge from the object's status to the requested one."""

    code = "transition_not_allowed"


class TransitionConflict(TransitionRefused):
    """Someone else moved the object first (the conditional UPDATE matched no row)."""

    code = "state_changed"
    default_message = _("This was changed by someone else a moment ago. Reload the page and try again.")


def allowed_sources(transitions: Transitions, to: str) -> set[str]:
    return {str(source) for source, targets in transitions.items() if to in targets}


def can_transition(transitions: Transitions, source: str, to: str) -> bool:
    return to in transitions.get(source, ())


@atomic_join  # a refusal raises before any write: the caller's transaction goes on
def transition(
    obj,
    *,
    to: str,
    transitions: Transitions | None = None,
    reason: str = "",
    actor=None,
    action: str = "",
    from_statuses: Iterable[str] | None = None,
    **fields,
) -> None:
    """Move ``obj`` from the status it was read with to ``to``, setting ``fields`` in the same UPDATE.

    ``transitions`` defaults to the model's ``STATUS_TRANSITIONS``. ``from_statuses`` narrows the
    statuses this call accepts (e.g. "only a pending order may expire"). The instance is updated in
    memory on success.
    """
    model = type(obj)
    table = transitions if transitions is not None else model.STATUS_TRANSITIONS
    source = str(obj.status)
    reference = str(getattr(obj, "reference", "") or obj.pk)
    if from_statuses is not None and source not in {str(s) for s in from_statuses}:
        raise TransitionNotAllowed().with_internal(f"{model.__name__} {reference}: {source} not accepted")
    if not can_transition(table, source, to):
        raise TransitionNotAllowed().with_internal(f"{model.__name__} {reference}: {source} -> {to}")
    now = timezone.now()
    values = {"status": to, **fields}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields) and "updated_at" not in fields:
        values["updated_at"] = now
    updated = model._default_manager.filter(pk=obj.pk, status=source).update(**values)
    if updated != 1:
        raise TransitionConflict().with_internal(f"{model.__name__} {reference}: no longer {source}")
    history_record(obj, from_status=source, to_status=to, reason=reason, actor=actor, action=action)
    for name, value in values.items():
        setattr(obj, name, value)


def history_record(obj, *, from_status: str, to_status: str, reason: str = "", actor=None, action: str = ""):
    """Write one history row; :func:`transition` calls it, and creators call it for the first status."""
    from django.contrib.contenttypes.models import ContentType

    from .models import StatusChange

    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        reference=str(getattr(obj, "reference", "") or obj.pk)[:64],
        action=str(action)[:32],
        from_status=str(from_status),
        to_status=str(to_status),
        reason=str(reason or ""),
        actor=actor if getattr(actor, "pk", None) else None,
    )


def history(obj):
    """The status changes of ``obj``, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from .models import StatusChange

    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    )
