from django.urls import include, path

urlpatterns = [
    path("", include("tests.host_project.shop.urls")),
    # step 3: one line mounts every page and the whole API with its schema
    path("faces/", include("marketplace.urls")),
]
