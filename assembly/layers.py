"""The embedded default's channel layer: channels' in-memory layer, with its expiry sweep
run at most once a second instead of on every receive and group send.

The stock layer walks every channel and every group membership on each receive, so a
broadcast to N sockets costs N x (all channels + all memberships): about 15 seconds for
one event to 1,000 open pages on the development machine (see BENCHMARKS.md). Sweeping
once a second keeps expiry exactly as correct (expired messages and memberships are
still removed; they can only live up to a second longer) and makes a broadcast linear.
"""

import time

from channels.layers import InMemoryChannelLayer


class InMemoryLayer(InMemoryChannelLayer):
    sweep_interval = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._swept_at = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._swept_at < self.sweep_interval:
            return
        self._swept_at = now
        super()._clean_expired()
