"""REST endpoints of the payouts app, mounted under /api/v1/."""

app_name = "payouts_api"
urlpatterns: list = []
