"""/api/v1/care/: each part of care adds its router here."""

from ninja import Router

router = Router(tags=["care"])
