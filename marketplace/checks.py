"""System checks of the plugin's own settings (stable ids ``marketplace.E0xx``).

The host's security settings (SECRET_KEY, ALLOWED_HOSTS, cookie flags) are the host's to check
(``check --deploy``); the standalone site checks its own in ``facemarket_site.checks``. What a host
must install and schedule for the plugin is checked in ``marketplace.embedding.checks``.
"""

from __future__ import annotations

from marketplace.embedding import checks as embedding_checks  # noqa: F401  (what a host must install and schedule)
from marketplace.trust import checks as trust_checks  # noqa: F401  (keys and certificates of the trust surface)
