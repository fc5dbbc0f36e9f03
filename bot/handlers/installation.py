"""`installation` and `installation_repositories`: nothing to do but say so in the log.

Installation tokens are fetched on demand per job and expire on their own, so an uninstall or a
change of repositories needs no clean-up here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.config import Config
from bot.handlers import Route

if TYPE_CHECKING:
    from bot.events import Delivery


def handle(delivery: Delivery, config: Config) -> Route:
    payload = delivery.payload
    inst = payload.get("installation")
    account = inst.get("account") if isinstance(inst, Mapping) else None
    who = account.get("login") if isinstance(account, Mapping) else None
    what = f"{delivery.event} {delivery.action or '(no action)'}"
    if who:
        what += f" for {who}"
    if delivery.event == "installation_repositories":
        added = _names(payload.get("repositories_added"))
        removed = _names(payload.get("repositories_removed"))
        what += f": added {added or 'none'}; removed {removed or 'none'}"
    return Route.log(what)


def _names(repos: Any, limit: int = 10) -> str:
    """The first few repository names (an installation can add thousands at once)."""
    if not isinstance(repos, list):
        return ""
    names = [str(r.get("full_name") or r.get("name")) for r in repos if isinstance(r, Mapping)]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more
