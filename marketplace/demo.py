"""Demo data for the one-machine run: an account per role with known passwords (DEBUG only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .roles import Role
from .services import user_role_grant

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  (printed to the operator; refused outside DEBUG)
DEMO_ACCOUNTS = (
    ("demo_seller", Role.SELLER),
    ("demo_buyer", Role.BUYER),
    ("demo_moderator", Role.MODERATOR),
)


class DemoRefused(RuntimeError):
    pass


@transaction.atomic
def demo_accounts_ensure() -> list[tuple[str, str, str]]:
    """Create (or reset) one account per role. Returns (username, password, role) rows."""
    if not settings.DEBUG:
        raise DemoRefused("Demo accounts have known passwords: they are only created with DEBUG on.")
    User = get_user_model()
    rows = []
    for username, role in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            **{User.USERNAME_FIELD: username}, defaults={"email": f"{username}@example.test"}
        )
        user.set_password(DEMO_PASSWORD)
        user.is_staff = role == Role.MODERATOR  # moderators work in the staff pages
        user.save()
        user_role_grant(user=user, role=role)
        rows.append((username, DEMO_PASSWORD, role.value))
    return rows
