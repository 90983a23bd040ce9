"""What rapid response keeps about a person, for assembly/privacy.py.

Who took part is kept only for the assembly's rapid-response period (the `answer_days`
setting): after a call-out ends, and after a report is settled, the timer deletes the
names (response/actions.py, `purge_answers` and `purge_report_names`); what happened and
the counts stay."""

from django.utils.translation import gettext_lazy

from assembly import privacy
from assembly.privacy import Kept


def register():
    privacy.register(
        kept=[
            Kept(
                "reports",
                gettext_lazy(
                    "Reports of enforcement activity you file (when, where, what you saw, and "
                    "a photo if you add one, stripped of its location and device); if you "
                    "verify reports, your confirmations and decisions on them, with your notes."
                ),
                gettext_lazy(
                    "Your name on a report, and on its confirmations and decisions: until the "
                    "assembly's rapid-response period (14 days unless it chose otherwise) has "
                    "passed after the report is settled (decided, and no longer shown as "
                    "current). What the report says stays."
                ),
                gettext_lazy(
                    "The verifiers see who filed a report and who confirmed or decided it; "
                    "members see a report only once two verifiers confirm it, and never who "
                    "filed it."
                ),
                fields=(
                    "response.Report.reporter",
                    "response.ReportEvent.actor",
                    "response.Confirmation.verifier",
                ),
            ),
            Kept(
                "callouts",
                gettext_lazy(
                    "Call-outs you send or end, and your answers to call-outs (on my way, "
                    "or can't)."
                ),
                gettext_lazy(
                    "Until the assembly's rapid-response period (14 days unless it chose "
                    "otherwise) has passed after the call-out ends; then who sent it, who "
                    "ended it and who answered what are deleted. The counts stay."
                ),
                gettext_lazy(
                    "Those a call-out summons see who sent it; its sender, the verifiers and "
                    "the network's leads see who is on their way."
                ),
                fields=(
                    "response.Callout.sender",
                    "response.Callout.closed_by",
                    "response.CalloutAnswer.member",
                ),
            ),
        ],
    )
