from django.apps import apps
from django.urls import include, path

from marketplace.access import api as access_api
from marketplace.api import roles, views
from marketplace.moderation import api as moderation
from marketplace.moderation import claims_api as claims
from marketplace.privacy import api as privacy_api
from marketplace.purchases import api as purchases
from marketplace.purchases import escrow_api as escrow
from marketplace.usage import api as usage_api
from marketplace.usage import revocation_api as revocation

app_name = "marketplace_api"
urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("me/", views.MeView.as_view(), name="me"),
    path("staff/users/<int:user_id>/roles/", roles.UserRolesView.as_view(), name="staff-user-roles"),
    path("staff/users/<int:user_id>/roles/<str:role>/", roles.UserRoleView.as_view(), name="staff-user-role"),
    path("orders/", purchases.OrderCreateView.as_view(), name="order-create"),
    path("orders/<uuid:public_id>/", purchases.OrderDetailView.as_view(), name="order-detail"),
    path("licences/", purchases.LicenceListView.as_view(), name="licence-list"),
    path("licences/<str:reference>/", purchases.LicenceDetailView.as_view(), name="licence-detail"),
    path("licences/<str:reference>/escrow/", escrow.LicenceEscrowView.as_view(), name="licence-escrow"),
    path(
        "licences/<str:reference>/first-use/",
        purchases.LicenceFirstUseView.as_view(),
        name="licence-first-use",
    ),
    path("listings/<int:listing_id>/access/", access_api.ListingAccessView.as_view(), name="listing-access"),
    path(
        "listings/<int:listing_id>/access/invitations/",
        access_api.ListingInvitationsView.as_view(),
        name="listing-invitations",
    ),
    path(
        "listings/<int:listing_id>/access/invitations/<str:reference>/",
        access_api.ListingInvitationView.as_view(),
        name="listing-invitation",
    ),
    path("revocations/", revocation.RevocationListView.as_view(), name="revocation-list"),
    path("revocations/<str:reference>/", revocation.RevocationDetailView.as_view(), name="revocation"),
    path(
        "licences/<str:reference>/suspend/", revocation.LicenceSuspendView.as_view(), name="licence-suspend"
    ),
    path(
        "licences/<str:reference>/suspension/decide/",
        revocation.LicenceSuspensionDecideView.as_view(),
        name="licence-suspension-decide",
    ),
    path(
        "privacy/biometric-consent/withdraw/",
        privacy_api.BiometricConsentWithdrawView.as_view(),
        name="privacy-consent-withdraw",
    ),
    path("privacy/erasure/", privacy_api.ErasureView.as_view(), name="privacy-erasure"),
    path("usage/reports/", usage_api.UsageReportListView.as_view(), name="usage-report-list"),
    path("usage/reports/<str:reference>/", usage_api.UsageReportDetailView.as_view(), name="usage-report"),
    path(
        "usage/reports/<str:reference>/stills/<int:position>/",
        usage_api.UsageReportStillView.as_view(),
        name="usage-report-still",
    ),
    path(
        "usage/reports/<str:reference>/approve/",
        usage_api.UsageReportApproveView.as_view(),
        name="usage-report-approve",
    ),
    path(
        "usage/reports/<str:reference>/reject/",
        usage_api.UsageReportRejectView.as_view(),
        name="usage-report-reject",
    ),
    path("usage/disputes/", usage_api.UsageDisputeListView.as_view(), name="usage-dispute-list"),
    path("usage/disputes/<str:reference>/", usage_api.UsageDisputeDetailView.as_view(), name="usage-dispute"),
    path(
        "usage/disputes/<str:reference>/resolve/",
        usage_api.UsageDisputeResolveView.as_view(),
        name="usage-dispute-resolve",
    ),
    path("notifications/", usage_api.UsageNotificationListView.as_view(), name="notification-list"),
    path("notifications/read/", usage_api.UsageNotificationReadView.as_view(), name="notification-read"),
    path("moderation/reports/", moderation.ModerationReportCreateView.as_view(), name="moderation-report"),
    path("moderation/host-reports/", claims.HostReportCreateView.as_view(), name="moderation-host-report"),
    path("face-claims/", claims.FaceClaimCreateView.as_view(), name="face-claim-create"),
    path("face-claims/<int:claim_id>/", claims.FaceClaimDetailView.as_view(), name="face-claim"),
    path("moderation/cases/", moderation.ModerationCaseListView.as_view(), name="moderation-case-list"),
    path(
        "moderation/cases/<int:case_id>/act/",
        moderation.ModerationCaseActView.as_view(),
        name="moderation-case-act",
    ),
    path(
        "moderation/cases/<int:case_id>/appeals/",
        moderation.ModerationAppealCreateView.as_view(),
        name="moderation-appeal-create",
    ),
    path("moderation/audit.csv", moderation.ModerationAuditCsvView.as_view(), name="moderation-audit-csv"),
    path("", include("marketplace.webhooks.urls")),  # no namespace of its own: names are marketplace_api:
    path("", include("marketplace.trust.api_urls")),
]

if apps.is_installed("rest_framework.authtoken"):  # without it marketplace.E016 says so; the rest works
    from marketplace.api.auth import TokenObtainView

    urlpatterns.append(path("auth/token/", TokenObtainView.as_view(), name="token"))
