"""Reads about accounts: which roles a user acts in."""

from __future__ import annotations

from ..roles import ROLE_PERMISSIONS, Role


def user_roles(user) -> list[str]:
    """The roles a user acts in, from their permissions (groups or direct grants)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        role.value
        for role in Role
        if all(user.has_perm(f"fm_marketplace.{codename}") for codename in ROLE_PERMISSIONS[role])
    ]


def user_has_role(user, role: str) -> bool:
    return role in user_roles(user)
