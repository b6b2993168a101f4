from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/export/", views.member_export, name="member_export"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/readmit/", views.readmit, name="readmit"),
    path("admit/", views.admit_start, name="admit_start"),
    path("admit/<str:unit_code>/", views.admit, name="admit"),
    path("transfers/", views.transfer_requests, name="transfer_requests"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/refuse/", views.transfer_refuse, name="transfer_refuse"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("wards/", views.ward_options, name="ward_options"),
]
