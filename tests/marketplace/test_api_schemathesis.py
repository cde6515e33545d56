"""Schemathesis against the live plugin API, once per role: no 5xx, every response as the schema says.

The OpenAPI schema is the one the plugin serves (drf-spectacular); the app is the site's own WSGI handler,
called in process, so every request goes through the real middleware, authentication and views. The
database is seeded with a verified seller, a published listing, a paid licence and an order, and each
operation is also called once with those real ids, so the generated requests reach past the 404s.
Bounded: a few examples per operation and role (``SCHEMATHESIS_EXAMPLES``), derandomised.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings

from tests.marketplace.usage_helpers import licensed

pytestmark = [pytest.mark.django_db(transaction=False)]

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
SCHEMA_PATH = "/api/schema/"


def _token(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


@pytest.fixture
def seeded(published_listing, buyer, moderator, make_user, django_capture_on_commit_callbacks):
    """Real objects whose ids the real-id cases use."""
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    staff = make_user("staff1", "moderator", is_staff=True)
    return {
        "licence": licence,
        "listing": published_listing,
        "buyer": buyer,
        "seller": published_listing.seller,
        "moderator": moderator,
        "staff": staff,
    }


def _real_ids(seeded) -> dict:
    licence = seeded["licence"]
    return {
        "reference": licence.reference,
        "public_id": str(licence.order.public_id) if hasattr(licence, "order") else None,
        "pk": seeded["listing"].pk,
        "user_id": seeded["buyer"].pk,
        "role": "buyer",
        "position": 0,
    }


def _run_role(schema, app_headers: dict, real_ids: dict) -> dict:
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    stats = {"requests": 0, "server_errors": 0, "violations": 0, "failures": []}

    def call(case):
        response = case.call(headers=app_headers)
        stats["requests"] += 1
        if response.status_code >= 500:
            stats["server_errors"] += 1
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as exc:  # counted and reported after every role, not raised here
            if response.status_code < 500:
                stats["violations"] += 1
            stats["failures"].append(
                f"{case.method} {case.formatted_path} -> {response.status_code}: "
                + "; ".join(f"{f.title}: {f.message[:300]}" for f in exc.exceptions)
                + f" body={response.text[:200]!r}"
            )

    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            call(case)

        fuzz()

        @settings(
            max_examples=1,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def with_real_ids(case):
            if case.path_parameters:
                for name in list(case.path_parameters):
                    if real_ids.get(name) is not None:
                        case.path_parameters[name] = real_ids[name]
            call(case)

        with_real_ids()
    return stats


def test_schemathesis_per_role_finds_no_server_error_and_no_schema_violation(seeded, capsys):
    import schemathesis

    # as Django's test client: keep the test's connection (and its open transaction) across requests
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        app = WSGIHandler()
        schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, app)
        roles = {
            "anonymous": {},
            "buyer": {"Authorization": f"Token {_token(seeded['buyer'])}"},
            "seller": {"Authorization": f"Token {_token(seeded['seller'])}"},
            "moderator": {"Authorization": f"Token {_token(seeded['moderator'])}"},
            "staff": {"Authorization": f"Token {_token(seeded['staff'])}"},
        }
        real_ids = _real_ids(seeded)
        report, all_failures, totals = {}, [], Counter()
        for role, headers in roles.items():
            started = time.monotonic()
            with transaction.atomic():  # every role starts from the same seeded state
                stats = _run_role(schema, headers, real_ids)
                transaction.set_rollback(True)
            report[role] = stats
            totals.update({k: stats[k] for k in ("requests", "server_errors", "violations")})
            all_failures += [f"[{role}] {line}" for line in stats["failures"]]
            with capsys.disabled():
                print(
                    f"\nschemathesis {role}: {stats['requests']} requests, {stats['server_errors']} server "
                    f"errors, {stats['violations']} schema violations ({time.monotonic() - started:.1f} s)"
                )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert not all_failures, "\n".join(all_failures[:40])
