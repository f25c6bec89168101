from django.urls import path

from monitoring import views

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
]
