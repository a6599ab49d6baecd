"""The review page and its actions. Thin: each action parses its form, calls one service, and on
a refusal shows the page again with the message and what the user typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congtam.catalogue.models import CatalogueItem
from congtam.core import permissions
from congtam.core.views import attach_errors
from congtam.jobs.services import job_start
from congtam.monitoring import conditions, cycles, items, reviews, selectors
from congtam.monitoring.evidence import is_web_link, private_storage
from congtam.monitoring.forms import (
    AmendmentForm,
    AnswerForm,
    CheckForm,
    CommentForm,
    CycleForm,
    EvidenceForm,
    ItemForm,
    MoveDueForm,
    ObservationForm,
    OutsideDecisionForm,
    ReasonForm,
    ReportForm,
    SubmitForm,
    VersionedForm,
)
from congtam.monitoring.models import Observation, Period, RaterRole, WorkItem
from congtam.org.agencies import current_agency
from congtam.org.models import Unit
from congtam.scoring.api import load_policy as engine_load


def _catalogue(review):
    return list(CatalogueItem.objects.filter(position_id=review.position_id, version_to__isnull=True).order_by("code"))


ITEM_FORMS = {
    "accept": VersionedForm,
    "decline": ReasonForm,
    "withdraw": ReasonForm,
    "report": ReportForm,
    "check": CheckForm,
    "move_due": MoveDueForm,
}
CHECK_TRANSITIONS = {"pass_check": "passed", "fail_check": "failed", "confirm_objective_cause": "objective_cause"}


def _item_forms(page, item_forms) -> None:
    """Attach to each item row the forms of the actions its viewer may take now (a bound form
    where the last attempt was refused, so what was typed stays)."""
    for row in page.items + page.other_items:
        item = row.item
        names = set(row.actions)
        checks = [CHECK_TRANSITIONS[name] for name in CHECK_TRANSITIONS if name in names]
        if checks:
            names.add("check")
        if (
            page.is_evaluator
            and item.state == "assigned"
            and page.review.state in {*conditions.PLAN_OPEN_STATES, *conditions.WORK_OPEN_STATES}
        ):
            names.add("move_due")
        row.forms = {}
        for action in ("accept", "decline", "withdraw", "report", "check", "move_due"):
            if action not in names:
                continue
            form = item_forms.get((item.pk, action)) or ITEM_FORMS[action](
                prefix=f"item{item.pk}-{action}", initial={"version": item.version}
            )
            if action == "check":
                form.fields["result"].choices = [c for c in form.fields["result"].choices if c[0] in checks]
            row.forms[action] = form
        if page.is_person and item.counts and page.review.state not in ("submitted", "approved"):
            row.forms["evidence"] = item_forms.get((item.pk, "evidence")) or EvidenceForm(
                prefix=f"item{item.pk}-evidence"
            )


def _rating_blocks(page, rating_input) -> list[dict]:
    """For the self-rating and the manager's rating: the scale with the chosen level and comment of
    each criterion (what was typed, after a refusal), and whether the viewer may edit it now."""
    review, blocks = page.review, []
    editable = {
        RaterRole.SELF: page.is_person and review.state == "in_progress",
        RaterRole.MANAGER: page.is_evaluator and review.state in conditions.WORK_OPEN_STATES,
    }
    for role, label in RaterRole.choices:
        rating = page.ratings.get(role)
        typed = rating_input if rating_input.get("role") == role else {}
        levels = typed.get("levels") or (rating.levels if rating else {})
        comments = typed.get("comments") or (rating.comments if rating else {})
        errors = typed.get("errors", {})
        may_edit = editable[role] and not (role == RaterRole.SELF and rating and rating.submitted_at)
        if not may_edit and not (rating and rating.submitted_at):  # a draft is its author's alone
            blocks.append({"role": role, "label": label, "editable": False, "rating": None, "criteria": []})
            continue
        criteria = [
            {
                "code": entry["code"],
                "name": entry["name"],
                "max_points": entry["max_points"],
                "levels": entry["levels"],
                "chosen": str(levels.get(entry["code"], "")),
                "comment": comments.get(entry["code"], ""),
                "errors": errors.get(entry["code"], []),
            }
            for entry in page.scale
        ]
        blocks.append(
            {
                "role": role,
                "label": label,
                "editable": may_edit,
                "rating": rating,
                "criteria": criteria,
                "version": rating.version if rating else 0,
                "errors": errors.get("__all__", []),
            }
        )
    return blocks


def _render(request, pk, *, status=200, bound=None, item_forms=None, rating_input=None):
    page = selectors.review_page(viewer=request.user, pk=pk)
    review = page.review
    _item_forms(page, item_forms or {})
    page.rating_blocks = _rating_blocks(page, rating_input or {})
    context = {
        "page": page,
        "review": review,
        "amend_form": (
            AmendmentForm(prefix="amend", items=[row.item for row in page.items])
            if review.is_locked and permissions.has_perm(request.user, "monitoring.correct_review", review)
            else None
        ),
        "assign_form": ItemForm(prefix="assign", catalogue=_catalogue(review)) if page.is_evaluator else None,
        "propose_form": ItemForm(prefix="propose", catalogue=_catalogue(review)) if page.is_person else None,
        "observation_form": ObservationForm(prefix="observation") if page.is_evaluator else None,
        "return_form": CommentForm(prefix="return", initial={"version": review.version}),
        "submit_form": SubmitForm(initial={"version": review.version}),
        "decision_form": OutsideDecisionForm(prefix="decision", initial={"version": review.version}),
        "item_forms": item_forms or {},
        "rating_input": rating_input or {},
    }
    if bound:
        context.update(bound)
    template = (
        "monitoring/_score.html" if request.htmx and request.GET.get("part") == "score" else "monitoring/review.html"
    )
    return render(request, template, context, status=status)


@require_GET
def review_view(request, pk):
    return _render(request, pk)


@require_POST
def plan_item_view(request, pk, kind):
    """Assign (the evaluator) or propose (the person) an item."""
    if kind not in ("assign", "propose"):
        raise Http404(kind)
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(request.user, "monitoring.plan_item" if kind == "assign" else "monitoring.propose_item", review)
    form = ItemForm(request.POST, prefix=kind, catalogue=_catalogue(review))
    if form.is_valid():
        service = items.item_assign if kind == "assign" else items.item_propose
        try:
            service(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("The item was added to the plan.")
                if kind == "assign"
                else _("Your proposal was sent to your manager."),
            )
            return redirect("monitoring:review", pk=pk)
    return _render(request, pk, status=400, bound={f"{kind}_form": form})


ITEM_ACTIONS = {
    "accept": (
        VersionedForm,
        lambda user, item, data: items.item_accept(actor=user, item=item, expected_version=data["version"]),
        _("The proposal was accepted."),
    ),
    "decline": (
        ReasonForm,
        lambda user, item, data: items.item_decline(
            actor=user, item=item, expected_version=data["version"], reason=data["reason"]
        ),
        _("The proposal was declined."),
    ),
    "withdraw": (
        ReasonForm,
        lambda user, item, data: items.item_withdraw(
            actor=user, item=item, expected_version=data["version"], reason=data["reason"]
        ),
        _("The item was withdrawn."),
    ),
    "report": (
        ReportForm,
        lambda user, item, data: items.item_report(
            actor=user,
            item=item,
            expected_version=data["version"],
            completed_on=data["completed_on"],
            note=data["note"],
        ),
        _("The result was reported."),
    ),
    "check": (
        CheckForm,
        lambda user, item, data: items.item_check(
            actor=user, item=item, expected_version=data["version"], result=data["result"], comment=data["comment"]
        ),
        _("The check was recorded."),
    ),
    "move_due": (
        MoveDueForm,
        lambda user, item, data: items.item_move_due(
            actor=user,
            item=item,
            expected_version=data["version"],
            new_due_on=data["new_due_on"],
            reason=data["reason"],
        ),
        _("The due date was moved."),
    ),
}


ITEM_ACTION_PERMISSIONS = {
    "accept": "monitoring.plan_item",
    "decline": "monitoring.plan_item",
    "withdraw": "monitoring.plan_item",
    "report": "monitoring.report_item",
    "check": "monitoring.check_items",
    "move_due": "monitoring.plan_item",
}


@require_POST
def item_action_view(request, pk, item_id, action):
    if action not in ITEM_ACTIONS:
        raise Http404(action)
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(request.user, ITEM_ACTION_PERMISSIONS[action], review)
    item = get_object_or_404(WorkItem, pk=item_id, review=review)
    form_class, call, done = ITEM_ACTIONS[action]
    form = form_class(request.POST, prefix=f"item{item.pk}-{action}")
    if form.is_valid():
        try:
            call(request.user, item, form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error, {"on": "completed_on"})
        else:
            messages.success(request, done)
            return redirect("monitoring:review", pk=pk)
    return _render(request, pk, status=400, item_forms={(item.pk, action): form})


@require_POST
def evidence_add_view(request, pk, item_id):
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(request.user, "monitoring.report_item", review)
    item = get_object_or_404(WorkItem, pk=item_id, review=review)
    form = EvidenceForm(request.POST, request.FILES, prefix=f"item{item.pk}-evidence")
    if form.is_valid():
        try:
            items.evidence_add(
                actor=request.user,
                item=item,
                upload=form.cleaned_data["file"],
                link=form.cleaned_data["link"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The evidence was attached."))
            return redirect("monitoring:review", pk=pk)
    return _render(request, pk, status=400, item_forms={(item.pk, "evidence"): form})


@require_POST
def decision_record_view(request, pk):
    """HR records the signed decision of the outside authority that approves this score."""
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(request.user, "monitoring.record_outside_decision", review)
    form = OutsideDecisionForm(request.POST, request.FILES, prefix="decision")
    if form.is_valid():
        try:
            reviews.review_approve_by_decision(actor=request.user, review=review, **form.decision())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The decision was recorded: the score is approved and the review locked."))
            return redirect("monitoring:review", pk=pk)
    return _render(request, pk, status=400, bound={"decision_form": form})


@require_GET
def decision_download_view(request, pk):
    """The signed decision, for those who may see the review it approved; each download logged."""
    from congtam.monitoring.decisions import decision_get, decision_viewed

    decision = decision_get(viewer=request.user, pk=pk)
    decision_viewed(actor=request.user, decision=decision)
    handle = private_storage().open(decision.file.name, "rb")
    return FileResponse(handle, as_attachment=True, filename=decision.original_name, content_type=decision.content_type)


@require_GET
def evidence_download_view(request, pk):
    evidence = selectors.evidence_get(viewer=request.user, pk=pk)
    if not evidence.file:
        # Never a redirect to whatever was typed: a page naming where the link goes.
        return render(
            request,
            "monitoring/evidence_link.html",
            {"evidence": evidence, "review": evidence.item.review, "is_web_link": is_web_link(evidence.link)},
        )
    items.evidence_viewed(actor=request.user, evidence=evidence)
    handle = private_storage().open(evidence.file.name, "rb")
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type)


@require_POST
def acknowledge_view(request, pk):
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(request.user, "monitoring.self_assess", review)
    form = VersionedForm(request.POST)
    if form.is_valid():
        try:
            items.plan_acknowledge(actor=request.user, review=review, expected_version=form.cleaned_data["version"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You acknowledged the plan."))
    return redirect("monitoring:review", pk=pk)


@require_POST
def rating_view(request, pk, role):
    if role not in RaterRole.values:
        raise Http404(role)
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(
        request.user, "monitoring.self_assess" if role == RaterRole.SELF else "monitoring.evaluate_review", review
    )
    levels = {key.removeprefix("level-"): value for key, value in request.POST.items() if key.startswith("level-")}
    comments = {
        key.removeprefix("comment-"): value for key, value in request.POST.items() if key.startswith("comment-")
    }
    submit = "submit" in request.POST
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        version = 0
    try:
        reviews.rating_save(
            actor=request.user,
            review=review,
            role=role,
            levels=levels,
            comments=comments,
            expected_version=version,
            submit=submit,
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return _render(
            request,
            pk,
            status=400,
            rating_input={"role": role, "levels": levels, "comments": comments, "errors": errors},
        )
    messages.success(request, _("The rating was submitted.") if submit else _("The rating was saved."))
    return redirect("monitoring:review", pk=pk)


@require_POST
def score_preview_view(request, pk):
    """The engine's score with the levels being chosen, before anything is saved (htmx)."""
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(request.user, "monitoring.discuss_review", review)
    page = selectors.review_page(viewer=request.user, pk=pk)
    levels = {key.removeprefix("level-"): value for key, value in request.POST.items() if key.startswith("level-")}
    role = RaterRole.MANAGER if page.is_evaluator else RaterRole.SELF
    page.score = selectors.score_with_levels(page, role=role, levels=levels)
    return render(request, "monitoring/_score.html", {"page": page, "review": page.review})


@require_POST
def review_action_view(request, pk, action):
    if action not in ("submit", "approve", "return"):
        raise Http404(action)
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(
        request.user, "monitoring.evaluate_review" if action == "submit" else "monitoring.approve_review", review
    )
    if action == "return":
        form = CommentForm(request.POST, prefix="return")
        if form.is_valid():
            try:
                reviews.review_return(
                    actor=request.user,
                    review=review,
                    expected_version=form.cleaned_data["version"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The review was returned to the evaluator."))
                return redirect("monitoring:review", pk=pk)
        return _render(request, pk, status=400, bound={"return_form": form})
    form = (SubmitForm if action == "submit" else VersionedForm)(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was changed. Reload the page and try again."))
        return redirect("monitoring:review", pk=pk)
    version = form.cleaned_data["version"]
    try:
        if action == "submit":
            reviews.review_submit(
                actor=request.user,
                review=review,
                expected_version=version,
                early_reason=form.cleaned_data["early_reason"],
            )
            done = _("The score was submitted to the approver.")
        elif action == "approve":
            reviews.review_approve(actor=request.user, review=review, expected_version=version)
            done = _("The score was approved; the review is locked.")
        else:
            raise Http404(action)
    except ValidationError as error:
        if "early_reason" in getattr(error, "error_dict", {}):  # the reason is asked for on the form
            attach_errors(form, error)
            return _render(request, pk, status=400, bound={"submit_form": form})
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("monitoring:review", pk=pk)


@require_POST
def observation_view(request, pk):
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(request.user, "monitoring.observe", review)
    form = ObservationForm(request.POST, prefix="observation")
    if form.is_valid():
        try:
            reviews.observation_write(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The observation was recorded; the person can see and answer it."))
            return redirect("monitoring:review", pk=pk)
    return _render(request, pk, status=400, bound={"observation_form": form})


@require_POST
def observation_answer_view(request, pk, observation_id):
    review = selectors.review_get(viewer=request.user, pk=pk)
    permissions.require(request.user, "monitoring.answer_observation", review)
    observation = get_object_or_404(Observation, pk=observation_id, review=review)
    form = AnswerForm(request.POST, prefix=f"answer{observation.pk}")
    if form.is_valid():
        try:
            reviews.observation_answer(actor=request.user, observation=observation, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your answer was recorded."))
            return redirect("monitoring:review", pk=pk)
    return _render(request, pk, status=400, item_forms={("answer", observation.pk): form})


# --- HR: the year's periods ------------------------------------------------------------------
def _presets():
    from congtam.scoring.policy import shipped_preset_ids

    choices = []
    for preset_id in shipped_preset_ids():
        policy = engine_load(preset_id)
        if policy.model == "points":
            title = policy.title_en if get_language() == "en" else policy.title_vi
            choices.append((preset_id, f"{preset_id} {policy.version} — {title}"))
    return choices


@require_GET
def cycle_list_view(request):
    cycles = selectors.cycles_visible(viewer=request.user)
    return render(
        request,
        "monitoring/cycle_list.html",
        {"cycles": cycles, "can_open": permissions.has_perm(request.user, "monitoring.manage_periods")},
    )


@require_http_methods(["GET", "POST"])
def cycle_open_view(request):
    permissions.require(request.user, "monitoring.manage_periods")
    form = CycleForm(
        request.POST or None,
        presets=_presets(),
        agency=current_agency(request),
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency = data["units"][0].agency
        try:
            with transaction.atomic():
                cycle = cycles.cycle_open(actor=request.user, agency=agency, **data)
                job = job_start(
                    actor=request.user,
                    kind="monitoring.open_reviews",
                    params={"cycle_id": cycle.pk},
                    key=f"monitoring.open_reviews:{cycle.pk}",
                )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The periods are open; the reviews are being created in the background."))
            return redirect("jobs:detail", job_id=job.pk)
    return render(request, "monitoring/cycle_open.html", {"form": form})


@require_GET
def cycle_view(request, pk):
    cycle, periods = selectors.cycle_detail(viewer=request.user, pk=pk)
    return render(
        request,
        "monitoring/cycle.html",
        {
            "cycle": cycle,
            "periods": periods,
            "can_close": permissions.has_perm(request.user, "monitoring.manage_periods"),
        },
    )


@require_GET
def my_reviews_view(request):
    reviews = selectors.my_reviews(viewer=request.user)
    return render(request, "monitoring/my_reviews.html", {"reviews": reviews})


@require_POST
def period_close_view(request, pk):
    """HR closes a month: a background job checks every score again, then locks the period."""
    permissions.require(request.user, "monitoring.manage_periods")
    period = get_object_or_404(Period, pk=pk)
    job = job_start(
        actor=request.user,
        kind="monitoring.close_period",
        params={"period_id": period.pk},
        key=f"monitoring.close_period:{period.pk}:{timezone.now():%Y%m%d%H%M%S}",
    )
    return redirect("jobs:detail", job_id=job.pk)


@require_POST
def amend_view(request, pk):
    """HR corrects a locked review, with a reason; the original score and explanation stay readable."""
    permissions.require(request.user, "monitoring.correct_review")
    review = selectors.review_get(viewer=request.user, pk=pk)
    items = list(review.items.all())
    form = AmendmentForm(request.POST, prefix="amend", items=items)
    if form.is_valid():
        data = form.cleaned_data
        correction = {
            "quality_failures": data["quality_failures"],
            "objective_cause": data["objective_cause"],
            "completed_on": data["completed_on"],
        }
        try:
            reviews.review_amend(
                actor=request.user, review=review, reason=data["reason"], item_corrections={data["item"]: correction}
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The amendment was recorded; the original score stays readable."))
            return redirect("monitoring:review", pk=pk)
    return _render(request, pk, status=400, bound={"amend_form": form})


@require_POST
def approve_unit_view(request, period, code):
    """The approver approves, at once, every score of a unit's period that awaits their approval."""
    period_row = get_object_or_404(Period.objects.select_related("cycle"), pk=period)
    unit = get_object_or_404(Unit, agency=period_row.cycle.agency_id, code=code)
    waiting = selectors.reviews_awaiting_approval(viewer=request.user, period=period_row, unit=unit)
    if not waiting:
        messages.error(request, _("No score of this unit awaits your approval."))
    else:
        count = reviews.reviews_approve(actor=request.user, reviews=waiting)
        messages.success(
            request,
            ngettext("%(count)d score was approved and locked.", "%(count)d scores were approved and locked.", count)
            % {"count": count},
        )
    return redirect("monitoring:unit_period", period=period_row.pk, code=unit.code)
