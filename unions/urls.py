from django.urls import path

from . import views, views_dashboard

app_name = "unions"
urlpatterns = [
    path("", views.unit_tree, name="unit_tree"),
    # Coverage (before "<str:code>/", which would take "dashboard" for a unit code).
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path(
        "dashboard/white-spots/",
        views_dashboard.white_spots,
        name="dashboard_white_spots",
    ),
    path(
        "dashboard/white-spots.xlsx",
        views_dashboard.white_spots_export,
        name="dashboard_white_spots_export",
    ),
    path("dashboard/renewals/", views_dashboard.renewals, name="dashboard_renewals"),
    path(
        "dashboard/renewals.xlsx",
        views_dashboard.renewals_export,
        name="dashboard_renewals_export",
    ),
    path("dashboard/report/", views_dashboard.report, name="dashboard_report"),
    path(
        "dashboard/report.xlsx",
        views_dashboard.report_export,
        name="dashboard_report_export",
    ),
    path("<str:code>/", views.unit_detail, name="unit_detail"),
    path("employers/<str:tax_code>/", views.employer_detail, name="employer_detail"),
]
