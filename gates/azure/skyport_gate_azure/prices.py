"""VM prices from the Azure Retail Prices API, asked without credentials.

The API answers pages of ``{"Items": [...], "NextPageLink": url-or-null}``; an item of a Linux
pay-as-you-go VM price has ``armSkuName``, ``armRegionName``, ``retailPrice`` (per ``unitOfMeasure``
"1 Hour"), ``type`` "Consumption", and a ``productName`` without "Windows" and a ``skuName``
without "Spot" or "Low Priority". See https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import httpx

logger = logging.getLogger(__name__)

MAX_PAGES = 20  # a filtered answer for a few sizes is one page; stop well before a runaway listing


def linux_prices(
    url: str, location: str, sizes: Iterable[str], verify: str | bool = True, timeout: float = 20.0
) -> dict[str, float]:
    """USD per hour of each of ``sizes`` in ``location`` that the API lists; {} when it does not answer."""
    names = sorted(set(sizes))
    if not names:
        return {}
    wanted = " or ".join(f"armSkuName eq '{name}'" for name in names)
    query = (
        f"serviceName eq 'Virtual Machines' and priceType eq 'Consumption' "
        f"and armRegionName eq '{location}' and ({wanted})"
    )
    found: dict[str, float] = {}
    next_url: str | None = url
    params: dict[str, str] | None = {"currencyCode": "USD", "$filter": query}
    try:
        with httpx.Client(timeout=timeout, verify=verify) as client:
            for _ in range(MAX_PAGES):
                if not next_url:
                    break
                answer = client.get(next_url, params=params)
                answer.raise_for_status()
                page = answer.json()
                for item in page.get("Items") or ():
                    if _linux_on_demand(item) and item.get("armSkuName") in names:
                        price = float(item["retailPrice"])
                        name = str(item["armSkuName"])
                        found[name] = min(price, found.get(name, price))
                next_url, params = page.get("NextPageLink"), None  # the next link carries the query
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        logger.warning("Azure Retail Prices API did not answer (%s); using the price table", exc)
        return {}
    return found


def _linux_on_demand(item: dict[str, object]) -> bool:
    sku = str(item.get("skuName", ""))
    return (
        item.get("type") == "Consumption"
        and item.get("unitOfMeasure") == "1 Hour"
        and "Windows" not in str(item.get("productName", ""))
        and "Spot" not in sku
        and "Low Priority" not in sku
    )
