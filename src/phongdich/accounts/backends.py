from django.contrib.auth.backends import ModelBackend

from .services import login_is_locked


class LockoutModelBackend(ModelBackend):
    """The standard username/password check, refused while the username is locked out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and login_is_locked(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
