from django.urls import include, path

from marketplace import views
from marketplace.access import views as access_views
from marketplace.moderation import views as mod
from marketplace.privacy import views as privacy_views
from marketplace.usage import revocation_views, suspension_views
from marketplace.usage import views as usage_views
from marketplace.views import info

app_name = "marketplace"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path("tiers/", info.tiers_page, name="tiers"),
    path("tiers/<slug:slug>/", info.tier_page, name="tier"),
    path("faq/", info.faq_page, name="faq"),
    path("terms/", info.terms_page, name="terms"),
    path("licences/", views.licences, name="licences"),
    path("licences/checkout/<int:listing_id>/", views.checkout_review, name="checkout"),
    path("licences/checkout/<int:listing_id>/confirm/", views.checkout_confirm, name="checkout_confirm"),
    path("licences/orders/<uuid:public_id>/", views.order_detail, name="order"),
    path("licences/<str:reference>/report/", usage_views.usage_report_new, name="usage_report_new"),
    path("licences/<str:reference>/dispute/", usage_views.dispute_new, name="dispute_new"),
    path("licences/<str:reference>/", views.licence_detail, name="licence"),
    path("licences/<str:reference>/first-use/", views.licence_first_use, name="licence_first_use"),
    path("revocations/new/<int:listing_id>/", revocation_views.revocation_new, name="revocation_new"),
    path("revocations/<str:reference>/", revocation_views.revocation_detail, name="revocation"),
    path("licences/<str:reference>/suspend/", suspension_views.licence_suspend_page, name="licence_suspend"),
    path(
        "licences/<str:reference>/suspension/",
        suspension_views.licence_suspension_decide_page,
        name="licence_suspension_decide",
    ),
    path("access/<int:listing_id>/request/", access_views.project_request_page, name="project_request"),
    path("access/<int:listing_id>/", access_views.listing_access_page, name="listing_access"),
    path(
        "access/<int:listing_id>/invitations/",
        access_views.listing_invitations_page,
        name="listing_invitations",
    ),
    path("access/requests/", access_views.project_requests_page, name="project_requests"),
    path(
        "access/requests/<str:reference>/decide/",
        access_views.project_request_decide_page,
        name="project_request_decide",
    ),
    path("privacy/", privacy_views.privacy_page, name="privacy"),
    path("privacy/withdraw/", privacy_views.consent_withdraw_page, name="privacy_consent_withdraw"),
    path("privacy/erase/", privacy_views.erasure_page, name="privacy_erasure"),
    path("privacy/retention/", privacy_views.retention_page, name="privacy_retention"),
    path("privacy/stored-faces/", privacy_views.stored_faces_page, name="privacy_stored_faces"),
    path("usage/", usage_views.usage_reports, name="usage_reports"),
    path("usage/review/", usage_views.usage_reports, {"focus": "review"}, name="usage_review"),
    path("usage/<str:reference>/", usage_views.usage_report_detail, name="usage_report"),
    path("usage/<str:reference>/decide/", usage_views.usage_report_decide, name="usage_report_decide"),
    path("usage/<str:reference>/top-up/", usage_views.usage_report_top_up, name="usage_report_top_up"),
    path("usage/<str:reference>/stills/<int:position>/", usage_views.evidence_still, name="evidence_still"),
    path("disputes/", usage_views.disputes, name="disputes"),
    path("disputes/<str:reference>/", usage_views.dispute_detail, name="dispute"),
    path(
        "disputes/<str:reference>/attachments/<int:attachment_id>/",
        usage_views.dispute_attachment,
        name="dispute_attachment",
    ),
    path("notifications/", usage_views.notifications, name="notifications"),
    path("moderation/", mod.moderation_queue_page, name="moderation_queue"),
    path("moderation/cases/<int:case_id>/", mod.moderation_case_page, name="moderation_case"),
    path("moderation/cases/<int:case_id>/act/", mod.moderation_case_act_page, name="moderation_act"),
    path("moderation/cases/<int:case_id>/appeal/", mod.appeal_file_page, name="moderation_appeal"),
    path("moderation/appeals/<int:appeal_id>/decide/", mod.appeal_decide_page, name="appeal_decide"),
    path("moderation/mine/", mod.my_cases_page, name="moderation_mine"),
    path("moderation/audit/", mod.audit_log_page, name="moderation_audit"),
    path("moderation/report/<int:listing_id>/", mod.report_listing_page, name="report_listing"),
    path("moderation/claim/<int:listing_id>/", mod.face_claim_page, name="face_claim"),
    path("", include("marketplace.trust.urls")),
]
