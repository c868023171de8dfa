"""When the database is unreachable, pages say so with a 503, never a 500."""

import pytest
from django.db import connection

from tests.factories import sign_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_down():
    """Points the connection at a database that cannot be reached, then back."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/directory/hamsada.sqlite3"
    else:
        connection.settings_dict["PORT"] = "9"  # nothing listens on the discard port
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.mark.parametrize("language", ["en", "fa", "ps"])
def test_pages_answer_503_with_retry_after_while_the_database_is_down(
    client, database_down, language
):
    client.raise_request_exception = False
    for response in [
        client.get(f"/{language}/"),
        client.get(f"/{language}/c/anything/"),
        client.post(f"/{language}/c/anything/sign/", sign_data()),
    ]:
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert f'lang="{language}"' in response.content.decode()


def test_the_503_page_is_translated(client, database_down):
    client.raise_request_exception = False
    page = client.get("/fa/").content.decode()
    assert 'dir="rtl"' in page
    assert "Back in a moment" not in page
