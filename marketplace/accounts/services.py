"""Writes of the marketplace app: accounts and roles (deal services join them later)."""

from __future__ import annotations

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import DEFAULT_DB_ALIAS, transaction

from kernel.roles import PERMISSION_APP_LABEL, ROLE_PERMISSIONS, SELF_SERVICE_ROLES, Role, role_group_name


@transaction.atomic
def role_groups_sync(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, Group]:
    """Create the role groups and give each exactly its permissions. Safe to run repeatedly.

    The permissions themselves are created first if they are missing (as after a database flush
    that skipped post_migrate), the way ``django.contrib.auth`` creates them after ``migrate``."""
    create_permissions(django_apps.get_app_config(PERMISSION_APP_LABEL), verbosity=0, using=using)
    groups: dict[str, Group] = {}
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role_group_name(role))
        perms = Permission.objects.using(using).filter(
            content_type__app_label=PERMISSION_APP_LABEL, codename__in=codenames
        )
        group.permissions.set(perms)
        groups[role] = group
    return groups


@transaction.atomic
def user_role_grant(*, user, role: str) -> None:
    group = Group.objects.filter(name=role_group_name(role)).first()
    if group is None or not group.permissions.exists():  # missing, or emptied (a database flush)
        group = role_groups_sync()[Role(role)]
    user.groups.add(group)
    # the permission cache on the instance would otherwise hide the new role until reload
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)


@transaction.atomic
def user_role_revoke(*, user, role: str) -> None:
    group = Group.objects.filter(name=role_group_name(role)).first()
    if group is not None:
        user.groups.remove(group)
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)


def signup_needs_username() -> bool:
    """False for a host's e-mail user model (the e-mail is the login, there is no username)."""
    User = get_user_model()
    return User.USERNAME_FIELD != User.get_email_field_name()


@transaction.atomic
def user_signup(*, email: str, password: str, role: str, username: str = ""):
    """Register a seller or a buyer. Moderators are appointed by staff, never self-chosen.

    Works with any ``AUTH_USER_MODEL``: ``username`` is used only when the login field is not the e-mail.
    """
    if role not in SELF_SERVICE_ROLES:
        raise ValueError(f"Role {role!r} cannot be chosen at sign-up")
    User = get_user_model()
    fields = {User.get_email_field_name(): User.objects.normalize_email(email)}
    if signup_needs_username():
        fields[User.USERNAME_FIELD] = username
    user = User(**fields)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user_role_grant(user=user, role=role)
    return user
