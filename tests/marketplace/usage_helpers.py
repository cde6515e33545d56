"""Helpers of the usage-report tests: a paid licence, a report, real faces from tests/data/faces."""

from __future__ import annotations

import types
from pathlib import Path

from marketplace.services import order_create, usage_report_file
from tests.marketplace.purchase_helpers import key, pay, scope_for

FACES = Path(__file__).resolve().parents[1] / "data" / "faces" / "people"


def photo(name: str) -> bytes:
    return (FACES / name).read_bytes()


def licensed(buyer, listing, capture, **scope):
    """Buy and pay a licence to ``listing`` (the payment event issues it)."""
    order = order_create(
        buyer=buyer, listing_id=listing.pk, scope=scope_for(listing, **scope), checkout_key=key()
    )
    pay(order, capture=capture)
    order.refresh_from_db()
    return order.licence


def pay_reference(reference: str, buyer, capture) -> None:
    """Pay a session opened for ``reference`` (a top-up) through the sandbox page."""
    pay(types.SimpleNamespace(reference=reference, buyer=buyer), capture=capture)


def report_data(licence, **overrides) -> dict:
    scope = licence.scope
    data = {
        "production_title": "Palace of Mirrors",
        "episodes": "1-3",
        "shot_list": [{"episode": "1", "start": "00:01:02", "end": "00:01:09", "description": "close-up"}],
        "use_category": scope["use_categories"][0],
        "media": list(scope["media"]),
        "platforms": "Douyin",
        "territories": list(scope["territories"]),
        "reach_views": 50_000,
        "monetisation": scope["monetisation"],
        "sensitive_uses": [],
        "no_training_statement": True,
        "first_used_on": licence.starts_at.date().isoformat(),
    }
    data.update(overrides)
    return data


def file_report(licence, capture, *, stills=(), **overrides):
    """File a report as the buyer and run its checks (the on-commit task, eager)."""
    with capture(execute=True):
        report = usage_report_file(
            buyer=licence.buyer, licence=licence, data=report_data(licence, **overrides), stills=stills
        )
    report.refresh_from_db()
    return report


def enroll_face(user, photo_name: str):
    """Give ``user`` a verified seller template made from a real photo, through verification's services."""
    from verification.engine_registry import get_face_engine
    from verification.models import FaceTemplate
    from verification.photos import photo_embedding
    from verification.services.templates import face_template_enroll

    engine = get_face_engine()
    _clean, embedding = photo_embedding(photo(photo_name), engine=engine)
    return face_template_enroll(
        kind=FaceTemplate.Kind.SELLER, embedding=embedding, engine=engine, subject_user=user
    )


def protect_face(photo_name: str, name: str = "Protected Person"):
    from verification.models import ProtectedPerson
    from verification.services.templates import protected_face_add, protected_person_add

    person = protected_person_add(name=name, reason=ProtectedPerson.Reason.values[0])
    protected_face_add(person=person, data=photo(photo_name))
    return person
