"""The closed vocabularies of licence terms and quote scopes.

Each is a ``TextChoices`` so the stored value is a stable code (what the API speaks and what the
purchase flow pins in a licence) while the label is translated for people.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UseCategory(models.TextChoices):
    DRAMA_ROMANCE = "drama_romance", _("Drama: romance")
    DRAMA_FAMILY = "drama_family", _("Drama: family and urban life")
    DRAMA_SUSPENSE = "drama_suspense", _("Drama: suspense and crime")
    DRAMA_FANTASY = "drama_fantasy", _("Drama: fantasy and xianxia")
    DRAMA_HISTORICAL = "drama_historical", _("Drama: historical and costume")
    DRAMA_COMEDY = "drama_comedy", _("Drama: comedy")
    DRAMA_ACTION = "drama_action", _("Drama: action")
    ADVERTISING = "advertising", _("Advertising")
    GAMES = "games", _("Games")
    SOCIAL_POSTS = "social_posts", _("Social media posts")


class Medium(models.TextChoices):
    SHORT_VIDEO_APP = "short_video_app", _("Short-video apps")
    STREAMING = "streaming", _("Streaming platforms")
    TELEVISION = "television", _("Television")
    CINEMA = "cinema", _("Cinema")
    ONLINE_ADS = "online_ads", _("Online advertising")
    OUTDOOR_PRINT = "outdoor_print", _("Outdoor and print")
    IN_GAME = "in_game", _("In-game")


class Territory(models.TextChoices):
    MAINLAND_CHINA = "CN", _("Mainland China")
    HONG_KONG = "HK", _("Hong Kong")
    MACAO = "MO", _("Macao")
    TAIWAN = "TW", _("Taiwan")
    SOUTHEAST_ASIA = "SEA", _("Southeast Asia")
    JAPAN_KOREA = "JPKR", _("Japan and Korea")
    NORTH_AMERICA = "NA", _("North America")
    EUROPE = "EU", _("Europe")
    REST_OF_WORLD = "ROW", _("Rest of the world")


class Exclusivity(models.TextChoices):
    NONE = "none", _("Not exclusive")
    CATEGORY = "category", _("Exclusive within the licensed use categories")
    FULL = "full", _("Fully exclusive: no other licence of this face")


class ReachBand(models.TextChoices):
    """Projected views of the production, in bands (the buyer declares it; usage reports check it)."""

    UP_TO_100K = "up_to_100k", _("Up to 100 thousand views")
    UP_TO_1M = "up_to_1m", _("100 thousand to 1 million views")
    UP_TO_10M = "up_to_10m", _("1 to 10 million views")
    UP_TO_100M = "up_to_100m", _("10 to 100 million views")
    OVER_100M = "over_100m", _("Over 100 million views")


class Monetisation(models.TextChoices):
    FREE = "free", _("Free to watch, no ads")
    AD_SUPPORTED = "ad_supported", _("Ad-supported")
    PAID = "paid", _("Paid (pay per view, subscription, in-app purchase)")


class SensitiveUse(models.TextChoices):
    """Uses that are off unless the seller opts into each one."""

    POLITICAL = "political", _("Political")
    NEWS_STYLE = "news_style", _("News-style or documentary")
    ADULT = "adult", _("Adult or sexual")
    MEDICAL = "medical", _("Medical or health claims")
    GAMBLING_FINANCE = "gambling_finance", _("Gambling and finance")
    RELIGIOUS = "religious", _("Religious")


class RedLine(models.TextChoices):
    """Roles and themes a seller never allows their face in (the seller's red lines)."""

    VILLAIN = "villain", _("Villain or antagonist roles")
    SEXUAL = "sexual", _("Sexual or suggestive content")
    POLITICAL = "political", _("Political content")
    MEDICAL = "medical", _("Medical or health claims")
    RELIGIOUS = "religious", _("Religious content")
    MINORS = "minors", _("Content involving or aimed at minors")
    VIOLENCE = "violence", _("Graphic violence")
    CRIME = "crime", _("Committing crimes on screen")
    DEATH = "death", _("Death, funerals or memorial portraits")
    RIDICULE = "ridicule", _("Mockery or humiliation")


#: a red line and the sensitive use of the same meaning: a seller cannot forbid and opt into both
RED_LINE_SENSITIVE_USE = {
    "sexual": "adult",
    "political": "political",
    "medical": "medical",
    "religious": "religious",
}


class ApprovalMode(models.TextChoices):
    PER_USE = "per_use", _("Each use needs my approval (which drama, which shot)")
    PRE_APPROVED = "pre_approved", _("Pre-approved within the licensed scope")


class Language(models.TextChoices):
    MANDARIN = "zh", _("Mandarin")
    CANTONESE = "yue", _("Cantonese")
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")
    THAI = "th", _("Thai")
    VIETNAMESE = "vi", _("Vietnamese")
    INDONESIAN = "id", _("Indonesian")
    SPANISH = "es", _("Spanish")
    FRENCH = "fr", _("French")


#: longest licence, in months: licences are never perpetual
MAX_DURATION_MONTHS = 12

#: price factors are stored as integer basis points (10 000 = x1.00) so no float touches a price
FACTOR_ONE_BPS = 10_000
