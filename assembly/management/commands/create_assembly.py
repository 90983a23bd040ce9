from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from assembly import actions
from assembly.errors import ActionError


class Command(BaseCommand):
    help = "Create an assembly and print a one-time invitation link for its first steward."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The assembly's name, e.g. 'Eastside People's Assembly'")
        parser.add_argument("--slug", default="", help="Short name used in its address")
        parser.add_argument("--language", default="en", choices=[c for c, _ in settings.LANGUAGES])
        parser.add_argument(
            "--time-zone",
            default=None,
            help="Its time zone, e.g. America/Los_Angeles (default: the TIME_ZONE setting)",
        )
        parser.add_argument("--days", type=int, default=7, help="Days the link stays valid")

    def handle(self, *args, **options):
        try:
            assembly, token = actions.create_assembly(
                name=options["name"],
                slug=options["slug"],
                language=options["language"],
                time_zone=options["time_zone"],
                steward_invite_days=options["days"],
            )
        except ActionError as exc:
            raise CommandError(str(exc.message)) from exc
        link = settings.SITE_URL + reverse("invitation", args=[token])
        self.stdout.write(f"Created {assembly.name} ({assembly.slug}).")
        self.stdout.write("Send this one-time link to its first steward (it is shown only once):")
        self.stdout.write(link)
