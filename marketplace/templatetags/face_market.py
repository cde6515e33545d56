"""Template tags of the plugin's pages that must not assume the host's URL names.

``{% load face_market %}`` then ``{% face_market_login_url as login_url %}`` (``settings.LOGIN_URL``,
a URL name or a path) and ``{% face_market_signup_url as signup_url %}`` (empty when the host owns
sign-up: ``FACE_MARKET["SIGNUP_ENABLED"] = False``).
"""

from django import template
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from marketplace.conf import market_settings

register = template.Library()


@register.simple_tag
def face_market_login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


@register.simple_tag
def face_market_signup_url() -> str:
    return reverse("marketplace:signup") if market_settings.SIGNUP_ENABLED else ""
