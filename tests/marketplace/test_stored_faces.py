"""The count of stored face templates against the facial-recognition filing line: a check and a staff page."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.checks import run_checks

from verification.filing import face_template_filing_status
from verification.models import FaceTemplate

pytestmark = pytest.mark.django_db


def store_faces(make_user, n: int, prefix: str = "face") -> None:
    from verification.engine_registry import get_face_engine
    from verification.services.templates import face_template_enroll

    engine, rng = get_face_engine(), np.random.default_rng(7)
    for i in range(n):
        vector = rng.normal(size=engine.dimensions).astype(np.float32)
        face_template_enroll(
            kind=FaceTemplate.Kind.SELLER,
            embedding=vector / np.linalg.norm(vector),
            engine=engine,
            subject_user=make_user(f"{prefix}{i}", "seller"),
        )


def filing_warnings() -> list:
    return [m for m in run_checks(tags=["database"], databases=["default"]) if m.id == "verification.W301"]


def test_the_check_and_the_staff_page_warn_well_before_the_line(client, make_user, moderator, settings):
    settings.FACE_MARKET = {
        **settings.FACE_MARKET,
        "FACE_TEMPLATE_FILING_THRESHOLD": 4,
        "FACE_TEMPLATE_FILING_WARN_FRACTION": 0.5,
    }
    store_faces(make_user, 1)
    assert face_template_filing_status().stored == 1 and not filing_warnings()
    client.force_login(make_user("nosy", "buyer"))
    assert client.get("/privacy/stored-faces/").status_code == 403
    client.force_login(moderator)
    assert 'data-stored="1" data-warn="0"' in client.get("/privacy/stored-faces/").content.decode()

    store_faces(make_user, 2, prefix="more")
    status = face_template_filing_status()
    assert status.stored == 3 and status.warn and not status.filing_required
    [warning] = filing_warnings()
    assert "3 face templates" in warning.msg and "prepare" in warning.msg
    assert 'data-warn="1"' in client.get("/privacy/stored-faces/").content.decode()
