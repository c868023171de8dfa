import pytest
from django.db import connection

from hamsada.campaigns.actions import close_campaign
from hamsada.keys.digests import act_digest
from hamsada.outbox.models import Message
from hamsada.participation.models import Act
from hamsada.tally.models import totals
from tests.factories import open_petition, pending_signature, sign_data
from tests.helpers import without_csrf_token

pytestmark = pytest.mark.django_db
SIGN_URL = "/en/c/free-the-teachers/sign/"


def test_signing_stores_a_pending_act_and_queues_its_email_then_says_check_email(client, petition):
    response = client.post(SIGN_URL, sign_data(show_name="on"), follow=True)
    assert response.redirect_chain == [("/en/c/free-the-teachers/check-your-email/", 302)]
    assert "Check your email" in response.content.decode()
    act = Act.objects.get()
    assert (act.status, act.name, act.country, act.show_name, act.wants_updates) == (
        "pending",
        "Ada Lovelace",
        "GB",
        True,
        False,
    )
    assert act.email == "ada@example.org"
    assert Message.objects.get().kind == Message.Kind.CONFIRM
    assert totals(petition.pk) == {"confirmed": 0, "pending": 1}


def test_the_email_address_is_stored_only_encrypted_and_digested(client, petition):
    client.post(SIGN_URL, sign_data(email="secret.person@example.org"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM participation_act")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "secret.person" not in row
    assert Act.objects.get().email_digest == act_digest(petition.pk, "secret.person@example.org")


def test_name_and_choices_default_to_private(client, petition):
    client.post(SIGN_URL, sign_data())
    act = Act.objects.get()
    assert act.show_name is False
    assert act.wants_updates is False


def test_signing_twice_gives_the_same_page_and_an_already_signed_email(client, petition):
    first = client.post(SIGN_URL, sign_data(), follow=True)
    second = client.post(
        SIGN_URL, sign_data(email="ADA@example.org", name="Someone else"), follow=True
    )
    assert first.redirect_chain == second.redirect_chain
    assert without_csrf_token(first.content.decode()) == without_csrf_token(second.content.decode())
    assert Act.objects.count() == 1
    assert Act.objects.get().full_name == "Ada Lovelace"
    assert list(Message.objects.order_by("pk").values_list("kind", flat=True)) == [
        "confirm",
        "already_signed",
    ]
    assert totals(petition.pk) == {"confirmed": 0, "pending": 1}


def test_gmail_dots_and_tags_are_the_same_signer(client, petition):
    client.post(SIGN_URL, sign_data(email="ada.lovelace@gmail.com"))
    client.post(SIGN_URL, sign_data(email="AdaLovelace+petitions@googlemail.com"))
    assert Act.objects.count() == 1


def test_no_address_gets_more_than_five_emails_for_one_act(client, petition):
    for _attempt in range(9):
        client.post(SIGN_URL, sign_data())
    assert Message.objects.count() == 5
    assert Act.objects.get().emails_sent == 5


def test_signing_another_petition_with_the_same_address_is_a_new_act(client, petition):
    open_petition(slug="second")
    client.post(SIGN_URL, sign_data())
    client.post("/en/c/second/sign/", sign_data())
    assert Act.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "valid email address"),
        ("email", "", "write your email address"),
        ("name", "", "write your name"),
        ("name", "\u202e\u200b", "write your name"),
        ("name", "x" * 121, "shorten your name"),
        ("email", "a" * 250 + "@example.org", "too long"),
        ("name", "Ada\x00", "Null characters are not allowed"),
        ("country", "XX", "choose a country from the list"),
        ("country", None, "choose a country"),
        ("consent", None, "tick this box"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client, petition, field, value, message):
    response = client.post(SIGN_URL, sign_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Act.objects.count() == 0
    assert Message.objects.count() == 0


def test_errors_are_translated(client, petition):
    response = client.post("/fa/c/free-the-teachers/sign/", sign_data(email="nope"))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'dir="rtl"' in page
    assert "valid email address" not in page


def test_names_are_stored_without_direction_tricks_but_with_zwnj(client, petition):
    client.post(SIGN_URL, sign_data(name="\u202eمی\u200cشود\u200b Ada"))
    assert Act.objects.get().full_name == "می\u200cشود Ada"


def test_a_closed_petition_refuses_signatures(client, petition):
    from django.utils import timezone

    close_campaign(petition, timezone.now())
    response = client.post(SIGN_URL, sign_data())
    assert response.status_code == 409
    assert Act.objects.count() == 0


def test_unknown_petition_is_404(client, db):
    assert client.post("/en/c/nothing-here/sign/", sign_data()).status_code == 404
    assert Act.objects.count() == 0


def test_signing_in_a_language_the_petition_lacks_is_refused(client):
    open_petition(languages=("en",))
    response = client.post("/fa/c/free-the-teachers/sign/", sign_data())
    assert response.status_code == 404
    assert Act.objects.count() == 0


def test_sign_page_needs_post(client, petition):
    assert client.get(SIGN_URL).status_code == 405


def test_too_many_signatures_from_one_network_are_slowed_down(client, petition, settings):
    settings.SIGN_RATE_LIMIT = 3
    for n in range(3):
        assert client.post(SIGN_URL, sign_data(email=f"p{n}@example.org")).status_code == 302
    response = client.post(SIGN_URL, sign_data(email="p4@example.org"))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert Act.objects.count() == 3


def test_the_signer_language_is_kept_for_their_emails(client, petition):
    client.post("/ps/c/free-the-teachers/sign/", sign_data())
    assert Act.objects.get().language == "ps"
    assert Message.objects.get().language == "ps"


def test_pending_signature_factory_goes_through_the_pipeline(petition):
    act = pending_signature(petition)
    assert act.status == Act.Status.PENDING
