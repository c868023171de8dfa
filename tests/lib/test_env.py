import pytest
from django.core.exceptions import ImproperlyConfigured

from hamsada.lib.env import anymail_backend, env_limits, env_mailbox


def test_domain_limits_are_read_from_one_variable(monkeypatch):
    monkeypatch.setenv("LIMITS", "Gmail.com=600, *=1200")
    assert env_limits("LIMITS") == {"gmail.com": 600, "*": 1200}
    monkeypatch.setenv("LIMITS", "gmail.com=lots")
    with pytest.raises(ImproperlyConfigured, match=r"gmail\.com=600"):
        env_limits("LIMITS")


def test_a_provider_is_named_as_anymail_names_it():
    assert anymail_backend("postmark") == "anymail.backends.postmark.EmailBackend"
    for wrong in ("Mailgun", "../smtp", "no_such_provider"):
        with pytest.raises(ImproperlyConfigured):
            anymail_backend(wrong)


def test_the_bounce_mailbox_is_a_plain_address(monkeypatch):
    monkeypatch.setenv("BOX", "bounces@example.org")
    assert env_mailbox("BOX") == "bounces@example.org"
    for wrong in ("Hamsada <bounces@example.org>", "bounces+x@example.org", "bounces"):
        monkeypatch.setenv("BOX", wrong)
        with pytest.raises(ImproperlyConfigured, match="plain address"):
            env_mailbox("BOX")
