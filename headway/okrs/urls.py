from django.urls import path

from headway.okrs.views import (
    check_ins,
    cycles,
    dependencies,
    initiatives,
    key_results,
    objectives,
    review,
    tree,
)
from headway.pages import pickers

app_name = "okrs"

urlpatterns = [
    path("", tree.tree, name="tree"),
    path("tree/<str:key>/", tree.branch, name="tree-branch"),
    path("check-in/", check_ins.check_in, name="check-in"),
    path("review/", review.review, name="review"),
    path("review/<str:cycle_key>/", review.review, name="review-cycle"),
    path("cycles/<str:cycle_key>/close/", cycles.close_cycle, name="cycle-close"),
    path("cycles/<str:cycle_key>/reopen/", cycles.reopen_cycle, name="cycle-reopen"),
    path("cycles/<str:cycle_key>/carry-over/", review.carry_over, name="cycle-carry-over"),
    path("cycles/new/", cycles.cycle_create, name="cycle-create"),
    path("cycles/<str:cycle_key>/edit/", cycles.cycle_edit, name="cycle-edit"),
    path("objectives/new/", objectives.objective_create, name="objective-create"),
    path("objectives/<str:key>/", objectives.objective_detail, name="objective"),
    path("objectives/<str:key>/edit/", objectives.objective_edit, name="objective-edit"),
    path("objectives/<str:key>/delete/", objectives.objective_delete, name="objective-delete"),
    path(
        "objectives/<str:key>/dependencies/",
        dependencies.dependency_create,
        name="dependency-create",
    ),
    path(
        "dependencies/<int:dependency_id>/delete/",
        dependencies.dependency_delete,
        name="dependency-delete",
    ),
    path("objectives/<str:key>/retrospective/", review.retrospective, name="retrospective"),
    path(
        "objectives/<str:key>/initiatives/", initiatives.initiative_create, name="initiative-create"
    ),
    path("initiatives/<str:key>/status/", initiatives.initiative_status, name="initiative-status"),
    path("initiatives/<str:key>/edit/", initiatives.initiative_edit, name="initiative-edit"),
    path("initiatives/<str:key>/delete/", initiatives.initiative_delete, name="initiative-delete"),
    path(
        "objectives/<str:key>/key-results/new/",
        key_results.key_result_create,
        name="key-result-create",
    ),
    path("key-results/<str:key>/edit/", key_results.key_result_edit, name="key-result-edit"),
    path("key-results/<str:key>/delete/", key_results.key_result_delete, name="key-result-delete"),
    path("pick/objectives/", pickers.pick_objectives, name="pick-objectives"),
    path("pick/dependencies/", pickers.pick_dependency_targets, name="pick-dependencies"),
]
