"""A three-state community added to the rule tests' project: Denmark, Norway and Sweden.

NORDIC, P1 1945–1969 and P2 1970–, under rule v1. N1 (the whole community, 1952) makes every
pair nascent in P1. In P2, N2 names Denmark and Norway (learning, trust and identity moderate),
so the community and DNK-NOR are ascendant while DNK-SWE and NOR-SWE stay nascent: they lag.
N3 names Norway and Sweden (learning and trust, no identity); N4 names Sweden alone and so
concerns no member dyad.
"""

from cases.bundles import import_bundle
from cases.models import Consensus, Criterion, Dyad, Evidence, Period, Project
from cases.tests.classification.test_classify_command import rule_bundle

ITEMS = [
    ("N1", "", "1952", {"AB-T1-THREAT": 3, "AB-T2-TRANS": 2, "AB-T2-ORG": 2}),
    ("N2", "DNK NOR", "1975", {"AB-T2-LEARN": 2, "AB-T3-TRUST": 2, "AB-T3-ID": 2}),
    ("N3", "NOR SWE", "1976", {"AB-T2-LEARN": 2, "AB-T3-TRUST": 2}),
    ("N4", "SWE", "1977", {"AB-T3-TRUST": 1}),
]


def add_nordic(project: Project) -> Dyad:
    nordic = Dyad.objects.create(
        project=project,
        code="NORDIC",
        state_a="DNK",
        state_b="NOR",
        extra_states="SWE",
        name="Denmark–Norway–Sweden",
    )
    Period.objects.create(dyad=nordic, code="P1", start_year=1945, end_year=1969)
    Period.objects.create(dyad=nordic, code="P2", start_year=1970, end_year=None)
    source = project.sources.get(key="doe2020")
    rita = project.memberships.get(user__username="rita").user
    for key, states, date, values in ITEMS:
        item = Evidence(
            project=project,
            key=key,
            dyad=nordic,
            states=states,
            date=date,
            source=source,
            locator="1",
            evidence_type="event",
            quote=f"Quote {key}.",
        )
        item.full_clean()
        item.save()
        for code, value in values.items():
            Consensus.objects.create(
                evidence=item,
                criterion=Criterion.objects.get(codebook=project.codebook, code=code),
                value=value,
                method="adjudicated",
                decided_by=rita,
                rationale="test",
            )
    return nordic


def rule_project_with_nordic() -> Project:
    project = import_bundle(rule_bundle())
    add_nordic(project)
    return project
