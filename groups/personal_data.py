"""What working groups keep about a person, for assembly/privacy.py."""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from assembly import privacy
from assembly.privacy import Kept


def _forget(user, memberships):
    """Leave every group; withdraw from needs still to come (their places open again).
    Past sign-ups and posts stay, signed “former member”."""
    from .models import GroupMembership, Post, Signup

    GroupMembership.objects.filter(member__in=memberships).delete()
    upcoming = Signup.objects.filter(member__in=memberships, post__starts_at__gt=timezone.now())
    for post_id in list(upcoming.values_list("post_id", flat=True)):
        Post.objects.filter(pk=post_id).update(signups_count=F("signups_count") - 1)
    upcoming.delete()


def register():
    privacy.register(
        kept=[
            Kept(
                "groups",
                gettext_lazy(
                    "Which working groups you are in or asked to join, whether you lead them "
                    "and whether you muted them; groups you started."
                ),
                gettext_lazy("Until you leave the group or delete your account."),
                gettext_lazy("Members of the assembly see who is in a group; leads see requests."),
                fields=("groups.GroupMembership.member", "groups.Group.created_by"),
            ),
            Kept(
                "posts",
                gettext_lazy(
                    "Updates, report-backs and needs you post, and earlier versions of edited "
                    "posts (with who edited them)."
                ),
                gettext_lazy(
                    "Until the post is deleted. If you delete your account they stay, signed "
                    "“former member”."
                ),
                gettext_lazy(
                    "Members of the assembly; earlier versions: the group's leads and stewards."
                ),
                fields=("groups.Post.author", "groups.PostRevision.replaced_by"),
            ),
            Kept(
                "signups",
                gettext_lazy("Which calls for help (needs) you signed up for."),
                gettext_lazy(
                    "Until you withdraw; after the need, as long as the group keeps the post."
                ),
                gettext_lazy("The group's leads and stewards."),
                fields=("groups.Signup.member",),
            ),
        ],
        forget=_forget,
    )
