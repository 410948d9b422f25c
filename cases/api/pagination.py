"""Every list is paginated: 50 rows a page by default, up to 500 with ?page_size=."""

from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
