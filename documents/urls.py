from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("request/<slug:kind>/<str:object_id>/", views.request_view, name="request"),
    path("<uuid:doc_id>/", views.detail, name="detail"),
    path("<uuid:doc_id>/download/", views.download, name="download"),
]
