"""Admin for the kernel's tables: the one status history (read-only) and the outbox (staff can re-send)."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import OutboxEvent, StatusChange


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusHistoryInline(GenericTabularInline):
    """The status history of one object, for any model's admin page."""

    model = StatusChange
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    can_delete = False
    fields = readonly_fields = ["action", "from_status", "to_status", "actor", "reason", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("content_type", "reference", "action", "from_status", "to_status", "created_at")
    list_filter = ("content_type", "to_status")
    search_fields = ("reference",)


@admin.action(description=_("Dispatch again now"))
def outbox_dispatch_again(modeladmin, request, queryset):
    count = 0
    for event in queryset:
        if event.status == OutboxEvent.Status.FAILED:
            OutboxEvent.objects.filter(pk=event.pk).update(status=OutboxEvent.Status.PENDING, attempts=0)
        outbox.event_dispatch(str(event.pk))
        count += 1
    messages.success(request, _("%(count)d events dispatched.") % {"count": count})


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("type", "subject", "sequence", "status", "attempts", "created_at", "handled_at")
    list_filter = ("status", "type")
    search_fields = ("subject", "id")
    actions = [outbox_dispatch_again]
