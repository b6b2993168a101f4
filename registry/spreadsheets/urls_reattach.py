from django.urls import path

from . import views_reattach as views

app_name = "reattach"
urlpatterns = [
    path("", views.mapping_upload, name="mapping_upload"),
    path("<int:pk>/", views.mapping_preview, name="mapping_preview"),
    path("<int:pk>/apply/", views.mapping_apply, name="mapping_apply"),
    path("<int:pk>/report/", views.mapping_report, name="mapping_report"),
]
