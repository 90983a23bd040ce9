from django.contrib import admin

from .models import Callout, Report, ReportEvent, ResponseSettings


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = ["kind", "status", "actor", "note", "expires_at", "created_at"]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["place", "assembly", "status", "created_at", "expires_at"]
    list_filter = ["assembly", "status"]
    readonly_fields = ["reporter", "confirmations_count", "banner", "photo"]
    inlines = [ReportEventInline]


@admin.register(Callout)
class CalloutAdmin(admin.ModelAdmin):
    list_display = ["place", "assembly", "created_at", "closed_at", "on_way_count"]
    list_filter = ["assembly"]
    raw_id_fields = ["sender", "closed_by", "report"]


@admin.register(ResponseSettings)
class ResponseSettingsAdmin(admin.ModelAdmin):
    list_display = ["assembly", "verifier_group", "network_group", "answer_days"]
