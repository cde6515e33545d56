"""The error body the marketplace API answers refusals with: a stable ``code`` and a human ``message``."""

from rest_framework import status
from rest_framework.response import Response


def api_error(code: str, message: str, http_status=status.HTTP_400_BAD_REQUEST, **extra) -> Response:
    return Response({"code": code, "message": message, **extra}, status=http_status)
