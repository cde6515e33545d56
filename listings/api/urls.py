"""REST endpoints of the listings app, mounted under /api/v1/."""

app_name = "listings_api"
urlpatterns: list = []
