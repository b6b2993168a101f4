from django.urls import path

from . import views, views_dashboard, views_signoff

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
    path("dashboard/report/sign-off/", views_dashboard.sign_off, name="sign_off"),
    path(
        "signed-periods/<int:pk>/",
        views_signoff.signed_period,
        name="signed_period",
    ),
    path(
        "signed-periods/<int:pk>/workbook.xlsx",
        views_signoff.signed_period_workbook,
        name="signed_period_workbook",
    ),
    path(
        "signed-periods/<int:pk>/reopen/",
        views_signoff.signed_period_reopen,
        name="signed_period_reopen",
    ),
    path(
        "<str:code>/signed-periods/",
        views_signoff.signed_periods,
        name="signed_periods",
    ),
    path("<str:code>/", views.unit_detail, name="unit_detail"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
]
