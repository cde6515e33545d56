"""Template filters that turn marketplace codes into words (see ``marketplace.words``)."""

from django import template

from marketplace import words

register = template.Library()


@register.filter
def audit_action(action):
    return words.audit_action_label(action)


@register.filter
def audit_subject(subject_type):
    return words.subject_label(subject_type)


@register.filter
def audit_values(values, subject_type=""):
    return words.audit_values_text(values, subject_type)


@register.filter
def audit_money(movements):
    return words.audit_money_text(movements)


@register.filter
def report_reason(code):
    return words.report_reason_label(code)


@register.filter
def evidence_rows(values):
    return words.evidence_rows(values)


@register.filter
def case_title(case):
    return words.case_title(case)


@register.filter
def case_age(case):
    """How long the case waited: to its decision once decided (never microseconds)."""
    from django.utils import timezone
    from django.utils.timesince import timesince

    return timesince(case.created_at, case.decided_at or timezone.now())


@register.filter
def finding_text(finding):
    return words.finding_text(finding)


@register.filter
def still_check(code):
    return words.STILL_CHECK_LABELS.get(code, "")
