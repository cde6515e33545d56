"""REST endpoints of the verification app, mounted under /api/v1/."""

app_name = "verification_api"
urlpatterns: list = []
