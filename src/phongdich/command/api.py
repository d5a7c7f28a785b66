"""/api/v1/command: the command centre's routers."""

from ninja import Router

from .reports.api import router as reports_router

router = Router(tags=["command"])
router.add_router("/reports", reports_router)
