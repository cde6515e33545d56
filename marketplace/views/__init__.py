from marketplace.accounts.views import healthz, home, signup
from marketplace.purchases.views import (
    checkout_confirm,
    checkout_review,
    licence_detail,
    licence_first_use,
    licences,
    order_detail,
)

__all__ = [
    "checkout_confirm",
    "checkout_review",
    "healthz",
    "home",
    "licence_detail",
    "licence_first_use",
    "licences",
    "order_detail",
    "signup",
]
