"""Read the tables of a rendered page as people (and screen readers) do: by caption, by
header cells and rows, with each cell's text."""

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = []
        self._stack = []  # open tables
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            table = {"class": attrs.get("class", ""), "caption": "", "rows": [], "_in": None}
            self._stack.append(table)
            self.tables.append(table)
        elif not self._stack:
            return
        table = self._stack[-1]
        if tag == "caption":
            table["_in"] = "caption"
        elif tag == "tr":
            table["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = {"tag": tag, "scope": attrs.get("scope"), "text": ""}
            table["rows"][-1].append(self._cell)

    def handle_endtag(self, tag):
        if not self._stack:
            return
        table = self._stack[-1]
        if tag == "table":
            self._stack.pop()
        elif tag == "caption":
            table["_in"] = None
        elif tag in ("td", "th"):
            self._cell["text"] = " ".join(self._cell["text"].split())
            self._cell = None

    def handle_data(self, data):
        if not self._stack:
            return
        table = self._stack[-1]
        if table["_in"] == "caption":
            table["caption"] += data
        elif self._cell is not None:
            self._cell["text"] += " " + data


def tables(html):
    parser = _Tables()
    parser.feed(html)
    for table in parser.tables:
        table["caption"] = " ".join(table["caption"].split())
        table.pop("_in", None)
    return parser.tables


def table(html, caption):
    """The one table with this caption, as {row header text: [cell texts]}, plus its
    column headers under the key None."""
    found = [t for t in tables(html) if t["caption"] == caption]
    assert len(found) == 1, [t["caption"] for t in tables(html)]
    out = {}
    for row in found[0]["rows"]:
        if not row:
            continue
        if all(c["tag"] == "th" for c in row) and row[0]["scope"] == "col":
            out[None] = [c["text"] for c in row]
        else:
            assert row[0]["tag"] == "th" and row[0]["scope"] == "row", row
            out[row[0]["text"]] = [c["text"] for c in row[1:]]
    return out
