"""A large, realistic synthetic project for scale tests and benchmarks (make_synthetic).

Every coder codes every item with a handful of criteria. Each item has a hidden "true" code set;
coders copy it with occasional slips (a neighbouring value, a missed or an extra criterion), so
agreement is high but not perfect, as in real projects. Most disagreements get an adjudicated
consensus (the majority value); the rest await adjudication.
"""

import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from cases.bundles import delete_project
from cases.coding.queue_order import queue_changed
from cases.models import (
    Assignment,
    Codebook,
    Coding,
    Consensus,
    Criterion,
    Dyad,
    Evidence,
    EvidenceType,
    Membership,
    Period,
    Project,
    ScaleValue,
    Source,
)

STATES = [
    "ARG",
    "AUS",
    "AUT",
    "BEL",
    "BRA",
    "CAN",
    "CHE",
    "CHL",
    "CHN",
    "COL",
    "CZE",
    "DEU",
    "DNK",
    "EGY",
    "ESP",
    "EST",
    "FIN",
    "FRA",
    "GBR",
    "GRC",
    "HUN",
    "IDN",
    "IND",
    "IRL",
    "ISR",
    "ITA",
    "JPN",
    "KAZ",
    "KOR",
    "LTU",
    "LVA",
    "MEX",
    "MYS",
    "NLD",
    "NOR",
    "NZL",
    "PER",
    "PHL",
    "POL",
    "PRT",
    "ROU",
    "SGP",
    "SVK",
    "SVN",
    "SWE",
    "THA",
    "TUR",
    "UKR",
    "URY",
    "USA",
    "VNM",
    "ZAF",
    "AZE",
    "GEO",
    "ARM",
]
BATCH = 5000


@dataclass(frozen=True)
class SyntheticSize:
    dyads: int = 50
    periods: int = 4
    items_per_dyad: int = 500
    coders: int = 3
    codes_per_item: int = 4
    adjudicated_share: float = 0.9
    slip: float = 0.08


def _codebook() -> Codebook:
    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "codebook.json").read_text("utf-8"))
    codebook = Codebook.objects.create(name=data["name"], version=data["version"])
    ScaleValue.objects.bulk_create(
        ScaleValue(codebook=codebook, value=p["value"], label=p["label"]) for p in data["scale"]
    )
    Criterion.objects.bulk_create(
        Criterion(
            codebook=codebook,
            order=i,
            **{
                k: c[k]
                for k in (
                    "code",
                    "name",
                    "framework",
                    "group",
                    "definition",
                    "indicators",
                    "carry_forward",
                    "verification",
                    "notes",
                )
            },
        )
        for i, c in enumerate(data["criteria"])
    )
    return codebook


def _pairs(count: int, rng: random.Random) -> list[tuple[str, str]]:
    pairs = sorted({tuple(sorted(rng.sample(STATES, 2))) for _ in range(count * 4)})
    rng.shuffle(pairs)
    if len(pairs) < count:
        raise ValueError(f"at most {len(pairs)} distinct dyads can be made")
    return pairs[:count]


def _slip(codes: dict[int, int], criteria: list[int], rng: random.Random, p: float) -> dict:
    coded = {}
    for criterion, value in codes.items():
        roll = rng.random()
        if roll < p / 2:
            continue  # missed
        if roll < p:
            value = min(3, max(0, value + rng.choice((-1, 1))))
        coded[criterion] = value
    if rng.random() < p:
        coded.setdefault(rng.choice(criteria), rng.randint(1, 3))  # an extra code
    return coded


def make_synthetic_project(
    *, slug: str, size: SyntheticSize, seed: int = 1, replace: bool = False, log=print
) -> Project:
    rng = random.Random(seed)
    existing = Project.objects.filter(slug=slug).first()
    if existing and not replace:
        raise ValueError(f'a project with slug "{slug}" already exists (use --replace)')
    with transaction.atomic():
        if existing:
            delete_project(existing)
        codebook = _codebook()
        criteria = list(codebook.criteria.values_list("id", flat=True))
        project = Project.objects.create(
            slug=slug,
            name=f"Synthetic project ({slug})",
            description="Synthetic data for scale tests.",
            codebook=codebook,
        )
        User = get_user_model()
        coders = []
        for i in range(size.coders):
            user, _ = User.objects.get_or_create(username=f"{slug}-coder{i + 1}")
            coders.append(user)
        reviewer, _ = User.objects.get_or_create(username=f"{slug}-reviewer")
        Membership.objects.bulk_create(
            [Membership(project=project, user=u, role="coder") for u in coders]
            + [Membership(project=project, user=reviewer, role="reviewer")]
        )
        source = Source(
            project=project,
            key="synthetic",
            csl={
                "type": "report",
                "title": "Synthetic evidence",
                "author": [{"literal": "sccoder"}],
                "issued": {"date-parts": [[2024]]},
            },
        )
        source.copy_fields_from_csl()
        source.save()
        types = list(EvidenceType.values)
        span = 10
        for d, (a, b) in enumerate(_pairs(size.dyads, rng)):
            dyad = Dyad.objects.create(
                project=project, code=f"{a}-{b}", state_a=a, state_b=b, name=f"{a}–{b}"
            )
            periods = Period.objects.bulk_create(
                Period(
                    dyad=dyad,
                    code=f"P{p + 1}",
                    start_year=1980 + span * p,
                    end_year=1980 + span * p + span - 1 if p + 1 < size.periods else None,
                )
                for p in range(size.periods)
            )
            items = []
            for i in range(size.items_per_dyad):
                period = periods[i % size.periods]
                year = period.start_year + rng.randrange(span)
                items.append(
                    Evidence(
                        project=project,
                        key=f"S{d:03}-{i:04}",
                        dyad=dyad,
                        period=period,
                        date=str(year),
                        date_start=f"{year}-01-01",
                        date_end=f"{year}-12-31",
                        source=source,
                        locator=str(1 + i % 400),
                        evidence_type=rng.choice(types),
                        quote=f"Synthetic quote {d}-{i}.",
                        summary="Synthetic item.",
                    )
                )
            Evidence.objects.bulk_create(items, batch_size=BATCH)
            items = list(Evidence.objects.filter(dyad=dyad).values_list("id", flat=True))
            _code_items(items, criteria, coders, reviewer, size, rng)
            log(f"  {dyad.code}: {len(items)} items")
        return project


def _code_items(items, criteria, coders, reviewer, size, rng) -> None:
    assignments, codings, decisions = [], [], []
    for item in items:
        truth = {c: rng.randint(0, 3) for c in rng.sample(criteria, size.codes_per_item)}
        sets = [_slip(truth, criteria, rng, size.slip) for _ in coders]
        for coder, codes in zip(coders, sets, strict=True):
            assignments.append(Assignment(evidence_id=item, coder=coder, status="submitted"))
            codings.extend(
                Coding(evidence_id=item, criterion_id=c, coder=coder, value=v)
                for c, v in codes.items()
            )
        if any(s != sets[0] for s in sets) and rng.random() < size.adjudicated_share:
            for criterion in set().union(*sets):
                values = [s.get(criterion) for s in sets]
                majority = max(set(values), key=values.count)
                decisions.append(
                    Consensus(
                        evidence_id=item,
                        criterion_id=criterion,
                        value=majority,
                        method="adjudicated",
                        decided_by=reviewer,
                        rationale="majority of coders",
                    )
                )
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    queue_changed(coder_ids={a.coder_id for a in assignments})
    Coding.objects.bulk_create(codings, batch_size=BATCH)
    Consensus.objects.bulk_create(decisions, batch_size=BATCH)
