"""Where an organiser's account is logged in: recorded at login, seen on each
admin request (at most once a minute), ended at logout or from the list."""

import re
import time

from django.contrib.auth.signals import user_logged_out
from django.contrib.sessions.models import Session
from django.utils import timezone

from hamsada.organizations.models import Login

BROWSERS = ["Edg", "OPR", "Firefox", "Chrome", "Chromium", "Safari"]
SYSTEMS = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]


def browser_name(user_agent):
    """ "Firefox on Android": the browser and system, nothing that tells one
    person's browser from another's."""
    browser = next((name for name in BROWSERS if re.search(rf"\b{name}/", user_agent)), "")
    system = next((name for name in SYSTEMS if name in user_agent), "")
    names = {"Edg": "Edge", "OPR": "Opera"}
    browser = names.get(browser, browser)
    return " · ".join(part for part in (browser, system) if part)[:60]


def logged_in(request):
    request.session.save()  # a key of its own, after login rotated it
    now = timezone.now()
    Login.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": request.user,
            "browser": browser_name(request.META.get("HTTP_USER_AGENT", "")),
            "started_at": now,
            "seen_at": now,
        },
    )


SEEN_AT = "hamsada_seen_at"


def seen(request):
    now = time.time()
    if request.session.session_key and now - request.session.get(SEEN_AT, 0) > 60:
        request.session[SEEN_AT] = now
        Login.objects.filter(session_key=request.session.session_key).update(seen_at=timezone.now())


def current_logins(user):
    """The user's sessions that have not ended."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return Login.objects.filter(user=user, session_key__in=live)


def end(login):
    Session.objects.filter(session_key=login.session_key).delete()
    login.delete()


def forget_on_logout(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        Login.objects.filter(session_key=request.session.session_key).delete()


user_logged_out.connect(forget_on_logout, dispatch_uid="hamsada.web.sessions.logout")
