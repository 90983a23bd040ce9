"""Demo working groups for `manage.py seed_demo`: the groups of a real assembly, with
leads, members, report-backs, updates and needs (some filling, one filled)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from assembly.models import Membership
from assembly.text import render_markdown

from .models import Group, GroupMembership, Post, Signup

EASTSIDE_GROUPS = [
    {
        "name": "Rapid Response",
        "kind": "rapid_response",
        "join_policy": "approval",
        "members_may_post": True,
        "mandate": (
            "Run the **rapid-response line**: answer calls, send two verifiers to every "
            "report, and tell the assembly only what has been confirmed.\n\n"
            "- Never post unverified sightings.\n- Never film faces; film badges and vehicles."
        ),
        "leads": ["Marisol R.", "Big Mike"],
        "members": ["Ana from 5th St", "DJ Lalo", "Sam T.", "Chuy", "Rafa", "Nico", "Omar"],
        "posts": [
            (
                "report",
                "March report-back: 14 calls, 3 confirmed",
                9,
                "We answered 14 calls. Verifiers went out to 9; **3 were confirmed** "
                "(two on Alder Ave, one at the bus depot). Families were accompanied each time.",
                "Approve $80 from the common fund for two more prepaid phones for the line.",
                None,
            ),
            (
                "need",
                "Hotline shift, Saturday night",
                2,
                "Keep the line phone with you from 10 pm to 6 am. Training required.",
                "",
                (3, 22, 0, "From home (the line is forwarded to you)", 2, ["Rafa"]),
            ),
            (
                "update",
                "New verification checklist",
                4,
                "The checklist is updated: ask for the **street and cross street**, what the "
                "caller *saw* (not heard), and a call-back number.",
                "",
                None,
            ),
        ],
    },
    {
        "name": "Mutual Aid",
        "kind": "mutual_aid",
        "join_policy": "open",
        "members_may_post": True,
        "mandate": "Groceries, rides to court dates, childcare and rent help for families "
        "affected by raids or detention.",
        "leads": ["Abuela Carmen", "Kim (bakery)"],
        "members": ["Priya", "Bea", "Don Beto", "Tía Rosi", "Fátima", "Rosa M."],
        "posts": [
            (
                "need",
                "Groceries for a family on Alder Ave",
                1,
                "Pick up the box at the bakery and drop it off. Carmen has the address.",
                "",
                (2, 18, 0, "Kim's bakery, 5th & Alder", 2, ["Priya", "Bea"]),
            ),
            (
                "need",
                "Rides to immigration court",
                2,
                "Two families have hearings downtown. Leave at 7:15; wait with them.",
                "",
                (5, 7, 15, "Eastside Branch Library, parking lot", 3, ["Don Beto"]),
            ),
            (
                "report",
                "February: 32 grocery drops",
                12,
                "32 grocery drops, 11 rides, and childcare at both assembly meetings.",
                "Should mutual aid also cover **phone bills** for detained people's families?",
                None,
            ),
        ],
    },
    {
        "name": "Know Your Rights Trainings",
        "kind": "training",
        "join_policy": "open",
        "members_may_post": False,
        "mandate": "Monthly know-your-rights trainings in English and Spanish, and "
        "train-the-trainer sessions for new facilitators.",
        "leads": ["Prof. Ruiz", "Maestra Lupe"],
        "members": ["Hannah L.", "Pastor Dan", "Yesenia", "Teo (he/him)"],
        "posts": [
            (
                "need",
                "Interpreters for the Spanish session",
                3,
                "Interpret questions from the floor. Bilingual, patient.",
                "",
                (6, 18, 30, "St. Mary's parish hall", 2, []),
            ),
            (
                "report",
                "47 people trained in February",
                15,
                "Two sessions, 47 people, 30 red cards handed out.",
                "A Saturday session **in Mam** — Pastor Dan has found an interpreter. Yes or no?",
                None,
            ),
        ],
    },
    {
        "name": "Lincoln High Sanctuary Team",
        "kind": "school_sanctuary",
        "join_policy": "approval",
        "members_may_post": False,
        "mandate": "Keep Lincoln High a sanctuary: drop-off and pick-up watch, the phone "
        "tree, and the agreed plan with the front office.",
        "leads": ["Ms. Green"],
        "members": ["Ana from 5th St", "Luz", "Gaby V.", "Quique"],
        "posts": [
            (
                "need",
                "Drop-off watch",
                0,
                "Stand by the gate in pairs, vests on. Call the line, never confront.",
                "",
                (1, 7, 30, "Lincoln High, main gate", 3, ["Luz", "Gaby V.", "Quique"]),
            ),
            (
                "update",
                "The front office agreed to the plan",
                6,
                "The principal signed: no one enters without a judicial warrant, and "
                "parents are called first.",
                "",
                None,
            ),
        ],
    },
    {
        "name": "St. Mary's Hospital Workers' Committee",
        "kind": "workplace",
        "join_policy": "approval",
        "members_may_post": False,
        "mandate": "Hospital workers organising so that St. Mary's stays a place where "
        "patients are not afraid to come.",
        "leads": ["Nurse Patty", "Mr. Okafor"],
        "members": ["Lin", "Jules", "Dee"],
        "posts": [
            (
                "report",
                "Meeting with HR about enforcement access",
                5,
                "HR confirmed there is **no written policy** on agents in patient areas.",
                "Endorse our letter asking management to adopt a written policy by May 1.",
                None,
            ),
        ],
    },
    {
        "name": "5th Street Neighbours",
        "kind": "neighbourhood",
        "join_policy": "open",
        "members_may_post": True,
        "mandate": "Neighbours of 5th Street and Alder Ave looking out for each other.",
        "leads": ["Ana from 5th St", "Tomás el carpintero"],
        "members": ["Chayo", "Don Beto", "Tía Rosi"],
        "posts": [
            (
                "need",
                "Door-knocking with know-your-rights flyers",
                2,
                "Pairs, one Spanish speaker each. Flyers at Tomás's workshop.",
                "",
                (4, 11, 0, "Tomás's workshop, 5th St", 4, ["Chayo"]),
            ),
            (
                "update",
                "Block party planning",
                8,
                "We will plan the spring block party at the next meeting.",
                "",
                None,
            ),
        ],
    },
]

LINCOLN_GROUPS = [
    {
        "name": "Vigilancia de entrada y salida",
        "kind": "school_sanctuary",
        "join_policy": "open",
        "members_may_post": True,
        "mandate": "Madres, padres y maestros en la puerta a la entrada y a la salida.",
        "leads": ["Ms. Alvarez"],
        "members": ["Mamá de Luis", "Kevin's dad", "Ana (parent)"],
        "posts": [
            (
                "need",
                "Vigilancia a la salida, viernes",
                1,
                "En parejas, con chaleco. Llamar a la línea, nunca confrontar.",
                "",
                (2, 15, 0, "Puerta lateral (calle Pine)", 3, ["Mamá de Luis"]),
            ),
        ],
    },
]


def _at(days, hour, minute):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _seed_assembly(assembly, groups):
    people = {m.display_name: m for m in Membership.objects.filter(assembly=assembly)}
    now = timezone.now()
    for spec in groups:
        group = Group.objects.create(
            assembly=assembly,
            name=spec["name"],
            slug=slugify(spec["name"])[:50],
            kind=spec["kind"],
            mandate=spec["mandate"],
            mandate_html=render_markdown(spec["mandate"]),
            join_policy=spec["join_policy"],
            members_may_post=spec["members_may_post"],
            created_at=now - timedelta(days=60),
        )
        rows = [
            GroupMembership(
                group=group, member=people[name], is_lead=True, joined_at=now - timedelta(days=60)
            )
            for name in spec["leads"]
        ]
        rows += [GroupMembership(group=group, member=people[name],
                                 joined_at=now - timedelta(days=30 - i))
                 for i, name in enumerate(spec["members"])]  # fmt: skip
        GroupMembership.objects.bulk_create(rows)
        lead = people[spec["leads"][0]]
        for kind, title, days_ago, body, asks, need in spec["posts"]:
            post = Post(
                assembly=assembly, group=group, author=lead, kind=kind, title=title,
                body=body, body_html=render_markdown(body), asks=asks,
                asks_html=render_markdown(asks),
                created_at=now - timedelta(days=days_ago, hours=3),
            )  # fmt: skip
            signers = []
            if need:
                days, hour, minute, place, wanted, signers = need
                post.starts_at = _at(days, hour, minute)
                post.place = place
                post.wanted = wanted
                post.signups_count = len(signers)
            post.save()
            Signup.objects.bulk_create(Signup(post=post, member=people[n]) for n in signers)


def seed(*, eastside, lincoln):
    _seed_assembly(eastside, EASTSIDE_GROUPS)
    _seed_assembly(lincoln, LINCOLN_GROUPS)
