from django.contrib.auth.backends import ModelBackend

from hamsada.organizations.models import Membership, Operator, Organization
from hamsada.organizations.roles import OPERATOR, PERMISSIONS, sees_personal_data


class RoleBackend(ModelBackend):
    """Logs in by username and password as Django does, but grants
    permissions from roles alone: with no object, those the user holds in any
    organisation (so menus show what they may use somewhere); with an
    organisation, or anything that has an organization_id, only those of
    their role there. Django's per-user and group permissions count for
    nothing, so no permission can be given outside a role."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        roles, operator = self.roles(user_obj)
        granted = set(OPERATOR) if operator else set()
        if obj is None:
            for role in roles.values():
                granted |= PERMISSIONS[role]
            return granted
        organization_id = obj.pk if isinstance(obj, Organization) else obj.organization_id
        role = roles.get(organization_id)
        return granted | (PERMISSIONS[role] if role else set())

    def roles(self, user):
        """{organisation id: role}, and whether the user is an operator; read
        once per request (the user object is the request's)."""
        if not hasattr(user, "_hamsada_roles"):
            user._hamsada_roles = (
                dict(Membership.objects.filter(user=user).values_list("organization", "role")),
                Operator.objects.filter(user=user).exists(),
            )
        return user._hamsada_roles


def organizations_where(user, permission):
    """The ids of the organisations in which user holds permission."""
    if not user.is_active or user.is_anonymous:
        return set()
    roles, _operator = RoleBackend().roles(user)
    return {organization for organization, role in roles.items() if permission in PERMISSIONS[role]}


def is_operator(user):
    return user.is_authenticated and RoleBackend().roles(user)[1]


def requires_second_factor(user):
    """Whether user must log in with a second factor: operators, and every role
    that reaches supporters' personal data."""
    roles, operator = RoleBackend().roles(user)
    return operator or any(sees_personal_data(role) for role in roles.values())
