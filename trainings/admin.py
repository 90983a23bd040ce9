from django.contrib import admin

from .models import Rsvp, Training, TrainingSettings


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["title", "assembly", "starts_at", "capacity", "confirmed_count"]
    list_filter = ["assembly"]
    exclude = ["description_html", "public_token"]
    raw_id_fields = ["created_by", "parent"]


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ["training", "status", "queued_at", "checked_in_at"]
    list_filter = ["status"]
    exclude = ["name", "contact", "reach"]
    raw_id_fields = ["training", "member", "checked_in_by", "invited_by", "joined_as", "invitation"]


@admin.register(TrainingSettings)
class TrainingSettingsAdmin(admin.ModelAdmin):
    list_display = ["assembly", "guest_days"]
