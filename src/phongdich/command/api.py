"""/api/v1/command: the command centre's routers."""

from ninja import Router

from .duty.api import router as duty_router

router = Router(tags=["command"])
router.add_router("/duty", duty_router)
