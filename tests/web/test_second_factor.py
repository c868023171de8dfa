"""Organisers whose role reaches personal data log in with a second factor:
an authenticator app (no JavaScript needed) or a passkey, with recovery codes;
and use it again before an export, a contact address or a package."""

import re
import time

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamsada.organizations.models import Operator
from hamsada.organizations.roles import Role
from hamsada.web.views.accounts import VERIFIED_AT
from tests.factories import built_package, confirmed_signature, organiser
from tests.helpers import log_in, totp

pytestmark = pytest.mark.django_db

KEY = re.compile(r'<code dir="ltr">([A-Z2-7 ]+)</code>')


def password_login(client, username, language="en"):
    response = client.post(
        f"/{language}/admin/login/",
        {"username": username, "password": "pw", "next": f"/{language}/admin/"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_an_owner_sets_up_an_app_and_gets_recovery_codes(client, petition):
    organiser("owner", petition.organization, Role.OWNER)
    password_login(client, "owner", "fa")
    # Not in yet: first the second factor, which the account does not have.
    assert client.get("/fa/admin/").url.startswith("/fa/admin/account/verify/")
    setup = client.get("/fa/admin/account/verify/?next=/fa/admin/", follow=True)
    page = setup.content.decode()
    assert 'dir="rtl"' in page and "data:image/svg+xml" in page
    secret = KEY.search(page)[1]
    wrong = client.post("/fa/admin/account/second-factor/", {"code": "000000"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    time.sleep(1.1)  # each wrong code makes the next wait, a second at first
    codes_page = client.post("/fa/admin/account/second-factor/", {"code": totp(secret)})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    assert client.get("/fa/admin/").status_code == 200
    # Next time, a recovery code works once in place of the app.
    client.logout()
    password_login(client, "owner")
    client.post("/en/admin/account/verify/", {"code": codes[0].upper()})
    assert client.get("/en/admin/").status_code == 200
    client.logout()
    password_login(client, "owner")
    used = client.post("/en/admin/account/verify/", {"code": codes[0]})
    assert "That code is not right." in used.content.decode()
    assert client.get("/en/admin/").status_code == 302
    assert StaticToken.objects.count() == 9


def test_a_wrong_code_keeps_the_door_shut_and_the_app_code_opens_it(client, petition):
    user = organiser("campaigner", petition.organization, Role.CAMPAIGNER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    password_login(client, "campaigner")
    page = client.post("/en/admin/account/verify/", {"code": "123456"}).content.decode()
    assert "That code is not right." in page
    assert client.get("/en/admin/participation/act/").status_code == 302
    time.sleep(1.1)  # each wrong code makes the next wait, a second at first
    secret = __import__("base64").b32encode(device.bin_key).decode()
    client.post("/en/admin/account/verify/", {"code": totp(secret)})
    assert client.get("/en/admin/participation/act/").status_code == 200


def test_roles_without_personal_data_need_no_second_factor(client, petition):
    organiser("viewer", petition.organization, Role.VIEWER)
    organiser("translator", petition.organization, Role.TRANSLATOR)
    for username in ("viewer", "translator"):
        password_login(client, username)
        assert client.get("/en/admin/").status_code == 200, username
        client.logout()


def test_the_operator_needs_one_too(client, django_user_model):
    user = django_user_model.objects.create_user("operator", password="pw", is_staff=True)
    Operator.objects.create(user=user)
    password_login(client, "operator")
    assert client.get("/en/admin/").url.startswith("/en/admin/account/verify/")


def test_an_export_asks_for_the_second_factor_again_after_ten_minutes(client, petition):
    keen = confirmed_signature(petition, email="keen@example.org")
    keen.wants_updates = True
    keen.save(update_fields=["wants_updates"])
    user = log_in(client, organiser("owner", petition.organization, Role.OWNER))
    export = "/en/delivery/exports/free-the-teachers/supporters.csv"
    assert client.get(export).status_code == 200
    session = client.session
    session[VERIFIED_AT] = timezone.now().timestamp() - 11 * 60
    session.save()
    asked = client.get(export)
    assert asked.status_code == 302 and asked.url.startswith("/en/admin/account/verify/")
    package = built_package(petition, "en")
    assert client.get(f"/en/delivery/packages/{package.pk}/pdf").status_code == 302
    log_in(client, user)
    assert client.get(export).status_code == 200
    assert client.get(f"/en/delivery/packages/{package.pk}/pdf").status_code == 200


def test_a_contact_address_is_shown_only_with_a_fresh_second_factor(client):
    from tests.factories import open_letter, organisation_signature

    letter = open_letter()
    act = organisation_signature(letter, email="office@example.org")
    reviewer = log_in(client, organiser("reviewer", letter.organization, Role.REVIEWER))
    url = f"/en/admin/participation/organisationsignature/{act.organisation.pk}/change/"
    assert "office@example.org" in client.get(url).content.decode()
    session = client.session
    session[VERIFIED_AT] = time.time() - 11 * 60
    session.save()
    page = client.get(url).content.decode()
    assert "office@example.org" not in page
    assert "/en/admin/account/verify/?next=" in page
    assert reviewer.is_staff


def test_the_admin_leads_to_the_second_factor_page(client, petition):
    log_in(client, organiser("owner", petition.organization, Role.OWNER))
    page = client.get("/fa/admin/").content.decode()
    assert 'href="/fa/admin/account/second-factor/"' in page


def test_an_owner_resets_the_second_factor_of_a_member_who_lost_it(client, petition):
    from django_otp import devices_for_user

    from hamsada.organizations.models import AuditEntry, Membership
    from hamsada.outbox.models import Message
    from tests.factories import organization

    member = organiser("campaigner", petition.organization, Role.CAMPAIGNER)
    log_in(client, member)  # an authenticator app, now lost
    membership = Membership.objects.get(user=member)
    url = f"/fa/admin/account/members/{membership.pk}/reset/"
    owner = log_in(client, organiser("owner", petition.organization, Role.OWNER))
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not list(devices_for_user(member, confirmed=None))
    assert Message.objects.filter(user=member, notice="second_factor_changed").exists()
    assert AuditEntry.objects.filter(action="reset second factor", object_id=str(member.pk))
    # Nobody resets their own, and nobody one who also belongs where they do not own.
    own = Membership.objects.get(user=owner)
    assert client.post(f"/fa/admin/account/members/{own.pk}/reset/").status_code == 403
    elsewhere = organization("other", "Other")
    Membership.objects.create(user=member, organization=elsewhere, role=Role.OWNER)
    assert client.post(url).status_code == 403


def test_the_operator_cannot_reset_an_owners_second_factor(client, petition, django_user_model):
    from hamsada.organizations.models import Membership

    owner = log_in(client, organiser("owner", petition.organization, Role.OWNER))
    operator = django_user_model.objects.create_user("operator", password="pw", is_staff=True)
    Operator.objects.create(user=operator)
    log_in(client, operator)
    url = f"/en/admin/account/members/{Membership.objects.get(user=owner).pk}/reset/"
    assert client.post(url).status_code == 403
