"""Pages anyone may read: the tiers and their prices, one page per tier, the FAQ and the terms."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from listings.selectors import tiers_offered


@require_GET
def tiers_page(request):
    return render(request, "marketplace/info/tiers.html", {"tiers": tiers_offered()})


@require_GET
def tier_page(request, slug: str):
    tier = tiers_offered().filter(slug=slug).first()
    if tier is None:
        raise Http404
    return render(request, "marketplace/info/tier.html", {"tier": tier})


@require_GET
def faq_page(request):
    return render(request, "marketplace/info/faq.html")


@require_GET
def terms_page(request):
    return render(request, "marketplace/info/terms.html")
