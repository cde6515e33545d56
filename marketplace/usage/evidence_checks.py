"""Automatic checks of a usage report: its scope against the licence, its stills against the face index.

Pure reading and scoring: the report service (``usage.py``) applies the verdict. Findings are codes
with a field and a sentence; identity scores are numbers only (never an embedding).
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kernel.money import Money
from listings.quotes import price_quote
from listings.terms import scope_clean, terms_price_factors
from listings.vocabulary import Monetisation, ReachBand, RedLine
from marketplace.models import Licence, UsageReport
from marketplace.purchases.state import LicenceStatus

logger = logging.getLogger(__name__)

#: reach bands by their upper bound in views (None: no bound), in ascending order
REACH_BAND_LIMITS: tuple[tuple[str, int | None], ...] = (
    (ReachBand.UP_TO_100K, 100_000),
    (ReachBand.UP_TO_1M, 1_000_000),
    (ReachBand.UP_TO_10M, 10_000_000),
    (ReachBand.UP_TO_100M, 100_000_000),
    (ReachBand.OVER_100M, None),
)
REACH_ORDER = [band for band, _limit in REACH_BAND_LIMITS]
#: a use that earns less than the licence's monetisation is inside it (free < ads < paid)
MONETISATION_ORDER = [Monetisation.FREE, Monetisation.AD_SUPPORTED, Monetisation.PAID]


def reach_band_for(views: int) -> str:
    for band, limit in REACH_BAND_LIMITS:
        if limit is None or views <= limit:
            return band
    return ReachBand.OVER_100M


@dataclass
class ScopeVerdict:
    findings: list[dict] = field(default_factory=list)
    reported_band: str = ""
    top_up: Money | None = None

    def add(self, code: str, field_name: str, message: str) -> None:
        self.findings.append({"code": code, "field": field_name, "message": str(message)})


def _outside(values, allowed) -> list[str]:
    return [v for v in values if v not in set(allowed or [])]


def reach_top_up(licence: Licence, band: str) -> Money:
    """What the licence would have cost with ``band`` minus what was paid (never below zero).

    Priced on the licence's own terms version and the annual price the buyer saw (the order's base
    line), so a later price change of the listing does not leak into an old licence.
    """
    terms = licence.terms_version
    scope = scope_clean({**licence.scope, "reach_band": band}, terms)
    base_minor = next(line["amount_minor"] for line in licence.order.quote_lines if line["code"] == "base")
    priced = price_quote(
        annual_price=Money(base_minor, licence.currency), factors=terms_price_factors(terms), scope=scope
    ).total
    return max(priced - licence.amount, Money.zero(licence.currency))


def scope_check(report: UsageReport) -> ScopeVerdict:
    """Category, media, territory, dates, sensitive uses, monetisation, training and reach band."""
    licence = report.licence
    scope, terms = licence.scope, licence.terms_version
    verdict = ScopeVerdict()
    if report.use_category not in scope.get("use_categories", []):
        verdict.add("category_out_of_scope", "use_category", _("This use category is not licensed."))
    if bad := _outside(report.media, scope.get("media")):
        verdict.add("media_out_of_scope", "media", _("Media not licensed: %s.") % ", ".join(bad))
    if bad := _outside(report.territories, scope.get("territories")):
        verdict.add(
            "territory_out_of_scope", "territories", _("Territories not licensed: %s.") % ", ".join(bad)
        )
    if bad := _outside(report.sensitive_uses, scope.get("sensitive_uses")):
        verdict.add("sensitive_use", "sensitive_uses", _("Sensitive uses not licensed: %s.") % ", ".join(bad))
    if crossed := [code for code in report.themes if code in (terms.red_lines or [])]:
        verdict.add(
            "red_line",
            "themes",
            _("This use crosses the seller's red lines: %s.")
            % ", ".join(str(RedLine(code).label) for code in crossed),
        )
    if not licence.starts_at.date() <= report.first_used_on <= licence.ends_at.date():
        verdict.add(
            "outside_licence_dates", "first_used_on", _("The first use is outside the licence's dates.")
        )
    paid_mon = scope.get("monetisation")
    if report.monetisation not in MONETISATION_ORDER or (
        paid_mon in MONETISATION_ORDER
        and MONETISATION_ORDER.index(report.monetisation) > MONETISATION_ORDER.index(paid_mon)
    ):
        verdict.add("monetisation_out_of_scope", "monetisation", _("This monetisation is not licensed."))
    if not report.no_training_statement and not (terms.ai_training_allowed and scope.get("ai_training")):
        verdict.add(
            "training_not_allowed", "no_training_statement", _("Training on this face is not licensed.")
        )
    band = reach_band_for(report.reach_views)
    verdict.reported_band = band
    paid_band = scope.get("reach_band", REACH_ORDER[0])
    if REACH_ORDER.index(band) > REACH_ORDER.index(paid_band):
        if band not in terms.reach_factors_bps:
            verdict.add(
                "reach_not_offered", "reach_views", _("This reach is beyond anything the terms offer.")
            )
        else:
            try:
                verdict.top_up = reach_top_up(licence, band)
            except ValidationError:
                verdict.add(
                    "reach_not_offered", "reach_views", _("This reach cannot be priced on the terms.")
                )
    return verdict


@dataclass
class StillVerdict:
    position: int
    code: str  # "licensed_face", "wrong_face", "no_face", "unreadable", "no_template"
    identity_score: float | None = None
    foreign_faces: list[dict] = field(default_factory=list)


def _licensed_template(licence: Licence, engine):
    """The seller's active template of this engine and model (vectors of other models mean nothing)."""
    from verification.models import FaceTemplate

    return (
        FaceTemplate.objects.filter(
            subject_user_id=licence.seller_id,
            kind=FaceTemplate.Kind.SELLER,
            is_active=True,
            engine_id=engine.engine_id,
            model_hash=engine.model_hash,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _better(engine, a: float, b: float) -> bool:
    return a < b if engine.metric == "euclidean" else a > b


def _foreign_hit(licence: Licence, hit) -> dict | None:
    """A face in the still that belongs to someone the buyer holds no active licence for."""
    if hit.kind == "protected":
        return {
            "kind": "protected",
            "protected_person_id": hit.protected_person_id,
            "score": round(hit.score, 4),
        }
    licensed = Licence.objects.filter(
        buyer_id=licence.buyer_id, seller_id=hit.subject_user_id, status=LicenceStatus.ACTIVE
    ).exists()
    if licensed:
        return None
    return {"kind": "seller", "seller_id": hit.subject_user_id, "score": round(hit.score, 4)}


def still_check(licence: Licence, *, position: int, data: bytes, engine, index, template) -> StillVerdict:
    """Find every face in a still: is the licensed face there, and is anyone else's registered face?"""
    from verification.intake import IntakeError, image_intake

    try:
        rgb = image_intake(data, engine=engine, require_single_face=False).rgb
    except IntakeError as exc:
        return StillVerdict(position, "no_face" if exc.code == "no_face" else "unreadable")
    best: float | None = None
    foreign: list[dict] = []
    for face in engine.detect(rgb):
        vector = engine.embed(rgb, face)
        score = engine.score(vector, template.vector()) if template is not None else None
        if score is not None and (best is None or _better(engine, score, best)):
            best = score  # the identity score of the still: its face closest to the licensed one
        if score is not None and engine.is_match(score):
            continue
        hits = index.search(
            vector,
            engine_id=engine.engine_id,
            model_hash=engine.model_hash,
            metric=engine.metric,
            k=1,
            exclude_user_id=licence.seller_id,
        )
        if hits and engine.is_match(hits[0].score):
            found = _foreign_hit(licence, hits[0])
            if found is not None:
                foreign.append(found)
    if template is None:
        code = "no_template"
    elif best is not None and engine.is_match(best):
        code = "licensed_face"
    else:
        code = "wrong_face"
    return StillVerdict(position, code, None if best is None else round(float(best), 4), foreign)


def stills_check(report: UsageReport) -> list[StillVerdict]:
    from verification.engine_registry import get_face_engine, get_face_index

    stills = list(report.stills.all())
    if not stills:
        return []
    engine, index = get_face_engine(), get_face_index()
    template = _licensed_template(report.licence, engine)
    return [
        still_check(
            report.licence,
            position=s.position,
            data=bytes(s.image),
            engine=engine,
            index=index,
            template=template,
        )
        for s in stills
    ]


def moderation_flag(*, source: str, source_ref: str, summary: str, licence: Licence, evidence: dict) -> bool:
    """Open a moderation case through the moderation service if it exists (issue 7); True if opened.

    Imported lazily and called with the keywords it accepts: the two areas are built in parallel.
    """
    from marketplace import services

    case_open = getattr(services, "moderation_case_open", None)
    if case_open is None:
        return False
    offered = {
        "source": source,
        "source_ref": source_ref,
        "summary": summary[:300],
        "listing": licence.listing,
        "seller": licence.seller,
        "licence_reference": licence.reference,
        "evidence": evidence,
    }
    accepted = inspect.signature(case_open).parameters
    case_open(**{k: v for k, v in offered.items() if k in accepted})
    return True
