"""The coordination board's section on the assembly home page."""

from django.urls import reverse

from assembly.sections import Section

from . import queries, streams


def board_section(me):
    slug = me.assembly.slug
    version = streams.board_version(me.assembly_id)  # read before the items
    return Section(
        template="groups/_home_section.html",
        context={
            "version": version,
            "items": queries.board(me, limit=queries.HOME_SIZE),
            "fragment_url": reverse("board_fragment", args=[slug]) + "?compact=1",
            "return_to": reverse("assembly_home", args=[slug]),
            "stream": streams.board_stream(me.assembly_id),
        },
        streams=[streams.board_stream(me.assembly_id)],
    )
