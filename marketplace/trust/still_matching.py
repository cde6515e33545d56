"""Usage-report stills that carry our label are matched to the licence the label names, automatically.

The label's licence comes from the C2PA assertion (its credential is verified) or, when a platform
stripped the manifest but kept the XMP, from the GB 45438-2025 ``ProduceID``/``ReservedCode1`` fields.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from marketplace.models import EvidenceStill
from marketplace.trust.labels import LabelRefused, labels_read
from marketplace.trust.models import ContentLabel, LabelledStill
from marketplace.trust.selectors import credential_check_local

REFERENCE_PREFIX = "fm-licence:"


def _found_label(data: bytes) -> tuple[str, ContentLabel | None, bool] | None:
    try:
        found = labels_read(data)
    except LabelRefused:
        return None
    produce_id = (found.c2pa_licence or {}).get("produce_id") or (found.aigc or {}).get("ProduceID")
    reference = (found.c2pa_licence or {}).get("reference") or ""
    code = str((found.aigc or {}).get("ReservedCode1") or "")
    if not reference and code.startswith(REFERENCE_PREFIX):
        reference = code[len(REFERENCE_PREFIX) :]
    if not reference:
        return None
    label = ContentLabel.objects.filter(produce_id=produce_id).first() if produce_id else None
    token = (found.c2pa_licence or {}).get("credential")
    credential_valid = bool(token) and credential_check_local(token, reference=reference).valid
    return reference, label, credential_valid


def labelled_stills_match(*, report_id: int) -> list[LabelledStill]:
    """Idempotent: (re)records which of the report's stills carry our label, and for which licence."""
    matched = []
    for still in EvidenceStill.objects.filter(report_id=report_id).select_related("report__licence"):
        found = _found_label(bytes(still.image))
        if found is None:
            continue
        reference, label, credential_valid = found
        licence = label.licence if label is not None and label.licence.reference == reference else None
        with transaction.atomic():
            record, _created = LabelledStill.objects.update_or_create(
                still=still,
                defaults={
                    "label": label,
                    "licence": licence,
                    "reference": reference[:40],
                    "credential_valid": credential_valid,
                    "same_licence": reference == still.report.licence.reference,
                    "unmodified": label is not None
                    and hashlib.sha256(bytes(still.image)).hexdigest() == label.sha256,
                },
            )
        matched.append(record)
    return matched
