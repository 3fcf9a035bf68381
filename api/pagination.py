"""Cursor pagination: stable pages while rows are added, in id order (oldest first)."""
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = ("pk",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
