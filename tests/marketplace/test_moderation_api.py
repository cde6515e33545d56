"""The moderation API: moderators' queue and actions, sellers' own cases and appeals, the audit log as CSV
for staff, and host platforms' reports (throttled), each refusing bad input clearly and writing nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from listings.state import ListingStatus
from marketplace.models import Appeal, AuditLogEntry, ModerationCase
from marketplace.moderation.state import CaseAction, CaseSource, CaseStatus, Severity
from marketplace.services import moderation_case_act, moderation_case_open

pytestmark = pytest.mark.django_db

CASES = "/api/v1/moderation/cases/"
REPORTS = "/api/v1/moderation/reports/"
AUDIT_CSV = "/api/v1/moderation/audit.csv"


def act_url(case_id: int) -> str:
    return f"{CASES}{case_id}/act/"


def appeal_url(case_id: int) -> str:
    return f"{CASES}{case_id}/appeals/"


def api_as(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture
def case(published_listing):
    return moderation_case_open(
        source=CaseSource.USER_REPORT,
        severity=Severity.HIGH,
        listing=published_listing,
        summary="stolen face",
        evidence={"reason": "stolen_face", "score": 0.3},
    )


@pytest.fixture
def other_seller(make_user):
    return make_user("other_seller", "seller")


def written() -> tuple[int, int, int]:
    return ModerationCase.objects.count(), AuditLogEntry.objects.count(), Appeal.objects.count()


def test_case_list_is_the_queue_for_moderators_and_own_cases_for_sellers(
    case, published_listing, moderator, buyer, other_seller
):
    low = moderation_case_open(
        source=CaseSource.OVERDUE_REPORT, severity=Severity.LOW, summary="overdue", seller=other_seller
    )
    response = api_as(moderator).get(CASES)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [case.pk, low.pk]  # most severe first
    assert rows[0]["listing"] == published_listing.pk and rows[0]["time_in_queue_seconds"] >= 0
    assert "evidence" not in rows[0]  # scores stay in the moderators' workspace

    assert [r["id"] for r in api_as(published_listing.seller).get(CASES).json()["results"]] == [case.pk]
    assert [r["id"] for r in api_as(other_seller).get(CASES).json()["results"]] == [low.pk]
    assert api_as(buyer).get(CASES).json()["results"] == []
    assert api_as().get(CASES).status_code == 401


def test_only_moderators_act_and_unknown_cases_are_404(case, published_listing, moderator, buyer):
    before = written()
    for user in (buyer, published_listing.seller):
        response = api_as(user).post(act_url(case.pk), {"action": "dismiss", "reason": "no"}, format="json")
        assert response.status_code == 403
    dismiss = {"action": "dismiss", "reason": "no"}
    assert api_as().post(act_url(case.pk), dismiss, format="json").status_code == 401
    missing = api_as(moderator).post(act_url(case.pk + 1000), dismiss, format="json")
    assert missing.status_code == 404
    assert written() == before

    response = api_as(moderator).post(
        act_url(case.pk), {"action": "take_down", "reason": "stolen"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == CaseStatus.TAKEN_DOWN
    published_listing.refresh_from_db()
    assert published_listing.status == ListingStatus.TAKEN_DOWN


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"action": "take_down", "reason": ""}, "reason"),
        ({"action": "take_down", "reason": "   "}, "reason"),
        ({"action": "take_down"}, "reason"),
        ({"action": "delete_everything", "reason": "x"}, "action"),
    ],
)
def test_bad_action_input_is_refused_clearly_and_writes_nothing(
    case, moderator, published_listing, payload, field
):
    before = written()
    response = api_as(moderator).post(act_url(case.pk), payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field] and response.json()["fields"][field]
    assert written() == before
    case.refresh_from_db()
    published_listing.refresh_from_db()
    assert case.status == CaseStatus.OPEN and published_listing.status == ListingStatus.PUBLISHED


def test_a_refused_action_says_why(moderator, other_seller):
    no_listing = moderation_case_open(
        source=CaseSource.OVERDUE_REPORT, summary="overdue", seller=other_seller
    )
    response = api_as(moderator).post(
        act_url(no_listing.pk), {"action": "take_down", "reason": "x"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "refused"
    assert "suspend or ban" in response.json()["message"]
    no_listing.refresh_from_db()
    assert no_listing.status == CaseStatus.OPEN


def test_the_seller_appeals_their_own_case_only(case, published_listing, moderator, buyer, other_seller):
    seller = published_listing.seller
    open_case = api_as(seller).post(appeal_url(case.pk), {"statement": "too early"}, format="json")
    assert open_case.status_code == 409  # nothing decided yet, nothing to appeal
    assert "appealed" in open_case.json()["message"]

    moderation_case_act(case=case, moderator=moderator, action=CaseAction.TAKE_DOWN, reason="stolen")
    before = written()
    for user in (other_seller, buyer):  # a case they may not see does not exist for them
        assert api_as(user).post(appeal_url(case.pk), {"statement": "mine"}, format="json").status_code == 404
    empty = api_as(seller).post(appeal_url(case.pk), {"statement": ""}, format="json")
    assert empty.status_code == 400 and "statement" in empty.json()["fields"]
    assert written() == before

    response = api_as(seller).post(appeal_url(case.pk), {"statement": "It is my own face"}, format="json")
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get(pk=response.json()["id"])
    assert (appeal.case_id, appeal.seller_id, appeal.status) == (case.pk, seller.pk, "pending")
    again = api_as(seller).post(appeal_url(case.pk), {"statement": "again"}, format="json")
    assert again.status_code == 201 and again.json()["id"] == appeal.pk  # one pending appeal per case


def test_audit_log_csv_is_for_staff_and_moderators_only(case, moderator, buyer, published_listing, make_user):
    moderation_case_act(case=case, moderator=moderator, action=CaseAction.TAKE_DOWN, reason="stolen face")
    for user in (buyer, published_listing.seller):
        assert api_as(user).get(AUDIT_CSV).status_code == 403
    assert api_as().get(AUDIT_CSV).status_code == 401
    staff = make_user("operator", is_staff=True)
    for user in (staff, moderator):
        response = api_as(user).get(AUDIT_CSV)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == [
            "id",
            "time",
            "actor",
            "action",
            "subject_type",
            "subject_ref",
            "case",
            "reason",
            "before",
            "after",
            "money",
        ]
        take_down = next(r for r in rows[1:] if r[3] == "case.take_down")
        assert (take_down[2], take_down[6], take_down[7]) == (moderator.username, str(case.pk), "stolen face")


@pytest.fixture
def low_report_rate(settings):
    """Three reports an hour: the plugin's own rates (``FACE_MARKET["API_THROTTLE_RATES"]``), read
    at each request, whatever the host's DRF settings say."""
    rates = {**settings.FACE_MARKET["API_THROTTLE_RATES"], "reports": "3/hour"}
    settings.FACE_MARKET = {**settings.FACE_MARKET, "API_THROTTLE_RATES": rates}
    cache.clear()
    yield
    cache.clear()


def test_reports_are_throttled_per_user(low_report_rate, published_listing, buyer, make_user):
    api = api_as(buyer)
    for reason in ("stolen_face", "other", "misleading"):
        response = api.post(REPORTS, {"listing": published_listing.pk, "reason": reason}, format="json")
        assert response.status_code == 201, response.content
    assert ModerationCase.objects.count() == 1  # the same reporter's reports of one listing: one case
    before = written()
    response = api.post(REPORTS, {"listing": published_listing.pk, "reason": "other"}, format="json")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert written() == before
    other = api_as(make_user("another_buyer", "buyer"))
    assert (
        other.post(
            REPORTS, {"listing": published_listing.pk, "reason": "other", "details": "x"}, format="json"
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"reason": "stolen_face"}, "listing"),
        ({"listing": "abc", "reason": "stolen_face"}, "listing"),
        ({"listing": 999_999, "reason": "stolen_face"}, "listing"),
        ({"listing": None, "reason": ""}, "reason"),
        ({"listing": None, "reason": "i_dislike_it"}, "reason"),
    ],
)
def test_bad_reports_are_refused_clearly_and_write_nothing(published_listing, buyer, payload, field):
    if payload.get("listing", 0) is None:
        payload = {**payload, "listing": published_listing.pk}
    before = written()
    response = api_as(buyer).post(REPORTS, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"] and response.json()["fields"][field]
    assert written() == before


def test_a_listing_not_on_sale_cannot_be_reported_and_is_not_revealed(make_listing, published_listing, buyer):
    draft = make_listing(published_listing.seller, title="Not yet public")
    response = api_as(buyer).post(REPORTS, {"listing": draft.pk, "reason": "stolen_face"}, format="json")
    unknown = api_as(buyer).post(REPORTS, {"listing": 999_999, "reason": "stolen_face"}, format="json")
    assert response.status_code == unknown.status_code == 400
    assert response.json() == unknown.json()
    assert not ModerationCase.objects.exists()
    assert (
        api_as()
        .post(REPORTS, {"listing": published_listing.pk, "reason": "other"}, format="json")
        .status_code
        == 401
    )
