from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    READ = "read", _("viewed")
    EXPORT = "export", _("exported")
    MERGE = "merge", _("merged")
    ISSUE = "issue", _("certificate issued")
    REVOKE = "revoke", _("certificate revoked")
    IMPORT = "import", _("imported")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("login failed")
    LOGOUT = "logout", _("logged out")
    TOKEN = "token", _("API token")
