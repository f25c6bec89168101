from django.urls import path

from competitions import views, views_workspace

app_name = "competitions"

urlpatterns = [
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/<slug:code>/", views.municipality_detail, name="municipality_detail"),
]

# The municipality's private workspace (competitions/views_workspace.py).
urlpatterns = [
    path("municipalities/mine/", views_workspace.my_municipalities, name="my_municipalities"),
    path("municipalities/<slug:code>/workspace/", views_workspace.workspace, name="workspace"),
    path(
        "municipalities/<slug:code>/workspace/staff/",
        views_workspace.add_staff,
        name="add_staff",
    ),
    path(
        "municipalities/<slug:code>/workspace/staff/<int:staff_id>/remove/",
        views_workspace.remove_staff,
        name="remove_staff",
    ),
    *urlpatterns,
]
