"""/metrics, for Prometheus, behind a token: totals only."""

import pytest

from tests.factories import confirmed_signature, pending_signature

pytestmark = pytest.mark.django_db
TOKEN = "a-long-random-metrics-token"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def test_without_a_token_setting_there_is_no_metrics_page(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_a_wrong_or_missing_token_is_refused(client, token):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess").status_code == 401


def test_the_figures_in_prometheus_text(client, petition, token, settings):
    confirmed_signature(petition)
    pending_signature(petition, email="grace@example.org")
    settings.SIGN_RATE_LIMIT = 1
    client.post("/en/c/free-the-teachers/sign/", {"email": "x@example.org"})
    client.post("/en/c/free-the-teachers/sign/", {"email": "x@example.org"})  # 429
    text = client.get("/metrics", **token).content.decode()
    assert 'hamsada_signatures{state="confirmed"} 1' in text
    assert 'state="pending"' not in text  # it would tell whether an address signed
    assert 'hamsada_emails{status="queued"} 3' in text  # two confirmations and a receipt
    assert 'hamsada_refused_requests_total{status="429"} 1' in text
    assert "# TYPE hamsada_refused_requests_total counter" in text
    assert "example.org" not in text and "free-the-teachers" not in text
