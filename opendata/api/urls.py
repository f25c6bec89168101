"""The public API, mounted at /api/v1/ (namespace "api"): explicit paths, one view
each, so every address reads like the rest of the portal's URLconfs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from opendata.api import views

app_name = "api"

urlpatterns = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("regions/", views.RegionList.as_view(), name="regions"),
    path("regions/<str:code>/", views.RegionDetail.as_view(), name="region"),
    path("districts/", views.DistrictList.as_view(), name="districts"),
    path("districts/<str:code>/", views.DistrictDetail.as_view(), name="district"),
    path("municipalities/", views.MunicipalityList.as_view(), name="municipalities"),
    path("municipalities/<str:code>/", views.MunicipalityDetail.as_view(), name="municipality"),
    path("calls/", views.CallList.as_view(), name="calls"),
    path("calls/<int:pk>/", views.CallDetail.as_view(), name="call"),
    path("calls/<int:pk>/results/", views.CallResults.as_view(), name="call_results"),
    path("projects/", views.ProjectList.as_view(), name="projects"),
    path("projects/<int:pk>/", views.ProjectDetail.as_view(), name="project"),
    # The OpenAPI 3 description: YAML, or JSON with ?format=json (or Accept: application/json).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
