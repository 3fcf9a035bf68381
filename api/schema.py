"""The OpenAPI schema says what every operation may answer: its errors, 304 and the If-None-Match header."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the person's language."))


# Every operation may answer these: bad input, no or bad credentials, a scope or CSRF refusal,
# missing or forbidden (alike), too many requests.
ERRORS = {
    "400": _("Invalid input or refused by the rules (the message says why)."),
    "401": _("No credentials, or an invalid or expired token."),
    "403": _("The token's scope does not allow this, or the CSRF check failed."),
    "404": _("Not found, or not yours to see."),
    "429": _("Too many requests: slow down (see Retry-After)."),
}


class ApiAutoSchema(AutoSchema):
    def get_description(self):
        # Each view's `api_description`, in the reader's language (docstrings cannot be translated).
        description = getattr(self.view, "api_description", "")
        return str(description) if description else super().get_description()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET":
            parameters.append(OpenApiParameter(
                "If-None-Match", str, OpenApiParameter.HEADER, required=False,
                description=str(_("An ETag from an earlier answer: 304 Not Modified when nothing changed.")),
            ))
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        if self.method == "GET":
            responses["304"] = {"description": str(_("Not modified since the ETag sent in If-None-Match."))}
        error = self.resolve_serializer(ErrorSerializer, direction).ref
        # A 400 from a serializer or a filter names each field: {"field": ["message"]}; others have "detail".
        invalid = {"type": "object", "additionalProperties": True}
        for code, description in ERRORS.items():
            if code not in responses:
                schema = invalid if code == "400" else error
                responses[code] = {"description": str(description), "content": {"application/json": {"schema": schema}}}
        return responses


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalAccessTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http", "scheme": "bearer", "bearerFormat": "mtp_…",
            "description": str(_("A personal access token from your profile page (read or write scope).")),
        }
