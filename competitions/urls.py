from django.urls import path

from competitions.views import calls as call_views
from competitions.views import commission as commission_views
from competitions.views import problems as problem_views
from competitions.views import territories as views
from competitions.views import workspace as workspace_views

app_name = "competitions"

W = "municipalities/<slug:code>/workspace/"

urlpatterns = [
    # Public
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/mine/", workspace_views.my_municipalities, name="my_municipalities"),
    path("municipalities/<slug:code>/", views.municipality_detail, name="municipality_detail"),
    path("problems/", problem_views.problem_list, name="problem_list"),
    path("problems/<int:pk>/", problem_views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/minutes/", problem_views.problem_minutes, name="problem_minutes"),
    path("problems/<int:pk>/support/", problem_views.problem_support, name="problem_support"),
    path("problems/<int:pk>/comments/", problem_views.problem_comment, name="problem_comment"),
    path("programmes/<int:pk>/", problem_views.programme_detail, name="programme_detail"),
    path("calls/", call_views.call_list, name="call_list"),
    path("calls/<int:pk>/", call_views.call_detail, name="call_detail"),
    path("calls/<int:pk>/questions/", call_views.question_ask, name="question_ask"),
    # The municipality's private workspace
    path(W, workspace_views.workspace, name="workspace"),
    path(W + "staff/", workspace_views.add_staff, name="add_staff"),
    path(W + "staff/<int:staff_id>/remove/", workspace_views.remove_staff, name="remove_staff"),
    path(W + "problems/", problem_views.workspace_problems, name="workspace_problems"),
    path(W + "programmes/new/", problem_views.programme_new, name="programme_new"),
    path(W + "calls/", call_views.workspace_calls, name="workspace_calls"),
    path(W + "calls/new/", call_views.call_new, name="call_new"),
    path(W + "calls/<int:pk>/", call_views.call_manage, name="call_manage"),
    path(W + "calls/<int:pk>/edit/", call_views.call_edit, name="call_edit"),
    path(W + "calls/<int:pk>/publish/", call_views.call_publish, name="call_publish"),
    path(W + "calls/<int:pk>/cancel/", call_views.call_cancel, name="call_cancel"),
    path(W + "calls/<int:pk>/amend/", call_views.call_amend, name="call_amend"),
    path(
        W + "calls/<int:pk>/invitations/<int:invitation_id>/resend/",
        commission_views.invitation_resend,
        name="commission_invitation_resend",
    ),
    path(
        W + "calls/<int:pk>/invitations/<int:invitation_id>/cancel/",
        commission_views.invitation_cancel,
        name="commission_invitation_cancel",
    ),
    path(
        "commission/invitations/<str:token>/",
        commission_views.invitation,
        name="commission_invitation",
    ),
    path(
        W + "calls/<int:pk>/questions/<int:question_id>/answer/",
        call_views.question_answer,
        name="question_answer",
    ),
    path(W + "problems/new/", problem_views.problem_new, name="problem_new"),
    path(W + "problems/<int:pk>/", problem_views.problem_edit, name="problem_edit"),
    path(W + "problems/<int:pk>/publish/", problem_views.problem_publish, name="problem_publish"),
    path(
        W + "problems/<int:pk>/minutes/",
        problem_views.problem_minutes_workspace,
        name="problem_minutes_workspace",
    ),
    path(W + "problems/<int:pk>/archive/", problem_views.problem_archive, name="problem_archive"),
    path(
        W + "problems/<int:pk>/comments/<int:comment_id>/hide/",
        problem_views.comment_hide,
        name="comment_hide",
    ),
]
