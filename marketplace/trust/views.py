"""Pages and public documents of the trust surface.

Public (no login): the JWKS, the status lists and the verify page, which shows no personal data.
Private: the printable certificate (licence viewers), the labelling page (the buyer), and the
seller's "who checked my face" page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marketplace.conf import market_settings
from marketplace.selectors import licence_for_viewer
from marketplace.trust.api import labelled_download
from marketplace.trust.claims import verify_url
from marketplace.trust.labels import LabelRefused, visible_label_lines
from marketplace.trust.presentation import (
    consent_reason_text,
    credential_reason_text,
    qr_svg,
    red_line_rows,
    scope_rows,
    status_text,
)
from marketplace.trust.selectors import licence_public_view, may_label, receipts_visible_to
from marketplace.trust.services import content_label_create, status_list_token_current, trust_licence_sync

PUBLIC_HEADERS = {"Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff"}


@require_GET
def jwks(request):
    from marketplace.trust.keys import jwks_document

    response = JsonResponse(jwks_document())
    response["Cache-Control"] = "public, max-age=300"
    for name, value in PUBLIC_HEADERS.items():
        response[name] = value
    return response


@require_GET
def status_list(request, status_list_id: int):
    token = status_list_token_current(status_list_id)
    if token is None:
        raise Http404
    response = HttpResponse(token, content_type="application/statuslist+jwt")
    response["Cache-Control"] = f"public, max-age={int(market_settings.CREDENTIAL_STATUS_LIST_TTL_SECONDS)}"
    for name, value in PUBLIC_HEADERS.items():
        response[name] = value
    return response


@require_GET
def verify(request, value: str):
    view = licence_public_view(value)
    context = {"value_is_token": value.count(".") == 2, "view": view}
    if view is not None:
        context.update(
            scope_rows=scope_rows(view.scope),
            red_lines=red_line_rows(view.red_lines),
            status_label=status_text(view.status),
            reason_text=credential_reason_text(view.credential_reason),
        )
    return render(request, "marketplace/trust/verify.html", context, status=200 if view else 404)


@login_required
@require_GET
def certificate(request, reference: str):
    licence = licence_for_viewer(user=request.user, reference=reference)
    if licence is None:
        raise Http404
    trust_licence_sync(licence_id=licence.pk)
    view = licence_public_view(licence.reference)
    url = verify_url(licence.reference)
    return render(
        request,
        "marketplace/trust/certificate.html",
        {
            "licence": licence,
            "view": view,
            "scope_rows": scope_rows(view.scope),
            "red_lines": red_line_rows(view.red_lines),
            "status_label": status_text(view.status),
            "verify_url": url,
            "qr_svg": qr_svg(url),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def labels(request, reference: str):
    licence = licence_for_viewer(user=request.user, reference=reference)
    if licence is None or not may_label(request.user, licence):
        raise Http404
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose an image file.")
        else:
            try:
                label, labelled = content_label_create(licence=licence, user=request.user, data=upload.read())
            except LabelRefused as exc:
                error = _label_error(exc.code)
            else:
                return labelled_download(label, labelled)
    return render(
        request,
        "marketplace/trust/labels.html",
        {
            "licence": licence,
            "error": error,
            "verify_url": verify_url(licence.reference),
            "visible_label": visible_label_lines(licence.reference),
        },
        status=400 if error else 200,
    )


def _label_error(code: str) -> str:
    return {
        "file_too_large": _("The file is too large."),
        "image_too_large": _("The image has too many pixels."),
        "not_an_image": _("The file is not a JPEG, PNG or WebP image, nor an MP4 or QuickTime video."),
        "empty_file": _("The file is empty."),
        "image_unreadable": _("The image is damaged and cannot be read."),
        "video_unreadable": _("The video is damaged and cannot be read."),
        "licence_not_valid": _("Only a licence that is valid now can label media."),
    }.get(code, _("The image could not be labelled."))


@login_required
@require_GET
def checks(request):
    receipts = list(receipts_visible_to(request.user).filter(licence__seller=request.user)[:200])
    rows = [
        {
            "receipt": receipt,
            "use": scope_rows(
                {
                    "use_categories": [receipt.intended_use.get("use_category")],
                    "media": [receipt.intended_use.get("medium")],
                    "territories": [receipt.intended_use.get("territory")],
                }
            )[:3],
            "reasons": [
                consent_reason_text(reason.get("code"), reason.get("field")) for reason in receipt.reasons
            ],
        }
        for receipt in receipts
    ]
    return render(request, "marketplace/trust/checks.html", {"rows": rows})
