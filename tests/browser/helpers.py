"""What the browser tests share: watching hosts and confirming from an email."""

from urllib.parse import urlsplit

from tests.conftest import wait_for
from tests.smtp import link_in


def watch_hosts(page):
    """Every host the page contacts; also fails the test on any missing resource."""
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("response", lambda response: assert_found(response))
    return hosts


def assert_found(response):
    if "/static/" in response.url:
        assert response.status in {200, 304}, (response.status, response.url)


def confirm_from_email(page, smtp_server, count):
    messages = wait_for(lambda: len(smtp_server.messages) >= count and smtp_server.messages)
    page.goto(link_in(messages[count - 1], "confirm"))
    page.locator("main form button[type=submit]").click()
