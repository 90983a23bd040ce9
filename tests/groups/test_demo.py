"""The demo data gains the groups of a real assembly, consistent with the invariants."""

from django.core.management import call_command

from groups.models import Group, Post


def test_seed_demo_adds_groups_posts_and_needs(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    names = set(Group.objects.filter(assembly__slug="eastside").values_list("name", flat=True))
    assert {
        "Rapid Response", "Mutual Aid", "Know Your Rights Trainings",
        "Lincoln High Sanctuary Team", "St. Mary's Hospital Workers' Committee",
        "5th Street Neighbours",
    } <= names  # fmt: skip
    for group in Group.objects.all():
        assert group.memberships.filter(is_lead=True).exists(), group
    for need in Post.objects.filter(kind="need"):
        assert need.signups.count() == need.signups_count <= need.wanted
    assert Post.objects.filter(kind="report").exclude(asks="").exists()
