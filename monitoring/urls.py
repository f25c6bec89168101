from django.urls import path

from monitoring.views import projects as views
from monitoring.views import reports

app_name = "monitoring"

W = "municipalities/<slug:code>/workspace/"
P = W + "projects/<int:pk>/"

urlpatterns = [
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path(W + "projects/", views.workspace_projects, name="workspace_projects"),
    path(W + "calls/<int:pk>/projects/", views.create_projects, name="create_projects"),
    path(P, views.project_manage, name="project_manage"),
    path(P + "agreement/", views.agreement, name="agreement"),
    path(P + "sign/", views.sign, name="sign"),
    path(P + "amend/", views.amend, name="amend"),
    path(P + "payments/", views.payment, name="payment"),
    path(P + "milestones/<int:milestone_id>/", views.milestone, name="milestone"),
    path(P + "indicators/<int:indicator_id>/", views.indicator, name="indicator"),
    path(P + "visits/", views.visit, name="visit"),
    path("projects/<int:pk>/photos/<uuid:photo_id>/", views.visit_photo, name="visit_photo"),
    path("projects/mine/", reports.my_projects, name="my_projects"),
    path("projects/<int:pk>/reports/<int:report_id>/", reports.report_detail, name="report"),
    path(
        "projects/<int:pk>/reports/<int:report_id>/submit/",
        reports.report_submit,
        name="report_submit",
    ),
    path("projects/<int:pk>/files/<uuid:file_id>/", reports.report_file, name="report_file"),
    path(P + "reports/<int:report_id>/decide/", reports.report_decide, name="report_decide"),
    path(P + "complete/", reports.complete, name="complete"),
    path(P + "terminate/", reports.terminate, name="terminate"),
]
