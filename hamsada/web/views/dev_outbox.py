"""The development outbox: read the mail a development instance would have sent.

Served only with HAMSADA_DEV_OUTBOX, never in production nor with a mail
server (settings.DEV_OUTBOX), and only to logged-in staff: it shows every
recipient's address, their confirm and withdraw links and receipt codes.
"""

import email
import email.policy
import functools
import re

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import render

SAFE_NAME = re.compile(r"^[0-9A-Za-z-]+\.eml$")


def read(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def served(view):
    @functools.wraps(view)
    def only_when_asked_for(request, *args, **kwargs):
        if not settings.DEV_OUTBOX:
            raise Http404
        return staff_member_required(view)(request, *args, **kwargs)

    return only_when_asked_for


@served
def outbox(request):
    directory = settings.OUTBOX_DIR
    paths = sorted(directory.glob("*.eml"), reverse=True)[:200] if directory.exists() else []
    messages = []
    for path in paths:
        message = read(path)
        messages.append(
            {
                "name": path.name,
                "to": message["To"],
                "subject": message["Subject"],
                "date": message["Date"],
            }
        )
    return render(request, "outbox/list.html", {"messages": messages})


@served
def outbox_message(request, name):
    path = settings.OUTBOX_DIR / name
    if not SAFE_NAME.match(name) or not path.is_file():
        raise Http404
    message = read(path)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return render(
        request,
        "outbox/message.html",
        {
            "message": message,
            "message_id": message["Message-ID"],
            "lines": text.get_content().splitlines() if text else [],
            "has_html": html is not None,
            "language": message["Content-Language"] or "en",
        },
    )
