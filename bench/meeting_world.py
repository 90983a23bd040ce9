"""Build the benchmark's meeting in the database named by DATABASE_URL and print it as JSON:
an assembly with N members (each with a real login session), a running meeting with
agenda items, and three open floor votes. Run by bench/bench_meeting.py in a process of
its own, so each setup gets its own settings.

Usage: DATABASE_URL=... python bench/meeting_world.py N
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from assembly.models import Assembly, Membership, User  # noqa: E402
from assembly.names import skeleton  # noqa: E402
from meetings import actions as meeting_actions  # noqa: E402


def session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main(n):
    call_command("migrate", verbosity=0)
    assembly = Assembly.objects.create(name="Bench assembly", slug="bench")
    users = User.objects.bulk_create(
        User(email=f"member{i}@bench.example.org") for i in range(n + 1)
    )
    members = Membership.objects.bulk_create(
        Membership(assembly=assembly, user=u, display_name=f"Member {i}",
                   name_skeleton=skeleton(f"Member {i}"),
                   role="facilitator" if i == 0 else "member")
        for i, u in enumerate(users)
    )  # fmt: skip
    facilitator = Membership.objects.select_related("assembly").get(pk=members[0].pk)
    meeting = meeting_actions.schedule_meeting(
        facilitator, title="General assembly", starts_at=timezone.now() + timedelta(minutes=5)
    )
    for i in range(12):
        meeting_actions.add_item(facilitator, meeting=meeting, title=f"Item {i + 1}")
    meeting_actions.start_meeting(facilitator, meeting=meeting)
    polls = []
    for question in ("At a steady pace?", "All at once?", "Through the form?"):
        link = meeting_actions.open_floor_vote(
            facilitator, meeting=meeting, question=question, method="majority",
            present_only=False, use_proposal=False, quorum=0,
        )  # fmt: skip
        polls.append(link.poll_id)
    keys = [session_for(u) for u in users]
    print(json.dumps({
        "slug": assembly.slug, "meeting": meeting.pk, "polls": polls,
        "facilitator": keys[0], "members": keys[1:],
    }))  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]))
