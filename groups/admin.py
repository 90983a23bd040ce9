from django.contrib import admin

from assembly.text import render_markdown

from .models import Group, GroupMembership, Post, PostRevision, Signup


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    fields = ["member", "status", "is_lead", "muted", "joined_at"]
    raw_id_fields = ["member"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "assembly", "kind", "join_policy", "created_at"]
    list_filter = ["assembly", "kind"]
    search_fields = ["name"]
    exclude = ["mandate_html"]
    raw_id_fields = ["created_by"]
    inlines = [GroupMembershipInline]

    def save_model(self, request, obj, form, change):
        obj.mandate_html = render_markdown(obj.mandate)
        super().save_model(request, obj, form, change)


class PostRevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    fields = ["title", "written_at", "replaced_by", "replaced_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read-only: posts are written through the site, so they stay sanitised and their
    sign-up counters stay true. A superuser may still delete one."""

    list_display = ["title", "group", "kind", "author", "created_at", "signups_count", "wanted"]
    list_filter = ["kind", "group__assembly"]
    search_fields = ["title"]
    readonly_fields = ["body_html", "asks_html", "signups_count"]
    raw_id_fields = ["author", "group", "assembly"]
    inlines = [PostRevisionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["post", "member", "created_at"]
    raw_id_fields = ["post", "member"]

    def has_change_permission(self, request, obj=None):
        return False
