from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_done"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
]
