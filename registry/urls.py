from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_imports

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("imports/", views_imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views_imports.import_preview, name="import_preview"),
    path("imports/<int:pk>/remap/", views_imports.import_remap, name="import_remap"),
    path(
        "imports/<int:pk>/confirm/", views_imports.import_confirm, name="import_confirm"
    ),
    path(
        "imports/<int:pk>/progress/",
        views_imports.import_progress,
        name="import_progress",
    ),
    path("imports/<int:pk>/report/", views_imports.import_report, name="import_report"),
    path(
        "imports/template/<str:kind>/",
        views_imports.import_template,
        name="import_template",
    ),
    path("exports/", views_imports.export, name="export"),
    path("exports/<int:pk>/", views_imports.export_progress, name="export_progress"),
    path(
        "exports/<int:pk>/download/",
        views_imports.export_download,
        name="export_download",
    ),
]
