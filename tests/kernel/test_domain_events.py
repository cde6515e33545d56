"""Domain events reach their handlers through the outbox: moderators, the trust surface, hosts."""

from __future__ import annotations

import pytest

from kernel import outbox
from kernel.models import OutboxEvent
from marketplace.models import ModerationCase
from marketplace.moderation.state import CaseSource
from tests.marketplace.moderation_helpers import face_match_flag

pytestmark = pytest.mark.django_db


def test_a_held_verification_becomes_a_moderation_case_when_it_is_held(
    make_user, django_capture_on_commit_callbacks
):
    """Not at the next periodic sweep: the ``verification.blocked`` event opens the case at once."""
    subject, matched = make_user("held_seller", "seller"), make_user("first_seller", "seller")
    flag = face_match_flag(subject=subject, matched=matched)
    assert not ModerationCase.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.event_emit(
            "verification.blocked",
            subject=f"seller:{subject.pk}",
            payload={"enrollment": flag.enrollment_id, "seller": subject.pk},
        )
    case = ModerationCase.objects.get(source=CaseSource.FACE_INDEX, source_ref=f"flag:{flag.pk}")
    assert case.status == "open"
    assert OutboxEvent.objects.get(type="verification.blocked").status == OutboxEvent.Status.HANDLED


def test_a_purchase_issues_the_credential_through_the_licence_event(
    make_user, published_listing, django_capture_on_commit_callbacks
):
    from marketplace.trust.models import LicenceCredential
    from tests.marketplace.usage_helpers import licensed

    licence = licensed(
        make_user("event_buyer", "buyer"), published_listing, django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        outbox.events_pending_inline()
    assert OutboxEvent.objects.filter(type="licence.issued", subject=f"licence:{licence.reference}").exists()
    assert LicenceCredential.objects.filter(licence=licence).exists()
