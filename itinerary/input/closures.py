"""When a host is closed: public holidays and its own closed dates, the one reference.

A host is closed on a date its `closed` list names (company holidays, a trade fair), and on a
public holiday of its region (`hosts[].holidays`, else `trip.holidays`) unless one of its `open`
windows lists that very date under `dates`: then only such windows apply that day. The
compiler (`model/compile.py`), the explanations, the warnings of `load.py` and the plan checker
all ask `opening_windows`, so they agree on what "open" means; the checker still checks every
visit against these windows on its own.

Public holidays come from the `holidays` package (offline, kept up to date for every country
and region); a region is written as that package names it: `DE`, `DE-NW`, `FR`, `ES-CT`.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .spec import Host, Language, VisitSpec

# `hosts[].holidays: none`: the host keeps its hours on public holidays (a hotel, a trade fair).
NO_HOLIDAYS = "none"

# The `holidays` package's language codes, best first, for each language a programme is
# printed in; a country that has none of them gives its names in its own language.
_HOLIDAY_LANGUAGES: dict[Language, tuple[str, ...]] = {
    "en": ("en_GB", "en_US"),
    "de": ("de",),
    "fr": ("fr",),
}
_SHOWN_SUBDIVISIONS = 12


def check_region(value: str) -> str:
    """`value` as the `holidays` package's canonical code (`de-nw` -> `DE-NW`), else ValueError
    naming valid choices: the country part is split off at the first '-'."""
    import holidays

    text = value.strip()
    country, _, subdiv = text.partition("-")
    country = country.upper()
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValueError(
            f"unknown country {country!r} for public holidays; use a two-letter ISO 3166 code "
            "such as DE, FR or ES, with a region after a dash if it has its own holidays "
            "(DE-NW, ES-CT)"
        )
    if not subdiv:
        return country
    calendar = holidays.country_holidays(country)
    codes = [str(s) for s in calendar.subdivisions]
    by_lower = {c.lower(): c for c in codes}
    aliases = {str(a).lower(): str(c) for a, c in calendar.get_subdivision_aliases().items()}
    found = by_lower.get(subdiv.lower()) or aliases.get(subdiv.lower())
    if found is None:
        if not codes:
            raise ValueError(
                f"{country} has no regions with their own public holidays; write {country}"
            )
        shown = ", ".join(codes[:_SHOWN_SUBDIVISIONS])
        more = len(codes) - _SHOWN_SUBDIVISIONS
        tail = f" (and {more} more)" if more > 0 else ""
        raise ValueError(
            f"unknown region {subdiv!r} of {country} for public holidays; use one of "
            f"{shown}{tail}, e.g. {country}-{codes[0]}"
        )
    return f"{country}-{found}"


def check_host_region(value: str) -> str:
    """A host's `holidays`: a region as for the trip, or `none`."""
    if value.strip().lower() == NO_HOLIDAYS:
        return NO_HOLIDAYS
    return check_region(value)


@functools.cache
def _calendar(region: str, years: tuple[int, ...], language: str | None) -> Any:
    import holidays

    country, _, subdiv = region.partition("-")
    return holidays.country_holidays(country, subdiv=subdiv or None, years=years, language=language)


def _language_of(region: str, lang: Language) -> str | None:
    """The package's language code for `lang`, else the country's own language (without a
    language the package gives its English source names, not the country's)."""
    calendar = _calendar(region, (), None)
    supported = calendar.supported_languages
    found = next((code for code in _HOLIDAY_LANGUAGES[lang] if code in supported), None)
    return found or calendar.default_language


def holiday_names(region: str | None, date: dt.date) -> dict[Language, str] | None:
    """The public holiday of `region` on `date` by language (en, de, fr), or None. Where the
    package has no translation, the name is the country's own."""
    if region is None or date not in _calendar(region, (date.year,), None):
        return None
    return {
        lang: str(_calendar(region, (date.year,), _language_of(region, lang)).get(date))
        for lang in _HOLIDAY_LANGUAGES
    }


def host_region(spec: VisitSpec, host: Host) -> str | None:
    """The region whose public holidays close `host`: its own, else the trip's; None for none."""
    if host.holidays == NO_HOLIDAYS:
        return None
    return host.holidays or spec.trip.holidays


@dataclass(frozen=True)
class Closure:
    """Why a host is closed all day on `date`: a public holiday (`holiday`: its names by
    language, `region`), or one of its own closed dates (`holiday` None)."""

    date: dt.date
    holiday: dict[Language, str] | None = None
    region: str | None = None


def closure_on(spec: VisitSpec, host: Host, date: dt.date) -> Closure | None:
    """Why `host` is closed on `date`, or None when its `open` windows apply as written."""
    if any(c.from_ <= date <= c.to for c in host.closed):
        return Closure(date)
    region = host_region(spec, host)
    names = holiday_names(region, date)
    if names is None:
        return None
    if host.open is not None and any(w.dates and date in w.dates for w in host.open):
        return None  # opened on purpose that day
    return Closure(date, names, region)


def regular_windows(host: Host, date: dt.date) -> list[tuple[int, int]]:
    """The host's windows on `date` as its `open` list gives them, closures aside: local
    minutes of the day, sorted; the whole day for a host without `open`."""
    if host.open is None:
        return [(0, 24 * 60)]
    # Not merged: a visit must lie wholly inside ONE window (09–12 and 12–15 are two visits' worth).
    return sorted({(w.from_, w.to) for w in host.open if w.applies_to(date)})


def opening_windows(spec: VisitSpec, host: Host, date: dt.date) -> list[tuple[int, int]]:
    """The host's open windows on `date` (local minutes of the day, sorted): none on a closed
    date; on a public holiday only the windows that list the date itself."""
    if any(c.from_ <= date <= c.to for c in host.closed):
        return []
    if holiday_names(host_region(spec, host), date) is None:
        return regular_windows(host, date)
    listed = [w for w in host.open or () if w.dates and date in w.dates]
    return sorted({(w.from_, w.to) for w in listed})


def closures_in_trip(spec: VisitSpec, host: Host) -> list[Closure]:
    """The trip dates on which `host` would be open by its `open` list but is closed."""
    return [
        closure
        for date in spec.trip_dates()
        if regular_windows(host, date) and (closure := closure_on(spec, host, date)) is not None
    ]
