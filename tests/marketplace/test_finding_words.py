"""Usage-check findings read as words in both languages, and stills are counted from 1."""

from django.template import Context, Template
from django.utils import translation

from marketplace.words import finding_text
from tests.journeys.page_checks import internal_codes, raw_codes_in


def test_still_findings_count_from_one_in_words():
    finding = {"code": "still_wrong_face", "field": "stills", "message": "0"}
    with translation.override("en"):
        assert finding_text(finding) == "Still 1: shows a different face"
    with translation.override("zh-hans"):
        assert finding_text(finding) == "截图 1：显示的是另一张面孔"


def test_report_findings_template_shows_no_code():
    findings = [
        {"code": "still_no_face", "field": "stills", "message": "2"},
        {"code": "media_out_of_scope", "field": "media", "message": "Media not licensed: cinema."},
    ]
    template = Template("{% load market_words %}{% for f in fs %}{{ f|finding_text }}\n{% endfor %}")
    with translation.override("en"):
        text = template.render(Context({"fs": findings}))
    assert "Still 3: no face found" in text
    assert not raw_codes_in(text, internal_codes())


def test_usage_check_codes_are_in_the_raw_code_list():
    codes = internal_codes()
    for code in ("still_wrong_face", "no_stills", "media_out_of_scope", "training_not_allowed"):
        assert code in codes
