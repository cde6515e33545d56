"""Pages of the payouts app (mounted by the host under its own prefix)."""

app_name = "payouts"
urlpatterns: list = []
