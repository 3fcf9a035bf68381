"""What every API view shares: ETags, the token scope and the signed-in rule."""
from rest_framework import generics, permissions
from rest_framework.views import APIView

from ..conditional import ETagMixin
from ..permissions import SignedIn, TokenScope


class PublicMixin(ETagMixin):
    """Readable by anyone (the public catalog and directory)."""

    permission_classes = [permissions.AllowAny, TokenScope]


class PrivateMixin(ETagMixin):
    """A signed-in person (session or token); what they see is scoped by the apps' selectors."""

    permission_classes = [SignedIn, TokenScope]


class PublicList(PublicMixin, generics.ListAPIView):
    pass


class PublicDetail(PublicMixin, generics.RetrieveAPIView):
    pass


class PrivateList(PrivateMixin, generics.ListAPIView):
    pass


class PrivateDetail(PrivateMixin, generics.RetrieveAPIView):
    pass


class PrivateAction(PrivateMixin, APIView):
    """A POST that calls one service."""
