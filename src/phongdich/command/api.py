"""/api/v1/command: the command centre's routers."""

from ninja import Router

from .alerts.api import router as alerts_router

router = Router(tags=["command"])
router.add_router("/alerts", alerts_router)
