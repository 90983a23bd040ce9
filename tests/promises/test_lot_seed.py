"""README: ties are broken "by lot from a seed whose SHA-256 digest is shown when the vote
opens and which is revealed at close".

Checked: showing the seed itself on the open vote's page, and a digest that is not the
seed's SHA-256, each fail here.
"""

import hashlib

from decisions import actions
from tests.conftest import client_for
from tests.decisions.conftest import open_vote


def test_the_seeds_digest_is_shown_while_open_and_the_seed_after_the_close(cast):
    poll = open_vote(cast, question="Which day?", method="single", options=["Tue", "Thu"])
    url = f"/a/eastside/polls/{poll.pk}/"
    page = client_for(cast, "member").get(url).content.decode()
    assert hashlib.sha256(poll.seed.encode()).hexdigest() == poll.seed_digest
    assert poll.seed_digest in page
    assert poll.seed not in page
    actions.close_poll(cast.facilitator, poll=poll)
    closed = client_for(cast, "member").get(url).content.decode()
    assert poll.seed in closed  # anyone can check it against the digest they saw
