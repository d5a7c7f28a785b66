"""/api/v1/care/: each part of care adds its router here."""

from ninja import Router

from .reports import router as reports_router

router = Router(tags=["care"])
router.add_router("", reports_router)
