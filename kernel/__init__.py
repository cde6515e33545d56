"""The plugin's kernel: the contracts every app shares and that import no app.

- ``kernel.conf``: per-app lazy settings read from one ``FACE_MARKET`` dict;
- ``kernel.money``: the ``Money`` type and the model attribute that exposes stored money as ``Money``;
- ``kernel.transitions``: the one transition engine and its one history model;
- ``kernel.errors``: ``ServiceError`` and the one DRF exception handler (one JSON error body);
- ``kernel.outbox``: events written with the change, dispatched after commit, swept until handled;
- ``kernel.roles``: the role names, permission codenames and "is this user a seller?" checks;
- ``kernel.links``: URLs an upper app lends a lower one (so no lower app names an upper app's URLs);
- ``kernel.api``: the plugin's base API view (its own authentication, permissions, throttles, errors).
"""
