"""Admin for the money. Everything is read-only: money changes only through the services (the ledger
is append-only), and the few actions here call those services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    EscrowHold,
    GatewayPayment,
    LedgerAccount,
    LedgerLeg,
    LedgerTransaction,
    PayoutAccount,
    PayoutFreeze,
    ReconciliationReport,
    Refund,
    SandboxRecord,
    Transfer,
    WebhookEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LegInline(admin.TabularInline):
    model = LedgerLeg
    fields = ("account", "amount", "currency")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "currency", "owner", "reference", "gateway", "created_at")
    list_filter = ("kind", "currency")
    search_fields = ("code", "reference")


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "reference", "description", "reverses", "created_at")
    list_filter = ("kind",)
    search_fields = ("reference", "idempotency_key")
    inlines = [LegInline]


@admin.register(LedgerLeg)
class LedgerLegAdmin(ReadOnlyAdmin):
    list_display = ("id", "transaction", "account", "amount", "currency")
    list_filter = ("currency", "account__kind")
    search_fields = ("account__code", "transaction__reference")


@admin.register(EscrowHold)
class EscrowHoldAdmin(ReadOnlyAdmin):
    list_display = ("reference", "status", "amount", "currency", "payee", "created_at", "ended_at")
    list_filter = ("status", "currency")
    search_fields = ("reference",)


@admin.register(GatewayPayment)
class GatewayPaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "gateway_payment_id",
        "gateway",
        "reference",
        "amount",
        "currency",
        "status",
        "created_at",
    )
    list_filter = ("gateway", "status")
    search_fields = ("reference", "gateway_payment_id")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("reference", "source", "amount", "currency", "status", "gateway_refund_id", "created_at")
    list_filter = ("status", "source", "gateway")
    search_fields = ("reference", "gateway_refund_id")


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ReadOnlyAdmin):
    list_display = ("user", "gateway", "gateway_account_id", "status", "updated_at")
    list_filter = ("gateway", "status")
    search_fields = ("gateway_account_id",)


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("reference", "seller", "amount", "currency", "status", "attempts", "note", "paid_at")
    list_filter = ("status", "gateway")
    search_fields = ("reference", "gateway_transfer_id")
    actions = ["retry"]

    @admin.action(description=_("Retry the selected pending or failed transfers"), permissions=["view"])
    def retry(self, request, queryset):
        paid = sum(services.transfers_retry(transfer_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(n)d transfer(s) paid.") % {"n": paid}, messages.INFO)


@admin.register(PayoutFreeze)
class PayoutFreezeAdmin(ReadOnlyAdmin):
    list_display = ("reference", "seller", "reason", "created_by", "created_at", "lifted_at")
    list_filter = ("lifted_at",)
    search_fields = ("reference",)
    actions = ["lift"]

    @admin.action(description=_("Lift the selected freezes"), permissions=["view"])
    def lift(self, request, queryset):
        lifted = 0
        for freeze in queryset.filter(lifted_at__isnull=True):
            lifted += services.payouts_unfreeze(
                reference=freeze.reference, seller=freeze.seller_id, actor=request.user
            )
        self.message_user(request, _("%(n)d freeze(s) lifted.") % {"n": lifted}, messages.INFO)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = (
        "event_id",
        "gateway",
        "type",
        "status",
        "handled",
        "received_at",
        "processed_at",
        "attempts",
        "failed_at",
    )
    list_filter = ("status", "gateway", "handled", "type")
    search_fields = ("event_id",)
    readonly_fields = ("processing_error",)
    actions = ["requeue_failed"]

    @admin.action(description=_("Process the selected failed events again"))
    def requeue_failed(self, request, queryset):
        for pk in queryset.filter(status="failed").values_list("pk", flat=True):
            services.webhook_event_requeue(webhook_event_id=pk, actor=request.user)


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "gateway", "started_at", "finished_at", "ok", "error")


@admin.register(SandboxRecord)
class SandboxRecordAdmin(ReadOnlyAdmin):
    list_display = ("gateway_id", "kind", "reference", "amount", "currency", "status", "created_at")
    list_filter = ("kind", "status")
