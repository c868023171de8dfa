"""Thousands of generated inputs at the sign form: never a 500, and nothing stored
from input that was refused."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsada.outbox.models import Message
from hamsada.participation.models import Act

pytestmark = pytest.mark.django_db
SIGN_URL = "/en/c/free-the-teachers/sign/"
FUZZ = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

awkward_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("\x00\u202e\u200b\u200cدری ښ@.+ aZ9\n\t"), max_size=40),
    st.sampled_from(["", " ", "a@b.c", "ada@example.org", "x" * 5000, "\ufeff", "@", "a@"]),
)
form_data = st.fixed_dictionaries(
    {},
    optional={
        "name": awkward_text,
        "email": st.one_of(awkward_text, st.emails().map(str)),
        "country": st.one_of(st.sampled_from(["AF", "DE", "", "ZZ", "af"]), awkward_text),
        "consent": st.sampled_from(["on", "", "off", "1", "\x00"]),
        "show_name": st.sampled_from(["on", "", "yes"]),
        "wants_updates": awkward_text,
    },
)


def counts():
    return Act.objects.count(), Message.objects.count()


def check(response, before):
    assert response.status_code != 500
    assert response.status_code in {302, 400}, response.status_code
    after = counts()
    if response.status_code == 302:
        assert after[0] - before[0] in {0, 1}  # a new act, or an already-signed address
        assert after[1] - before[1] in {0, 1}
    else:
        assert after == before


@FUZZ
@given(data=form_data)
def test_generated_form_input_never_fails_and_refusals_store_nothing(client, petition, data):
    before = counts()
    check(client.post(SIGN_URL, data), before)


@FUZZ
@given(body=st.binary(max_size=400))
def test_raw_bytes_including_invalid_utf8_never_fail(client, petition, body):
    before = counts()
    response = client.generic(
        "POST", SIGN_URL, body, content_type="application/x-www-form-urlencoded"
    )
    check(response, before)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.text(min_size=1, max_size=80))
def test_generated_links_and_slugs_never_fail(client, petition, path):
    for url in (f"/en/c/{path}/", f"/en/confirm/{path}/", f"/en/withdraw/{path}/"):
        quoted = url.replace("%", "%25").replace("?", "%3F").replace("#", "%23")
        response = client.get(quoted)
        assert response.status_code in {200, 301, 302, 400, 404}, (url, response.status_code)
    assert counts() == (0, 0)


def test_a_valid_generated_shape_is_accepted(client, petition):
    """The generator can produce accepted input, so the refusals above mean something."""
    body = urlencode({"name": "Ada", "email": "ada@example.org", "country": "AF", "consent": "on"})
    response = client.generic(
        "POST", SIGN_URL, body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
