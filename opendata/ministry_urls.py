from django.urls import path

from opendata import ministry

app_name = "ministry"

urlpatterns = [
    path("", ministry.country, name="country"),
    path("regions/<str:code>/", ministry.region, name="region"),
    path("districts/<str:code>/", ministry.district, name="district"),
    path("municipalities/<slug:code>/", ministry.municipality, name="municipality"),
    path("problems/", ministry.problem_list, name="problems"),
    path("calls/", ministry.call_list, name="calls"),
    path("projects/", ministry.project_list, name="projects"),
    path("exports/<slug:dataset>.<str:fmt>", ministry.export, name="export"),
    path("summary/", ministry.summary, name="summary"),
]
