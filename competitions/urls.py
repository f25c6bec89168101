from django.urls import path

from competitions import views

app_name = "competitions"

urlpatterns = [
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/<slug:code>/", views.municipality_detail, name="municipality_detail"),
]
