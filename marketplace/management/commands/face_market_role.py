"""Grant, revoke or show a person's marketplace roles: ``manage.py face_market_role grant seller ana@host``.

The person is named by the host's login field (``USERNAME_FIELD``: a username, or an e-mail).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kernel.roles import Role
from marketplace.selectors import user_roles
from marketplace.services import user_role_grant, user_role_revoke


class Command(BaseCommand):
    help = "Grant or revoke a marketplace role (seller, buyer, moderator), or show a person's roles."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["grant", "revoke", "show"])
        parser.add_argument("login", help="The person's login (the user model's USERNAME_FIELD).")
        parser.add_argument("role", nargs="?", choices=Role.values)

    def handle(self, *args, action: str, login: str, role: str | None, **options):
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: login}).first()
        if user is None:
            raise CommandError(f"No user whose {User.USERNAME_FIELD} is {login!r}.")
        if action != "show":
            if role is None:
                raise CommandError(f"Name the role to {action}: one of {', '.join(Role.values)}.")
            (user_role_grant if action == "grant" else user_role_revoke)(user=user, role=role)
        user = User._default_manager.get(pk=user.pk)
        self.stdout.write(f"{login}: {', '.join(user_roles(user)) or 'no marketplace role'}")
