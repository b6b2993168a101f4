from django.urls import path

from . import views_reorganisation as views

app_name = "reorganisation"
urlpatterns = [
    path("", views.operation_list, name="operation_list"),
    path("<int:pk>/", views.operation_detail, name="operation_detail"),
    path("<int:pk>/undo/", views.operation_undo, name="operation_undo"),
    path("<slug:operation>/", views.operation_form, name="operation_form"),
    path("<slug:operation>/apply/", views.operation_apply, name="operation_apply"),
]
