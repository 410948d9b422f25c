"""A small, complete bundle built in code, for tests that need a project with everything in it."""

import copy

_SMALL = {
    "format": "sccoder-bundle",
    "version": 1,
    "project": {"slug": "small", "name": "Small project", "description": "For tests."},
    "codebook": {
        "name": "Test codebook",
        "version": "1",
        "scale": [
            {"value": 0, "label": "absent"},
            {"value": 1, "label": "weak"},
            {"value": 2, "label": "moderate"},
            {"value": 3, "label": "strong"},
        ],
        "criteria": [
            {
                "code": "AB-T2-TRANS",
                "name": "Transactions",
                "framework": "Adler & Barnett",
                "group": "Tier 2",
                "definition": "Exchanges.",
                "indicators": ["trade"],
                "carry_forward": True,
            },
            {
                "code": "AB-T3-TRUST",
                "name": "Mutual trust",
                "framework": "Adler & Barnett",
                "group": "Tier 3",
                "definition": "Trust.",
                "indicators": ["polls"],
                "carry_forward": False,
            },
            {
                "code": "D-RESP",
                "name": "Mutual responsiveness",
                "framework": "Deutsch",
                "group": "Essential conditions",
                "definition": "Responsiveness.",
                "indicators": [],
                "carry_forward": True,
            },
        ],
    },
    "members": [
        {"username": "ada", "role": "admin"},
        {"username": "rita", "role": "reviewer"},
        {"username": "carl", "role": "coder"},
        {"username": "cleo", "role": "coder"},
        {"username": "otto", "role": "observer"},
    ],
    "dyads": [
        {
            "code": "FRA-DEU",
            "state_a": "FRA",
            "state_b": "DEU",
            "name": "France–Germany",
            "periods": [
                {"code": "P1", "label": "Post-war", "start_year": 1945, "end_year": 1962},
                {"code": "P2", "label": "Élysée onwards", "start_year": 1963, "end_year": None},
            ],
        },
    ],
    "sources": [
        {
            "key": "doe2020",
            "csl": {
                "type": "book",
                "title": "Neighbours",
                "author": [{"family": "Doe", "given": "Jane"}],
                "issued": {"date-parts": [[2020]]},
            },
        },
    ],
    "evidence": [
        {
            "key": "E1",
            "dyad": "FRA-DEU",
            "date": "1951",
            "source": "doe2020",
            "locator": "12",
            "footnote": "3",
            "evidence_type": "agreement",
            "quote": "The coal and steel treaty.",
            "summary": "ECSC founded.",
        },
        {
            "key": "E2",
            "dyad": "FRA-DEU",
            "period": "P2",
            "date": "1963-01-22",
            "source": "doe2020",
            "locator": "40–41",
            "footnote": "",
            "evidence_type": "agreement",
            "quote": "The Élysée Treaty.",
            "summary": "Friendship treaty.",
        },
        {
            "key": "E3",
            "dyad": "FRA-DEU",
            "date": "1990/1999",
            "source": "doe2020",
            "locator": "88",
            "footnote": "9",
            "evidence_type": "survey",
            "quote": "Most trust the neighbour.",
            "summary": "Polls show trust.",
        },
    ],
    "codings": [
        {
            "evidence": "E1",
            "coder": "carl",
            "submitted": True,
            "values": {"AB-T2-TRANS": 2, "D-RESP": 1},
            "notes": {"D-RESP": "only elites"},
        },
        {
            "evidence": "E1",
            "coder": "cleo",
            "submitted": True,
            "values": {"AB-T2-TRANS": 3},
            "notes": {},
        },
        {
            "evidence": "E3",
            "coder": "carl",
            "submitted": False,
            "values": {"AB-T3-TRUST": 3},
            "notes": {},
        },
        {"evidence": "E2", "coder": "cleo", "submitted": False, "values": {}, "notes": {}},
    ],
    "consensus": [
        {
            "evidence": "E1",
            "values": {"AB-T2-TRANS": 2},
            "decided_by": "rita",
            "rationale": "Treaty is institutional, not yet broad.",
        },
    ],
    "period_overrides": [
        {
            "dyad": "FRA-DEU",
            "period": "P2",
            "criterion": "AB-T3-TRUST",
            "value": 2,
            "decided_by": "rita",
            "rationale": "Polls from the 1970s, outside our sources.",
        },
    ],
    "stage_judgments": [
        {
            "dyad": "FRA-DEU",
            "period": "P2",
            "coder": "carl",
            "stage": "mature",
            "coupling": "tightly",
            "rationale": "EU.",
        },
        {
            "dyad": "FRA-DEU",
            "period": "P1",
            "coder": "carl",
            "stage": "nascent",
            "coupling": None,
            "rationale": "",
        },
    ],
}


def small_bundle() -> dict:
    """A fresh copy each time, so a test may break it at will."""
    return copy.deepcopy(_SMALL)
