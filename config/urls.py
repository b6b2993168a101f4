from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("registry.urls")),
    path("", include("registry.spreadsheets.urls")),
    path("units/", include("unions.urls")),
    path("members/", include("members.urls")),
    # Before the operations' <slug:operation>/ pages, which would take "mapping-file".
    path("reorganise/mapping-file/", include("registry.spreadsheets.urls_reattach")),
    path("reorganise/", include("members.urls_reorganisation")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "registry.errors.server_error"
