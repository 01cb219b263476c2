from django.urls import path

from headway.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("workspace/", views.switch_workspace, name="switch-workspace"),
    path("settings/", views.settings, name="settings"),
    path("settings/members/", views.member_add, name="member-add"),
    path("settings/members/new/", views.member_create, name="member-create"),
    path("settings/members/<int:member_id>/role/", views.change_role, name="change-role"),
    path("settings/members/<int:member_id>/remove/", views.member_remove, name="member-remove"),
    path("settings/tokens/", views.token_create, name="token-create"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]
