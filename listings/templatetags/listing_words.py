"""Template filters that turn listing codes into words (see ``listings.labels``)."""

from django import template

from .. import labels

register = template.Library()


@register.filter
def scope_rows(scope):
    return labels.scope_rows(scope)


@register.filter
def label_of(code, vocabulary: str):
    return labels.code_label(vocabulary, code)


@register.filter
def labels_of(codes, vocabulary: str):
    return labels.codes_label(vocabulary, codes)


@register.filter
def tier_name(tier):
    return labels.tier_name(tier)


@register.filter
def ai_label(text):
    return labels.ai_label_text(text)


@register.filter
def yes_no(value):
    return labels.yes_no(value)


@register.filter
def months(value):
    return labels.months_label(value)


@register.filter
def tier_description(tier):
    return labels.tier_description(tier)


@register.filter
def template_name(template):
    return labels.terms_template_name(template)


@register.filter
def template_description(template):
    return labels.terms_template_description(template)
