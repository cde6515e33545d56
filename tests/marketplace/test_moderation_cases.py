"""Moderation cases: every flag source in one queue, appeals, permissions, the append-only audit log."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from listings.state import ListingStatus
from marketplace.models import AuditLogEntry, ModerationCase
from marketplace.moderation.models import AppendOnly
from marketplace.moderation.state import AppealStatus, CaseAction, CaseSource, CaseStatus, Severity
from marketplace.selectors import case_for_viewer, moderation_queue
from marketplace.services import (
    SameModerator,
    appeal_decide,
    appeal_file,
    moderation_case_act,
    moderation_case_open,
    moderation_cases_sync_from_verification,
    moderation_report_file,
)
from payouts.selectors import is_frozen

from .moderation_helpers import face_match_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator2(make_user):
    return make_user("moderator2", "moderator")


def test_every_flag_source_opens_one_case_in_one_queue(published_listing, buyer, make_user):
    seller = published_listing.seller
    thief = make_user("thief", "seller")
    flag = face_match_flag(subject=thief, matched=seller)
    assert moderation_cases_sync_from_verification() == 1
    assert moderation_cases_sync_from_verification() == 0  # idempotent by flag id
    from_flag = ModerationCase.objects.get(source=CaseSource.FACE_INDEX)
    assert from_flag.source_ref == f"flag:{flag.pk}" and from_flag.seller == thief
    assert from_flag.evidence["score"] == 0.31 and from_flag.evidence["threshold"] == 0.55

    # issue 6 calls this for unlicensed faces in stills and overdue reports
    still = moderation_case_open(
        source=CaseSource.USAGE_STILL,
        source_ref="still:9",
        severity=Severity.HIGH,
        listing=published_listing,
        licence_reference="FL-1",
        summary="unlicensed face",
        evidence={"still_id": 9, "score": 0.2},
    )
    again = moderation_case_open(source=CaseSource.USAGE_STILL, source_ref="still:9", summary="again")
    assert again.pk == still.pk
    overdue = moderation_case_open(
        source=CaseSource.OVERDUE_REPORT,
        source_ref="overdue:FL-1",
        severity=Severity.LOW,
        listing=published_listing,
        summary="overdue",
    )
    report = moderation_report_file(reporter=buyer, listing=published_listing, reason="stolen_face")
    assert moderation_report_file(reporter=buyer, listing=published_listing, reason="other").pk == report.pk
    with pytest.raises(ValueError):
        moderation_case_open(source=CaseSource.USAGE_STILL, summary="x", evidence={"embedding": [0.1]})

    queue = list(moderation_queue())
    assert {c.pk for c in queue} == {from_flag.pk, still.pk, overdue.pk, report.pk}
    assert [c.severity for c in queue] == sorted((c.severity for c in queue), reverse=True)
    assert queue[-1] == overdue
    assert AuditLogEntry.objects.filter(action="case.opened").count() == 4


def test_report_page_and_api_for_host_platforms(client, published_listing, buyer):
    from rest_framework.test import APIClient

    client.force_login(buyer)
    page = reverse("marketplace:report_listing", args=[published_listing.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, {"reason": "stolen_face", "details": "That is my sister"})
    assert response.status_code == 302
    assert ModerationCase.objects.get().source == CaseSource.USER_REPORT

    api = APIClient()
    api.force_authenticate(buyer)
    response = api.post(
        "/api/v1/moderation/reports/", {"listing": published_listing.pk, "reason": "other"}, format="json"
    )
    assert response.status_code == 201, response.content


def test_appeal_is_decided_by_a_different_moderator_and_reversal_restores(
    published_listing, moderator, moderator2
):
    seller = published_listing.seller
    case = moderation_case_open(source=CaseSource.USER_REPORT, listing=published_listing, summary="report")
    moderation_case_act(case=case, moderator=moderator, action=CaseAction.TAKE_DOWN, reason="looks stolen")
    with pytest.raises(PermissionDenied):
        appeal_file(case=case, seller=moderator2, statement="not mine")
    appeal = appeal_file(case=case, seller=seller, statement="It is my own face: here is my ID")
    with pytest.raises(SameModerator):
        appeal_decide(appeal=appeal, moderator=moderator, reverse=True, reason="I was wrong")
    with pytest.raises(PermissionDenied):
        appeal_decide(appeal=appeal, moderator=seller, reverse=True, reason="me")
    appeal = appeal_decide(appeal=appeal, moderator=moderator2, reverse=True, reason="ID checked")
    assert appeal.status == AppealStatus.REVERSED
    case.refresh_from_db()
    published_listing.refresh_from_db()
    assert case.status == CaseStatus.REVERSED
    assert published_listing.status == ListingStatus.PUBLISHED
    assert not is_frozen(seller_id=seller.pk)


def test_suspension_hides_listings_the_seller_cannot_republish(published_listing, moderator, moderator2):
    from listings.errors import TransitionRefused
    from listings.services import listing_publish

    seller = published_listing.seller
    case = moderation_case_open(source=CaseSource.USER_REPORT, listing=published_listing, summary="r")
    moderation_case_act(case=case, moderator=moderator, action=CaseAction.SUSPEND, reason="investigating")
    published_listing.refresh_from_db()
    assert published_listing.status == ListingStatus.PAUSED and is_frozen(seller_id=seller.pk)
    with pytest.raises(TransitionRefused):
        listing_publish(listing=published_listing, actor=seller)
    appeal = appeal_file(case=case, seller=seller, statement="please")
    appeal_decide(appeal=appeal, moderator=moderator2, reverse=False, reason="upheld")
    published_listing.refresh_from_db()
    assert published_listing.status == ListingStatus.PAUSED


def test_only_moderators_act_and_sellers_see_only_their_own_cases(
    client, published_listing, buyer, moderator, make_user
):
    seller = published_listing.seller
    other_seller = make_user("other_seller", "seller")
    case = moderation_case_open(source=CaseSource.USER_REPORT, listing=published_listing, summary="r")
    for user in (buyer, seller):
        with pytest.raises(PermissionDenied):
            moderation_case_act(case=case, moderator=user, action=CaseAction.DISMISS, reason="no")
    assert case_for_viewer(user=seller, case_id=case.pk) == case
    assert case_for_viewer(user=other_seller, case_id=case.pk) is None
    assert case_for_viewer(user=buyer, case_id=case.pk) is None

    client.force_login(other_seller)
    assert client.get(reverse("marketplace:moderation_case", args=[case.pk])).status_code == 404
    assert client.get(reverse("marketplace:moderation_queue")).status_code == 403
    client.force_login(buyer)
    act = reverse("marketplace:moderation_act", args=[case.pk])
    assert client.post(act, {"action": "dismiss", "reason": "x"}).status_code == 403
    client.force_login(moderator)
    assert client.get(reverse("marketplace:moderation_queue")).status_code == 200
    assert client.get(reverse("marketplace:moderation_case", args=[case.pk])).status_code == 200
    assert client.post(act, {"action": "dismiss", "reason": "not a stolen face"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DISMISSED


def test_audit_log_is_append_only_and_exports_csv(client, published_listing, moderator, buyer):
    case = moderation_case_open(source=CaseSource.USER_REPORT, listing=published_listing, summary="r")
    moderation_case_act(case=case, moderator=moderator, action=CaseAction.TAKE_DOWN, reason="stolen")
    entry = AuditLogEntry.objects.first()
    entry.reason = "rewritten"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditLogEntry.objects.all().update(reason="x")
    with pytest.raises(AppendOnly):
        AuditLogEntry.objects.all().delete()

    client.force_login(buyer)
    assert client.get(reverse("marketplace:moderation_audit")).status_code == 403
    client.force_login(moderator)
    response = client.get(reverse("marketplace:moderation_audit") + "?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["id", "time", "actor", "action"]
    assert {"case.take_down", "listing.taken_down"} <= {r[3] for r in rows[1:]}


@pytest.mark.postgres
def test_postgres_trigger_refuses_update_and_delete_of_the_audit_log(published_listing):
    moderation_case_open(source=CaseSource.USER_REPORT, listing=published_listing, summary="r")
    table = AuditLogEntry._meta.db_table
    for sql in (f"UPDATE {table} SET reason = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditLogEntry.objects.count() == 1
