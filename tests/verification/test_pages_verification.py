"""The verification pages: each step renders for a seller, with CSRF, and refuses other roles."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from verification.consent import current_version
from verification.models import BiometricConsent, Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller)
    return client


def test_home_links_the_first_step(seller_client):
    html = seller_client.get(reverse("verification:home")).content.decode()
    assert 'data-status="none"' in html and reverse("verification:consent") in html


def test_buyers_get_403_and_anonymous_users_the_login_page(client, buyer):
    assert client.get(reverse("verification:home")).status_code == 302
    client.force_login(buyer)
    for name in ("home", "consent", "photos", "camera", "status"):
        assert client.get(reverse(f"verification:{name}")).status_code == 403


def test_consent_page_shows_the_text_and_records_it_then_opens_an_enrollment(seller_client, seller):
    page = seller_client.get(reverse("verification:consent")).content.decode()
    assert f'data-version="{current_version()}"' in page and "csrfmiddlewaretoken" in page
    unticked = seller_client.post(reverse("verification:consent"), {"version": current_version()})
    assert unticked.status_code == 302 and not BiometricConsent.objects.exists()
    accept = {"version": current_version(), "agree": "yes"}
    response = seller_client.post(reverse("verification:consent"), accept)
    assert response.status_code == 302 and response["Location"] == reverse("verification:photos")
    consent = BiometricConsent.objects.get(user=seller)
    assert consent.text.startswith("I consent") and consent.ip_address == "127.0.0.1"
    assert Enrollment.objects.get(user=seller).status == "photos"


def test_consent_post_needs_the_csrf_token(seller):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller)
    response = client.post(reverse("verification:consent"), {"version": current_version(), "agree": "yes"})
    assert response.status_code == 403 and not BiometricConsent.objects.exists()


@pytest.mark.faces
def test_photo_page_uploads_and_shows_intake_errors(seller_client, seller, photo):
    from verification import services

    services.biometric_consent_record(user=seller, text_version=current_version())
    services.enrollment_start(user=seller)
    photos_page = seller_client.get(reverse("verification:photos")).content.decode()
    assert reverse("verification:camera") not in photos_page
    bad = seller_client.post(
        reverse("verification:photos"), {"photo": _file("x.jpg", b"nonsense")}, follow=True
    )
    assert "damaged" in bad.content.decode() or "JPEG, PNG" in bad.content.decode()
    good = seller_client.post(
        reverse("verification:photos"), {"photo": _file("me.jpg", photo("obama.jpg"))}, follow=True
    )
    html = good.content.decode()
    assert 'data-count="1"' in html and reverse("verification:camera") in html


def test_camera_page_carries_the_api_urls_prompts_and_csrf(seller_client, started):
    html = seller_client.get(reverse("verification:camera")).content.decode()
    # the page runs the guided check (the one-shot challenge/frames endpoints stay for API clients)
    assert f"/api/v1/verification/enrollments/{started.pk}/guided/" in html
    assert f"/api/v1/verification/enrollments/{started.pk}/guided/frames/" in html
    assert "Turn your head to your left" in html and "csrfmiddlewaretoken" in html
    assert "Turn further to your left" in html and "Step {step} of {steps}" in html
    assert "too_blurry" not in html and "hold_still" not in html.split("liveness-hints")[0]
    assert "verification/liveness.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_status_page_polls_while_deciding_and_shows_reasons_in_plain_words(seller_client, started):
    Enrollment.objects.filter(pk=started.pk).update(status="deciding")
    html = seller_client.get(reverse("verification:status")).content.decode()
    assert "data-poll-url" in html and "verification/progress.js" in html
    Enrollment.objects.filter(pk=started.pk).update(status="rejected", reasons=["flat_motion"])
    html = seller_client.get(reverse("verification:status")).content.decode()
    assert "data-poll-url" not in html
    assert "flat picture moving" in html and 'id="retry"' in html


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_every_message_of_the_app_catalogue_has_its_chinese_translation_compiled():
    """verification/locale holds the app's newer messages (intake quality, the guided check)."""
    import re
    from pathlib import Path

    from django.utils import translation

    import verification
    from verification.views import FURTHER_HINTS, HINTS

    po = (Path(verification.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po").read_text("utf-8")
    msgids = [
        "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))
        for block in re.findall(r'^msgid ((?:".*"\n)+)', po, flags=re.M)
    ]
    msgids = [m.encode().decode("unicode_escape").encode("latin-1").decode() for m in msgids if m]
    assert len(msgids) >= 25
    with translation.override("zh-hans"):
        untranslated = [m for m in msgids if translation.gettext(m) == m]
        hints = [str(t) for t in [*HINTS.values(), *FURTHER_HINTS.values()] if str(t)]
    assert not untranslated
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in hints)
