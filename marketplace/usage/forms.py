"""What the usage-report page shows in its form: values kept or pre-filled, errors as sentences."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: the report's fields as the form names them, for errors that say which field they are about
FIELD_LABELS = {
    "production_title": gettext_lazy("Production title"),
    "episodes": gettext_lazy("Episodes"),
    "shot_list": gettext_lazy("Shot list"),
    "use_category": gettext_lazy("Use category"),
    "media": gettext_lazy("Media"),
    "platforms": gettext_lazy("Platforms"),
    "territories": gettext_lazy("Territories"),
    "reach_views": gettext_lazy("Reach (views)"),
    "monetisation": gettext_lazy("Monetisation"),
    "sensitive_uses": gettext_lazy("Sensitive uses"),
    "themes": gettext_lazy("Roles and themes"),
    "no_training_statement": gettext_lazy("No-training statement"),
    "first_used_on": gettext_lazy("First used on"),
    "stills": gettext_lazy("Evidence stills"),
    # disputes
    "reasons": gettext_lazy("Reasons"),
    "attachments": gettext_lazy("Attachments"),
    "amount": gettext_lazy("Amount"),
    "resolution": gettext_lazy("Resolution"),
    "note": gettext_lazy("Note"),
}
LIST_FIELDS = ("media", "territories", "sensitive_uses", "themes")


def report_form_values(*, licence, post=None) -> dict:
    """What the form shows: the buyer's own entries after an error, else what the licence covers."""
    if post is not None:
        values = {key: post.get(key, "") for key in post}
        for field in LIST_FIELDS:
            values[field] = post.getlist(field)
        values["no_training_statement"] = post.get("no_training_statement") == "on"
        return values
    scope = licence.scope or {}
    categories = scope.get("use_categories") or [""]
    return {
        "use_category": categories[0],
        "media": list(scope.get("media", [])),
        "territories": list(scope.get("territories", [])),
        "monetisation": scope.get("monetisation", ""),
        "sensitive_uses": [],
        "themes": [],
        "first_used_on": licence.starts_at.date().isoformat() if licence.starts_at else "",
        "no_training_statement": False,
    }


def error_sentences(errors: dict) -> list[str]:
    """Field errors as sentences naming the field ("Evidence stills: ..."); others as they are."""
    sentences = []
    for field, messages in errors.items():
        text = " ".join(str(message) for message in messages)
        label = FIELD_LABELS.get(field)
        sentences.append(_("%(field)s: %(problem)s") % {"field": label, "problem": text} if label else text)
    return sentences
