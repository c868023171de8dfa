"""Small typed readers for settings taken from the environment."""

import importlib.util
import ipaddress
import json
import os
import re
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE:
        return True
    if value.strip().lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number (0.3), not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_limits(name: str) -> dict[str, int]:
    """{"gmail.com": 600, "*": 1200} from gmail.com=600,*=1200."""
    limits = {}
    for item in env_list(name, []):
        key, _equals, value = item.partition("=")
        try:
            limits[key.strip().lower()] = int(value)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must look like gmail.com=600,*=1200, not {item!r}"
            ) from None
    return limits


def env_mailbox(name: str) -> str:
    """A bare mailbox address (box@domain, no name, no +tag), or ""."""
    value = os.environ.get(name, "").strip()
    if value and not re.fullmatch(r"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value):
        raise ImproperlyConfigured(
            f"{name} must be a plain address like bounces@example.org (no name, no +), "
            f"not {value!r}"
        )
    return value


def env_proxies(name: str) -> tuple[str, ...]:
    """Addresses, networks, or "unix" (a proxy connected over a Unix socket)."""
    proxies = tuple(env_list(name, []))
    for proxy in proxies:
        if proxy != "unix":
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name} takes addresses, networks (10.0.0.0/8) or unix, not {proxy!r}"
                ) from None
    return proxies


def env_json(name: str, default):
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be JSON, not {value!r}") from None


def anymail_backend(provider: str) -> str:
    """Anymail's mail backend for a provider named as Anymail names it."""
    if not re.fullmatch(r"[a-z][a-z_]*", provider):
        raise ImproperlyConfigured(
            f"HAMSADA_MAIL_PROVIDER must be Anymail's name for a provider, like mailgun, "
            f"not {provider!r}"
        )
    if importlib.util.find_spec(f"anymail.backends.{provider}") is None:
        raise ImproperlyConfigured(f"Anymail has no provider called {provider!r}")
    return f"anymail.backends.{provider}.EmailBackend"


def secret(name: str, key_file: Path) -> str:
    """The secret from the environment, else from key_file, created on first use.

    The file is readable by its owner only; back it up: without the encryption
    key, stored email addresses cannot be read again.
    """
    value = os.environ.get(name)
    if value:
        return value
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    # Written aside then linked into place, so that processes starting together
    # all end up with the one key that won.
    draft = key_file.with_name(f".{key_file.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    try:
        os.link(draft, key_file)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    value = key_file.read_text().strip()
    return value


def smtp_options(url: str) -> dict:
    """Mailer options from smtp://user:password@host:port?tls=1 (or smtps:// for SSL)."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            "HAMSADA_SMTP_URL must look like smtp://user:pass@host:587?tls=1"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "host": parts.hostname,
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": query.get("tls", "0").lower() in TRUE,
        "timeout": int(query.get("timeout", "20")),
    }
