from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as passkeys

from hamsada.web.feeds import TimelineFeed
from hamsada.web.login import PasswordResetForm
from hamsada.web.views import about, accounts, campaigns, exports, mail, verification
from hamsada.web.views import acts as participation
from hamsada.web.views import dev_outbox as outbox
from hamsada.web.views import files as delivery

urlpatterns = [
    path("signing-key.txt", verification.signing_key, name="signing_key"),
    path("mail/events/<slug:provider>/", mail.provider_events, name="mail_events"),
    path(
        "delivered/<str:token>/package.<str:kind>", delivery.delivered_file, name="delivered_file"
    ),
]
urlpatterns += [path("", include("hamsada.ops.urls"))]  # /healthz, the benchmarks' floor
urlpatterns += [
    path("dev/outbox/", outbox.outbox, name="dev_outbox"),
    path("dev/outbox/<str:name>", outbox.outbox_message, name="dev_outbox_message"),
]

# django-otp-webauthn's endpoints, its last step stamping the session as fresh.
passkey_urls = [
    path(
        "registration/begin/",
        passkeys.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        accounts.PasskeyRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        passkeys.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        accounts.PasskeyVerification.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]

urlpatterns += i18n_patterns(
    path("admin/account/verify/", accounts.verify, name="second_factor"),
    path("admin/account/second-factor/", accounts.setup, name="second_factor_setup"),
    path("admin/account/recovery-codes/", accounts.new_recovery_codes, name="recovery_codes"),
    path(
        "admin/account/devices/<str:kind>/<int:pk>/remove/",
        accounts.remove_device,
        name="remove_device",
    ),
    path("admin/account/passkeys/", include((passkey_urls, "otp_webauthn"))),
    path("admin/account/members/<int:pk>/reset/", accounts.reset_member, name="reset_member"),
    path("admin/account/sessions/", accounts.logins, name="logins"),
    path("admin/account/invite/<int:pk>/", accounts.invite, name="invite"),
    path("admin/welcome/<str:token>/", accounts.welcome, name="welcome"),
    # Password reset by email: Django's views (the admin's login page links
    # to the first), the email sent through the outbox.
    path(
        "admin/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", campaigns.campaign_list, name="campaign_list"),
    path("privacy/", about.privacy, name="privacy"),
    path("accessibility/", about.accessibility, name="accessibility"),
    path("my-signatures/", about.acts_list, name="my_acts"),
    path("c/<slug:slug>/", campaigns.campaign_detail, name="campaign"),
    path("c/<slug:slug>/count.json", campaigns.campaign_count, name="campaign_count"),
    path("c/<slug:slug>/sign/", participation.sign, name="sign"),
    path("c/<slug:slug>/proof/", participation.proof_challenge, name="proof_challenge"),
    path("c/<slug:slug>/check-your-email/", participation.check_email, name="check_email"),
    path("c/<slug:slug>/thanks/", campaigns.thanks, name="thanks"),
    path("c/<slug:slug>/write/", campaigns.write_letter, name="write_letter"),
    path("c/<slug:slug>/write/letter.pdf", campaigns.letter_download, name="letter_download"),
    path("c/<slug:slug>/go/<int:channel_id>/", campaigns.go, name="go"),
    path("c/<slug:slug>/summary/", campaigns.action_summary, name="action_summary"),
    path("c/<slug:slug>/report/", participation.report, name="report"),
    path("c/<slug:slug>/timeline.atom", TimelineFeed(), name="timeline_feed"),
    path("c/<slug:slug>/signatories/", campaigns.signatories, name="signatories"),
    path(
        "c/<slug:slug>/organisations/sign/",
        participation.sign_organisation,
        name="sign_organisation",
    ),
    path(
        "organisations/<int:pk>/logo.png", participation.organisation_logo, name="organisation_logo"
    ),
    path("targets/<int:pk>/", campaigns.target_record, name="target"),
    path("c/<slug:slug>/verify/", verification.verify, name="verify"),
    path("delivery/packages/<int:pk>/<str:kind>", delivery.package_file, name="package_file"),
    path("delivery/exports/<slug:slug>/supporters.csv", exports.supporters_csv, name="export"),
    path(
        "c/<slug:slug>/verify/snapshot-<int:number>.json",
        verification.snapshot_download,
        name="snapshot_download",
    ),
    path("c/<slug:slug>/reported/<str:by>/", participation.reported, name="reported"),
    path("confirm/<str:token>/", participation.confirm, name="confirm"),
    path("withdraw/<str:token>/", participation.withdraw, name="withdraw"),
    path("stop-updates/<str:token>/", participation.stop_updates_link, name="stop_updates"),
    path("admin/", admin.site.urls),
)

handler400 = "hamsada.web.errors.bad_request"
handler403 = "hamsada.web.errors.permission_denied"
handler404 = "hamsada.web.errors.page_not_found"
handler500 = "hamsada.web.errors.server_error"
