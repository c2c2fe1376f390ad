"""A country's official days off and moved working days, from the `holidays` package (which
carries, for Russia, the government's yearly transfers: a Saturday worked so that a bridge day
is free). An SLA policy names its country; the business calendar then closes those days and
opens those Saturdays on top of the team's own dates.

Each country-year is computed once per process and kept as plain frozen sets, because the
package's own objects fill themselves in lazily and are not safe to share between threads.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

import holidays
from babel import Locale

from app.core.i18n import gettext as _


@dataclass(frozen=True)
class CountryYear:
    days_off: frozenset[date]
    working_weekend_days: frozenset[date]


@cache
def supported_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes the package knows (e.g. "RU", "DE", "US")."""
    return frozenset(holidays.list_supported_countries())


def check_country(code: str) -> str:
    if code not in supported_countries():
        raise ValueError(
            _("unknown country %(code)r (an ISO 3166 code such as RU, DE or US)") % {"code": code}
        )
    return code


@lru_cache(maxsize=512)
def country_year(code: str, year: int) -> CountryYear:
    official = holidays.country_holidays(code, years=year)
    return CountryYear(
        days_off=frozenset(official),
        working_weekend_days=frozenset(official.weekend_workdays),
    )


def country_choices(locale: str = "en") -> list[tuple[str, str]]:
    """(code, name) for a select, by name in the reader's language."""
    names = Locale.parse(locale).territories
    return sorted(
        ((code, names.get(code, code)) for code in supported_countries()),
        key=lambda choice: choice[1],
    )
