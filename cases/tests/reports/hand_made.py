"""Hand-made periods for the tests of the report's pure parts, with item keys P1-0, P1-1 …"""

from cases.classification.rule import PeriodInput

ASCENDANT = {
    "AB-T1-THREAT": 2,
    "AB-T2-TRANS": 2,
    "AB-T2-ORG": 2,
    "AB-T2-LEARN": 2,
    "AB-T3-TRUST": 2,
    "AB-T3-ID": 2,
}


def period(code, items, start, end=None, overrides=None, pending=0):
    return PeriodInput(code, start, end, [dict(i) for i in items], pending, overrides or {})


def keyed(periods):
    """Item keys like P1-0, P1-1 … in the order of each period's items."""
    return {p.code: [f"{p.code}-{i}" for i in range(len(p.items))] for p in periods}


def by_period(periods):
    keys = keyed(periods)
    return {p.code: list(zip(keys[p.code], p.items, strict=True)) for p in periods}
