from django.urls import path

from competitions import views, views_calls, views_problems, views_workspace

app_name = "competitions"

W = "municipalities/<slug:code>/workspace/"

urlpatterns = [
    # Public
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/mine/", views_workspace.my_municipalities, name="my_municipalities"),
    path("municipalities/<slug:code>/", views.municipality_detail, name="municipality_detail"),
    path("problems/", views_problems.problem_list, name="problem_list"),
    path("problems/<int:pk>/", views_problems.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/support/", views_problems.problem_support, name="problem_support"),
    path("problems/<int:pk>/comments/", views_problems.problem_comment, name="problem_comment"),
    path("programmes/<int:pk>/", views_problems.programme_detail, name="programme_detail"),
    path("calls/", views_calls.call_list, name="call_list"),
    path("calls/<int:pk>/", views_calls.call_detail, name="call_detail"),
    path("calls/<int:pk>/questions/", views_calls.question_ask, name="question_ask"),
    # The municipality's private workspace
    path(W, views_workspace.workspace, name="workspace"),
    path(W + "staff/", views_workspace.add_staff, name="add_staff"),
    path(W + "staff/<int:staff_id>/remove/", views_workspace.remove_staff, name="remove_staff"),
    path(W + "problems/", views_problems.workspace_problems, name="workspace_problems"),
    path(W + "programmes/new/", views_problems.programme_new, name="programme_new"),
    path(W + "calls/", views_calls.workspace_calls, name="workspace_calls"),
    path(W + "calls/new/", views_calls.call_new, name="call_new"),
    path(W + "calls/<int:pk>/", views_calls.call_manage, name="call_manage"),
    path(W + "calls/<int:pk>/edit/", views_calls.call_edit, name="call_edit"),
    path(W + "calls/<int:pk>/publish/", views_calls.call_publish, name="call_publish"),
    path(W + "calls/<int:pk>/cancel/", views_calls.call_cancel, name="call_cancel"),
    path(W + "calls/<int:pk>/amend/", views_calls.call_amend, name="call_amend"),
    path(
        W + "calls/<int:pk>/questions/<int:question_id>/answer/",
        views_calls.question_answer,
        name="question_answer",
    ),
    path(W + "problems/new/", views_problems.problem_new, name="problem_new"),
    path(W + "problems/<int:pk>/", views_problems.problem_edit, name="problem_edit"),
    path(W + "problems/<int:pk>/publish/", views_problems.problem_publish, name="problem_publish"),
    path(W + "problems/<int:pk>/archive/", views_problems.problem_archive, name="problem_archive"),
    path(
        W + "problems/<int:pk>/comments/<int:comment_id>/hide/",
        views_problems.comment_hide,
        name="comment_hide",
    ),
]
