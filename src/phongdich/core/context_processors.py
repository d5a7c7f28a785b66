from . import clock
from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": None}
    return {"menu": menu_for(user, request.path)}


def demo_clock(request):
    """The day a demo database's clock is set at, for the banner every page shows while it is (core/clock.py)."""
    return {"demo_day": clock.demo_day()}
