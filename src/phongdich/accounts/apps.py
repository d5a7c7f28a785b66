from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "phongdich.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import ApiToken, RoleAssignment, User
        from .services import forget_token_users

        for model in (ApiToken, RoleAssignment, User):
            post_save.connect(forget_token_users, sender=model, dispatch_uid=f"forget-token-users-{model.__name__}")
            post_delete.connect(forget_token_users, sender=model, dispatch_uid=f"forget-token-users-d-{model.__name__}")
