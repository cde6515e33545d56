"""Service exceptions -> API responses, in one place, so views stay free of error plumbing."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response

from ..errors import ExclusivityConflict, ListingsError, NotTheOwner, PriceOnRequest, TransitionRefused

STATUS_BY_ERROR = (
    (NotTheOwner, status.HTTP_403_FORBIDDEN),
    (ExclusivityConflict, status.HTTP_409_CONFLICT),
    (PriceOnRequest, status.HTTP_409_CONFLICT),
    (TransitionRefused, status.HTTP_409_CONFLICT),
)


def validation_payload(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"detail": " ".join(str(m) for m in exc.messages), "code": getattr(exc, "code", None) or "invalid"}


class ServiceErrorsMixin:
    """Turns what the services raise into 400 (bad input), 403 (not yours) or 409 (not now)."""

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            return Response(validation_payload(exc), status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, ListingsError):
            code = next(
                (s for cls, s in STATUS_BY_ERROR if isinstance(exc, cls)), status.HTTP_400_BAD_REQUEST
            )
            body = {"detail": exc.message, "code": exc.code}
            if isinstance(exc, ExclusivityConflict):
                body["categories"] = exc.categories
            return Response(body, status=code)
        return super().handle_exception(exc)
