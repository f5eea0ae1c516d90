"""Wagtail's users app with our user viewset (accounts/admin_users.py). Its own module: an
app config is imported before the models are ready."""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "participation.accounts.admin_users.UserViewSet"
