"""A report falls due a set time after the buyer declares first use (or at the licence's end)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from marketplace.models import Notification
from marketplace.moderation.models import ModerationCase
from marketplace.services import licence_first_use_declare, usage_overdue_escalate, usage_reminders_send
from tests.marketplace.usage_helpers import licensed

pytestmark = pytest.mark.django_db


def test_declared_first_use_brings_the_report_deadline_forward(
    buyer, published_listing, django_capture_on_commit_callbacks, settings
):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "USAGE_REPORT_DUE_DAYS_AFTER_FIRST_USE": 30}
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    first_use = licence.starts_at + timedelta(days=10)
    deadline = licence_first_use_declare(
        licence=licence, buyer=buyer, used_on=first_use.date(), now=first_use
    )
    assert deadline.first_used_on == first_use.date()
    due = deadline.report_due_at
    assert due.date() == first_use.date() + timedelta(days=30)
    assert due < licence.ends_at

    assert usage_reminders_send(now=due - timedelta(days=20)) == 0
    assert usage_reminders_send(now=due - timedelta(days=10)) == 1  # 14 days before the first-use deadline
    assert Notification.objects.filter(user=buyer, kind="usage_report_due").count() == 1
    assert usage_overdue_escalate(now=due + timedelta(days=1)) == 0
    assert usage_overdue_escalate(now=due + timedelta(days=8)) == 1  # long before the licence ends
    assert ModerationCase.objects.filter(
        source="overdue_report", licence_reference=licence.reference
    ).exists()


def test_without_a_declaration_the_licence_end_is_the_deadline(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    assert usage_overdue_escalate(now=licence.starts_at + timedelta(days=60)) == 0


def test_first_use_is_declared_once_by_the_buyer_within_the_licence(
    buyer, make_user, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    now = licence.starts_at + timedelta(days=5)
    with pytest.raises(PermissionDenied):
        licence_first_use_declare(
            licence=licence, buyer=make_user("other", "buyer"), used_on=now.date(), now=now
        )
    with pytest.raises(ValidationError):
        licence_first_use_declare(
            licence=licence, buyer=buyer, used_on=(now + timedelta(days=1)).date(), now=now
        )
    with pytest.raises(ValidationError):
        licence_first_use_declare(
            licence=licence, buyer=buyer, used_on=(licence.starts_at - timedelta(days=1)).date(), now=now
        )
    with pytest.raises(ValidationError):
        licence_first_use_declare(licence=licence, buyer=buyer, used_on="2026-01-01", now=now)
    first = licence_first_use_declare(licence=licence, buyer=buyer, used_on=now.date(), now=now)
    again = licence_first_use_declare(licence=licence, buyer=buyer, used_on=licence.starts_at.date(), now=now)
    assert again.first_used_on == first.first_used_on == now.date()  # the first declaration stands


def test_first_use_through_the_api(buyer, make_user, published_listing, django_capture_on_commit_callbacks):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    client = APIClient()
    url = f"/api/v1/licences/{licence.reference}/first-use/"
    client.force_authenticate(make_user("stranger", "buyer"))
    assert (
        client.post(url, {"used_on": licence.starts_at.date().isoformat()}, format="json").status_code == 404
    )
    client.force_authenticate(buyer)
    bad = client.post(url, {"used_on": "not a date"}, format="json")
    assert bad.status_code == 400
    ok = client.post(url, {"used_on": licence.starts_at.date().isoformat()}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["first_used_on"] == licence.starts_at.date().isoformat()
    assert ok.json()["report_due_at"]


def test_first_use_through_the_licence_page(
    client, buyer, published_listing, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    client.force_login(buyer)
    page = client.get(reverse("marketplace:licence", args=[licence.reference])).content.decode()
    assert 'id="declare-first-use"' in page
    used_on = licence.starts_at.date().isoformat()
    response = client.post(
        reverse("marketplace:licence_first_use", args=[licence.reference]), {"used_on": used_on}
    )
    assert response.status_code == 302
    page = client.get(reverse("marketplace:licence", args=[licence.reference])).content.decode()
    assert f"First used on {used_on}" in page and 'id="declare-first-use"' not in page
