from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from municipal_order import views

admin.site.site_header = _("Municipal social order: administration")
admin.site.site_title = _("Municipal social order")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("documents/", include("documents.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("", include("competitions.urls")),
    path("", include("applications.urls")),
    path("", include("evaluation.urls")),
    path("", include("monitoring.urls")),
    path("opendata/", include("opendata.urls")),
    path("api/v1/", include("opendata.api.urls", namespace="api")),
    path("ministry/", include("opendata.ministry_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "municipal_order.views.bad_request"
handler403 = "municipal_order.views.permission_denied"
handler404 = "municipal_order.views.page_not_found"
handler500 = "municipal_order.views.server_error"
