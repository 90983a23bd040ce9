"""Writes to the decisions log and its follow-through (kept apart from actions.py, which
holds proposals and votes, so neither grows into a thousand-line module).

The log is append-only and hash-chained per assembly (decisions/ledger.py): appending
locks the assembly's row, so two decisions recorded at the same moment still form one
chain; the database also refuses two entries with the same sequence or predecessor.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assembly import idempotency, live
from assembly.actions import require
from assembly.errors import ActionError, NotAllowed
from assembly.models import Assembly
from assembly.roles import Perm
from assembly.text import render_markdown

from . import ledger, notify
from .models import ActionItem, ActionUpdate, Decision

# Meetings register fn(poll) -> meeting title or "" here, so a decision names the
# meeting it was taken in.
MEETING_OF_POLL = []


def _append(assembly_id, **fields):
    """Append one entry to the assembly's log and return it (inside a transaction)."""
    assembly = Assembly.objects.select_for_update().get(pk=assembly_id)
    last = Decision.objects.filter(assembly=assembly).order_by("-sequence").first()
    entry = Decision(
        assembly=assembly,
        sequence=(last.sequence + 1) if last else 1,
        prev_digest=last.digest if last else ledger.GENESIS,
        **fields,
    )
    entry.digest = ledger.entry_digest(entry.prev_digest, entry.chain_fields())
    entry.save()
    live.publish(assembly.stream, "decision.recorded", {"sequence": entry.sequence})
    return entry


def _recorder(actor):
    """Who recorded an entry, for the chain: nobody, unless the assembly chose to name
    recorders (an entry can never be deleted, so by default it names no one)."""
    from assembly import privacy

    if actor is None or not privacy.settings_for(actor.assembly).ledger_names:
        return ""
    return actor.display_name


def _now():
    # Whole seconds: the canonical form is an ISO string, identical after a round trip.
    return timezone.now().replace(microsecond=0)


def record_from_poll(actor, *, poll, proposal):
    """A passed proposal becomes a decision when its poll closes."""
    result = dict(poll.result or {})
    result["options"] = {o.key: o.label for o in poll.options.all()}
    meeting = next((m for m in (fn(poll) for fn in MEETING_OF_POLL) if m), "")
    entry = _append(
        poll.assembly_id,
        title=proposal.title,
        text=proposal.body,
        text_html=proposal.body_html,
        how_reached=gettext_noop("by vote"),  # said in the reader's language (reword)
        method=poll.method,
        result=result,
        entered_counts=(result.get("details") or {}).get("entered") or {},
        turnout=poll.turnout,
        electorate=poll.entitled,
        quorum=poll.quorum,
        quorum_met=poll.turnout >= poll.quorum,
        outcome=poll.outcome,
        meeting=meeting,
        proposal=proposal,
        poll=poll,
        recorded_by=_recorder(actor),
        decided_at=(poll.closed_at or timezone.now()).replace(microsecond=0),
    )
    if proposal.group_id:
        notify.group_members(proposal.group_id, entry)
    return entry


def record_room_decision(
    actor, *, title, text, how_reached, entered_counts=None, meeting="", idempotency_key=None
):
    """A decision taken in the room without a poll, e.g. by consensus."""
    require(actor, Perm.FACILITATE)
    title = " ".join((title or "").split())[:300]
    text = (text or "").strip()
    how_reached = (how_reached or "").strip()[:500]
    if not title or not text:
        raise ActionError(_("A decision needs a title and its text."))
    if not how_reached:
        raise ActionError(_("Say how the decision was reached (e.g. consensus, no blocks)."))
    counts = _clean_counts(entered_counts or {})

    def create():
        return _append(
            actor.assembly_id,
            title=title,
            text=text,
            text_html=render_markdown(text),
            how_reached=how_reached,
            entered_counts=counts,
            meeting=(meeting or "")[:300],
            recorded_by=_recorder(actor),
            decided_at=_now(),
        )

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "record_room_decision", Decision, create)


def _clean_counts(counts):
    clean = {}
    for key, value in counts.items():
        key = " ".join(str(key).split())[:60]
        if not key:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100000:
            raise ActionError(_("Each count must be a whole number from 0 to 100000."))
        clean[key] = value
    return clean


def supersede(actor, *, entry, kind, title, text, how_reached, idempotency_key=None):
    """Record a correction, amendment or repeal of an earlier entry, as a new entry."""
    require(actor, Perm.FACILITATE)
    if entry.assembly_id != actor.assembly_id:
        raise NotAllowed(_("Your role in this assembly does not allow that."))
    if kind not in (Decision.Kind.CORRECTION, Decision.Kind.AMENDMENT, Decision.Kind.REPEAL):
        raise ActionError(_("Choose correction, amendment or repeal."))
    title = " ".join((title or "").split())[:300] or entry.title
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Write the corrected text, the amendment, or why it is repealed."))

    def create():
        return _append(
            actor.assembly_id,
            kind=kind,
            title=title,
            text=text,
            text_html=render_markdown(text),
            how_reached=(how_reached or "").strip()[:500],
            supersedes=entry,
            recorded_by=_recorder(actor),
            decided_at=_now(),
        )

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "supersede", Decision, create)


def _in_append_order(assembly):
    # Rows in the order they were appended, so an entry whose sequence was altered is
    # named where it stands rather than where it would sort.
    return (
        Decision.objects.filter(assembly=assembly)
        .select_related("assembly", "supersedes")
        .order_by("pk")
    )


def verify(assembly):
    """The first entry of the assembly's log that does not verify, or None."""
    return ledger.verify([d.as_entry() for d in _in_append_order(assembly)])


def export(assembly):
    """Everything a third party needs to re-verify the log without Asamblea."""
    return {
        "assembly": assembly.slug,
        "algorithm": (
            "digest = sha256(prev_digest + '\\n' + canonical_json(fields)); canonical JSON: "
            "keys sorted, no whitespace, UTF-8, non-ASCII literal, no floats; the first "
            "entry's prev_digest is 64 zeros; sequences run 1, 2, 3, ..."
        ),
        "genesis": ledger.GENESIS,
        "entries": [d.as_entry() for d in _in_append_order(assembly)],
    }


# -- follow-through --------------------------------------------------------------------


def add_action_item(
    actor, *, decision, what, group=None, assignee=None, due=None, idempotency_key=None
):
    require(actor, Perm.FACILITATE)
    if decision.assembly_id != actor.assembly_id:
        raise NotAllowed(_("Your role in this assembly does not allow that."))
    what = " ".join((what or "").split())[:300]
    if not what:
        raise ActionError(_("Say what is to be done."))
    if group is not None and group.assembly_id != actor.assembly_id:
        raise ActionError(_("That working group is not in this assembly."))
    if assignee is not None and (
        assignee.assembly_id != actor.assembly_id or not assignee.is_active
    ):
        raise ActionError(_("That person is not an active member of this assembly."))
    if due is not None and not isinstance(due, date):
        raise ActionError(_("Enter a date."))

    def create():
        item = ActionItem.objects.create(
            decision=decision, what=what, group=group, assignee=assignee, due=due
        )
        if group is not None:
            notify.group_members(group.pk, decision, item=item)
        live.publish(f"assembly:{actor.assembly_id}", "action.changed", {"item": item.pk})
        return item

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "add_action_item", ActionItem, create)


def may_update(actor, item):
    """Leads of the item's group, the person it is assigned to, facilitators, stewards."""
    if actor is None or not actor.is_active or item.decision.assembly_id != actor.assembly_id:
        return False
    if actor.can(Perm.FACILITATE) or item.assignee_id == actor.pk:
        return True
    if item.group_id is None:
        return False
    from groups.models import GroupMembership

    return GroupMembership.objects.filter(
        group_id=item.group_id, member=actor, is_lead=True, status="active"
    ).exists()


def update_action(actor, *, item, status, note=""):
    if status not in ActionItem.Status.values:
        raise ActionError(_("Choose a status."))
    note = (note or "").strip()[:500]
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().select_related("decision").get(pk=item.pk)
        if not may_update(actor, item):
            raise NotAllowed(
                _("Only the group's leads, the assignee or a facilitator can do that.")
            )
        if item.status == status and not note:
            return item
        item.status = status
        item.save(update_fields=["status"])
        ActionUpdate.objects.create(item=item, by=actor, status=status, note=note)
        live.publish(f"assembly:{actor.assembly_id}", "action.changed", {"item": item.pk})
    return item


def overdue_items(assembly):
    return (
        ActionItem.objects.filter(decision__assembly=assembly, due__lt=timezone.localdate())
        .exclude(status__in=ActionItem.CLOSED)
        .select_related("decision", "group", "assignee")
        .order_by("due")
    )
