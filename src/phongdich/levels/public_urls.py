"""Pages anyone may open without an account: the published levels and what each level allows."""

app_name = "public_levels"

urlpatterns: list = []
