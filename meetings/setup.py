"""Wiring done once the apps are ready: the meeting stream, the home page section, and the
seams decisions offers (ballot and comment guards, the close hook)."""

_connected = False


def home_section(me):
    from assembly import sections

    from .queries import upcoming

    found = list(upcoming(me.assembly))
    return sections.Section(
        template="meetings/_home_section.html",
        context={"meetings": found, "can_schedule": me.can_facilitate},
    )


def connect():
    global _connected
    if _connected:
        return
    _connected = True
    from assembly import sections
    from decisions import actions as decisions_actions

    from . import actions, streams  # noqa: F401  (streams registers the meeting stream)

    sections.register(order=10, build=home_section)
    decisions_actions.BALLOT_GUARDS.append(actions.ballot_guard)
    decisions_actions.CLOSE_HOOKS.append(actions.snapshot_electorate)
    decisions_actions.ROOM_ENTITLED.append(actions.room_entitled)
    decisions_actions.NOT_ELECTOR_REASONS.append(actions.not_elector_reason)
    decisions_actions.POLL_RELATED.append("meeting_link__meeting")
    decisions_actions.COMMENT_GUARDS.append(actions.comment_guard)

    from decisions import log_views, record

    record.MEETING_OF_POLL.append(meeting_of_poll)
    log_views.CALENDAR_SOURCES.append(calendar_events)

    from . import personal_data

    personal_data.register()


def meeting_of_poll(poll):
    """The title of the meeting a vote was opened in, for the decisions log."""
    from .models import MeetingPoll

    link = MeetingPoll.objects.filter(poll=poll).select_related("meeting").first()
    if link is None:
        return ""
    meeting = link.meeting
    return f"{meeting.title}, {meeting.starts_at.date().isoformat()}"


def calendar_events(assembly):
    """The assembly's meetings for its members' calendar feeds."""
    from datetime import timedelta

    from .models import Meeting

    meetings = Meeting.objects.filter(assembly=assembly).order_by("-starts_at")[:200]
    events = []
    for m in meetings:
        # Held: when it really ran (it may have started early and ended before its
        # planned start); planned: two hours from its start.
        start = m.started_at or m.starts_at
        try:
            end = m.ended_at or start + timedelta(hours=2)
        except (
            OverflowError
        ):  # a start at the very end of year 9999, from before dates were bounded
            continue
        events.append((f"meeting-{m.pk}", start, end, m.title, m.place or m.call_link))
    return events
