"""A believable demo: the Eastside People's Assembly and a smaller school sanctuary team."""

import importlib
import importlib.util
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assembly.models import Assembly, Invitation, Membership, User
from assembly.text import render_markdown

DEMO_PASSWORD = "asamblea-demo"  # noqa: S105  (demo data only, printed for the user)

EASTSIDE_DESCRIPTION = """\
We are neighbours, parents, teachers, nurses and workers of the east side, organising
together so that no family faces a raid alone.

**We meet** every other Tuesday, 7 pm, at the Eastside Branch Library (community room),
and by video call. Meetings are in English and Spanish, with interpretation.

- Rapid-response line: volunteers verify reports before anyone spreads them.
- Know-your-rights trainings every month.
- Mutual aid: groceries, rides to court dates, childcare.

*Decisions are made by the assembly, and recorded here.*
"""

LINCOLN_DESCRIPTION = """\
Parents, teachers and staff of Lincoln High keeping the school a sanctuary: drop-off
and pick-up watch, a phone tree, and a clear plan with the front office.
"""

# Pseudonymous display names, as people choose them in real assemblies.
EASTSIDE_PEOPLE = [
    ("steward@example.org", "Rosa M.", "steward"),
    ("facilitator@example.org", "Teo (he/him)", "facilitator"),
    ("member@example.org", "Ana from 5th St", "member"),
    ("facilitator2@example.org", "Marisol R.", "facilitator"),
    ("steward2@example.org", "Big Mike", "steward"),
] + [
    (f"neighbour{i}@example.org", name, "member")
    for i, name in enumerate(
        [
            "Abuela Carmen", "DJ Lalo", "Nurse Patty", "Mr. Okafor", "Luz", "Sam T.",
            "Chayo", "Prof. Ruiz", "Kim (bakery)", "Joaquín", "Dee", "Maestra Lupe",
            "Tomás el carpintero", "Priya", "Bea", "Chuy", "Hannah L.", "Don Beto",
            "Yesenia", "Rafa", "Ms. Green", "Pastor Dan", "Nico", "Fátima", "Quique",
            "Lin", "Gaby V.", "Omar", "Tía Rosi", "Jules",
        ],
        start=1,
    )
]  # fmt: skip

LINCOLN_PEOPLE = [
    ("steward@example.org", "Rosa (parent)", "steward"),
    ("teacher@example.org", "Ms. Alvarez", "facilitator"),
    ("member@example.org", "Ana (parent)", "member"),
    ("counselor@example.org", "Coach Dre", "member"),
    ("parent2@example.org", "Mamá de Luis", "member"),
    ("parent3@example.org", "Kevin's dad", "member"),
]


class Command(BaseCommand):
    help = "Load demo assemblies and people (does nothing if they already exist)."

    def handle(self, *args, **options):
        if Assembly.objects.filter(slug="eastside").exists():
            self.stdout.write("Demo data is already loaded.")
            self._print_logins()
            return
        with transaction.atomic():
            password = make_password(DEMO_PASSWORD)
            eastside = self._assembly(
                "Eastside People's Assembly", "eastside", EASTSIDE_DESCRIPTION, "en",
                quorum_kind="percent", quorum_value=30,
            )  # fmt: skip
            lincoln = self._assembly(
                "Lincoln High Sanctuary Team", "lincoln-high", LINCOLN_DESCRIPTION, "es",
                quorum_kind="number", quorum_value=4,
            )  # fmt: skip
            lincoln.member_list_visibility = "members"
            lincoln.save(update_fields=["member_list_visibility"])
            for assembly, people in ((eastside, EASTSIDE_PEOPLE), (lincoln, LINCOLN_PEOPLE)):
                for email, name, role in people:
                    user = self._user(email, password)
                    Membership.objects.create(
                        assembly=assembly, user=user, display_name=name, role=role,
                        joined_at=timezone.now() - timedelta(days=len(name) * 3),
                    )  # fmt: skip
            # Someone suspended after disrupting a meeting, for the stewards' view.
            troll = self._user("suspended@example.org", password)
            Membership.objects.create(
                assembly=eastside, user=troll, display_name="Concerned Citizen", status="suspended"
            )
            self.links = []
            for label, role, uses in [
                ("Know-your-rights training, March", "member", 40),
                ("St. Mary's hospital workers", "member", 15),
                ("New facilitator: Dani", "facilitator", 1),
            ]:
                token = Invitation.new_token()
                Invitation.objects.create(
                    assembly=eastside, token_digest=Invitation.digest(token), label=label,
                    role=role, max_uses=uses, expires_at=timezone.now() + timedelta(days=14),
                )  # fmt: skip
                self.links.append((label, settings.SITE_URL + reverse("invitation", args=[token])))
            # Each app adds its own demo data through its `demo.seed(...)`, in the order
            # of INSTALLED_APPS (groups before the decisions and meetings that use them).
            for config in apps.get_app_configs():
                module = f"{config.name}.demo"
                if config.name != "assembly" and importlib.util.find_spec(module) is not None:
                    importlib.import_module(module).seed(eastside=eastside, lincoln=lincoln)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        for label, link in self.links:
            self.stdout.write(f"  invitation ({label}): {link}")
        self._print_logins()

    def _assembly(self, name, slug, description, language, **extra):
        return Assembly.objects.create(
            name=name, slug=slug, description=description,
            description_html=render_markdown(description), language=language, **extra,
        )  # fmt: skip

    def _user(self, email, password):
        user, created = User.objects.get_or_create(email=email, defaults={"password": password})
        if created:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _print_logins(self):
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, role in [
            ("steward@example.org", "steward of both assemblies"),
            ("facilitator@example.org", "facilitator, Eastside"),
            ("member@example.org", "member of both assemblies"),
            ("teacher@example.org", "facilitator, Lincoln High"),
        ]:
            self.stdout.write(f"  {email:28} {role}")
