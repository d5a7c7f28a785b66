"""/api/v1/command: the command centre's routers."""

from ninja import Router

from .directives.api import router as directives_router

router = Router(tags=["command"])
router.add_router("/directives", directives_router)
