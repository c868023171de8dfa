"""What the browser tests share: watching hosts and confirming from an email."""

from urllib.parse import urlsplit

from tests.conftest import wait_for
from tests.smtp import link_in, text_of


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
    """Opens the count-th confirmation email's link (receipts come in between) and confirms."""

    def confirmations():
        found = [m for m in smtp_server.messages if "/confirm/" in text_of(m)]
        return len(found) >= count and found

    page.goto(link_in(wait_for(confirmations)[count - 1], "confirm"))
    page.locator("main form button[type=submit]").click()
