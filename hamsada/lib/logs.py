"""Log records without the tokens that act for their holders."""

import logging
import re

# Confirm, withdraw and stop-updates links, delivered packages, invitations and
# password resets: their last part acts for whoever holds it.
TOKEN_PATHS = re.compile(
    r"(/(?:confirm|withdraw|stop-updates|delivered|welcome|reset)/)[^\s\"'?#]+"
)


def redact(text: str) -> str:
    return TOKEN_PATHS.sub(r"\1-", text)


class RedactTokens(logging.Filter):
    """Cuts link tokens out of every record, message and traceback alike
    (Django names the path in "Forbidden (CSRF …): /en/withdraw/<token>/")."""

    def filter(self, record):
        message = record.getMessage()
        if TOKEN_PATHS.search(message):
            record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
