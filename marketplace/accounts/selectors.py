"""Reads about accounts: which roles a user acts in (the roles themselves live in ``kernel.roles``)."""

from __future__ import annotations

from kernel.roles import Role, has_role


def user_roles(user) -> list[str]:
    """The roles a user acts in, from their permissions (groups or direct grants)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [role.value for role in Role if has_role(user, role)]


def user_has_role(user, role: str) -> bool:
    return role in user_roles(user)
