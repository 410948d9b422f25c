"""Evidence pages: the filtered list, one item, and the add/edit form.

Everyone in the project reads evidence; admins, reviewers and coders add and edit it. Blindness
shapes two things here: a coder's "criterion" and "coded" filters look only at the coder's own
codings (never at anyone else's, nor at the consensus built from them), and only admins and
reviewers see the codings of an item on its page.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_lazy, ngettext

from cases.access import get_project_for
from cases.coding.assignments import auto_assign
from cases.discussion.memos import can_read_item_memos, item_memos
from cases.documents.locate import tidy_quote
from cases.documents.quote_check import quote_problems
from cases.documents.taking import PassageRefused, find_passage
from cases.evidence.search import EvidenceSearchFilter
from cases.lib.versioning import StaleWrite, claim_version
from cases.models import (
    Assignment,
    Coding,
    Consensus,
    Evidence,
    Membership,
    Project,
    Source,
    codebook_order,
)
from cases.review.consensus import derive_item_consensus
from cases.sources.citations import format_item_citations
from cases.web.collation import sorted_for_reader
from cases.web.forms.evidence import EvidenceFilterForm, EvidenceForm

PAGE_SIZE = 25
STALE_MESSAGE = gettext_lazy(
    "This item was changed by someone else since you opened it; reload to see their changes."
)


# -- list -------------------------------------------------------------------------------------


def _filtered(project: Project, membership: Membership, filters: dict) -> QuerySet[Evidence]:
    """The project's items the filters select, in the list's order (on PostgreSQL, a search
    ranks the best matches first)."""
    items = Evidence.objects.filter(project=project).order_by("date_start", "key")
    user = membership.user
    if "dyad" in filters:
        items = items.filter(dyad=filters["dyad"])
    if "period" in filters:
        items = items.filter(period=filters["period"])
    if "evidence_type" in filters:
        items = items.filter(evidence_type=filters["evidence_type"])
    if "source" in filters:
        items = items.filter(source=filters["source"])
    if "q" in filters:
        # The API's ?q= is the same FilterSet: one search, the same items for the same reader.
        items = EvidenceSearchFilter({"q": filters["q"]}, queryset=items, membership=membership).qs
    if "criterion" in filters:
        items = items.filter(_has_criterion(membership, filters["criterion"]))
    if "coded" in filters and membership.can_code:
        coded_by_me = Exists(Coding.objects.filter(evidence=OuterRef("pk"), coder=user)) | Exists(
            Assignment.objects.filter(
                evidence=OuterRef("pk"), coder=user, status=Assignment.Status.SUBMITTED
            )
        )
        items = items.filter(coded_by_me if filters["coded"] == "mine" else ~coded_by_me)
    return items


def _has_criterion(membership: Membership, criterion) -> Q:
    """Items where the criterion was applied, as far as this member may know.

    Coders: their own codings only; a consensus row or a colleague's code would tell them what
    others applied. Observers: the consensus (they never read raw codings). Admins and reviewers:
    anyone's codings or the consensus.
    """
    codings = Coding.objects.filter(evidence=OuterRef("pk"), criterion=criterion)
    consensus = Exists(
        Consensus.objects.filter(evidence=OuterRef("pk"), criterion=criterion, value__isnull=False)
    )
    if membership.can_code:
        return Q(Exists(codings.filter(coder=membership.user)))
    if membership.can_read_all_codings:
        return Q(Exists(codings)) | Q(consensus)
    return Q(consensus)


@dataclass
class Row:
    item: Evidence
    citation: str
    quote_problem: str | None = None  # the quote is not where its document says


def _rows(project: Project, items: list[Evidence]) -> list[Row]:
    """One citeproc call for the whole page: the style is parsed once, not per row; one quote
    check for the whole project, kept until its evidence or documents change."""
    sources = {key: csl for item in items for key, csl in item.cited_sources().items()}
    citations = format_item_citations(
        sources, [item.cite for item in items], project.citation_style
    )
    problems = quote_problems(project)
    return [
        Row(item, citation, problems.get(item.key))
        for item, citation in zip(items, citations, strict=True)
    ]


@login_required
def evidence_list(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    form = EvidenceFilterForm(request.GET, project=project, membership=membership)
    filters = form.filters()
    items = _filtered(project, membership, filters).select_related(
        "dyad", "period", "source", "via_source"
    )
    if membership.can_code:
        items = items.annotate(
            my_status=Subquery(
                Assignment.objects.filter(evidence=OuterRef("pk"), coder=request.user).values(
                    "status"
                )[:1]
            )
        )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "project": project,
        "membership": membership,
        "form": form,
        "page": page,
        "rows": _rows(project, list(page.object_list)),
        "filtered": bool(filters),
        "problems": form.problems(),
    }
    # htmx filter and page requests get the results only; a history restore needs the page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/evidence/_results.html" if partial else "cases/evidence/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- one item ---------------------------------------------------------------------------------


def _project_item(project: Project, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related(
            "dyad",
            "period",
            "source__document",
            "via_source__document",
            "created_by",
            "passage",
        ),
        pk=pk,
        project=project,
    )


@dataclass
class ConsensusCell:
    """The consensus on one criterion of an item, as the codings table shows it: ``state`` is
    "decided" (a reviewer's recorded value), "agreed" (the submitted coders gave the same value),
    "not_coded" (decided or agreed: not coded) or "pending" (no consensus yet: the coders
    disagree, or not all of them have submitted)."""

    state: str
    value: int | None = None


@dataclass
class CodingsTable:
    """Every coder's codes on one item, criterion by criterion, with the consensus beside them.
    Built only for members who may read everyone's raw codings."""

    coders: list[tuple[str, str]]  # (username, assignment status)
    rows: list[tuple[object, list[int | None], ConsensusCell]]  # (criterion, values, consensus)


def _codings_table(item: Evidence) -> CodingsTable:
    assignments = sorted_for_reader(
        Assignment.objects.filter(evidence=item).select_related("coder"), lambda a: a.coder.username
    )
    codings = list(Coding.objects.filter(evidence=item).select_related("coder", "criterion"))
    decisions = {
        c.criterion_id: c
        for c in Consensus.objects.filter(evidence=item).select_related("criterion")
    }
    coders = [(a.coder.username, a.status) for a in assignments]
    for coding in codings:  # a coding without an assignment (imported data) still shows
        if coding.coder.username not in {name for name, _ in coders}:
            coders.append((coding.coder.username, ""))
    criteria = {c.criterion_id: c.criterion for c in codings}
    criteria.update({cid: d.criterion for cid, d in decisions.items()})
    values = {(c.criterion_id, c.coder.username): c.value for c in codings}
    # The consensus as consensus_for derives it, from the rows already read.
    submitted = {a.coder_id: {} for a in assignments if a.status == Assignment.Status.SUBMITTED}
    for c in codings:
        if c.coder_id in submitted:
            submitted[c.coder_id][c.criterion.code] = c.value
    consensus = derive_item_consensus(
        submitted,
        {d.criterion.code: d.value for d in decisions.values()},
        awaiting=len(assignments) - len(submitted),
    )
    rows = [
        (
            criterion,
            [values.get((criterion.pk, name)) for name, _ in coders],
            _consensus_cell(criterion, decisions.get(criterion.pk), consensus),
        )
        for criterion in sorted(criteria.values(), key=lambda c: (c.order, c.code))
    ]
    return CodingsTable(coders=coders, rows=rows)


def _consensus_cell(criterion, decision, consensus) -> ConsensusCell:
    if decision is not None:
        if decision.value is None:
            return ConsensusCell("not_coded")
        return ConsensusCell("decided", decision.value)
    if criterion.code in consensus.values:
        return ConsensusCell("agreed", consensus.values[criterion.code])
    if (
        criterion.code in consensus.pending
        or consensus.awaiting_coders
        or not consensus.submitted_coders
    ):
        return ConsensusCell("pending")
    return ConsensusCell("not_coded")


def _reader_url(project, item) -> str | None:
    """The reader at the item's passage, when the item was taken from a document that can be
    read (the same file: a document replaced since has other words where the passage was).
    The item comes with its passage and documents (``_project_item``): no query here."""
    try:
        passage = item.passage
        holder = item.via_source or item.source
        document = holder.document
    except ObjectDoesNotExist:
        return None
    if not document.is_ready or document.sha256 != passage.document_sha256:
        return None
    url = reverse("cases:document_reader", kwargs={"slug": project.slug, "pk": holder.pk})
    return f"{url}?{urlencode({'item': item.key})}"


@login_required
def evidence_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug)
    item = _project_item(project, pk)
    (citation,) = format_item_citations(item.cited_sources(), [item.cite], project.citation_style)
    context = {
        "project": project,
        "membership": membership,
        "item": item,
        "citation": citation,
    }
    context["reader_url"] = _reader_url(project, item)
    if membership.can_code:
        # Only the coder's own assignment and codes: nothing about anyone else's.
        context["my_assignment"] = Assignment.objects.filter(
            evidence=item, coder=request.user
        ).first()
        context["my_codings"] = list(
            Coding.objects.filter(evidence=item, coder=request.user)
            .select_related("criterion")
            .order_by(*codebook_order(via="criterion__"))
        )
    if membership.can_read_all_codings:
        context["codings_table"] = _codings_table(item)
    # The item's discussion may speak of codes: read like codes are (cases.discussion.memos).
    if can_read_item_memos(membership, item):
        context["memos"] = Paginator(item_memos(item), 50).get_page(request.GET.get("page"))
    return render(request, "cases/evidence/detail.html", context)


# -- add and edit -----------------------------------------------------------------------------


def _render_form(
    request, project, membership, form, item=None, *, key: str = "", status: int = 200
) -> HttpResponse:
    """``key`` is the item's stored key: a bound form has already written the posted one."""
    return render(
        request,
        "cases/evidence/form.html",
        {"project": project, "membership": membership, "form": form, "item": item, "key": key},
        status=status,
    )


@login_required
def evidence_new(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="edit_evidence")
    if request.method != "POST":
        return _render_form(request, project, membership, EvidenceForm(project=project))
    if "take" in request.POST:
        return _taken_from_reader(request, project, membership)
    form = EvidenceForm(request.POST, project=project)
    if not form.is_valid():
        return _render_form(request, project, membership, form, status=400)
    item = form.save(commit=False)
    item.created_by = request.user
    try:
        with transaction.atomic():
            item.save()
            form.save_passage(item)
            auto_assigned = auto_assign([item], project)
    except IntegrityError:
        # Someone took the key between our check and the insert.
        form.add_error(
            "key",
            gettext('The key "%(key)s" is already used in this project.') % {"key": item.key},
        )
        return _render_form(request, project, membership, form, status=400)
    messages.success(request, gettext("Added %(key)s.") % {"key": item.key})
    if auto_assigned:
        messages.info(
            request,
            ngettext("Assigned to %(count)d coder.", "Assigned to %(count)d coders.", auto_assigned)
            % {"count": auto_assigned},
        )
    _warn_of_pages(request, form, item)
    return redirect("cases:evidence_detail", slug=project.slug, pk=item.pk)


@login_required
def evidence_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, need="edit_evidence")
    item = _project_item(project, pk)
    stored_key, stored_version = item.key, item.version
    if request.method != "POST":
        form = EvidenceForm(instance=item, project=project)
        return _render_form(request, project, membership, form, item, key=stored_key)
    form = EvidenceForm(request.POST, instance=item, project=project)
    if not form.is_valid():
        if form.cleaned_data.get("version") not in (None, stored_version):
            form.add_error(None, STALE_MESSAGE)
        return _render_form(request, project, membership, form, item, key=stored_key, status=400)
    try:
        saved = _save_if_unchanged(item, form.cleaned_data["version"], form)
    except IntegrityError:
        form.add_error(
            "key",
            gettext('The key "%(key)s" is already used in this project.') % {"key": item.key},
        )
        return _render_form(request, project, membership, form, item, key=stored_key, status=400)
    if not saved:
        form.add_error(None, STALE_MESSAGE)
        return _render_form(request, project, membership, form, item, key=stored_key, status=409)
    messages.success(request, gettext("Saved %(key)s.") % {"key": item.key})
    _warn_of_pages(request, form, item)
    return redirect("cases:evidence_detail", slug=project.slug, pk=item.pk)


def _warn_of_pages(request: HttpRequest, form: EvidenceForm, item: Evidence) -> None:
    """A page outside the cited work's pages is saved as given, and said on the next page."""
    for warning in form.page_warnings().values():
        messages.warning(request, f"{item.key}: {warning}")


def _save_if_unchanged(item: Evidence, opened_version: int, form: EvidenceForm) -> bool:
    """Compare-and-set on the version (``cases.lib.versioning``): of two concurrent saves of the
    same version exactly one goes through. The full save follows in the same transaction so the
    history records the change."""
    with transaction.atomic():
        try:
            item.version = claim_version(Evidence, item.pk, opened_version)
        except StaleWrite:
            return False
        item.save()
        form.save_passage(item)
    return True


def _taken_from_reader(request, project, membership) -> HttpResponse:
    """The reader's "Take as evidence": the selection is found in the document's own text, and
    the form opens with the passage's quote, its page and the source; nothing is saved yet."""
    post = request.POST
    source = Source.objects.filter(project=project, pk=_number(post.get("source"))).first()
    if source is None:
        raise Http404("No such source.")
    try:
        taken = find_passage(
            source,
            exact=post.get("exact", ""),
            prefix=post.get("prefix", ""),
            suffix=post.get("suffix", ""),
            page_index=_number(post.get("page")),
            start=_number(post.get("start")),
            end=_number(post.get("end")),
        )
    except PassageRefused as refusal:
        messages.error(request, gettext("Not taken: %(refusal)s") % {"refusal": refusal})
        return redirect("cases:document_reader", slug=project.slug, pk=source.pk)
    initial = {"source": source.pk, "quote": tidy_quote(taken.selection.exact)}
    if taken.page:
        initial["locator"] = taken.page
    form = EvidenceForm(project=project, initial=initial, taken=taken)
    return _render_form(request, project, membership, form)


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
