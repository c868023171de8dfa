"""Organisers' second factor: setting one up (an authenticator app's codes,
which need no JavaScript, or a passkey), using it after the password and
again before the most sensitive reads, and recovery codes for a lost one."""

import base64
import secrets
from datetime import timedelta

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from hamsada.lib.links import BadToken, ExpiredToken, read_token
from hamsada.organizations.audit import record
from hamsada.organizations.backends import organizations_where
from hamsada.organizations.models import Membership, Organization
from hamsada.organizations.roles import Role
from hamsada.web import sessions
from hamsada.web.notices import notify

# The sensitive reads (an export, a contact address, a package) ask for the
# second factor again when it was last used longer ago than this.
FRESH = timedelta(minutes=10)
RECOVERY_CODES = 10
VERIFIED_AT = "hamsada_second_factor_at"


def verified(request, device):
    """The session is now verified with device, as of now."""
    otp_login(request, device)
    request.session[VERIFIED_AT] = timezone.now().timestamp()


def is_fresh(request):
    at = request.session.get(VERIFIED_AT)
    return (
        request.user.is_verified()
        and at is not None
        and timezone.now().timestamp() - at < FRESH.total_seconds()
    )


def ask_again(request, next_url=None):
    """To the second factor, then back: for a read that needs a fresh one."""
    messages.info(request, _("Confirm it is you with your second factor to continue."))
    wanted = urlencode({"next": next_url or request.get_full_path()})
    return redirect(f"{reverse('second_factor')}?{wanted}")


def next_url(request):
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return reverse("admin:index")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "dir": "ltr"}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def verify(request):
    devices = list(devices_for_user(request.user))
    if not devices:
        return redirect(f"{reverse('second_factor_setup')}?next={next_url(request)}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        for device in devices:
            if device.verify_is_allowed()[0] and device.verify_token(form.cleaned_data["code"]):
                verified(request, device)
                return redirect(next_url(request))
        form.add_error("code", _("That code is not right. App codes change every 30 seconds."))
        # django-otp makes each failure wait twice as long as the last: say how long.
        wait = seconds_to_wait(devices)
        if wait:
            form.add_error(
                "code",
                ngettext(
                    "After several wrong codes, wait %(seconds)s second before the next.",
                    "After several wrong codes, wait %(seconds)s seconds before the next.",
                    wait,
                )
                % {"seconds": wait},
            )
    return render(
        request,
        "admin/account/verify.html",
        {
            **admin.site.each_context(request),
            "form": form,
            "next": next_url(request),
            "has_passkey": any(isinstance(device, WebAuthnCredential) for device in devices),
            "title": _("Second factor"),
        },
    )


def seconds_to_wait(devices):
    """How long until the user's devices accept a code again, if that is long
    enough to mention (the first few failures wait a second or two)."""
    until = [
        data.get("locked_until")
        for allowed, data in (device.verify_is_allowed() for device in devices)
        if not allowed and data
    ]
    until = [moment for moment in until if moment]
    if not until:
        return 0
    wait = round((max(until) - timezone.now()).total_seconds())
    return wait if wait >= 4 else 0


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Adds an authenticator app (the first factor needs none of these pages'
    JavaScript), or, once verified, a passkey; lists and removes them."""
    user = request.user
    has_device = bool(list(devices_for_user(user)))
    if has_device and not is_fresh(request):
        return ask_again(request)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(
            user=user, name=str(_("Authenticator app")), confirmed=False
        )
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if pending.verify_token(form.cleaned_data["code"]):
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            verified(request, pending)
            notify(user, "second_factor_changed")
            if not StaticDevice.objects.filter(user=user).exists():
                return show_new_recovery_codes(request)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("second_factor_setup")
        form.add_error("code", _("That code is not right. App codes change every 30 seconds."))
    secret = base64.b32encode(pending.bin_key).decode().rstrip("=")
    return render(
        request,
        "admin/account/setup.html",
        {
            **admin.site.each_context(request),
            "form": form,
            "qr": segno.make(pending.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "devices": [
                (device, device.persistent_id.split("/")[0]) for device in devices_for_user(user)
            ],
            "recovery_left": StaticToken.objects.filter(device__user=user).count(),
            "verified": request.user.is_verified(),
            "next": next_url(request),
            "title": _("Second factor"),
        },
    )


@never_cache
@staff_member_required
@require_http_methods(["POST"])
def new_recovery_codes(request):
    if not is_fresh(request):
        return ask_again(request, reverse("second_factor_setup"))
    notify(request.user, "second_factor_changed")
    return show_new_recovery_codes(request)


def show_new_recovery_codes(request):
    """Replaces the user's recovery codes and shows the new ones, once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=request.user, defaults={"name": str(_("Recovery codes"))}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    device.token_set.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return render(
        request,
        "admin/account/recovery_codes.html",
        {
            **admin.site.each_context(request),
            "codes": codes,
            "title": _("Recovery codes"),
            "next": next_url(request),
        },
    )


@never_cache
@staff_member_required
@require_http_methods(["POST"])
def remove_device(request, kind, pk):
    if not is_fresh(request):
        return ask_again(request, reverse("second_factor_setup"))
    factors = [d for d in devices_for_user(request.user) if not isinstance(d, StaticDevice)]
    devices = [d for d in factors if d.persistent_id == f"{kind}/{pk}"]
    if devices and len(factors) > 1:
        devices[0].delete()
        notify(request.user, "second_factor_changed")
        messages.success(request, _("Removed."))
    elif devices:
        messages.error(request, _("Add another app or passkey before removing your last one."))
    return redirect("second_factor_setup")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's, telling the account's owner the password changed."""

    def form_valid(self, form):
        response = super().form_valid(form)
        notify(form.user, "password_changed")
        return response


class PasskeyRegistration(CompleteCredentialRegistrationView):
    """The passkey registration's last step, telling the account's owner."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            notify(self.request.user, "second_factor_changed")
        return response


class PasskeyVerification(CompleteCredentialAuthenticationView):
    """The passkey ceremony's last step, stamping the session as fresh like a code does."""

    def complete_auth(self, device):
        user = super().complete_auth(device)
        self.request.session[VERIFIED_AT] = timezone.now().timestamp()
        return user


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def logins(request):
    """Where one's account is logged in; any session but this one can be ended."""
    mine = sessions.current_logins(request.user)
    if request.method == "POST":
        chosen = request.POST.get("login", "")
        login = mine.filter(pk=int(chosen)).first() if chosen.isdecimal() else None
        if login is not None and login.session_key != request.session.session_key:
            sessions.end(login)
            messages.success(request, _("That session has ended."))
        return redirect("logins")
    return render(
        request,
        "admin/account/logins.html",
        {
            **admin.site.each_context(request),
            "logins": list(mine),
            "this_session": request.session.session_key,
            "title": _("Where you are logged in"),
        },
    )


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def reset_member(request, pk):
    """An owner removes a member's second factors, for one who lost them: the
    member sets up a new one at their next login, with their password. Only
    an owner of every organisation the member belongs to may, so that no
    owner (nor the operator, who owns none) takes over another's account."""
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    member = membership.user
    owned = organizations_where(request.user, "organizations.change_membership")
    theirs = set(member.memberships.values_list("organization", flat=True))
    if member == request.user or not theirs or not theirs <= owned:
        raise PermissionDenied
    if not is_fresh(request):
        return ask_again(request)
    if request.method == "POST":
        for device in devices_for_user(member, confirmed=None):
            device.delete()
        for organization_id in theirs:
            record(
                request.user,
                "reset second factor",
                "auth.user",
                member.pk,
                Organization.objects.get(pk=organization_id),
            )
        notify(member, "second_factor_changed")
        messages.success(
            request,
            _("%(name)s sets up a new second factor at their next login.")
            % {"name": member.get_username()},
        )
        return redirect("admin:organizations_organization_change", membership.organization_id)
    return render(
        request,
        "admin/account/reset_member.html",
        {
            **admin.site.each_context(request),
            "member": member,
            "membership": membership,
            "title": _("Reset a member's second factor"),
        },
    )


INVITATION_DAYS = 7


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Their email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account already has this address: ask the operator to add it.")
            )
        return email


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def invite(request, pk):
    """An owner (or the operator, for a new organisation's first owner) invites
    someone by email, with a role; they choose their own name and password."""
    organization = get_object_or_404(Organization, pk=pk)
    if not request.user.has_perm("organizations.add_membership", organization):
        raise PermissionDenied
    owners = Membership.objects.filter(organization=organization, role=Role.OWNER)
    if owners.exists() and not owners.filter(user=request.user).exists():
        # The operator starts an organisation with its first owner and no more:
        # inviting an owner of their own would be a way to its supporters.
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if form.is_valid():
        email, role = form.cleaned_data["email"], form.cleaned_data["role"]
        with transaction.atomic():
            user = User.objects.create_user(
                f"invited-{secrets.token_hex(6)}", email=email, is_active=False, is_staff=True
            )
            Membership.objects.create(user=user, organization=organization, role=role)
            record(
                request.user, "invite", "auth.user", user.pk, organization, {"role": [None, role]}
            )
            notify(user, "invitation")
        messages.success(
            request, _("The invitation is on its way to %(email)s.") % {"email": email}
        )
        return redirect("admin:organizations_organization_change", organization.pk)
    return render(
        request,
        "admin/account/invite.html",
        {
            **admin.site.each_context(request),
            "form": form,
            "organization": organization,
            "title": _("Invite a member"),
        },
    )


class WelcomeForm(SetPasswordForm):
    username = forms.RegexField(
        label=_("Your name to log in with"),
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        help_text=_("Letters, digits and . @ + - _ only. Others in your organisation see it."),
    )
    field_order = ["username", "new_password1", "new_password2"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(_("That name is taken: choose another."))
        return username

    def save(self, commit=True):
        self.user.username = self.cleaned_data["username"]
        self.user.is_active = True
        return super().save(commit)


@never_cache
@require_http_methods(["GET", "POST"])
def welcome(request, token):
    """The invited person's link: they choose a name and a password, once."""
    try:
        pk = read_token(token, "invitation", max_age=INVITATION_DAYS * 86400)
    except (BadToken, ExpiredToken):
        pk = None
    user = User.objects.filter(pk=pk, is_active=False).first() if pk else None
    if user is None or user.has_usable_password():
        return render(
            request,
            "admin/account/welcome.html",
            {**admin.site.each_context(request), "expired": True, "title": _("Invitation")},
            status=404,
        )
    form = WelcomeForm(user, request.POST or None)
    if form.is_valid():
        form.save()
        auth_login(request, user, backend="hamsada.organizations.backends.RoleBackend")
        return redirect("admin:index")
    return render(
        request,
        "admin/account/welcome.html",
        {
            **admin.site.each_context(request),
            "form": form,
            "membership": user.memberships.select_related("organization").first(),
            "title": _("Invitation"),
        },
    )
