"""Pages of the listings app (mounted by the host under its own prefix)."""

app_name = "listings"
urlpatterns: list = []
