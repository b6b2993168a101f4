from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/remap/", views.import_remap, name="import_remap"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("imports/<int:pk>/report/", views.import_report, name="import_report"),
    path("imports/<int:pk>/undo/", views.import_undo, name="import_undo"),
    path("imports/template/<str:kind>/", views.import_template, name="import_template"),
    path("exports/", views.export, name="export"),
    path("exports/<int:pk>/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
