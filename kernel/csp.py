"""Content-Security-Policy hooks for the plugin's pages, inert unless the host runs django-csp.

The plugin never sets a policy itself (a host owns its headers). A host that runs django-csp's
middleware gets, on the pages that load Stripe.js, the origins Stripe.js needs added to its own policy
through django-csp's per-view decorator; without django-csp the decorator changes nothing.
"""

from __future__ import annotations

try:
    from csp.decorators import csp_update
except ImportError:  # django-csp not installed: the host sets no policy, nothing to add to

    def csp_update(config=None, REPORT_ONLY=False, **kwargs):  # noqa: N803 - django-csp's signature
        return lambda view: view


#: what Stripe.js (Payment Element, 3-D Secure) needs: its script, its frames, its API
STRIPE_JS_DIRECTIVES = {
    "script-src": ["https://js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
}

stripe_js_allowed = csp_update(STRIPE_JS_DIRECTIVES)
