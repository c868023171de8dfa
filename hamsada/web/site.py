"""The organisers' admin site: only members of an organisation and the
instance's operators, never Django's superuser; and those whose role reaches
personal data, only after their second factor."""

import time
from functools import wraps

from django.contrib import admin
from django.contrib.auth import logout
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse

from hamsada.organizations.backends import RoleBackend, requires_second_factor
from hamsada.web import sessions
from hamsada.web.login import (
    LoginForm,
    account_key,
    client_key,
    known_device,
    remember_device,
)
from hamsada.web.notices import notify

# However active, an organiser logs in again after this long (idle sessions
# end sooner: settings.SESSION_COOKIE_AGE).
LONGEST_SESSION = 12 * 3600
LOGGED_IN_AT = "hamsada_logged_in_at"


class OrganisersSite(admin.AdminSite):
    login_form = LoginForm
    index_template = "admin/organisers_index.html"

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            user = request.user
            username = user.get_username()
            cache.delete_many([account_key(username), client_key(request)])
            request.session[LOGGED_IN_AT] = time.time()
            sessions.logged_in(request)
            if not known_device(request, username):
                notify(user, "new_device")
            remember_device(response, username)
        return response

    def password_change(self, request, extra_context=None):
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            notify(request.user, "password_changed")
        return response

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff) or user.is_superuser:
            # A superuser passes every permission check, the tenancy's too.
            return False
        roles, operator = RoleBackend().roles(user)
        return bool(roles) or operator

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            started = request.session.get(LOGGED_IN_AT)
            if user.is_authenticated and started and time.time() - started > LONGEST_SESSION:
                logout(request)
            elif user.is_authenticated:
                sessions.seen(request)
            if (
                self.has_permission(request)
                and request.resolver_match.url_name != "logout"
                and requires_second_factor(user)
                and not user.is_verified()
            ):
                return redirect(f"{reverse('second_factor')}?next={request.get_full_path()}")
            return checked(request, *args, **kwargs)

        return guarded
