"""Every page of the plugin, probed with input no database can store: NUL bytes in the path, the query
string and form posts, and non-numeric values where ids are read. As an anonymous user, a buyer, a seller
and a moderator, no page may answer 500 (run with DATABASE_URL for PostgreSQL, where NUL in a query is
an error; on SQLite the same requests must give the same 4xx).

The field names come from the source: every ``request.GET/POST.get("...")`` and every form field of the
apps, so a new input is probed without editing this test.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from marketplace.urls import page_patterns

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
APPS = ("marketplace", "listings", "verification", "payouts")
NUL = "a\x00b"
NOT_A_NUMBER = "abc"
SAMPLE = {"int": "1", "slug": "extra", "uuid": str(uuid.UUID(int=1)), "path": "x"}


def _input_names() -> list[str]:
    names: set[str] = set()
    reads = re.compile(r"""request\.(?:GET|POST|data)\.get(?:list)?\(\s*["']([\w-]+)["']""")
    fields = re.compile(r"^\s+(\w+)\s*=\s*forms\.\w+\(", re.M)
    for app in APPS:
        for source in (ROOT / app).rglob("*.py"):
            text = source.read_text()
            names.update(reads.findall(text))
            if "forms." in text:
                names.update(fields.findall(text))
    return sorted(names | {"q", "page", "id", "listing", "status", "next"})


def _routes(patterns, prefix: str = "") -> list[str]:
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def _fill(route: str, text: str) -> str:
    def value(match) -> str:
        kind = match.group(1) or "str"
        return text if kind == "str" else SAMPLE[kind]

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", value, route)


INPUTS = _input_names()
ROUTES = _routes(page_patterns)


@pytest.fixture
def as_role(request, make_user):
    client = Client(raise_request_exception=False)
    if request.param != "anonymous":
        client.force_login(make_user(f"probe_{request.param}", request.param))
    return client


@pytest.mark.parametrize("as_role", ["anonymous", "buyer", "seller", "moderator"], indirect=True)
def test_no_page_answers_500_to_nul_bytes_or_non_numeric_ids(as_role):
    assert len(ROUTES) > 60 and len(INPUTS) > 20  # the walk found the URLconf and the form fields
    failures = []
    for route in ROUTES:
        for text in (NUL, NOT_A_NUMBER):
            url = _fill(route, text)
            values = dict.fromkeys(INPUTS, text)
            for method in ("get", "post"):
                response = getattr(as_role, method)(url, values)
                if response.status_code >= 500:
                    failures.append(
                        f"{method.upper()} {route} {text!r}: {response.exc_info and response.exc_info[1]!r}"
                    )
                elif text == NUL and response.status_code == 400:
                    assert b"error-400" in response.content, (route, "the 400 page of the site layout")
    assert not failures, "\n".join(failures)


def test_a_nul_byte_gets_the_400_page_in_the_site_layout(client):
    response = client.get("/listings/", {"q": NUL})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-400"' in html and "could not be read" in html and "<nav" in html
    response = client.get("/listings/", {"q": NUL}, headers={"accept-language": "zh-hans"})
    assert "无法读取此请求" in response.content.decode()
