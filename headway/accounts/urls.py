from django.urls import path

from headway.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("workspace/", views.switch_workspace, name="switch-workspace"),
    path("settings/", views.settings, name="settings"),
    path("settings/rhythm/", views.rhythm, name="rhythm"),
    path("settings/members/", views.member_add, name="member-add"),
    path("settings/members/new/", views.member_create, name="member-create"),
    path("settings/members/<int:member_id>/role/", views.change_role, name="change-role"),
    path("settings/members/<int:member_id>/remove/", views.member_remove, name="member-remove"),
    path(
        "settings/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("settings/tokens/", views.tokens_page, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("invitations/", views.invitations, name="invitations"),
    path(
        "invitations/<int:invitation_id>/<str:answer>/",
        views.invitation_answer,
        name="invitation-answer",
    ),
    path("workspaces/new/", views.workspace_create, name="workspace-create"),
]
