"""Who gets what, for every URL and every live stream: the permission tables as data.

tests/permissions/test_coverage.py walks the URL resolver and the registered stream kinds
and fails on any URL or stream kind that has no row here (or in EXEMPT, with a reason),
and on any row that does not state every person's answer. test_pages.py and
test_sockets.py then ask as each person and compare.

Reading a row: `GET`/`POST` map each person (world.PEOPLE, plus "projector", whoever
holds a meeting's projector address, where a row takes that token) to the status they
must get. A POST answered 2xx/3xx must change the database; `Same(302)` says "302, and
nothing changes" (a refusal with a message, or pressing twice). A refused request
(4xx) never changes anything.

The rules behind the numbers (DESIGN.md, "Permissions"): signed out, a page of an
assembly sends to the login page (and back after it), the same for an assembly that
does not exist; signed in but outside it (no membership, another assembly's member,
suspended) it is 404, so a private assembly's existence is not revealed; inside, a role
without the right gets 403; a method a view does not take is 405 for everyone.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from tests.permissions.world import PEOPLE, PROJECTOR


class Same(int):
    """A status after which nothing in the database has changed."""

    def __repr__(self):
        return f"Same({int(self)})"


OUTSIDERS = ["anonymous", "nobody", "other", "suspended"]
SIGNED_IN = [p for p in PEOPLE if p != "anonymous"]


def everyone(status):
    return dict.fromkeys(PEOPLE, status)


def inside(member, facilitator=None, steward=None, *, lead=None, outside=404):
    """Statuses for a page of the assembly: the login page for the signed-out (nothing
    changes), `outside` for those signed in outside it, then by role. A lead is a plain
    member of the assembly unless `lead` says otherwise."""
    facilitator = member if facilitator is None else facilitator
    steward = facilitator if steward is None else steward
    return {
        **dict.fromkeys(OUTSIDERS, outside),
        "anonymous": Same(302),
        "member": member,
        "lead": member if lead is None else lead,
        "facilitator": facilitator,
        "steward": steward,
    }


def login_first(signed_in):
    """A page for any signed-in person: the login page first for the signed-out."""
    return {"anonymous": 302, **dict.fromkeys(SIGNED_IN, signed_in)}


NO = everyone(405)  # the view does not take this method
MEMBERS = inside(200)
FACILITATORS = inside(403, 200)
STEWARDS = inside(403, 403, 200)


@dataclass(frozen=True)
class Case:
    name: str  # the URL pattern's name
    path: object  # world -> path
    get: dict
    post: dict
    data: object = field(default=lambda w: {})  # world -> POST data
    projector: bool = False  # the row also says what the projector address gets
    label: str = ""  # tells two rows of one URL apart

    @property
    def id(self):
        return f"{self.name}[{self.label}]" if self.label else self.name


A = "/a/eastside"
G = A + "/groups/rapid-response"


def when(hours=0):
    """A time a month (and `hours`) from now, as the forms take it."""
    return (timezone.now() + timedelta(days=30, hours=hours)).strftime("%Y-%m-%dT%H:%M")


def just_now():
    """Twenty minutes ago, in the server's time zone, as the report form takes it."""
    return timezone.localtime(timezone.now() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")


R = A + "/reports"
C = A + "/callouts"
T = A + "/trainings"


CASES = [
    # -- assembly --------------------------------------------------------------------
    Case("home", lambda w: "/", everyone(200), NO),
    Case("privacy", lambda w: "/privacy/", everyone(200), NO),
    Case(
        "set_language",
        lambda w: "/language/",
        NO,
        # Signed out, the choice lives only in a cookie.
        {**everyone(302), "anonymous": Same(302)},
        data=lambda w: {"language": "es", "next": "/"},
    ),  # fmt: skip
    Case(
        "invitation",
        lambda w: f"/i/{w.invitation_token}/",
        everyone(200),
        {
            # The sign-up page: create an account first. The session remembers the link's
            # digest (never the link) until then.
            "anonymous": 200,
            "nobody": 302,
            "other": 302,  # joined
            "suspended": 400,  # a membership the stewards ended is not renewed by a link
            "member": 400,
            "lead": 400,
            "facilitator": 400,
            "steward": 400,  # already in
        },
        data=lambda w: {"display_name": "Newcomer Two"},
    ),  # fmt: skip
    Case("assembly_home", lambda w: f"{A}/", MEMBERS, NO),
    Case(
        "join_request",
        lambda w: f"{A}/join/",
        # A private assembly takes no requests, and does not say it exists.
        {"anonymous": 302, **dict.fromkeys(SIGNED_IN, 404)},
        {"anonymous": Same(302), **dict.fromkeys(SIGNED_IN, 404)},
        data=lambda w: {"display_name": "Neighbour", "message": "Hello"},
        label="private",
    ),  # fmt: skip
    Case(
        "join_request",
        lambda w: "/a/westside/join/",
        login_first(200),
        {"anonymous": Same(302), **dict.fromkeys(SIGNED_IN, 302)},
        data=lambda w: {"display_name": "Neighbour", "message": "Hello"},
        label="listed",
    ),  # fmt: skip
    Case("members", lambda w: f"{A}/members/", FACILITATORS, NO),
    Case(
        "member_detail",
        lambda w: f"{A}/members/{w.member2.pk}/",
        STEWARDS,
        inside(403, 403, 302),
        data=lambda w: {"operation": "suspend", "reason": "doxxing"},
    ),  # fmt: skip
    Case(
        "my_membership",
        lambda w: f"{A}/me/",
        MEMBERS,
        inside(302),
        data=lambda w: {"display_name": "A new name"},
    ),  # fmt: skip
    Case(
        "assembly_settings",
        lambda w: f"{A}/settings/",
        STEWARDS,
        inside(403, 403, 302),
        data=lambda w: {
            "name": "Eastside",
            "description": "changed",
            "language": "en",
            "quorum_kind": "percent",
            "quorum_value": "40",
            "member_list_visibility": "facilitators",
            "visibility": "private",
            "seconds_required": "0",
        },
    ),  # fmt: skip
    Case(
        "invitations",
        lambda w: f"{A}/invitations/",
        STEWARDS,
        inside(403, 403, 200),
        data=lambda w: {"label": "x", "role": "member", "max_uses": "3", "expires_in_days": "7"},
    ),  # fmt: skip
    Case(
        "revoke_invitation",
        lambda w: f"{A}/invitations/{w.invitation.pk}/revoke/",
        NO,
        inside(403, 403, 302),
    ),  # fmt: skip
    Case(
        "join_requests",
        lambda w: f"{A}/join-requests/",
        STEWARDS,
        inside(403, 403, 302),
        data=lambda w: {"request": w.join_request.pk, "decision": "approve"},
    ),  # fmt: skip
    Case("audit", lambda w: f"{A}/audit/", FACILITATORS, NO),
    # -- meetings --------------------------------------------------------------------
    Case("meetings", lambda w: f"{A}/meetings/", MEMBERS, NO),
    Case(
        "meeting_new",
        lambda w: f"{A}/meetings/new/",
        FACILITATORS,
        inside(403, 302),
        data=lambda w: {"title": "Next assembly", "starts_at": when(), "place": "Library"},
    ),  # fmt: skip
    Case(
        "meeting_settings",
        lambda w: f"{A}/meetings/settings/",
        STEWARDS,
        inside(403, 403, 302),
        data=lambda w: {"progressive": "off", "proxies_allowed": "on", "max_proxies": "3"},
    ),  # fmt: skip
    Case("meeting", lambda w: f"{A}/meetings/{w.meeting.pk}/", MEMBERS, NO),
    Case(
        "meeting_edit",
        lambda w: f"{A}/meetings/{w.meeting.pk}/edit/",
        FACILITATORS,
        inside(403, 302),
        data=lambda w: {"title": "General assembly (moved)", "starts_at": when(), "place": "Hall"},
    ),  # fmt: skip
    Case(
        "meeting_check_in",
        lambda w: f"{A}/meetings/{w.meeting.pk}/check-in/",
        # The projector's QR code opens this on a phone: signed out, log in first.
        {**inside(200), "anonymous": 302},
        {**inside(Same(302), 302, lead=302), "anonymous": Same(302)},  # Ana is already in
    ),  # fmt: skip
    Case(
        "meeting_hand",
        lambda w: f"{A}/meetings/{w.meeting.pk}/hand/",
        NO,
        inside(Same(302), 302, lead=302),  # Ana's hand is already up
        data=lambda w: {"kind": "regular"},
    ),  # fmt: skip
    Case(
        "meeting_proxy",
        lambda w: f"{A}/meetings/{w.meeting.pk}/proxy/",
        NO,
        # Ana holds Luz's vote, so she cannot give her own away.
        inside(Same(302), 302, lead=302),
        # By exact display name: most of the cast may not see the member list (issue 9).
        data=lambda w: {"delegate_name": w.member3.display_name},
    ),  # fmt: skip
    Case(
        "meeting_proxy_vote",
        lambda w: f"{A}/meetings/{w.meeting.pk}/proxy/{w.link.pk}/{w.member2.pk}/",
        inside(200, 404, lead=404),  # only the member who holds Luz's vote
        inside(302, 404, lead=404),
        data=lambda w: {"choice": "yes", "idempotency_key": "proxy-key-1234"},
    ),  # fmt: skip
    Case("meeting_console", lambda w: f"{A}/meetings/{w.meeting.pk}/console/", FACILITATORS, NO),
    Case(
        "meeting_console_panel",
        lambda w: f"{A}/meetings/{w.meeting.pk}/console/panel/",
        FACILITATORS,
        NO,
    ),  # fmt: skip
    Case(
        "meeting_act",
        lambda w: f"{A}/meetings/{w.meeting.pk}/console/act/",
        NO,
        inside(403, 302),
        data=lambda w: {"do": "next_item"},
    ),  # fmt: skip
    Case(
        "meeting_add_item",
        lambda w: f"{A}/meetings/{w.meeting.pk}/items/",
        NO,
        inside(403, 302),
        data=lambda w: {
            "kind": "topic",
            "title": "Raid alerts",
            "planned_minutes": "5",
            "speaker_seconds": "60",
        },
    ),  # fmt: skip
    Case("meeting_notes", lambda w: f"{A}/meetings/{w.meeting.pk}/notes/", FACILITATORS, NO),
    Case(
        "meeting_save_notes",
        lambda w: f"{A}/meetings/{w.meeting.pk}/notes/{w.item.pk}/",
        NO,
        inside(403, 302),
        data=lambda w: {"notes": "- three new families"},
    ),  # fmt: skip
    # Minutes not yet approved: only those who take notes see them.
    Case(
        "meeting_minutes", lambda w: f"{A}/meetings/{w.meeting.pk}/minutes/", inside(404, 200), NO
    ),  # fmt: skip
    Case(
        "meeting_minutes_md",
        lambda w: f"{A}/meetings/{w.meeting.pk}/minutes.md",
        inside(404, 200),
        NO,
    ),  # fmt: skip
    Case(
        "meeting_projector",
        lambda w: f"/projector/{w.meeting.pk}/{w.meeting.projector_token}/",
        {**everyone(200), PROJECTOR: 200},
        {**NO, PROJECTOR: 405},
        projector=True,
        label="its address",
    ),  # fmt: skip
    Case(
        "meeting_projector",
        lambda w: f"/projector/{w.meeting.pk}/not-the-token-000/",
        {**everyone(404), PROJECTOR: 404},
        {**NO, PROJECTOR: 405},
        projector=True,
        label="a wrong token",
    ),  # fmt: skip
    # -- working groups --------------------------------------------------------------
    Case("groups", lambda w: f"{A}/groups/", MEMBERS, NO),
    Case(
        "group_create",
        lambda w: f"{A}/groups/new/",
        STEWARDS,
        inside(403, 403, 302),
        data=lambda w: {
            "name": "Mutual Aid",
            "kind": "mutual_aid",
            "mandate": "",
            "leads": [w.member.pk],
            "join_policy": "open",
        },
    ),  # fmt: skip
    Case("group", lambda w: f"{G}/", MEMBERS, NO),
    Case("group_fragment", lambda w: f"{G}/stream/", MEMBERS, NO),
    Case(
        "group_post",
        lambda w: f"{G}/post/",
        NO,
        inside(403, lead=302),  # leads post
        data=lambda w: {"kind": "update", "title": "Line is staffed", "body": "All night."},
    ),  # fmt: skip
    Case(
        "group_edit",
        lambda w: f"{G}/edit/",
        inside(403, 403, 200, lead=200),
        inside(403, 403, 302, lead=302),
        data=lambda w: {
            "name": "Rapid Response Line",
            "kind": "rapid_response",
            "mandate": "x",
            "join_policy": "approval",
        },
    ),  # fmt: skip
    Case(
        "group_members",
        lambda w: f"{G}/members/",
        inside(403, 403, 200, lead=200),
        inside(403, 403, 302, lead=302),
        data=lambda w: {"operation": "make_lead", "target": w.member2_row.pk},
    ),  # fmt: skip
    Case(
        "group_join",
        lambda w: f"{G}/join/",
        NO,
        inside(302, lead=Same(302)),  # Marta is in it already
    ),  # fmt: skip
    Case(
        "group_leave",
        lambda w: f"{G}/leave/",
        NO,
        # Only a member of the group can leave it; its only lead is asked to hand over first.
        inside(403, lead=Same(302)),
    ),  # fmt: skip
    Case(
        "group_mute",
        lambda w: f"{G}/mute/",
        NO,
        inside(403, lead=302),
        data=lambda w: {"muted": "1"},
    ),  # fmt: skip
    Case("post", lambda w: f"{G}/p/{w.need.pk}/", MEMBERS, NO),
    Case("post", lambda w: f"{G}/p/{w.need.pk}/?fragment=1", MEMBERS, NO, label="a fragment"),
    Case(
        "post_edit",
        lambda w: f"{G}/p/{w.need.pk}/edit/",
        inside(403, 403, 200, lead=200),
        inside(403, 403, 302, lead=302),
        data=lambda w: {
            "title": "Drop-off watch (moved)",
            "body": "x",
            "starts_at": when(),
            "place": "Side gate",
            "wanted": "4",
        },
    ),  # fmt: skip
    Case(
        "post_delete",
        lambda w: f"{G}/p/{w.need.pk}/delete/",
        NO,
        inside(403, 403, 302, lead=302),
        data=lambda w: {"reason": "duplicate"},
    ),  # fmt: skip
    Case(
        "post_history", lambda w: f"{G}/p/{w.need.pk}/history/", inside(403, 403, 200, lead=200), NO
    ),  # fmt: skip
    Case(
        "need_signup",
        lambda w: f"{G}/p/{w.need.pk}/signup/",
        NO,
        inside(302),
        data=lambda w: {"operation": "sign_up"},
    ),  # fmt: skip
    Case("board", lambda w: f"{A}/board/", MEMBERS, NO),
    Case("board_fragment", lambda w: f"{A}/board/items/", MEMBERS, NO),
    Case(
        "board_fragment", lambda w: f"{A}/board/items/?compact=1", MEMBERS, NO, label="compact"
    ),  # fmt: skip
    # -- proposals and votes ---------------------------------------------------------
    Case("proposals", lambda w: f"{A}/proposals/", MEMBERS, NO),
    Case(
        "proposal_new",
        lambda w: f"{A}/proposals/new/",
        MEMBERS,
        inside(302),
        data=lambda w: {"title": "Rapid response line", "body": "Let us start it."},
    ),  # fmt: skip
    Case("proposal", lambda w: f"{A}/proposals/{w.proposal.pk}/", MEMBERS, NO),
    # The parts a page re-fetches when its live stream says they changed.
    Case(
        "proposal",
        lambda w: f"{A}/proposals/{w.proposal.pk}/?part=main",
        MEMBERS,
        NO,
        label="its main part",
    ),  # fmt: skip
    Case(
        "proposal",
        lambda w: f"{A}/proposals/{w.proposal.pk}/?part=comment&id={w.comment.pk}",
        MEMBERS,
        NO,
        label="one comment",
    ),  # fmt: skip
    Case(
        "proposal_edit",
        lambda w: f"{A}/proposals/{w.draft.pk}/edit/",
        inside(200, 403, lead=403),  # a draft is edited by its author only
        inside(302, 403, lead=403),
        data=lambda w: {"title": "A better draft", "body": "Now."},
    ),  # fmt: skip
    Case(
        "proposal_act",
        lambda w: f"{A}/proposals/{w.proposal.pk}/act/",
        NO,
        inside(Same(302), 302, lead=302),  # authors cannot second their own proposal
        data=lambda w: {"operation": "second"},
    ),  # fmt: skip
    Case("proposal_versions", lambda w: f"{A}/proposals/{w.proposal.pk}/versions/", MEMBERS, NO),
    Case(
        "amend",
        lambda w: f"{A}/proposals/{w.proposal.pk}/amend/",
        MEMBERS,
        inside(302),
        data=lambda w: {"body": "Start one today.", "rationale": "Sooner is safer."},
    ),  # fmt: skip
    Case(
        "amendment_act",
        lambda w: f"{A}/proposals/{w.proposal.pk}/amendments/{w.amendment.pk}/",
        NO,
        inside(302, 403, lead=403),  # the proposal's author accepts or declines
        data=lambda w: {"operation": "accept"},
    ),  # fmt: skip
    Case(
        "comment_post",
        lambda w: f"{A}/proposals/{w.proposal.pk}/comments/",
        NO,
        inside(302),
        data=lambda w: {"body": "Agreed."},
    ),  # fmt: skip
    Case(
        "comment_hide",
        lambda w: f"{A}/proposals/{w.proposal.pk}/comments/{w.comment.pk}/hide/",
        NO,
        inside(403, 302),
        data=lambda w: {"reason": "off topic"},
    ),  # fmt: skip
    Case("polls", lambda w: f"{A}/polls/", MEMBERS, NO),
    Case(
        "poll_new",
        lambda w: f"{A}/polls/new/",
        FACILITATORS,
        inside(403, 302),
        data=lambda w: {
            "question": "Strike?",
            "method": "majority",
            "threshold": "simple",
            "max_blocks": "0",
            "seats": "1",
            "score_max": "5",
            "results_visibility": "live",
        },
    ),  # fmt: skip
    Case(
        "poll",
        lambda w: f"{A}/polls/{w.poll.pk}/",
        MEMBERS,
        inside(302),
        data=lambda w: {"choice": "yes", "idempotency_key": "matrix-key-1234"},
    ),  # fmt: skip
    Case(
        "poll_counts",
        lambda w: f"{A}/polls/{w.poll.pk}/counts/",
        NO,
        inside(403, 302),
        data=lambda w: {"count-yes": "3", "count-no": "1"},
    ),  # fmt: skip
    Case(
        "poll_close",
        lambda w: f"{A}/polls/{w.poll.pk}/close/",
        NO,
        inside(403, 302),
        data=lambda w: {"confirmed": "1"},
    ),  # fmt: skip
    # Without "confirmed": the confirmation step, and nothing closes yet.
    Case(
        "poll_close",
        lambda w: f"{A}/polls/{w.poll.pk}/close/",
        NO,
        inside(403, Same(200)),
        label="unconfirmed",
    ),  # fmt: skip
    Case(
        "poll_ballots",
        lambda w: f"{A}/polls/{w.closed_poll.pk}/ballots.csv",
        MEMBERS,
        NO,
        label="closed",
    ),  # fmt: skip
    # Published when the vote closes, not before.
    Case(
        "poll_ballots",
        lambda w: f"{A}/polls/{w.poll.pk}/ballots.csv",
        inside(403),
        NO,
        label="open",
    ),  # fmt: skip
    Case(
        "poll_receipt",
        lambda w: f"{A}/polls/{w.closed_poll.pk}/receipt/?code={w.receipt}",
        MEMBERS,
        NO,
    ),  # fmt: skip
    # -- the decisions log -----------------------------------------------------------
    Case("decision_log", lambda w: f"{A}/decisions/", MEMBERS, NO),
    Case(
        "decision_record",
        lambda w: f"{A}/decisions/record/",
        FACILITATORS,
        inside(403, 302),
        data=lambda w: {
            "title": "Buddy system",
            "text": "Nobody goes alone.",
            "how_reached": "consensus",
        },
    ),  # fmt: skip
    Case("decisions_json", lambda w: f"{A}/decisions/export.json", MEMBERS, NO),
    Case("decisions_csv", lambda w: f"{A}/decisions/export.csv", MEMBERS, NO),
    Case("decisions_markdown", lambda w: f"{A}/decisions/export.md", MEMBERS, NO),
    Case("decision", lambda w: f"{A}/decisions/{w.decision.sequence}/", MEMBERS, NO),
    Case(
        "decision_supersede",
        lambda w: f"{A}/decisions/{w.decision.sequence}/supersede/",
        NO,
        inside(403, 302),
        data=lambda w: {
            "kind": "repeal",
            "title": "Repeal",
            "text": "No longer applies.",
            "how_reached": "vote of the assembly",
        },
    ),  # fmt: skip
    Case(
        "decision_add_action",
        lambda w: f"{A}/decisions/{w.decision.sequence}/actions/",
        NO,
        inside(403, 302),
        data=lambda w: {"what": "Call the school"},
    ),  # fmt: skip
    Case(
        "action_update",
        lambda w: f"{A}/actions/{w.action_item.pk}/",
        NO,
        # The group's leads, the assignee (Luz) and facilitators update a follow-up.
        inside(403, 302, lead=302),
        data=lambda w: {"status": "in_progress"},
    ),  # fmt: skip
    Case(
        "calendar",
        lambda w: f"{A}/calendar/",
        MEMBERS,
        inside(200),
        data=lambda w: {"operation": "create"},
    ),  # fmt: skip
    # A private feed link is its own key (calendar apps do not log in).
    Case(
        "calendar_feed",
        lambda w: f"/calendar/{w.feed_token}.ics",
        everyone(200),
        NO,
        label="a member's link",
    ),  # fmt: skip
    Case(
        "calendar_feed",
        lambda w: f"/calendar/{w.suspended_feed_token}.ics",
        everyone(404),
        NO,
        label="a suspended member's link",
    ),  # fmt: skip
    Case(
        "notifications",
        lambda w: "/notifications/",
        login_first(200),
        # Marks everything read: everyone in Eastside was told of the verified report
        # (and all but Teo, who opened them, of the open votes); the rest have none here.
        {
            **login_first(Same(302)),
            "anonymous": Same(302),
            "member": 302,
            "lead": 302,
            "facilitator": 302,
            "steward": 302,
        },
    ),  # fmt: skip
    Case(
        "notification_open",
        lambda w: f"/notifications/{w.notification.pk}/",
        # A link in the list: opening it marks it read (a POST does the same).
        {**login_first(404), "member": 302},
        {**login_first(404), "anonymous": Same(302), "member": 302},
    ),  # fmt: skip
    Case(
        "notification_settings",
        lambda w: "/notifications/settings/",
        login_first(200),
        {**login_first(302), "anonymous": Same(302)},
        data=lambda w: {"in_app-vote_opened": "on", "digest": "daily"},
    ),  # fmt: skip
    # -- rapid response (response/permissions.py) -------------------------------------
    # Rapid Response verifies: Marta ("lead") verifies and sends call-outs. Stewards and
    # facilitators hold no verifying power by their role, and see a report only once it
    # is published, like every member.
    Case("reports", lambda w: f"{R}/", MEMBERS, NO),
    Case(
        "report_new",
        lambda w: f"{R}/new/",
        MEMBERS,
        inside(302),  # any member reports what they saw
        data=lambda w: {"seen_at": just_now(), "place": "Birch St", "agents": "2"},
    ),  # fmt: skip
    Case("report_queue", lambda w: f"{R}/queue/", inside(403, lead=200), NO),
    Case("report_queue_fragment", lambda w: f"{R}/queue/items/", inside(403, lead=200), NO),
    # Waiting for verifiers: its reporter (Ana) and the verifiers; to anyone else it does
    # not exist.
    Case(
        "report", lambda w: f"{R}/{w.report.pk}/", inside(200, 404, lead=200), NO, label="waiting"
    ),  # fmt: skip
    Case("report", lambda w: f"{R}/{w.verified.pk}/", MEMBERS, NO, label="verified"),
    Case(
        "report",
        lambda w: f"{R}/{w.false_report.pk}/",
        inside(404, lead=200),  # marked false, not published as debunked: verifiers only
        NO,
        label="false",
    ),  # fmt: skip
    Case(
        "report_photo",
        lambda w: f"{R}/{w.photo_report.pk}/photo/",
        inside(404, lead=200),  # Mar's report, still waiting: verifiers only
        NO,
    ),  # fmt: skip
    Case(
        "report_confirm",
        lambda w: f"{R}/{w.report.pk}/confirm/",
        NO,
        inside(403, 404, lead=302),  # Ana filed it: she sees it, but does not verify
        data=lambda w: {"expires_in_hours": "12"},
    ),  # fmt: skip
    Case(
        "report_mark",
        lambda w: f"{R}/{w.report.pk}/mark/",
        NO,
        inside(403, 404, lead=302),
        data=lambda w: {"status": "unconfirmed", "note": "Nobody else saw it."},
    ),  # fmt: skip
    Case(
        "report_debunk",
        lambda w: f"{R}/{w.false_report.pk}/debunk/",
        NO,
        inside(404, lead=302),
        data=lambda w: {"text": "There was no raid at the depot.", "expires_in_hours": "48"},
    ),  # fmt: skip
    Case(
        "report_expiry",
        lambda w: f"{R}/{w.verified.pk}/expiry/",
        NO,
        inside(403, lead=302),  # every member sees it; verifiers say until when
        data=lambda w: {"expires_in_hours": "24"},
    ),  # fmt: skip
    Case(
        "report_withdraw",
        lambda w: f"{R}/{w.report.pk}/withdraw/",
        NO,
        inside(302, 404, lead=403),  # only its reporter takes it back
    ),  # fmt: skip
    Case("callouts", lambda w: f"{C}/", MEMBERS, NO),
    Case(
        "callout_new",
        lambda w: f"{C}/new/",
        inside(403, lead=200),
        inside(403, lead=302),
        data=lambda w: {
            "place": "Walnut & 5th",
            "needs": ["witnesses", "drivers"],
            "wanted": "8",
            "groups": [w.group.pk],
        },
    ),  # fmt: skip
    # Sent to Rapid Response: those it summons and those who send call-outs see it; to
    # anyone else it does not exist.
    Case("callout", lambda w: f"{C}/{w.callout.pk}/", inside(404, lead=200), NO),
    Case(
        "callout_answer",
        lambda w: f"{C}/{w.callout.pk}/answer/",
        NO,
        inside(404, lead=302),
        data=lambda w: {"answer": "on_way"},
    ),  # fmt: skip
    Case("callout_close", lambda w: f"{C}/{w.callout.pk}/close/", NO, inside(404, lead=302)),
    Case(
        "response_settings",
        lambda w: f"{A}/rapid-response/settings/",
        STEWARDS,
        inside(403, 403, 302),
        data=lambda w: {
            "verifier_group": w.group.pk,
            "network_group": w.group.pk,
            "answer_days": "30",
        },
    ),  # fmt: skip
    # -- trainings (trainings/permissions.py) ------------------------------------------
    # "Know your rights" is Rapid Response's: Marta, who leads it and started it, the
    # facilitators and the stewards organise it.
    Case("trainings", lambda w: f"{T}/", MEMBERS, NO),
    Case(
        "training_new",
        lambda w: f"{T}/new/",
        inside(403, 200, lead=200),  # facilitators, stewards, and leads for their groups
        inside(403, 302, lead=302),
        data=lambda w: {
            "group": w.group.pk,
            "title": "Phone tree training",
            "place": "Library",
            "starts_at": when(),
            "ends_at": when(2),
            "capacity": "12",
        },
    ),  # fmt: skip
    Case(
        "training_settings",
        lambda w: f"{T}/settings/",
        STEWARDS,
        inside(403, 403, 302),
        data=lambda w: {"guest_days": "60"},
    ),  # fmt: skip
    Case("training", lambda w: f"{T}/{w.training.pk}/", MEMBERS, NO),
    Case(
        "training_edit",
        lambda w: f"{T}/{w.training.pk}/edit/",
        inside(403, 200, lead=200),
        inside(403, 302, lead=302),
        data=lambda w: {
            "title": "Know your rights (moved)",
            "place": "Library, room C",
            "starts_at": when(),
            "ends_at": when(2),
            "capacity": "25",
            "offered_groups": [w.group.pk],
        },
    ),  # fmt: skip
    Case(
        "training_rsvp",
        lambda w: f"{T}/{w.training.pk}/rsvp/",
        NO,
        inside(Same(302), 302, lead=302),  # Ana has a place already
        data=lambda w: {"operation": "sign_up"},
    ),  # fmt: skip
    Case(
        "training_follow",
        lambda w: f"{T}/{w.training.pk}/follow/",
        NO,
        inside(302, 404, lead=404),  # those who came (Ana): the others have no sign-up
        data=lambda w: {"groups": [w.group.pk]},
    ),  # fmt: skip
    Case(
        "training_public_link",
        lambda w: f"{T}/{w.training.pk}/public-link/",
        NO,
        inside(403, 302, lead=302),
        data=lambda w: {"enabled": "1"},
    ),  # fmt: skip
    Case(
        "training_people",
        lambda w: f"{T}/{w.training.pk}/people/",
        inside(403, 200, lead=200),
        inside(403, 302, lead=302),
        data=lambda w: {"operation": "remove", "rsvp": w.guest.pk},
    ),  # fmt: skip
    Case(
        "training_overflow",
        lambda w: f"{T}/{w.training.pk}/overflow/",
        NO,
        inside(403, 302, lead=302),
        data=lambda w: {
            "place": "Library, room D",
            "starts_at": when(),
            "ends_at": when(2),
            "capacity": "10",
            "move": "0",
        },
    ),  # fmt: skip
    Case(
        "training_door",
        lambda w: f"{T}/{w.training.pk}/door/",
        inside(403, 200, lead=200),
        inside(403, 302, lead=302),
        data=lambda w: {"operation": "check_in", "rsvp": w.guest.pk},
    ),  # fmt: skip
    Case(
        "training_follow_up",
        lambda w: f"{T}/{w.training.pk}/follow-up/",
        inside(403, 200, lead=200),
        inside(403, 200, lead=200),  # invites Jo, who walked in: the link is shown once
        data=lambda w: {"rsvp": w.walk_in.pk},
    ),  # fmt: skip
    # The public sign-up page needs no account: its link is meant to be shared.
    Case(
        "training_public",
        lambda w: f"/t/{w.training.public_token}/",
        everyone(200),
        everyone(302),
        data=lambda w: {"name": "Kim", "contact": "+1 555 0199"},
        label="its link",
    ),  # fmt: skip
    Case(
        "training_public",
        lambda w: "/t/not-the-link-0000000/",
        everyone(404),
        everyone(404),
        data=lambda w: {"name": "Kim", "contact": "+1 555 0199"},
        label="a wrong link",
    ),  # fmt: skip
    # A ticket's link is the key to one's own sign-up; opened by an organiser, it checks
    # the person in. Anyone else asking to check in is told no and nothing changes.
    Case(
        "ticket",
        lambda w: f"/ticket/{w.guest.ticket}/",
        everyone(200),
        {**everyone(Same(302)), "facilitator": 302, "steward": 302, "lead": 302},
        data=lambda w: {"operation": "check_in"},
        label="Sam's",
    ),  # fmt: skip
    Case(
        "ticket",
        lambda w: f"/ticket/{w.guest.pk}-{'0' * 32}/",
        everyone(404),
        everyone(404),
        data=lambda w: {"operation": "cancel"},
        label="a forged one",
    ),  # fmt: skip
    # -- a person's own data (issue 11) ------------------------------------------------
    # Signed out, the login page comes first whatever the method.
    Case("account", lambda w: "/me/", login_first(200), {**NO, "anonymous": Same(302)}),
    Case("my_data", lambda w: "/me/data/", login_first(200), {**NO, "anonymous": Same(302)}),
    Case(
        "my_data_json", lambda w: "/me/data.json", login_first(200), {**NO, "anonymous": Same(302)}
    ),  # fmt: skip
    Case(
        "delete_account",
        lambda w: "/me/delete/",
        {**NO, "anonymous": 302},
        # Without the person's own email address typed to confirm, nothing is deleted.
        {**login_first(Same(302)), "anonymous": Same(302)},
        data=lambda w: {"confirm": "not-my-address@example.org"},
    ),  # fmt: skip
    Case(
        "my_sessions",
        lambda w: "/me/sessions/",
        login_first(200),
        # An operation the page does not offer: a message, nothing changes.
        {**login_first(Same(302)), "anonymous": Same(302)},
        data=lambda w: {"operation": "nothing-like-this"},
    ),  # fmt: skip
    Case(
        "invitation_continue",
        lambda w: "/i/continue/",
        # Only after opening an invitation link in this browser: nothing to continue here.
        everyone(404),
        everyone(404),
        data=lambda w: {"display_name": "Newcomer Three"},
    ),  # fmt: skip
    Case(
        "privacy_settings",
        lambda w: f"{A}/privacy/",
        STEWARDS,
        inside(403, 403, 302),
        data=lambda w: {
            "attendance_days": 30,
            "speaking_days": 30,
            "participation_days": 30,
            "notification_days": 30,
            "audit_days": 30,
        },
    ),  # fmt: skip
]

# URL patterns that are deliberately not in the table, each with the reason.
EXEMPT = {}

# Prefixes of URL patterns that belong to other projects' apps.
FOREIGN = {
    "admin/": "Django's admin: superusers only (tests/assembly/test_permissions.py).",
    "accounts/": "allauth's account pages: sign-up, login, email, 2FA, for one's own account.",
}


@dataclass(frozen=True)
class Stream:
    """A live stream name (world -> name) and who may subscribe: True or False by person."""

    kind: str
    name: object
    allowed: dict
    label: str = ""

    @property
    def id(self):
        return f"{self.kind}[{self.label}]" if self.label else self.kind


def members_may(member=True, facilitator=True, steward=True, *, lead=None):
    return {
        **dict.fromkeys(OUTSIDERS, False),
        "member": member,
        "lead": member if lead is None else lead,
        "facilitator": facilitator,
        "steward": steward,
        PROJECTOR: False,
    }


ALL_MEMBERS = members_may()

STREAMS = [
    Stream("assembly", lambda w: f"assembly:{w.assembly.pk}", ALL_MEMBERS),
    # Who is online, by name: those the assembly lets see its member list.
    Stream(
        "assembly",
        lambda w: f"assembly:{w.assembly.pk}:roster",
        members_may(False, True, True),
        label="roster",
    ),  # fmt: skip
    Stream(
        "assembly",
        lambda w: f"assembly:{w.other_assembly.pk}",
        {**members_may(False, False, False), "other": True},
        label="another assembly",
    ),  # fmt: skip
    Stream("group", lambda w: f"group:{w.group.pk}", ALL_MEMBERS),
    Stream("board", lambda w: f"board:{w.assembly.pk}", ALL_MEMBERS),
    Stream("proposal", lambda w: f"proposal:{w.proposal.pk}", ALL_MEMBERS),
    Stream("poll", lambda w: f"poll:{w.poll.pk}", ALL_MEMBERS),
    # Results shown live for this vote: every member may watch the counts.
    Stream("poll", lambda w: f"poll:{w.poll.pk}:results", ALL_MEMBERS, label="results"),
    Stream("meeting", lambda w: f"meeting:{w.meeting.pk}:en", ALL_MEMBERS, label="en"),
    Stream("meeting", lambda w: f"meeting:{w.meeting.pk}:es", ALL_MEMBERS, label="es"),
    Stream(
        "meeting",
        lambda w: f"meeting:{w.meeting.pk}:projector",
        {**members_may(False, False, False), PROJECTOR: True},
        label="projector",
    ),  # fmt: skip
    # The verifiers' queue: Marta verifies; stewards and facilitators do not by their role.
    Stream(
        "verify", lambda w: f"verify:{w.assembly.pk}", members_may(False, False, False, lead=True)
    ),  # fmt: skip
    # A call-out to Rapid Response: for those it summons and those who send call-outs.
    Stream(
        "callout", lambda w: f"callout:{w.callout.pk}", members_may(False, False, False, lead=True)
    ),  # fmt: skip
    # Who is on their way, by name: for its sender and those who send call-outs.
    Stream(
        "callout",
        lambda w: f"callout:{w.callout.pk}:people",
        members_may(False, False, False, lead=True),
        label="people",
    ),  # fmt: skip
    Stream("training", lambda w: f"training:{w.training.pk}", ALL_MEMBERS),
]

# Facets tried on every kind: any that someone may subscribe to must be in STREAMS.
PROBE_FACETS = ["roster", "results", "projector", "en", "es", "de", "fr", "admin", "all",
                "members", "votes", "names", "ballots", "secret", "private", "live",
                "people"]  # fmt: skip
