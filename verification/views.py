"""Pages of the verification app: consent, reference photos, the webcam check, progress and verdict.

Thin: each page calls a selector to show and a service to change; the webcam page itself talks to the
API (verification/static/verification/liveness.js).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from verification.conf import verification_settings

from . import selectors, services
from .consent import consent_text, current_version
from .errors import VerificationError
from .permissions import can_enroll
from .reasons import reason_text
from .state import DECIDED_STATUSES, EnrollmentStatus

S = EnrollmentStatus

#: the webcam page's capture rhythm (rendered into data attributes): 8 frames a second, uploaded in
#: batches of 4 (an answer with feedback every half second)
CAPTURE = {"fps": 8, "batch": 4, "jpeg_quality": 0.85}

#: what the page asks for each action (the subject's own left and right)
ACTION_PROMPTS = {
    "turn_left": gettext_lazy("Turn your head to your left"),
    "turn_right": gettext_lazy("Turn your head to your right"),
    "blink": gettext_lazy("Blink"),
    "nod": gettext_lazy("Nod: lower your chin and raise it again"),
}

#: live feedback while an action is pending (guidance.HINT_CODES); "further" depends on the action
HINTS = {
    "no_face": gettext_lazy("We cannot see your face. Come back in front of the camera, in good light."),
    "hold_still": gettext_lazy("Hold still while the camera gets ready."),
    "start": "",
    "seen": gettext_lazy("Done."),
}
FURTHER_HINTS = {
    "turn_left": gettext_lazy("Turn further to your left"),
    "turn_right": gettext_lazy("Turn further to your right"),
    "nod": gettext_lazy("Lower your chin a little further"),
    "blink": gettext_lazy("Blink once, then keep your eyes open"),
}


def seller_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_enroll(request.user):
            raise PermissionDenied(_("Only sellers can verify their face."))
        return view(request, *args, **kwargs)

    return wrapped


def _step_url(enrollment) -> str:
    """Where the seller continues from, given their latest enrollment."""
    if enrollment is None or not enrollment.is_active:
        return reverse("verification:home")
    if enrollment.status == S.PHOTOS:
        return reverse("verification:photos")
    if enrollment.status == S.CHALLENGE_ISSUED:
        return reverse("verification:camera")
    return reverse("verification:status")


@seller_required
def home(request):
    enrollment = selectors.enrollment_latest(request.user)
    return render(
        request,
        "verification/home.html",
        {
            "consent": selectors.consent_active(request.user),
            "enrollment": enrollment,
            "verified": selectors.seller_is_verified(request.user),
            "continue_url": _step_url(enrollment),
        },
    )


@seller_required
@require_http_methods(["GET", "POST"])
def consent(request):
    if request.method == "POST":
        if request.POST.get("agree") != "yes":
            messages.error(request, _("Tick the box to give your consent, or leave this page."))
            return redirect("verification:consent")
        try:
            services.biometric_consent_record(
                user=request.user,
                text_version=request.POST.get("version", ""),
                ip_address=request.META.get("REMOTE_ADDR"),
            )
            enrollment = services.enrollment_start(user=request.user)
        except VerificationError as exc:
            messages.error(request, exc.message)
            # a changed text is read again here; anything else (already verified, under review) is home's
            changed = exc.code == "consent_version_changed"
            return redirect("verification:consent" if changed else "verification:home")
        return redirect(_step_url(enrollment))
    return render(
        request,
        "verification/consent.html",
        {
            "version": current_version(),
            "text": consent_text(),
            "consent": selectors.consent_active(request.user),
        },
    )


@seller_required
@require_POST
def consent_withdraw(request):
    services.biometric_consent_withdraw(user=request.user)
    messages.success(request, _("Your consent is withdrawn and your face data is deleted."))
    return redirect("verification:home")


@seller_required
@require_http_methods(["GET", "POST"])
def photos(request):
    enrollment = selectors.enrollment_latest(request.user)
    if enrollment is None or enrollment.status not in (S.PHOTOS, S.CHALLENGE_ISSUED):
        return redirect(_step_url(enrollment))
    if request.method == "POST":
        upload = request.FILES.get("photo")
        try:
            if upload is None:
                raise VerificationError("photo_missing", _("Choose a photo to upload."))
            services.reference_photo_add(enrollment=enrollment, data=upload.read(), actor=request.user)
        except VerificationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Photo added."))
        return redirect("verification:photos")
    count = enrollment.reference_photos.count()
    return render(
        request,
        "verification/photos.html",
        {
            "enrollment": enrollment,
            "photos": enrollment.reference_photos.only("pk", "width", "height"),
            "count": count,
            "minimum": int(verification_settings.REFERENCE_PHOTOS_MIN),
            "maximum": int(verification_settings.REFERENCE_PHOTOS_MAX),
            "ready": count >= int(verification_settings.REFERENCE_PHOTOS_MIN),
        },
    )


@seller_required
def camera(request):
    enrollment = selectors.enrollment_latest(request.user)
    if enrollment is None or enrollment.status not in (S.PHOTOS, S.CHALLENGE_ISSUED):
        return redirect(_step_url(enrollment))
    if enrollment.reference_photos.count() < int(verification_settings.REFERENCE_PHOTOS_MIN):
        messages.error(request, _("Upload at least one reference photo of your face first."))
        return redirect("verification:photos")
    return render(
        request,
        "verification/camera.html",
        {
            "enrollment": enrollment,
            "capture": CAPTURE,
            "prompts": {action: str(text) for action, text in ACTION_PROMPTS.items()},
            "hints": {code: str(text) for code, text in HINTS.items()},
            "further_hints": {action: str(text) for action, text in FURTHER_HINTS.items()},
            "ui_text": {
                "hold": _("Look straight at the camera"),
                "sending": _("Checking…"),
                "step_of": _("Step {step} of {steps}"),
                "no_camera": _("We could not open your camera. Allow camera access and try again."),
                "failed": _("Something went wrong. Please try again."),
                "timed_out": _("The check took too long. Please start it again."),
            },
            "max_frames": int(verification_settings.LIVENESS_GUIDED_FRAMES_MAX),
            "batch_max": int(verification_settings.LIVENESS_GUIDED_BATCH_MAX),
        },
    )


@seller_required
def status(request):
    enrollment = selectors.enrollment_latest(request.user)
    if enrollment is None:
        return redirect("verification:home")
    return render(
        request,
        "verification/status.html",
        {
            "enrollment": enrollment,
            "decided": enrollment.status in DECIDED_STATUSES,
            "waiting": enrollment.status in (S.FRAMES_UPLOADED, S.DECIDING),
            "reasons": [reason_text(code) for code in enrollment.reasons],
        },
    )
