"""Sample letters: merge fields, and the links that hand a letter to the
supporter's own mail program or social account. Nothing is sent from here."""

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MERGE_FIELD = re.compile(r"\{(\w+)\}")
LETTER_FIELDS = {"salutation", "target_name", "target_title", "supporter_name", "supporter_city"}
SOCIAL_FIELDS = {"handles", "target_name", "target_title"}
# Longer mailto: links are cut or refused by some mail programs and systems
# (about 2,000 characters is the lowest limit in common use).
MAILTO_LIMIT = 2000
SOCIAL_LIMIT = 280


def check_merge_fields(text, field):
    """Raises ValidationError on {unknown} fields in one of a CampaignText's texts."""
    allowed = SOCIAL_FIELDS if field == "social_post" else LETTER_FIELDS
    unknown = sorted(set(MERGE_FIELD.findall(getattr(text, field))) - allowed)
    if unknown:
        raise ValidationError(
            {
                field: _("Unknown merge field %(fields)s. You can use: %(allowed)s.")
                % {
                    "fields": ", ".join("{" + name + "}" for name in unknown),
                    "allowed": ", ".join("{" + name + "}" for name in sorted(allowed)),
                }
            }
        )


def fill(template, values):
    """template with each known {field} replaced; anything else left as written."""
    return MERGE_FIELD.sub(lambda match: values.get(match[1], match[0]), template)


SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


def fill_spoken(template, values):
    """A phone script as it is read aloud: a sentence whose every field is
    empty ("my name is {supporter_name}." with no name given) is left out;
    the title is not said twice when the official's name begins with it
    ("{target_title} {target_name}" with "Ambassador" and "Ambassador of …");
    no gap is left where a field was empty."""
    values = dict(values)
    title, name = values.get("target_title", ""), values.get("target_name", "")
    if title and name.casefold().startswith(title.casefold()):
        values["target_title"] = ""
    kept = []
    for sentence in SENTENCE_END.split(template):
        known = [field for field in MERGE_FIELD.findall(sentence) if field in values]
        if known and not any(values[field] for field in known):
            continue
        kept.append(sentence)
    spoken = fill(" ".join(kept), values)
    return re.sub(r"[ \t]{2,}", " ", re.sub(r"[ \t]+([.,،؛!?؟])", r"\1", spoken)).strip()


def letter_values(target, language, supporter_name="", supporter_city=""):
    return {
        "salutation": target.salutation_in(language),
        "target_name": target.name,
        "target_title": target.title,
        "supporter_name": supporter_name,
        "supporter_city": supporter_city,
    }


def mailto(address, subject, body):
    """(link, whole): a mailto: link with the letter, or, when that would pass
    MAILTO_LIMIT, with the address and subject only (whole is then False)."""
    link = "mailto:{}?subject={}".format(quote(address, safe="@"), quote(subject, safe=""))
    with_body = f"{link}&body={quote(body, safe='')}"
    if len(with_body) <= MAILTO_LIMIT:
        return with_body, True
    return link, False


def social_post(template, target):
    """The post with the target's handles, shortened to SOCIAL_LIMIT characters
    (the text is cut, never the handles)."""
    handles = " ".join(target.handles())
    values = {"handles": handles, "target_name": target.name, "target_title": target.title}
    post = fill(template, values)
    if "{handles}" not in template and handles:
        post = f"{post} {handles}"
    if len(post) <= SOCIAL_LIMIT:
        return post
    room = SOCIAL_LIMIT - len(handles) - 2
    text = fill(template, {**values, "handles": ""}).strip()
    return f"{text[: max(0, room)].rstrip()}… {handles}".strip()


def x_post_link(post):
    return "https://x.com/intent/post?text=" + quote(post, safe="")
