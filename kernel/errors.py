"""The one error contract: services raise ``ServiceError``; one handler turns every API error into one body.

The body is always ``{"code": "<stable machine code>", "message": "<sentence for a person>",
"fields": {"<field>": ["<message>", ...]}}`` (``fields`` empty unless input was refused field by
field), with the HTTP status the error class names. Modelled on DRF's ``exception_handler`` and the
HackSoft styleguide's ``ApplicationError``. Messages are written to be shown: they never carry
biometric data, secrets or internal ids.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf
from rest_framework import status
from rest_framework.response import Response

logger = logging.getLogger("face_market.errors")


class ServiceError(Exception):
    """A request the services refuse: a stable ``code``, a plain ``message``, optional field errors."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"
    default_message = _("The request cannot be carried out.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None, **extra: Any):
        self.message = str(message if message is not None else self.default_message)
        if code:
            self.code = code
        self.fields = {name: [str(m) for m in _as_list(msgs)] for name, msgs in (fields or {}).items()}
        self.extra = extra
        super().__init__(self.message)

    def with_internal(self, note: str) -> ServiceError:
        """Attach a note for logs and tracebacks only (never shown or returned by the API)."""
        self.internal = note
        self.args = (f"{self.message} [{note}]",)
        return self

    def __str__(self) -> str:
        return self.message


class InvalidInput(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid_input"
    default_message = _("Some of the information is not valid. Correct it and try again.")


class NotPermitted(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"
    default_message = _("You are not allowed to do this.")


class NotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
    default_message = _("Nothing was found here.")


class Conflict(ServiceError):
    """Well-formed, but not possible in the current state (409)."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"
    default_message = _("This cannot be done in the current state.")


def _as_list(messages) -> list:
    if isinstance(messages, (list, tuple)):
        return list(messages)
    return [messages]


def error_body(code: str, message, fields: dict | None = None, **extra: Any) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}, **extra}


def _drf_fields(detail) -> dict:
    if isinstance(detail, dict):
        return {
            str(name): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for name, msgs in detail.items()
        }
    return {}


def _drf_message(detail) -> str:
    if isinstance(detail, list):
        return " ".join(str(m) for m in detail)
    if isinstance(detail, dict):
        return str(_("Some of the information is not valid. Correct it and try again."))
    return str(detail)


def django_validation_fields(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
    return {}


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF ``EXCEPTION_HANDLER`` of every plugin view: one body for every error, JSON even for a 500.

    A view may name the codes its refusals get, declaratively (never by catching and reformatting):
    ``invalid_input_code`` for a Django ``ValidationError`` the services raise (``invalid_fields_key``
    names the field a message without one belongs to) and ``permission_denied_code`` for a Django
    ``PermissionDenied``.
    """
    view = context.get("view")
    headers: dict[str, str] = {}
    if isinstance(exc, ServiceError):
        body = error_body(exc.code, exc.message, exc.fields, **exc.extra)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        # Field by field, or with a reason code ("image_corrupt"): bad input (400). Neither field nor
        # code ("this report is not waiting for a decision"): a refusal of the object in its current
        # state (409 ``refused``), unless the view names the field such messages belong to.
        fields = django_validation_fields(exc)
        key = getattr(view, "invalid_fields_key", "")
        own_code = getattr(exc, "code", None)
        if not fields and not key and own_code:
            body = error_body(own_code, " ".join(str(m) for m in exc.messages))
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        if not fields and not key:
            return Response(
                error_body("refused", " ".join(str(m) for m in exc.messages)), status=status.HTTP_409_CONFLICT
            )
        if not fields:
            fields = {key: [str(m) for m in exc.messages]}
        message = (
            " ".join(str(m) for m in exc.messages)
            if not hasattr(exc, "error_dict")
            else str(_("Some of the information is not valid. Correct it and try again."))
        )
        code = getattr(view, "invalid_input_code", "") or "invalid_input"
        return Response(error_body(code, message, fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        code = getattr(view, "permission_denied_code", "") or "permission_denied"
        message = str(exc) or str(_("You are not allowed to do this."))
        return Response(error_body(code, message), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        exc = drf.NotFound()
    if isinstance(exc, drf.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        detail = exc.detail
        if isinstance(exc, drf.ValidationError):
            body = error_body("invalid_input", _drf_message(detail), _drf_fields(detail))
            if isinstance(detail, list):
                body["fields"] = {"non_field_errors": [str(m) for m in detail]}
        else:
            code = getattr(detail, "code", None) or exc.default_code
            body = error_body(str(code), _drf_message(detail))
        return Response(body, status=exc.status_code, headers=headers)
    # Anything else is a bug: log it (the message, never request data) and answer JSON, not HTML.
    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    return Response(
        error_body("server_error", _("Something went wrong on our side. Please try again later.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
