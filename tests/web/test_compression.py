"""Pages go out gzipped to browsers that take it, but never an answer to a
POST, where one-time secrets (receipt codes) appear (BREACH)."""

import gzip

import pytest

pytestmark = pytest.mark.django_db
PAGE = "/fa/c/free-the-teachers/"


def test_a_page_is_compressed_for_browsers_that_accept_it(client, petition):
    plain = client.get(PAGE)
    packed = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2.5
    assert gzip.decompress(packed.content).decode().startswith("<!doctype html>")


def test_an_answer_to_a_post_is_never_compressed(client, petition):
    response = client.post(
        "/fa/c/free-the-teachers/verify/", {"receipt": "x" * 20}, HTTP_ACCEPT_ENCODING="gzip"
    )
    assert len(response.content) > 200
    assert "Content-Encoding" not in response
