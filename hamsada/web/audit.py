"""What goes into the audit trail from the organisers' screens: each write,
with old and new values of fields that are not personal data (only the names
of those that are), and each read of personal data."""

from django.db.models import Model

from hamsada.organizations.audit import record
from hamsada.organizations.models import Organization

# Fields whose values are personal data, by model: the trail names them, never
# copies them. (An official's name is public; a supporter's or a detained
# person's is not.)
PERSONAL = {
    "participation.act": {
        "name",
        "affiliation",
        "private_encrypted",
        "note",
        "email",
        "email_encrypted",
    },
    "participation.organisationsignature": {"contact", "reason"},
    # Stored encrypted: a domain can name a small organisation's staff.
    "participation.bulkinvalidation": {"domain", "pattern"},
    "campaigns.personconcerned": {"name", "note"},
    "auth.user": {"email", "username"},
}


def label(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def organization_of(obj, path):
    """The Organization at the end of path (a lookup like "campaign__organization",
    "" for obj itself), or None for what belongs to none (the directory)."""
    for part in path.split("__") if path else []:
        obj = getattr(obj, part)
    return obj if isinstance(obj, Organization) else None


def plain(value):
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, (list, tuple, set)) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return [plain(item) for item in items]
    return None if value is None else str(value)


def changes(form, formsets=()):
    """{field: [old, new]} of form (and {prefix-field: …} of its inlines);
    personal fields as {field: None}."""
    found = {}
    inlines = [(f, f"{fs.prefix}-") for fs in formsets or () for f in fs.forms]
    for each, prefix in [(form, ""), *inlines]:
        if not getattr(each, "cleaned_data", None):
            continue
        personal = PERSONAL.get(label(each._meta.model), set())
        for name in each.changed_data:
            key = f"{prefix}{name}" if prefix else name
            if name in personal:
                found[key] = None
            else:
                found[key] = [plain(each.initial.get(name)), plain(each.cleaned_data.get(name))]
    return found


def wrote(request, action, obj, path, fields=None):
    record(
        request.user,
        action,
        label(type(obj)),
        obj.pk,
        organization_of(obj, path),
        fields if fields is not None else getattr(request, "audit_fields", {}),
    )


def read(request, what, obj, organization, fields):
    """A person read personal data: which fields of what."""
    record(request.user, what, label(type(obj)), obj.pk, organization, dict.fromkeys(fields))
