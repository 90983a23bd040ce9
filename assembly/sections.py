"""The assembly home page's sections, contributed by each app.

An app registers a builder in its AppConfig.ready():

    sections.register(order=20, build=board_section)

`build(me)` gets the viewer's active Membership and returns None (nothing to show) or a
Section: the template to include, its context, and the live streams the page should
subscribe to for it. The home view renders them in `order`.
"""

from dataclasses import dataclass, field


@dataclass
class Section:
    template: str
    context: dict = field(default_factory=dict)
    streams: list = field(default_factory=list)


_BUILDERS = []


def register(*, order, build):
    _BUILDERS.append((order, build))
    _BUILDERS.sort(key=lambda item: item[0])


def for_home(me):
    return [section for section in (build(me) for _order, build in _BUILDERS) if section]
