"""The deal's pages that the lower apps' pages link to, lent through ``kernel.links``."""

from django.urls import reverse

from kernel.links import link_register


def links_register() -> None:
    link_register("account.signup", lambda: reverse("marketplace:signup"))
    link_register("listing.checkout", lambda listing_id: reverse("marketplace:checkout", args=[listing_id]))
    link_register(
        "listing.report", lambda listing_id: reverse("marketplace:report_listing", args=[listing_id])
    )
    link_register(
        "listing.face_claim", lambda listing_id: reverse("marketplace:face_claim", args=[listing_id])
    )
