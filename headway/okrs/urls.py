from django.urls import path

from headway.okrs import views, views_checkin, views_edit

app_name = "okrs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("check-in/", views_checkin.check_in, name="check-in"),
    path("review/", views.review, name="review"),
    path("review/<str:cycle_key>/", views.review, name="review-cycle"),
    path("cycles/<str:cycle_key>/close/", views.close_cycle, name="cycle-close"),
    path("cycles/<str:cycle_key>/reopen/", views.reopen_cycle, name="cycle-reopen"),
    path("cycles/<str:cycle_key>/carry-over/", views.carry_over, name="cycle-carry-over"),
    path("cycles/new/", views_edit.cycle_create, name="cycle-create"),
    path("cycles/<str:cycle_key>/edit/", views_edit.cycle_edit, name="cycle-edit"),
    path("objectives/new/", views_edit.objective_create, name="objective-create"),
    path("objectives/<str:key>/", views.objective_detail, name="objective"),
    path("objectives/<str:key>/edit/", views_edit.objective_edit, name="objective-edit"),
    path("objectives/<str:key>/delete/", views_edit.objective_delete, name="objective-delete"),
    path("objectives/<str:key>/dependencies/", views.dependency_create, name="dependency-create"),
    path(
        "dependencies/<int:dependency_id>/delete/",
        views.dependency_delete,
        name="dependency-delete",
    ),
    path("objectives/<str:key>/retrospective/", views.retrospective, name="retrospective"),
    path("objectives/<str:key>/initiatives/", views.initiative_create, name="initiative-create"),
    path("initiatives/<str:key>/status/", views.initiative_status, name="initiative-status"),
    path("initiatives/<str:key>/edit/", views_edit.initiative_edit, name="initiative-edit"),
    path("initiatives/<str:key>/delete/", views_edit.initiative_delete, name="initiative-delete"),
    path(
        "objectives/<str:key>/key-results/new/",
        views_edit.key_result_create,
        name="key-result-create",
    ),
    path("key-results/<str:key>/edit/", views_edit.key_result_edit, name="key-result-edit"),
    path("key-results/<str:key>/delete/", views_edit.key_result_delete, name="key-result-delete"),
]
