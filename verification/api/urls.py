"""REST endpoints of the verification app, mounted under /api/v1/verification/."""

from django.urls import path

from . import views

app_name = "verification_api"
urlpatterns = [
    path("consent/", views.ConsentView.as_view(), name="consent"),
    path("enrollments/", views.EnrollmentListView.as_view(), name="enrollments"),
    path("enrollments/<int:pk>/", views.EnrollmentDetailView.as_view(), name="enrollment"),
    path("enrollments/<int:pk>/photos/", views.ReferencePhotoView.as_view(), name="photos"),
    path("enrollments/<int:pk>/challenge/", views.ChallengeView.as_view(), name="challenge"),
    path("enrollments/<int:pk>/frames/", views.FramesView.as_view(), name="frames"),
    path("enrollments/<int:pk>/guided/", views.GuidedChallengeView.as_view(), name="guided"),
    path("enrollments/<int:pk>/guided/frames/", views.GuidedFramesView.as_view(), name="guided_frames"),
    path("flags/", views.FlagListView.as_view(), name="flags"),
    path("flags/<int:pk>/", views.FlagDetailView.as_view(), name="flag"),
    path("protected-persons/", views.ProtectedPersonListView.as_view(), name="protected_persons"),
    path("protected-persons/<int:pk>/", views.ProtectedPersonDetailView.as_view(), name="protected_person"),
    path("protected-persons/<int:pk>/photos/", views.ProtectedFaceView.as_view(), name="protected_photos"),
]
