"""Small glue shared by the page views: access decorators and service errors onto forms."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError

from listings.conf import listings_settings

from ..catalogue_cache import query_cache_name
from ..pagination import COUNT_IGNORES, CappedPaginator
from ..permissions import is_seller


def seller_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_seller(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def form_errors_from(form, exc: ValidationError, *, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ``ValidationError`` on the form, field by field where the form has the field."""
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = field_map.get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def page_of(request, queryset, *, count_cache: bool = False):
    paginator = CappedPaginator(queryset, int(listings_settings.CATALOGUE_PAGE_SIZE))
    if count_cache:  # the catalogue: its capped count is cached per filter set and catalogue version
        paginator.count_cache_name = query_cache_name("count", request.GET, ignore=COUNT_IGNORES)
    return paginator.get_page(request.GET.get("page"))
