from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.open_data_page, name="index"),
    path("ocds/releases.json", views.bulk_release_package, name="bulk_release_package"),
    path("ocds/<str:ocid>/releases.json", views.release_package, name="release_package"),
    path("ocds/<str:ocid>/record.json", views.record_package, name="record_package"),
]
