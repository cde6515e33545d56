"""The usage-report form: pre-filled from the licence, keeps every entry on error, errors as sentences."""

from __future__ import annotations

import pytest

from tests.marketplace.usage_helpers import licensed

pytestmark = pytest.mark.django_db


def test_the_form_starts_from_the_licence_and_keeps_choices_and_names_fields_on_error(
    client, buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    client.force_login(buyer)
    url = f"/licences/{licence.reference}/report/"
    page = client.get(url).content.decode()
    medium = licence.scope["media"][0]
    assert f'name="media" value="{medium}" checked' in page
    assert f'value="{licence.scope["use_categories"][0]}" selected' in page

    territory = licence.scope["territories"][0]
    entries = {"production_title": "", "media": [medium], "territories": [territory]}
    response = client.post(url, {**entries, "no_training_statement": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'name="media" value="{medium}" checked' in page  # the buyer's choices survive the error
    assert f'name="territories" value="{territory}" checked' in page
    assert 'name="no_training_statement" checked' in page
    errors = page[page.index('id="report-errors"') : page.index("</ul>", page.index('id="report-errors"'))]
    assert "production_title" not in errors and "reach_views" not in errors
