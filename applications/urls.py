from django.urls import path

from applications.views import bids as bid_views
from applications.views import organizations as views
from applications.views import sealed as sealed_views

app_name = "applications"

ORG = "organizations/<int:pk>/"
BID_DOC = "bids/<uuid:pk>/documents/<uuid:document_id>/"
WORKSPACE_CALL = "municipalities/<slug:code>/workspace/calls/<int:pk>/"

urlpatterns = [
    path("organizations/", views.my_organizations, name="my_organizations"),
    path("organizations/new/", views.organization_new, name="organization_new"),
    path(ORG, views.organization_detail, name="organization_detail"),
    path(ORG + "edit/", views.organization_edit, name="organization_edit"),
    path(ORG + "charter/", views.charter_download, name="charter_download"),
    path(ORG + "members/invite/", views.member_invite, name="member_invite"),
    path(ORG + "members/<int:member_id>/role/", views.member_role, name="member_role"),
    path(ORG + "members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("calls/<int:pk>/apply/", bid_views.apply, name="apply"),
    path("bids/<uuid:pk>/", bid_views.bid_detail, name="bid_detail"),
    path("bids/<uuid:pk>/edit/<slug:step>/", bid_views.bid_step, name="bid_step"),
    path(
        "bids/<uuid:pk>/edit/<slug:step>/resolve/",
        bid_views.bid_step_resolve,
        name="bid_step_resolve",
    ),
    path("bids/<uuid:pk>/documents/", bid_views.document_upload, name="document_upload"),
    path("bids/<uuid:pk>/documents/charter/", bid_views.document_charter, name="document_charter"),
    path(BID_DOC, bid_views.document_download, name="document_download"),
    path(BID_DOC + "remove/", bid_views.document_remove, name="document_remove"),
    path("bids/<uuid:pk>/submit/", bid_views.bid_submit, name="bid_submit"),
    path("bids/<uuid:pk>/withdraw/", bid_views.bid_withdraw, name="bid_withdraw"),
    path("bids/<uuid:pk>/reconfirm/", bid_views.bid_reconfirm, name="bid_reconfirm"),
    path("bids/<uuid:pk>/discard/", bid_views.bid_discard, name="bid_discard"),
    path("bids/<uuid:pk>/receipt.pdf", bid_views.receipt_pdf, name="receipt_pdf"),
    path("bids/<uuid:pk>/receipts/<uuid:submission_id>/", bid_views.receipt, name="receipt"),
    path("calls/<int:pk>/break-seal/", sealed_views.seal_break, name="seal_break"),
    path(WORKSPACE_CALL + "bids/", sealed_views.call_bids, name="call_bids"),
    path(WORKSPACE_CALL + "bids.csv", sealed_views.call_bids_export, name="call_bids_export"),
    path(
        "municipalities/<slug:code>/workspace/organizations/",
        views.verification_list,
        name="verification_list",
    ),
    path(
        "municipalities/<slug:code>/workspace/organizations/<int:pk>/verify/",
        views.verify,
        name="verify",
    ),
]
