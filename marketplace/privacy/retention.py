"""How long each kind of data is kept, and why: the retention page reads this table."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RETENTION_ROWS = [
    (
        _("Reference photos and liveness camera frames"),
        _("Deleted as soon as the verification has a result (and at once on consent withdrawal)."),
        _("Needed only to check that you are a live person and that the face is yours."),
    ),
    (
        _("Face template (a numerical description of the face)"),
        _("While you are a verified seller; deleted, and taken out of the face index, on withdrawal."),
        _("Stops others from listing your face."),
    ),
    (
        _("Record of your biometric consent and its withdrawal"),
        _("Kept after withdrawal: the date and the text you accepted, no face data."),
        _("Shows that the processing had your consent while it ran."),
    ),
    (
        _("Portfolio photos"),
        _("Until you remove them or ask for erasure."),
        _("Show buyers the face they licence."),
    ),
    (
        _("Name, e-mail, password, notifications, claim statements"),
        _("Until you ask for erasure; then deleted, and the account is given a pseudonym."),
        _("Run your account."),
    ),
    (
        _("Licences, orders, escrow, refunds and payouts (the ledger)"),
        _("Kept under the pseudonym for as long as accounting and tax law require."),
        _("Money moved: the law requires the records; they hold no face data."),
    ),
    (
        _("Usage reports, disputes and the moderation audit log"),
        _("Kept under the pseudonym while a licence, a dispute or a legal claim can still need them."),
        _("Evidence of how a licensed face was used, and of moderators' decisions."),
    ),
]
