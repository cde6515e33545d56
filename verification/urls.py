"""Pages of the verification app (mounted by the host under its own prefix)."""

app_name = "verification"
urlpatterns: list = []
