"""State machines of the listings app: statuses and the transitions allowed between them.

A transition is applied by ``listings.services.transitions`` as a conditional
``UPDATE ... WHERE status IN (<sources>)`` plus a history row, so two racing requests cannot
both move the same row and every move leaves a trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    PAUSED = "paused", _("Paused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TAKEN_DOWN = "taken_down", _("Taken down by moderation")


class ListingAction(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    PAUSE = "pause", _("Pause")
    WITHDRAW = "withdraw", _("Withdraw")
    TAKE_DOWN = "take_down", _("Take down")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str


LISTING_TRANSITIONS: dict[str, Transition] = {
    # publishing (first time or again after a pause) needs a verified face: checked by the service
    ListingAction.PUBLISH: Transition(
        frozenset({ListingStatus.DRAFT, ListingStatus.PAUSED}), ListingStatus.PUBLISHED
    ),
    ListingAction.PAUSE: Transition(frozenset({ListingStatus.PUBLISHED}), ListingStatus.PAUSED),
    ListingAction.WITHDRAW: Transition(
        frozenset({ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.PAUSED}),
        ListingStatus.WITHDRAWN,
    ),
    # reserved for moderation (``listing_takedown_mark``); never offered to sellers
    ListingAction.TAKE_DOWN: Transition(
        frozenset(
            {ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.PAUSED, ListingStatus.WITHDRAWN}
        ),
        ListingStatus.TAKEN_DOWN,
    ),
}

#: what a seller may do to their own listing
SELLER_ACTIONS = frozenset({ListingAction.PUBLISH, ListingAction.PAUSE, ListingAction.WITHDRAW})

#: statuses in which the seller may still edit the listing and its terms
EDITABLE_STATUSES = frozenset({ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.PAUSED})


class QuoteRequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the seller")
    QUOTED = "quoted", _("Quoted")
    DECLINED = "declined", _("Declined by the seller")
    WITHDRAWN = "withdrawn", _("Withdrawn by the buyer")


class QuoteRequestAction(models.TextChoices):
    ANSWER = "answer", _("Quote a price")
    DECLINE = "decline", _("Decline")
    WITHDRAW = "withdraw", _("Withdraw")


QUOTE_REQUEST_TRANSITIONS: dict[str, Transition] = {
    QuoteRequestAction.ANSWER: Transition(frozenset({QuoteRequestStatus.OPEN}), QuoteRequestStatus.QUOTED),
    QuoteRequestAction.DECLINE: Transition(frozenset({QuoteRequestStatus.OPEN}), QuoteRequestStatus.DECLINED),
    QuoteRequestAction.WITHDRAW: Transition(
        frozenset({QuoteRequestStatus.OPEN, QuoteRequestStatus.QUOTED}), QuoteRequestStatus.WITHDRAWN
    ),
}


class PreviewStatus(models.TextChoices):
    PENDING = "pending", _("Preview being made")
    READY = "ready", _("Preview ready")
    FAILED = "failed", _("Preview failed")
