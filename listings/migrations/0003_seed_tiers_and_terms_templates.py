"""Seeds the five tiers and the terms templates sellers start from (staff edit them in the admin).

Amounts are CNY fen. The data is written out here, frozen, as a data migration must be.
"""

from django.db import migrations

DRAMA = ["drama_romance", "drama_family", "drama_suspense", "drama_fantasy", "drama_historical",
         "drama_comedy", "drama_action"]
GREATER_CHINA = ["CN", "HK", "MO", "TW"]
EVERYWHERE = GREATER_CHINA + ["SEA", "JPKR", "NA", "EU", "ROW"]
REACH_SMALL = {"up_to_100k": 10_000, "up_to_1m": 12_500, "up_to_10m": 15_000}
REACH_ALL = {"up_to_100k": 10_000, "up_to_1m": 15_000, "up_to_10m": 20_000, "up_to_100m": 30_000,
             "over_100m": 50_000}
MONETISATION = {"free": 10_000, "ad_supported": 12_000, "paid": 15_000}

TIERS = [
    # slug, name, rank, base annual price (fen) or None for price on request, description
    ("extra", "Extra", 10, 10_000, "Background roles: crowds, passers-by, a face in the scene."),
    ("featured", "Featured", 20, 80_000, "Recognisable in a scene, a line or two."),
    ("supporting", "Supporting", 30, 300_000, "A named supporting character across episodes."),
    ("lead", "Lead", 40, 1_200_000, "A lead role: the face the production is built around."),
    ("star", "Star", 50, None, "Priced by the production's reach and monetisation: ask the seller."),
]

TEMPLATES = [
    {
        "slug": "extra-short-drama", "name": "Background extra in short dramas", "tier": "extra",
        "description": "Any short-drama genre in mainland China, pre-approved, never exclusive.",
        "use_categories": DRAMA, "territories": ["CN"], "max_duration_months": 12,
        "media_factors_bps": {"short_video_app": 10_000, "streaming": 12_000},
        "reach_factors_bps": REACH_SMALL, "monetisation_factors_bps": MONETISATION,
        "exclusivity_factors_bps": {"none": 10_000}, "approval_mode": "pre_approved",
    },
    {
        "slug": "featured-drama-social", "name": "Featured in dramas and social posts", "tier": "featured",
        "description": "Dramas and social posts in Greater China; each use approved by the seller.",
        "use_categories": DRAMA + ["social_posts"], "territories": GREATER_CHINA, "max_duration_months": 12,
        "media_factors_bps": {"short_video_app": 10_000, "streaming": 12_500, "online_ads": 15_000},
        "reach_factors_bps": REACH_ALL, "monetisation_factors_bps": MONETISATION,
        "exclusivity_factors_bps": {"none": 10_000, "category": 15_000}, "approval_mode": "per_use",
    },
    {
        "slug": "lead-drama-advertising", "name": "Lead in dramas, advertising and games", "tier": "lead",
        "description": "Every category, worldwide, exclusivity available; each use approved by the seller.",
        "use_categories": DRAMA + ["advertising", "games", "social_posts"], "territories": EVERYWHERE,
        "max_duration_months": 12,
        "media_factors_bps": {"short_video_app": 10_000, "streaming": 12_500, "television": 15_000,
                              "cinema": 20_000, "online_ads": 15_000, "outdoor_print": 17_500,
                              "in_game": 12_500},
        "reach_factors_bps": REACH_ALL, "monetisation_factors_bps": MONETISATION,
        "exclusivity_factors_bps": {"none": 10_000, "category": 20_000, "full": 40_000},
        "approval_mode": "per_use",
    },
]


def seed(apps, schema_editor):
    Tier = apps.get_model("fm_listings", "Tier")
    Template = apps.get_model("fm_listings", "LicenceTermsTemplate")
    tiers = {}
    for slug, name, rank, price, description in TIERS:
        tiers[slug], _ = Tier.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "rank": rank, "base_annual_price_minor": price, "currency": "CNY",
                      "price_on_request": price is None, "description": description},
        )
    for data in TEMPLATES:
        data = dict(data)
        tier = tiers[data.pop("tier")]
        Template.objects.update_or_create(slug=data.pop("slug"), defaults={**data, "suggested_tier": tier})


def unseed(apps, schema_editor):
    apps.get_model("fm_listings", "LicenceTermsTemplate").objects.filter(
        slug__in=[t["slug"] for t in TEMPLATES]).delete()
    apps.get_model("fm_listings", "Tier").objects.filter(slug__in=[t[0] for t in TIERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("fm_listings", "0002_search_index_and_sold_terms_guard")]
    operations = [migrations.RunPython(seed, unseed)]
