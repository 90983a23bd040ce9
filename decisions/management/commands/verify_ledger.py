"""Re-compute every assembly's decisions log and name the first entry that does not match."""

from django.core.management.base import BaseCommand, CommandError

from assembly.models import Assembly
from decisions import record


class Command(BaseCommand):
    help = "Verify the hash chain of the decisions log (all assemblies, or one by short name)."

    def add_arguments(self, parser):
        parser.add_argument("assembly", nargs="?", help="the assembly's short name (slug)")

    def handle(self, *args, **options):
        assemblies = Assembly.objects.order_by("slug")
        if options["assembly"]:
            assemblies = assemblies.filter(slug=options["assembly"])
            if not assemblies.exists():
                raise CommandError(f"no assembly called {options['assembly']!r}")
        broken = []
        for assembly in assemblies:
            problem = record.verify(assembly)
            count = assembly.decisions.count()
            if problem is None:
                self.stdout.write(f"{assembly.slug}: {count} entries, chain verifies")
            else:
                broken.append(assembly.slug)
                self.stdout.write(
                    f"{assembly.slug}: entry #{problem.sequence} does not verify ({problem.reason})"
                )
        if broken:
            raise CommandError(f"the decisions log does not verify: {', '.join(broken)}")
