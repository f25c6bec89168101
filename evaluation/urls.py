from django.urls import path

from evaluation.views import admission as views
from evaluation.views import clarifications as clarification_views

app_name = "evaluation"

CALL = "municipalities/<slug:code>/workspace/calls/<int:pk>/admission/"

urlpatterns = [
    path(CALL, views.admission, name="admission"),
    path(CALL + "<uuid:submission_id>/decide/", views.decide, name="decide"),
    path(CALL + "<uuid:submission_id>/clarify/", views.clarify, name="clarify"),
    path(CALL + "open-scoring/", views.scoring_open, name="open_scoring"),
    path(CALL + "files/<uuid:file_id>/", views.admission_file, name="admission_file"),
    path(
        "bids/<uuid:pk>/clarifications/<int:request_id>/answer/",
        clarification_views.answer,
        name="clarification_answer",
    ),
    path(
        "bids/<uuid:pk>/clarifications/files/<uuid:file_id>/",
        clarification_views.clarification_file,
        name="clarification_file",
    ),
]
