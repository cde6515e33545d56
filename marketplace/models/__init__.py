"""Models of the marketplace app, one module per area; import from here."""

from ..access.models import ListingAccess, ProjectRequest  # noqa: F401  (who may use my face)
from ..trust.models import (
    ConsentCheckReceipt,
    ContentLabel,
    LabelledStill,
    LicenceCredential,
    StatusList,
    TrustKey,
)
from .moderation import Appeal, AuditLogEntry, FaceClaim, ModerationCase
from .notifications import Notification
from .purchases import Licence, Order
from .schedule import ScheduleRun
from .usage import Dispute, DisputeAttachment, EvidenceStill, Revocation, UsageDeadline, UsageReport

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
from ..webhooks.models import (  # noqa: E402,F401  (outbound webhooks)
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
