"""Models of the marketplace app, one module per area; import from here."""

from .moderation import Appeal, AuditLogEntry, FaceClaim, ModerationCase
from .notifications import Notification
from .permissions import MarketplacePermission
from .purchases import Licence, Order, StatusChange
from .schedule import ScheduleRun
from .usage import Dispute, DisputeAttachment, EvidenceStill, Revocation, UsageDeadline, UsageReport

__all__ = [
    "Licence",
    "MarketplacePermission",
    "Notification",
    "Order",
    "StatusChange",
    "Dispute",
    "DisputeAttachment",
    "EvidenceStill",
    "Revocation",
    "UsageDeadline",
    "UsageReport",
]
__all__ += ["Appeal", "AuditLogEntry", "FaceClaim", "ModerationCase"]
__all__ += ["ScheduleRun"]
