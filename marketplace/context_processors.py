from marketplace.conf import market_settings
from marketplace.navigation import nav_for_roles
from marketplace.selectors import notifications_of, user_roles


def face_market(request) -> dict:
    """The base template of the plugin's pages (``FACE_MARKET["BASE_TEMPLATE"]``), roles, navigation."""
    return {"face_market_base_template": market_settings.BASE_TEMPLATE, **market_roles(request)}


def market_roles(request) -> dict:
    """The signed-in user's roles and the navigation they get (one entry list per role)."""
    user = getattr(request, "user", None)
    roles = user_roles(user) if user is not None else []
    unread = notifications_of(user=user, unread_only=True).count() if roles else 0
    return {"market_roles": roles, "market_nav": nav_for_roles(roles), "market_unread": unread}
