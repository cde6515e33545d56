"""Models of the marketplace app, one module per area; import from here."""

from marketplace.access.models import ListingAccess, ProjectRequest  # noqa: F401  (who may use my face)
from marketplace.accounts.models import Notification
from marketplace.embedding.models import ScheduleRun
from marketplace.moderation.models import Appeal, AuditLogEntry, FaceClaim, ModerationCase
from marketplace.purchases.models import Licence, Order
from marketplace.trust.models import (
    ConsentCheckReceipt,
    ContentLabel,
    LabelledStill,
    LicenceCredential,
    StatusList,
    TrustKey,
)
from marketplace.usage.models import (
    Dispute,
    DisputeAttachment,
    EvidenceStill,
    Revocation,
    UsageDeadline,
    UsageReport,
)

__all__ = [
    "Licence",
    "Notification",
    "Order",
    "Dispute",
    "DisputeAttachment",
    "EvidenceStill",
    "Revocation",
    "UsageDeadline",
    "UsageReport",
]
__all__ += ["Appeal", "AuditLogEntry", "FaceClaim", "ModerationCase"]
from marketplace.webhooks.models import (  # noqa: E402,F401  (outbound webhooks)
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookEndpoint,
    WebhookMessage,
    WebhookSubjectSequence,
)

__all__ += [
    "ConsentCheckReceipt",
    "ContentLabel",
    "LabelledStill",
    "LicenceCredential",
    "StatusList",
    "TrustKey",
]
__all__ += ["ScheduleRun"]
