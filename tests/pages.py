"""Promises every page keeps, whoever reads it: checked on every response the suite's page
walks produce (tests/permissions/test_pages.py, tests/promises/test_page_types.py).

- The Content-Security-Policy header, 'self' only (README: "Content-Security-Policy
  'self' only, no inline scripts; nothing is loaded from another host").
- HTML without inline scripts, styles or event handlers, loading nothing from elsewhere.
- No one's email address but the reader's own (privacy page: "Other members never see
  it").
"""

import re

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'none'"},
    "object-src": {"'none'"},
}

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]
# What a page loads (not where its links lead): src=, and <link href=> (stylesheets, icons).
LOADS = re.compile(
    r"""\bsrc\s*=\s*["']([^"']*)["']|<link\b[^>]*\bhref\s*=\s*["']([^"']*)["']""", re.I
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def page_problems(response, reader_email, *, emails=True):
    """What in this response breaks a page-wide promise (empty when none). `emails`:
    look for other people's email addresses too (not on the admin's pages, where
    superusers manage accounts by email)."""
    problems = []
    header = response.headers.get("Content-Security-Policy")
    if header is None:
        return ["no Content-Security-Policy header"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    if directives != POLICY:
        problems.append(f"Content-Security-Policy is {header!r}")
    if not response.headers.get("Content-Type", "").startswith("text/html"):
        return problems
    html = response.content.decode()
    problems += [what for pattern, what in INLINE if pattern.search(html)]
    for match in LOADS.finditer(html):
        url = match.group(1) or match.group(2)
        if not url.startswith("/") or url.startswith("//"):
            problems.append(f"loads {url!r}, not from this server")
    shown = set(EMAIL.findall(html)) - {reader_email}
    if emails and shown:
        problems.append(f"shows the email address(es) {sorted(shown)}")
    return problems
