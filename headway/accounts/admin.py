from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from headway.accounts.models import ApiToken, Invitation, Membership, User, Workspace


@admin.register(User)
class HeadwayUserAdmin(UserAdmin[User]):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Headway", {"fields": ("name",)}))
    list_display = ("username", "name", "email", "is_staff")


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin[Workspace]):
    list_display = ("key", "name", "timezone")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "workspace", "role")
    list_filter = ("workspace", "role")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "name", "user", "workspace", "expires_at", "revoked_at")
    readonly_fields = ("digest", "prefix")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("login", "workspace", "role", "state", "user", "created_at")
    list_filter = ("state", "workspace")
    readonly_fields = ("user", "invited_by", "created_at", "answered_at")
