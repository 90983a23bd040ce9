"""Recount a poll from its published ballots CSV, with the same code that counted it."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions import ballots_csv, tally


class Command(BaseCommand):
    help = "Recount a ballots CSV (downloaded from a closed poll) and print the result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the ballots CSV")
        parser.add_argument("--method", required=True, choices=tally.METHODS)
        parser.add_argument("--seats", type=int, default=1)
        parser.add_argument("--threshold", default="simple", choices=tally.THRESHOLDS)
        parser.add_argument("--abstentions-in-base", action="store_true")
        parser.add_argument("--max-blocks", type=int, default=0)
        parser.add_argument("--min-choices", type=int)
        parser.add_argument("--max-choices", type=int)
        parser.add_argument("--score-max", type=int, default=5)
        parser.add_argument("--dots", type=int)
        parser.add_argument(
            "--options", default="", help="comma-separated option ids in the poll's order"
        )
        parser.add_argument("--seed", default="", help="the lot seed revealed at close")

    def handle(self, *args, **o):
        try:
            text = Path(o["file"]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {o['file']}: {exc}") from exc
        try:
            ballots = ballots_csv.read(o["method"], text)
        except ballots_csv.FormatError as exc:
            raise CommandError(f"{o['file']}: {exc}") from exc
        options = [key for key in o["options"].split(",") if key]
        if not options and o["method"] not in ("majority", "consensus", "temperature"):
            options = sorted({key for ballot in ballots for key in _keys(ballot)})
        try:
            result = tally.count(
                o["method"],
                ballots,
                options=options,
                seats=o["seats"],
                threshold=o["threshold"],
                abstentions_in_base=o["abstentions_in_base"],
                max_blocks=o["max_blocks"],
                min_choices=o["min_choices"],
                max_choices=o["max_choices"],
                score_max=o["score_max"],
                dots=o["dots"],
                seed=o["seed"],
            )
        except tally.TallyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))


def _keys(ballot):
    if isinstance(ballot, dict):
        return ballot.keys()
    if isinstance(ballot, list):
        return ballot
    return [ballot]
