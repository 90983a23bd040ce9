from django.contrib import admin

from .models import Assembly, AuditEntry, Invitation, JoinRequest, Membership, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "is_active", "is_staff", "date_joined"]
    search_fields = ["email"]
    list_filter = ["is_active", "is_staff"]
    exclude = ["password"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["display_name", "user", "role", "status", "joined_at"]
    raw_id_fields = ["user"]


@admin.register(Assembly)
class AssemblyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "visibility", "language", "created_at"]
    search_fields = ["name", "slug"]
    exclude = ["description_html"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["display_name", "assembly", "role", "status", "joined_at"]
    list_filter = ["assembly", "role", "status"]
    search_fields = ["display_name"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["assembly", "label", "role", "uses", "max_uses", "expires_at", "revoked_at"]
    exclude = ["token_digest"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["assembly", "display_name", "status", "created_at"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["assembly", "verb", "actor", "target", "created_at"]
    list_filter = ["assembly", "verb"]

    def has_change_permission(self, request, obj=None):
        return False
