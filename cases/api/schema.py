"""OpenAPI details drf-spectacular cannot infer: one tag per resource, and the error responses
every operation may give (DESIGN.md: errors are part of the contract, so they are documented)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

ERRORS_OF_EVERY_OPERATION = {
    "401": "Not signed in: send a session cookie or an `Authorization: Token <key>` header.",
    "403": "Your role in this project does not allow this.",
    "404": "No such project for you (outsiders always get 404), or no such record or page.",
    "429": "Too many requests: wait the number of seconds in the Retry-After header.",
}
ERRORS_OF_WRITES = {
    "409": "Stale version, duplicate or still-referenced record: nothing was changed. "
    "A stale write includes the current record and its version.",
    "412": "The If-Match header does not match the current version: nothing was changed.",
    "415": "The body is not JSON: send Content-Type: application/json.",
}
VALIDATION = "Invalid input: one list of messages per field (or `non_field_errors`)."


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField(required=False)
    current = serializers.DictField(required=False)


class ApiAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        tag = getattr(self.view, "schema_tag", None)
        return [tag] if tag else super().get_tags()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(ERRORS_OF_EVERY_OPERATION)
        writes = self.method not in ("GET", "HEAD", "OPTIONS")
        if writes:
            errors |= ERRORS_OF_WRITES
        for code, description in errors.items():
            serializer = ConflictSerializer if code == "409" else ErrorSerializer
            responses.setdefault(code, self._error(serializer, description))
        responses.setdefault("400", self._validation_error())
        return dict(sorted(responses.items()))

    def _error(self, serializer, description: str) -> dict:
        ref = self.resolve_serializer(serializer, "response").ref
        return {"content": {"application/json": {"schema": ref}}, "description": description}

    def _validation_error(self) -> dict:
        component = ResolvedComponent(
            name="ValidationError",
            type=ResolvedComponent.SCHEMA,
            object="ValidationError",
            schema={
                "type": "object",
                "description": VALIDATION,
                "additionalProperties": {},
            },
        )
        self.registry.register_on_missing(component)
        return {
            "content": {"application/json": {"schema": component.ref}},
            "description": VALIDATION,
        }
