from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_accounts

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/code/", views_accounts.two_factor_verify, name="two_factor_verify"),
    path("login/enrol/", views_accounts.two_factor_enrol, name="two_factor_enrol"),
    path("account/", views_accounts.account, name="account"),
    path("account/password/", views_accounts.password_change, name="password_change"),
    path(
        "account/sign-out-everywhere/",
        views_accounts.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
]
