from django.urls import path

from applications import views, views_bids, views_sealed

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
    path("calls/<int:pk>/apply/", views_bids.apply, name="apply"),
    path("bids/<uuid:pk>/", views_bids.bid_detail, name="bid_detail"),
    path("bids/<uuid:pk>/edit/<slug:step>/", views_bids.bid_step, name="bid_step"),
    path("bids/<uuid:pk>/documents/", views_bids.document_upload, name="document_upload"),
    path(BID_DOC, views_bids.document_download, name="document_download"),
    path(BID_DOC + "remove/", views_bids.document_remove, name="document_remove"),
    path("bids/<uuid:pk>/submit/", views_bids.bid_submit, name="bid_submit"),
    path("bids/<uuid:pk>/withdraw/", views_bids.bid_withdraw, name="bid_withdraw"),
    path("bids/<uuid:pk>/reconfirm/", views_bids.bid_reconfirm, name="bid_reconfirm"),
    path("bids/<uuid:pk>/discard/", views_bids.bid_discard, name="bid_discard"),
    path("bids/<uuid:pk>/receipt.pdf", views_bids.receipt_pdf, name="receipt_pdf"),
    path("bids/<uuid:pk>/receipts/<uuid:submission_id>/", views_bids.receipt, name="receipt"),
    path("calls/<int:pk>/break-seal/", views_sealed.seal_break, name="seal_break"),
    path(WORKSPACE_CALL + "bids/", views_sealed.call_bids, name="call_bids"),
    path(WORKSPACE_CALL + "bids.csv", views_sealed.call_bids_export, name="call_bids_export"),
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
