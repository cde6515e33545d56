"""localstripe for the test suite: bound to 127.0.0.1, state kept where we say, plus what it lacks.

Run: ``python tests/payouts/localstripe_server.py --port 8420 [--state /tmp/x.pickle]``

localstripe (a stateful fake Stripe server) binds every interface, pickles its state into
/tmp/localstripe.pickle on every write, and has no Connect. This wrapper:

- binds 127.0.0.1 only, and keeps state in memory (or in ``--state``), never the shared /tmp file;
- adds Connect as plain resource classes in localstripe's own style: ``Account`` (Express),
  ``AccountLink`` (its URL "completes onboarding" when opened, as if the seller filled Stripe's
  form, and sends ``account.updated``), ``Transfer`` (``destination``, ``transfer_group``,
  ``source_transaction`` checked against the charge) and ``TransferReversal``;
- teaches ``PaymentIntent`` ``automatic_payment_methods``, ``transfer_group``, ``description`` and
  ``amount_received``; teaches ``Refund`` ``reason`` and to send ``charge.refunded``; lets lists
  filter by ``created``;
- honours ``Idempotency-Key`` like Stripe: a repeated key returns the first response (status and
  body), a key reused with other parameters is a 400 ``idempotency_error``; and lists every POST
  with its API key and idempotency key at ``GET /_config/posts``, so tests can audit them.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import socket
import time
from urllib.parse import quote

from aiohttp import web
from localstripe import resources as ls
from localstripe import server
from localstripe.errors import UserError
from localstripe.resources import Charge, Event, List, PaymentIntent, Refund, StripeObject, store
from localstripe.webhooks import schedule_webhook

BASE_URL = "http://127.0.0.1:8420"
STATE_FILE: str | None = None


# -- state: in memory, or in a file of our choosing -------------------------------------------------


def _load(self):
    if STATE_FILE:
        try:
            with open(STATE_FILE, "rb") as f:
                self.clear()
                self.update(pickle.load(f))  # noqa: S301 - the file this process itself wrote
        except FileNotFoundError:
            pass


def _dump(self):
    if STATE_FILE:
        with open(STATE_FILE, "wb") as f:
            pickle.dump(dict(self), f, protocol=pickle.HIGHEST_PROTOCOL)


ls.Store.try_load_from_disk = _load
ls.Store.dump_to_disk = _dump


# -- list filters by creation time (reconciliation windows) ----------------------------------------


def _created_filter(created) -> list:
    if created is None:
        return []
    if not isinstance(created, dict):
        raise UserError(400, "Bad request")
    tests = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}
    filters = []
    for op, value in created.items():
        if op not in tests:
            raise UserError(400, "Bad request")
        filters.append(lambda obj, op=op, value=int(value): tests[op](obj.created, value))
    return filters


def _listable_by_created(cls):
    original = cls._api_list_all.__func__

    def _api_list_all(klass, url, created=None, **kwargs):
        li = original(klass, url, **kwargs)
        filters = _created_filter(created)
        li._list = [obj for obj in li._list if all(f(obj) for f in filters)]
        return li

    cls._api_list_all = classmethod(_api_list_all)


# -- PaymentIntent: the parameters Stripe's current API takes ---------------------------------------

_payment_intent_init = PaymentIntent.__init__


def _payment_intent_init_plus(
    self, automatic_payment_methods=None, transfer_group=None, description=None, **kwargs
):
    if automatic_payment_methods is not None and not isinstance(automatic_payment_methods, dict):
        raise UserError(400, "Bad request")
    _payment_intent_init(self, **kwargs)
    self.automatic_payment_methods = automatic_payment_methods
    self.transfer_group = transfer_group
    self.description = description


PaymentIntent.__init__ = _payment_intent_init_plus
PaymentIntent.amount_received = property(lambda self: self.amount if self.status == "succeeded" else 0)
_listable_by_created(PaymentIntent)


# -- Refund: a reason, a limit, and the charge.refunded event ---------------------------------------

_refund_init = Refund.__init__


def _refund_init_plus(self, reason=None, **kwargs):
    if reason is not None and reason not in ("duplicate", "fraudulent", "requested_by_customer"):
        raise UserError(400, "Bad request")
    charge_id = kwargs.get("charge")
    if kwargs.get("payment_intent"):
        intent = PaymentIntent._api_retrieve(kwargs["payment_intent"])
        charge_id = intent.latest_charge.id if intent.latest_charge else None
    if charge_id:
        charge = Charge._api_retrieve(charge_id)
        amount = ls.try_convert_to_int(kwargs.get("amount")) or charge.amount
        if isinstance(amount, int) and charge.amount_refunded + amount > charge.amount:
            raise UserError(400, "Refund exceeds the charge", {"code": "charge_already_refunded"})
    _refund_init(self, **kwargs)
    self.reason = reason
    schedule_webhook(Event("charge.refunded", Charge._api_retrieve(self.charge)))


Refund.__init__ = _refund_init_plus
_refund_list = Refund._api_list_all.__func__


def _refund_list_plus(cls, url, created=None, **kwargs):
    li = _refund_list(cls, url, **kwargs)
    filters = _created_filter(created)
    li._list = [obj for obj in li._list if all(f(obj) for f in filters)]
    return li


Refund._api_list_all = classmethod(_refund_list_plus)


# -- Connect ---------------------------------------------------------------------------------------


class Account(StripeObject):
    object = "account"
    _id_prefix = "acct_"

    def __init__(
        self,
        type=None,
        country=None,
        email=None,
        capabilities=None,
        metadata=None,
        business_type=None,
        **kwargs,
    ):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        try:
            assert type in ("express", "standard", "custom")
            assert country is None or (isinstance(country, str) and len(country) == 2)
            assert email is None or isinstance(email, str)
            assert capabilities is None or isinstance(capabilities, dict)
            assert metadata is None or isinstance(metadata, dict)
        except AssertionError:
            raise UserError(400, "Bad request") from None

        # All exceptions must be raised before this point.
        super().__init__()

        self.type = type
        self.country = country or "US"
        self.email = email
        self.business_type = business_type
        self.metadata = metadata or {}
        self.capabilities = dict.fromkeys(capabilities or {}, "inactive")
        self.details_submitted = False
        self.charges_enabled = False
        self.payouts_enabled = False
        self.requirements = {
            "currently_due": ["external_account", "tos_acceptance.date"],
            "disabled_reason": "requirements.past_due",
        }

    def _complete_onboarding(self):
        self.details_submitted = True
        self.charges_enabled = True
        self.payouts_enabled = True
        self.capabilities = dict.fromkeys(self.capabilities, "active") or {"transfers": "active"}
        self.requirements = {"currently_due": [], "disabled_reason": None}
        schedule_webhook(Event("account.updated", self))

    def _restrict(self):
        self.payouts_enabled = False
        self.requirements = {
            "currently_due": ["individual.verification.document"],
            "disabled_reason": "requirements.past_due",
        }
        schedule_webhook(Event("account.updated", self))


class AccountLink(StripeObject):
    object = "account_link"
    _id_prefix = "acctlink_"

    def __init__(self, account=None, refresh_url=None, return_url=None, type=None, collect=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        try:
            assert isinstance(account, str) and account.startswith("acct_")
            assert isinstance(refresh_url, str) and refresh_url.startswith("http")
            assert isinstance(return_url, str) and return_url.startswith("http")
            assert type in ("account_onboarding", "account_update")
        except AssertionError:
            raise UserError(400, "Bad request") from None
        Account._api_retrieve(account)  # 404 if it does not exist

        # All exceptions must be raised before this point.
        super().__init__()

        self.account = account
        self.expires_at = self.created + 300
        self.url = f"{BASE_URL}/_config/connect/onboard/{self.id}?return_url={quote(return_url, safe='')}"
        self._return_url = return_url

    @classmethod
    def _api_retrieve(cls, id):  # Stripe has no GET for account links
        raise UserError(405, "Method Not Allowed")


class Transfer(StripeObject):
    object = "transfer"
    _id_prefix = "tr_"

    def __init__(
        self,
        amount=None,
        currency=None,
        destination=None,
        transfer_group=None,
        source_transaction=None,
        description=None,
        metadata=None,
        **kwargs,
    ):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        amount = ls.try_convert_to_int(amount)
        try:
            assert isinstance(amount, int) and amount > 0
            assert isinstance(currency, str) and currency
            assert isinstance(destination, str) and destination.startswith("acct_")
            assert transfer_group is None or isinstance(transfer_group, str)
            assert source_transaction is None or isinstance(source_transaction, str)
            assert metadata is None or isinstance(metadata, dict)
        except AssertionError:
            raise UserError(400, "Bad request") from None
        account = Account._api_retrieve(destination)
        if account.capabilities.get("transfers") != "active":
            raise UserError(
                400,
                "The destination account cannot receive transfers",
                {"code": "insufficient_capabilities_for_transfer"},
            )
        if source_transaction:
            charge = Charge._api_retrieve(source_transaction)
            if charge.status != "succeeded" or charge.currency != currency:
                raise UserError(400, "Bad source_transaction")
            already = sum(t.amount for t in Transfer._all() if t.source_transaction == source_transaction)
            if already + amount > charge.amount - charge.amount_refunded:
                raise UserError(
                    400, "Insufficient funds in the source transaction", {"code": "balance_insufficient"}
                )

        # All exceptions must be raised before this point.
        super().__init__()

        self.amount = amount
        self.currency = currency
        self.destination = destination
        self.transfer_group = transfer_group
        self.source_transaction = source_transaction
        self.description = description
        self.metadata = metadata or {}
        self.amount_reversed = 0
        self.reversed = False
        schedule_webhook(Event("transfer.created", self))

    @classmethod
    def _all(cls):
        return [v for k, v in store.items() if k.startswith(cls.object + ":")]

    @property
    def reversals(self):
        li = List("/v1/transfers/" + self.id + "/reversals")
        li._list = [r for r in TransferReversal._all() if r.transfer == self.id]
        return li

    @classmethod
    def _api_list_all(
        cls,
        url,
        limit=None,
        starting_after=None,
        transfer_group=None,
        destination=None,
        created=None,
        **kwargs,
    ):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        li = super()._api_list_all(url, limit=limit, starting_after=starting_after)
        filters = _created_filter(created)
        if transfer_group is not None:
            filters.append(lambda t: t.transfer_group == transfer_group)
        if destination is not None:
            filters.append(lambda t: t.destination == destination)
        li._list = [t for t in li._list if all(f(t) for f in filters)]
        return li


class TransferReversal(StripeObject):
    object = "transfer_reversal"
    _id_prefix = "trr_"

    def __init__(self, transfer=None, amount=None, metadata=None, description=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        transfer_obj = Transfer._api_retrieve(transfer)
        remaining = transfer_obj.amount - transfer_obj.amount_reversed
        amount = remaining if amount is None else ls.try_convert_to_int(amount)
        try:
            assert isinstance(amount, int) and 0 < amount <= remaining
        except AssertionError:
            raise UserError(400, "Bad request") from None

        # All exceptions must be raised before this point.
        super().__init__()

        self.transfer = transfer
        self.amount = amount
        self.currency = transfer_obj.currency
        self.metadata = metadata or {}
        transfer_obj.amount_reversed += amount
        transfer_obj.reversed = transfer_obj.amount_reversed == transfer_obj.amount
        schedule_webhook(Event("transfer.reversed", transfer_obj))

    @classmethod
    def _all(cls):
        return [v for k, v in store.items() if k.startswith(cls.object + ":")]

    @classmethod
    def _api_create_for_transfer(cls, id=None, **data):
        return cls(transfer=id, **data)

    @classmethod
    def _api_list_for_transfer(cls, id=None, limit=None, starting_after=None, **kwargs):
        Transfer._api_retrieve(id)
        return Transfer._api_retrieve(id).reversals


def _add_routes(app: web.Application) -> None:
    for cls in (Account, Transfer):
        for method, url, func in (
            ("POST", "/v1/" + cls.object + "s", server.api_create),
            ("GET", "/v1/" + cls.object + "s/{id}", server.api_retrieve),
            ("POST", "/v1/" + cls.object + "s/{id}", server.api_update),
            ("GET", "/v1/" + cls.object + "s", server.api_list_all),
        ):
            app.router.add_route(method, url, func(cls, url))
    app.router.add_route("POST", "/v1/account_links", server.api_create(AccountLink, "/v1/account_links"))
    url = "/v1/transfers/{id}/reversals"
    app.router.add_route("POST", url, server.api_extra(TransferReversal._api_create_for_transfer, url))
    app.router.add_route("GET", url, server.api_extra(TransferReversal._api_list_for_transfer, url))
    # under /_config/: localstripe's unauthenticated control paths (a browser has no API key)
    app.router.add_route("GET", "/_config/connect/onboard/{id}", _onboard)
    app.router.add_route("POST", "/_config/connect/accounts/{id}/restrict", _restrict)
    app.router.add_route("POST", "/_config/reset", _reset)
    app.router.add_route("GET", "/_config/posts", _list_posts)


async def _onboard(request):
    """What the seller's browser reaches from an account link: onboarding done, back to the platform."""
    link = store.get("account_link:" + request.match_info["id"])
    if link is None or link.expires_at < time.time():
        raise web.HTTPNotFound()
    Account._api_retrieve(link.account)._complete_onboarding()
    store.dump_to_disk()
    raise web.HTTPFound(link._return_url)


async def _list_posts(request):
    return server.json_response([{"api_key": k, "path": p, "idempotency_key": i} for k, p, i in _posts])


async def _reset(request):
    """Forget everything, idempotency replies included (a test that needs a clean "Stripe")."""
    store.clear()
    _replies.clear()
    _posts.clear()
    return web.Response()


async def _restrict(request):
    Account._api_retrieve(request.match_info["id"])._restrict()
    return server.json_response({"ok": True})


# -- Stripe's idempotency --------------------------------------------------------------------------

_replies: dict[tuple[str, str], tuple[str, int, str]] = {}


#: (API key, path, Idempotency-Key or None) of every POST to the API, for tests to audit
_posts: list[tuple[str, str, str | None]] = []


@web.middleware
async def idempotency_middleware(request, handler):
    key = request.headers.get("Idempotency-Key")
    if request.method == "POST" and request.path.startswith("/v1/"):
        _posts.append((request.headers.get("Authorization", "").removeprefix("Bearer "), request.path, key))
    if request.method != "POST" or not key:
        return await handler(request)
    body = await request.read()
    fingerprint = hashlib.sha256(request.path.encode() + b"\0" + body).hexdigest()
    slot = (request.headers.get("Authorization", ""), key)
    if slot in _replies:
        seen, status, text = _replies[slot]
        if seen != fingerprint:
            return server.json_response(
                {
                    "error": {
                        "type": "idempotency_error",
                        "message": "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with.",
                    }
                },
                status=400,
            )
        response = web.Response(status=status, text=text, content_type="application/json")
        response.headers["Idempotent-Replayed"] = "true"
        return response
    try:
        response = await handler(request)
    except UserError as exc:
        response = exc.to_response()
    _replies[slot] = (fingerprint, response.status, response.text)
    return response


def main() -> None:
    global BASE_URL, STATE_FILE
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--state", default=None, help="pickle file for the state (default: memory only)")
    args = parser.parse_args()
    BASE_URL = f"http://127.0.0.1:{args.port}"
    STATE_FILE = args.state
    store.try_load_from_disk()

    app = server.app
    app.middlewares.insert(1, idempotency_middleware)  # inside the error middleware, outside auth
    _add_routes(app)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))  # loopback only, never every interface
    web.run_app(app, sock=sock, access_log=None, print=None)


if __name__ == "__main__":
    main()
