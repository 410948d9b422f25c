"""Serializer fields shared by the API's serializers.

Records refer to each other by their natural keys (a dyad's code, a source's key, a criterion's
code, a username), always looked up inside the request's project, so a key of another project
is "not in this project" and never a way to reach it.
"""

from django.contrib.auth import get_user_model
from django.utils.encoding import smart_str
from rest_framework import serializers

MAX_KEY_LENGTH = 200


def has_nul(value) -> bool:
    """PostgreSQL stores no NUL character in text or JSON; refuse them as invalid input."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


class InProject(serializers.SlugRelatedField):
    """A related record named by its key, looked up among the request project's records.

    ``scope`` maps the project to the queryset filter, e.g. ``lambda p: {"project": p}``.
    """

    default_error_messages = {
        "does_not_exist": 'No {name} "{value}" in this project.',
        "invalid": "Give the {name} as text, e.g. its code or key.",
    }

    def __init__(self, *, slug_field: str, queryset, scope, name: str, **kwargs):
        self.scope = scope
        self.name = name
        super().__init__(slug_field=slug_field, queryset=queryset, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(**self.scope(self.context["project"]))

    def to_internal_value(self, data):
        if not isinstance(data, str) or has_nul(data) or len(data) > MAX_KEY_LENGTH:
            self.fail("invalid", name=self.name)
        found = self.get_queryset().filter(**{self.slug_field: data}).first()
        if found is None:
            self.fail("does_not_exist", name=self.name, value=smart_str(data))
        return found


class Username(serializers.SlugRelatedField):
    """Any user of the server, by username (an admin adding a member names them so)."""

    default_error_messages = {
        "does_not_exist": 'No user "{value}" on this server.',
        "invalid": "Give the username as text.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", queryset=get_user_model().objects.all(), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or has_nul(data) or len(data) > MAX_KEY_LENGTH:
            self.fail("invalid")
        return super().to_internal_value(data)


class NulFreeJSONField(serializers.JSONField):
    """A JSON value without NUL characters (PostgreSQL's jsonb cannot hold them)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if has_nul(value):
            raise serializers.ValidationError("Text cannot contain NUL characters.")
        return value


class StateList(serializers.ListField):
    """A list of alpha-3 codes, stored as one space-separated text (a community's further
    members, the states an item concerns); the model's clean() checks the codes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=3, min_length=3))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, data):
        return (data or "").split()

    def to_internal_value(self, data):
        return " ".join(super().to_internal_value(data))
