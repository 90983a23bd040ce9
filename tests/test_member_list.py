"""The assembly's member-list setting holds everywhere (issue 9, point 5).

A canary member, "Zelda Canary", belongs to the assembly and has done nothing: no post,
no vote, no hand, no group. Every page of the site (every URL pattern, walked from the
resolver, so a new page cannot slip by) and every live stream's snapshot is read by people
the setting does not allow to see the member list; none of them may contain her name.
Those the setting allows do see her on the member list, so the canary is findable.

How checked: before the fix, the meeting page's proxy picker, the console (room hand,
moderation, attendance), the meeting form and the decision page's assignee list all
named her to people without the right.
"""

import html
import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from assembly import live
from assembly.meetings import actions as meeting_actions
from decisions import actions, record
from decisions.models import Notification
from groups import actions as group_actions
from tests.conftest import client_for, join, make_user
from tests.live.conftest import connect, subscribe

CANARY = "Zelda Canary"


@pytest.fixture
def world(cast):
    """One of everything a page can show, in the Eastside assembly."""
    w = {"canary": join(make_user("zelda@example.org"), cast.assembly, CANARY)}
    proposal = actions.draft_proposal(cast.member, title="Rent strike", body="We strike.")
    w["proposal"] = actions.open_discussion(cast.member, proposal=proposal)
    w["amendment"] = actions.propose_amendment(cast.member2, proposal=w["proposal"], body="B2")
    w["comment"] = actions.post_comment(cast.member2, proposal=w["proposal"], body="Yes")
    w["group"] = group_actions.create_group(
        cast.steward, name="Rapid response", kind="rapid_response", leads=[cast.member]
    )
    w["post"] = group_actions.create_post(
        cast.member, w["group"], kind="update", title="Hi", body="Flyers are done."
    )
    w["entry"] = record.record_room_decision(
        cast.facilitator, title="Banner", text="Make a banner.", how_reached="consensus"
    )
    w["action"] = record.add_action_item(cast.facilitator, decision=w["entry"], what="Paint")
    meeting = meeting_actions.schedule_meeting(
        cast.facilitator, title="General", starts_at=timezone.now() + timedelta(hours=1)
    )
    w["item"] = meeting_actions.add_item(cast.facilitator, meeting=meeting, title="Welcome")
    meeting_actions.update_settings(cast.steward, progressive="off", count_unregistered=True,
                                    proxies_allowed=True, max_proxies=2)  # fmt: skip
    meeting_actions.start_meeting(cast.facilitator, meeting=meeting)
    meeting.refresh_from_db()
    w["meeting"] = meeting
    meeting_actions.check_in(cast.member, meeting=meeting)
    meeting_actions.delegate_vote(cast.member2, meeting=meeting, delegate=cast.member)
    w["link"] = meeting_actions.open_floor_vote(
        cast.facilitator, meeting=meeting, question="Q?", method="majority",
        present_only=False, use_proposal=False,
    )  # fmt: skip
    w["poll"] = actions.open_poll(cast.facilitator, question="Named?", method="majority")
    actions.cast_ballot(cast.member, poll=w["poll"], choice="yes", idempotency_key="k-12345678")
    w["invitation"], w["token"] = actions_invite(cast)
    actions.open_poll(cast.facilitator, question="Due", method="majority")
    return w


def actions_invite(cast):
    from assembly import actions as assembly_actions

    return assembly_actions.create_invitation(cast.steward)


def _kwargs(cast, w, name, viewer):
    """The address parts of each page, from the world. A page missing here fails the test:
    add it, so that it is checked too."""
    s = {"slug": cast.assembly.slug}
    m = {**s, "pk": w["meeting"].pk}
    g = {**s, "group": w["group"].slug}
    note = Notification.objects.filter(recipient__user=viewer.user).first()
    return {
        "home": {}, "privacy": {}, "set_language": {}, "invitation": {"token": w["token"]},
        "assembly_home": s, "join_request": s, "members": s,
        "member_detail": {**s, "pk": w["canary"].pk}, "my_membership": s,
        "assembly_settings": s, "invitations": s,
        "revoke_invitation": {**s, "pk": w["invitation"].pk}, "join_requests": s, "audit": s,
        "meetings": s, "meeting_new": s, "meeting_settings": s, "meeting": m,
        "meeting_edit": m, "meeting_check_in": m, "meeting_hand": m, "meeting_proxy": m,
        "meeting_proxy_vote": {**m, "link_pk": w["link"].pk,
                               "delegator_pk": cast.member2.pk},
        "meeting_console": m, "meeting_console_panel": m, "meeting_act": m,
        "meeting_add_item": m, "meeting_notes": m,
        "meeting_save_notes": {**m, "item_pk": w["item"].pk}, "meeting_minutes": m,
        "meeting_minutes_md": m,
        "meeting_projector": {"pk": w["meeting"].pk, "token": w["meeting"].projector_token},
        "groups": s, "group_create": s, "group": g, "group_fragment": g, "group_post": g,
        "group_edit": g, "group_members": g, "group_join": g, "group_leave": g,
        "group_mute": g, "post": {**g, "pk": w["post"].pk},
        "post_edit": {**g, "pk": w["post"].pk}, "post_delete": {**g, "pk": w["post"].pk},
        "post_history": {**g, "pk": w["post"].pk}, "need_signup": {**g, "pk": w["post"].pk},
        "board": s, "board_fragment": s, "proposals": s, "proposal_new": s,
        "proposal": {**s, "pk": w["proposal"].pk},
        "proposal_edit": {**s, "pk": w["proposal"].pk},
        "proposal_act": {**s, "pk": w["proposal"].pk},
        "proposal_versions": {**s, "pk": w["proposal"].pk},
        "amend": {**s, "pk": w["proposal"].pk},
        "amendment_act": {**s, "pk": w["proposal"].pk, "amendment_pk": w["amendment"].pk},
        "comment_post": {**s, "pk": w["proposal"].pk},
        "comment_hide": {**s, "pk": w["proposal"].pk, "comment_pk": w["comment"].pk},
        "polls": s, "poll_new": s, "poll": {**s, "pk": w["poll"].pk},
        "poll_counts": {**s, "pk": w["poll"].pk}, "poll_close": {**s, "pk": w["poll"].pk},
        "poll_ballots": {**s, "pk": w["poll"].pk}, "poll_receipt": {**s, "pk": w["poll"].pk},
        "decision_log": s, "decision_record": s, "decisions_json": s, "decisions_csv": s,
        "decisions_markdown": s, "decision": {**s, "sequence": w["entry"].sequence},
        "decision_supersede": {**s, "sequence": w["entry"].sequence},
        "decision_add_action": {**s, "sequence": w["entry"].sequence},
        "action_update": {**s, "pk": w["action"].pk}, "calendar": s,
        "calendar_feed": {"token": "no-such-feed"}, "notifications": {},
        "notification_open": {"pk": note.pk if note else 0}, "notification_settings": {},
    }[name]  # fmt: skip


# Query strings that make a page render another of its parts.
PARTS = {"proposal": ["", "?part=main"], "poll": ["", "?part=results"]}


def _patterns(resolver=None, prefix=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("admin/", "accounts/")):
                continue  # Django's admin and allauth's account pages list no members
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield p.name


def _pages(cast, w, viewer):
    from django.urls import reverse

    for name in _patterns():
        for query in PARTS.get(name, [""]):
            yield name, reverse(name, kwargs=_kwargs(cast, w, name, viewer)) + query


def _readers(cast, visibility):
    """(who, may see the member list) under each setting."""
    return {
        "stewards": [("member", False), ("facilitator", False), ("steward", True)],
        "facilitators": [("member", False), ("facilitator", True)],
        "members": [("member", True)],
    }[visibility]


@pytest.mark.parametrize("visibility", ["stewards", "facilitators", "members"])
def test_no_page_names_a_member_to_someone_without_the_list(cast, world, visibility):
    cast.assembly.member_list_visibility = visibility
    cast.assembly.save()
    leaks = {}
    for who, allowed in _readers(cast, visibility):
        viewer = getattr(cast, who)
        client = client_for(cast, who)
        seen_on = []
        for name, path in _pages(cast, world, viewer):
            response = client.get(path)
            assert response.status_code != 500, path
            body = html.unescape(response.content.decode("utf-8", "replace"))
            if CANARY in body:
                seen_on.append(name)
        if allowed:
            assert "members" in seen_on, (who, seen_on)
        else:
            leaks[who] = seen_on
    assert leaks == {who: [] for who in leaks}


def _streams(cast, w):
    """Every registered live stream kind, with the streams a page of it opens."""
    a, m = cast.assembly.pk, w["meeting"].pk
    by_kind = {
        "assembly": [f"assembly:{a}", f"assembly:{a}:roster"],
        "meeting": [f"meeting:{m}:en", f"meeting:{m}:es"],
        "poll": [f"poll:{w['poll'].pk}", f"poll:{w['poll'].pk}:results"],
        "proposal": [f"proposal:{w['proposal'].pk}"],
        "group": [f"group:{w['group'].pk}"],
        "board": [f"board:{a}"],
    }
    missing = set(live._KINDS) - set(by_kind)
    assert not missing, f"add the stream kinds {missing} here, so they are checked too"
    return [stream for kind in live._KINDS for stream in by_kind[kind]]


@pytest.mark.django_db(transaction=True)
async def test_no_live_stream_names_a_member_to_someone_without_the_list(cast, world):
    def restrict():
        cast.assembly.member_list_visibility = "stewards"
        cast.assembly.save()
        # The canary is online, so presence would name her if it named anyone.
        from assembly.models import Presence

        Presence.objects.create(assembly=cast.assembly, membership=world["canary"],
                                channel_name="canary-socket")  # fmt: skip

    await database_sync_to_async(restrict)()
    streams = await database_sync_to_async(_streams)(cast, world)
    for who in ("member", "facilitator"):
        ws = await connect(getattr(cast, who).user)
        received = []
        for stream in streams:
            await subscribe(ws, stream)
        while not await ws.receive_nothing(timeout=0.5):
            received.append(await ws.receive_from())
        text = html.unescape(json.dumps([json.loads(r) for r in received], ensure_ascii=False))
        assert CANARY not in text, who
        await ws.disconnect()
    # The steward may see the roster: the canary is there to be found.
    ws = await connect(cast.steward.user)
    assert (await subscribe(ws, f"assembly:{cast.assembly.pk}:roster"))["type"] == "subscribed"
    seen = []
    while not await ws.receive_nothing(timeout=0.5):
        seen.append(await ws.receive_from())
    assert any(CANARY in html.unescape(m) for m in seen)
    await ws.disconnect()
