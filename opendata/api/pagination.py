"""Pages of every list in the public API: 50 items, `?page_size=` up to 200."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class PublicPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    # A bounded answer whatever the client asks: more rows means more pages.
    max_page_size = 200
