from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("anchor/", views.anchor, name="anchor"),
]
