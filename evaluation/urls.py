from django.urls import path

from evaluation.views import admission as views
from evaluation.views import appeals as appeal_views
from evaluation.views import clarifications as clarification_views
from evaluation.views import commission as commission_views
from evaluation.views import results as results_views

app_name = "evaluation"

COMMISSION = "commission/calls/<int:pk>/"
COMMISSION_BID = COMMISSION + "bids/<uuid:submission_id>/"
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
    path(COMMISSION, commission_views.commission_call, name="commission_call"),
    path(
        COMMISSION + "confidentiality/",
        commission_views.confidentiality_form,
        name="confidentiality",
    ),
    path(
        COMMISSION + "confidentiality/sign/",
        commission_views.confidentiality_sign,
        name="confidentiality_sign",
    ),
    path(COMMISSION_BID, commission_views.commission_bid, name="commission_bid"),
    path(COMMISSION_BID + "declare/", commission_views.declare, name="declare"),
    path(COMMISSION_BID + "score/", commission_views.score, name="score"),
    path(COMMISSION_BID + "score/resolve/", commission_views.score_resolve, name="score_resolve"),
    path(COMMISSION + "close-scoring/", commission_views.scoring_close, name="close_scoring"),
    path(COMMISSION + "results/", results_views.deliberation, name="deliberation"),
    path(COMMISSION + "results/reduce/<int:result_id>/", results_views.reduce, name="reduce"),
    path(COMMISSION + "results/vote/", results_views.vote, name="vote"),
    path(COMMISSION + "results/meeting/", results_views.meeting, name="meeting"),
    path(COMMISSION + "results/approve/", results_views.approve, name="approve"),
    path("calls/<int:pk>/results/", results_views.public_results, name="results"),
    path(COMMISSION + "appeals/<int:appeal_id>/decide/", appeal_views.decide, name="appeal_decide"),
    path(
        COMMISSION + "appeals/files/<uuid:file_id>/",
        appeal_views.commission_appeal_file,
        name="commission_appeal_file",
    ),
    path(COMMISSION + "results/republish/", appeal_views.republish, name="republish"),
    path("bids/<uuid:pk>/appeal/", appeal_views.appeal, name="appeal"),
    path(
        "bids/<uuid:pk>/appeals/files/<uuid:file_id>/", appeal_views.appeal_file, name="appeal_file"
    ),
    path(
        COMMISSION_BID + "documents/<uuid:document_id>/",
        commission_views.commission_document,
        name="commission_document",
    ),
]
