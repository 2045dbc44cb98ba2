"""A tenant's sequential order numbers, taken inside the transaction that writes the order.

The counter item (``T#<t>#ORDERNO``/``COUNTER``, its number the ``tally``) is read, and the order's
transaction adds 1 to it *on condition that it still holds what was read*. So:

- a number is taken only by a transaction that commits: a failed one (a condition of the order, a
  throttle, a crash before the commit) advances nothing, and no number is lost;
- two placements that read the same number cannot both commit: the loser's condition fails and
  :func:`commit_numbered` builds its transaction again with the next number;
- numbers are therefore gapless and each is taken once. A gap can only come from outside this
  function (an order item deleted later, or the counter set by hand).

An unconditional ``ADD`` would never conflict but a transaction cannot return the value it produced,
so the order could not carry its number: the condition is the price of knowing it, one consistent
read and a retry under contention (every placement of a tenant serializes on one item, about a
thousand per second at most, which an order's other work keeps far from).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from pynamodb.exceptions import TransactWriteError

from chalicelib.platform.errors import Conflict
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record, Transaction

ORDER_COUNTER_TYPE = "order_counter"
MAX_ATTEMPTS = 10
BACKOFF_SECONDS = 0.02  # doubled each attempt (at most 1 s), jittered: contenders spread out


class NumberTaken(Conflict):
    """Another placement took the number read; raised only after every attempt lost."""

    def __init__(self) -> None:
        super().__init__(
            "order numbers were taken by concurrent placements; retry", headers={"Retry-After": "1"}
        )


def last_order_number(tenant_id: str) -> int:
    """The tenant's last number taken (0 before its first order); a strongly consistent read."""
    key = keys.order_counter(tenant_id)
    return repository.tallies(key.pk, page_size=1).get(key.sk, 0)


def take_number(transaction: Transaction, tenant_id: str, last: int) -> int:
    """Make ``transaction`` take the number after ``last`` (as read): it commits only while ``last`` is
    still the tenant's last number. Returns the number taken."""
    transaction.advance(
        keys.order_counter(tenant_id),
        ORDER_COUNTER_TYPE,
        {"tenant_id": tenant_id},
        expected=last,
        on_failure=NumberTaken(),
    )
    return last + 1


def _contended(error: TransactWriteError) -> bool:
    return any(
        reason is not None and reason.code == "TransactionConflict"
        for reason in error.cancellation_reasons or []
    )


def last_number_of(counter: Record | None) -> int:
    """The last number taken as the counter item read with other items says (0 before any order)."""
    return (counter.tally or 0) if counter is not None else 0


def commit_numbered(tenant_id: str, build: Callable[[int], Transaction], *, last: int | None = None) -> int:
    """Commit ``build(number)``, the writes of an order carrying ``number``, with the tenant's next
    number taken in the same transaction; a number taken meanwhile builds it again with the next one.

    ``last``: the counter as the caller read it already (strongly consistent, with the order's other
    reads: ``keys.order_counter``), saving the first attempt its read; a stale one only loses the
    counter's condition, and the next attempt reads the counter itself.
    ``build`` must be free of side effects (it runs once per attempt). Its own conditions' problems
    come out as they are. Returns the number the committed transaction took.
    """
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, min(BACKOFF_SECONDS * 2**attempt, 1.0)))  # noqa: S311 - jitter, not a secret
        if attempt or last is None:
            last = last_order_number(tenant_id)
        transaction = build(last + 1)
        number = take_number(transaction, tenant_id, last)
        try:
            transaction.commit()
        except NumberTaken:
            continue
        except TransactWriteError as error:
            if _contended(error):
                continue
            raise
        return number
    raise NumberTaken()
