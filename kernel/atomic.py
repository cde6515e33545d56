"""``atomic_join``: a transaction when none is open, else the caller's (no savepoint of its own).

``@transaction.atomic`` on a service called inside another service's transaction opens a savepoint:
two statements a call, for nothing when the service cannot fail half-way in a way its caller
recovers from. Use ``atomic_join`` only where that holds: the service raises the errors its callers
catch before it writes (a refused transition, a conflict found by a read), and a database error
ends the whole transaction anyway. Services whose callers retry after a partial write keep
``transaction.atomic`` (a savepoint is what lets them go on).
"""

from __future__ import annotations

from functools import wraps

from django.db import transaction


def atomic_join(func):
    @wraps(func)
    def joined(*args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            return func(*args, **kwargs)
        with transaction.atomic():
            return func(*args, **kwargs)

    return joined
