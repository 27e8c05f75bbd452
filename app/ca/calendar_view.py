"""CalendarView: `renewal_calendar` kept current as audited rows change, for the Issue tab.

Building the calendar of 10,000 certificates takes ~100 ms (20,000 entries); it changes by a
certificate's few entries per action, and an entry's status only when a due date or an expiry
passes. The view patches the entries of the certificates an action touched and re-judges
every status only when the clock passes the next such moment. Equal to `renewal_calendar`
without a horizon (tests/ca/test_audited_view.py).
"""

from __future__ import annotations

import bisect
from typing import Any

from app.ca.audit_chain import BoundRows
from app.ca.audited_state import days_between
from app.ca.bindings import images_of
from app.ca.records import RenewalNotice

# (due, serial, 0 for a renewal point and 1 for a notice, days before expiry): the
# calendar's order, renewal points before notices due at the same moment.
Key = tuple[str, str, int, int]


def _status(now: str, due: str, not_after: str) -> str:
    return "expired" if now >= not_after else "due" if due <= now else "upcoming"


class CalendarView:
    """The renewal calendar of the latest audited rows, patched per certificate."""

    def __init__(self) -> None:
        self._certs: dict[str, dict[str, Any]] = {}  # serial -> unrevoked certificate image
        self._notices: dict[str, dict[int, dict[str, Any]]] = {}  # serial -> days -> image
        self._keys: list[Key] = []
        self._keys_of: dict[str, list[Key]] = {}  # serial -> its entries' keys
        self._items: list[RenewalNotice] = []
        self._now = ""  # the statuses in `_items` are as of this moment...
        self._until = ""  # ...and hold until this one (the next due date or expiry)

    def rebuild(self, bound: BoundRows) -> None:
        """Start from every row's latest audited image."""
        self._certs = {image["serial"]: image for image in images_of(bound, "certificates")
                       if not image["revoked_at"]}
        self._notices = {}
        for image in images_of(bound, "renewal_notices"):
            self._notices.setdefault(image["serial"], {})[image["days_before"]] = image
        self._now = self._until = ""
        self._keys_of = {serial: [] for serial in self._certs}
        entries = []
        for serial in self._certs:
            mine = self._entries(serial)
            self._keys_of[serial] = [key for key, _ in mine]
            entries += mine
        entries.sort(key=lambda entry: entry[0])
        self._keys = [key for key, _ in entries]
        self._items = [item for _, item in entries]

    def update(self, bound: BoundRows, labels: set[str]) -> None:
        """The rows of these labels have new audited images in `bound`."""
        serials = set()
        for label in labels:
            noun, _, key = label.partition(" ")
            if noun == "certificate":
                serials.add(key)
            elif noun == "notice":
                serial, _, days = key.rpartition("/")
                serials.add(serial)
                latest = bound.get(label)
                image = latest[1] if latest else None
                if image is None:
                    self._notices.get(serial, {}).pop(int(days), None)
                else:
                    self._notices.setdefault(serial, {})[int(days)] = image
        for serial in serials:
            self._remove(serial)
            latest = bound.get(f"certificate {serial}")
            image = latest[1] if latest else None
            if image is None or image["revoked_at"]:
                self._certs.pop(serial, None)
                continue
            self._certs[serial] = image
            self._insert(serial)

    def entries(self, now: str) -> list[RenewalNotice]:
        """Every entry with its status at `now`, by date."""
        if not (self._now <= now < self._until) or not self._until:
            self._judge(now)
        return list(self._items)

    # --- the work ------------------------------------------------------------------------

    def _entries(self, serial: str) -> list[tuple[Key, RenewalNotice]]:
        cert = self._certs[serial]
        rows = []
        if cert["renew_at"]:
            rows.append(((cert["renew_at"], serial, 0,
                          days_between(cert["renew_at"], cert["not_after"])), "renewal"))
        rows += [((n["due_at"], serial, 1, n["days_before"]), "notice")
                 for n in self._notices.get(serial, {}).values()]
        now = self._now
        return [(key, RenewalNotice(serial, cert["type_id"], cert["subject"], key[0],
                                    cert["not_after"], kind, key[3],
                                    _status(now, key[0], cert["not_after"]) if now else ""))
                for key, kind in rows]

    def _remove(self, serial: str) -> None:
        for key in self._keys_of.pop(serial, ()):
            at = bisect.bisect_left(self._keys, key)
            del self._keys[at], self._items[at]

    def _insert(self, serial: str) -> None:
        entries = self._entries(serial)
        self._keys_of[serial] = [key for key, _ in entries]
        for key, item in entries:
            at = bisect.bisect_left(self._keys, key)
            self._keys.insert(at, key)
            self._items.insert(at, item)
            if self._now:  # its moments may come before the ones the statuses wait for
                self._until = min([self._until, *(moment for moment in (
                    item.due_at, item.not_after) if moment > self._now)])

    def _judge(self, now: str) -> None:
        """Every status as of `now`; they hold until the next due date or expiry after it."""
        items, later = [], []
        for item in self._items:
            status = _status(now, item.due_at, item.not_after)
            items.append(item if item.status == status else RenewalNotice(
                item.serial, item.type_id, item.subject, item.due_at, item.not_after,
                item.kind, item.days_before, status))
            later += [moment for moment in (item.due_at, item.not_after) if moment > now]
        self._items = items
        self._now, self._until = now, min(later, default="\uffff")
