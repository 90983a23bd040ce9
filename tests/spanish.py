"""Whether a Spanish page shows English: a list of tell-tale English words, looked for in
a page's visible text (text between tags, and the labels screen readers read:
aria-label, title, placeholder, alt), after what people wrote themselves is taken out.
Used by tests/test_spanish_pages.py and the full-meeting browser test."""

import html
import re

# English a Spanish page must not show: UI words, the phrases seen in issue 12, English
# month abbreviations, and the commonest English function words (any sentence has one).
TELL_TALES = [
    r"Yes",
    r"Abstain",
    r"[Bb]y vote",
    r"[Mm]ajority",
    r"accepted by the author",
    r"adopted by vote",
    r"Report-back",
    r"[Vv]oted",
    r"[Vv]otes?",
    r"Welcome",
    r"Proposals?",
    r"Meetings?",
    r"Decisions?",
    r"Groups?",
    r"Notifications?",
    r"Account",
    r"Log (?:in|out)",
    r"Home",
    r"Change",
    r"Save",
    r"Jan|Feb|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec",
    r"[Tt]he",
    r"[Aa]nd",
    r"[Oo]f",
    r"[Yy]our?",
    r"[Ww]ith",
    r"[Ii]s",
    # Spanish with the wrong number: "1 votaron".
    r"1 votaron",
]
TELL_TALE = re.compile(r"(?<![\w-])(?:" + "|".join(TELL_TALES) + r")(?![\w-])")

# What people wrote (kept as they wrote it, in English in this world).
WRITTEN = [
    "Eastside People's Assembly", "Westside Neighbours", "Rapid Response", "Verify reports.",
    "Drop-off watch", "Stand by the gate.", "Main gate", "A draft", "Not yet.", "Phone tree",
    "Start one this week.", "Start one.", "Yes, and soon.", "Rent strike?",
    "Elect a treasurer?", "General assembly", "Library", "Welcome", "Rapid response",
    "Adopt the agenda?", "We start a phone tree.", "Call the school", "Buddy system",
    "Nobody goes alone.", "About Eastside People's Assembly.", "Spring outreach",
    "Asamblea", "Know your rights", "Library, room B", "Cedar & 3rd", "Nobody was there.",
    "Elm St laundromat", "Pine Ave bus stop", "5th & Main", "Oak St depot",
]  # fmt: skip

ATTRIBUTES = re.compile(r"""\b(?:aria-label|title|placeholder|alt)\s*=\s*"([^"]*)\"""")


def visible_text(page, written=WRITTEN):
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    said = " ".join(ATTRIBUTES.findall(page))
    text = re.sub(r"<[^>]+>", " ", page)
    text = html.unescape(text + " " + said)
    for phrase in sorted(written, key=len, reverse=True):
        text = text.replace(phrase, " ")
    return re.sub(r"\s+", " ", text)


def english_in(page, written=WRITTEN):
    text = visible_text(page, written)
    return sorted({m.group(0) for m in TELL_TALE.finditer(text)}), text
