"""Read one built HTML page: the links it makes and the anchors it offers.

Only the standard library's tolerant HTML parser is used: built pages are trusted to be
HTML5-ish, and a malformed page should still yield every link it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# (tag, attribute) pairs whose value is a URL the reader's browser will fetch or follow.
_URL_ATTRS = {
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("track", "src"),
    ("input", "src"),
}
_SRCSET_TAGS = {"img", "source"}

# <link rel=...> values that are hints or metadata, not something the page needs: the
# canonical URL points at the production site (which may not have this page yet), and
# preconnect/dns-prefetch name a host, not a document.
_SKIPPED_RELS = {"canonical", "alternate", "preconnect", "dns-prefetch", "search", "me"}

# Material puts "edit this page" / "view source" buttons in the article; they point at the
# repository's default branch, where a page added in this change does not exist yet. A
# heading's permalink ("headerlink") points at the heading's own id: it cannot be broken,
# and checking one per heading would only bury the real findings.
_SKIPPED_CLASSES = {"md-content__button", "headerlink"}


@dataclass(frozen=True)
class RawLink:
    """One URL-valued attribute as found in a page.

    Attributes:
        href: The value, entities already decoded.
        line: Line in the HTML file.
        tag: The element, e.g. ``a`` or ``img``.
        text: Link text (for ``a``) or ``alt`` (for ``img``), whitespace collapsed.
        in_content: True when inside the page's ``<article>`` (the author's content); the
            rest is the theme's chrome (header, navigation, footer).
    """

    href: str
    line: int
    tag: str
    text: str = ""
    in_content: bool = True


@dataclass
class PageScan:
    """What one page links to and which fragments it can be linked at.

    Attributes:
        links: Every link, in document order.
        anchors: Every ``id`` and every ``<a name>`` in the page.
        has_article: Whether the page has an ``<article>``; when it has none, all of it
            counts as content.
    """

    links: list[RawLink] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    has_article: bool = False


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._article_depth = 0
        # An <a> being read: (index into links, collected text), so the text can be added.
        self._open_a: list[tuple[int, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.scan.anchors.add(values["id"])
        # name= only makes an anchor on <a>; a <meta name> or <input name> is no target.
        if tag == "a" and "name" in values:
            self.scan.anchors.add(values["name"])
        if tag == "article":
            self._article_depth += 1
            self.scan.has_article = True
        if tag == "a":
            self._open_a.append((-1, []))
        if _SKIPPED_CLASSES & set(values.get("class", "").split()):
            return
        if tag == "link" and _SKIPPED_RELS & set(values.get("rel", "").lower().split()):
            return
        line = self.getpos()[0]
        text = values.get("alt", "") if tag == "img" else ""
        for name, value in attrs:
            if value is None or (tag, name) not in _URL_ATTRS:
                continue
            self._add(value.strip(), line, tag, text)
        if tag in _SRCSET_TAGS and values.get("srcset"):
            for candidate in values["srcset"].split(","):
                url = candidate.strip().split(" ")[0]
                if url:
                    self._add(url, line, tag, text)

    def _add(self, href: str, line: int, tag: str, text: str) -> None:
        self.scan.links.append(RawLink(href, line, tag, text, self._article_depth > 0))
        if tag == "a" and self._open_a and self._open_a[-1][0] == -1:
            self._open_a[-1] = (len(self.scan.links) - 1, self._open_a[-1][1])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self._article_depth:
            self._article_depth -= 1
        elif tag == "a" and self._open_a:
            index, parts = self._open_a.pop()
            if index >= 0:
                text = " ".join("".join(parts).split())
                old = self.scan.links[index]
                self.scan.links[index] = RawLink(old.href, old.line, old.tag, text, old.in_content)

    def handle_data(self, data: str) -> None:
        for _, parts in self._open_a:
            parts.append(data)


def scan_html(text: str) -> PageScan:
    """Scan one page.

    Args:
        text: The page's HTML.

    Returns:
        Its links (with line numbers and text) and anchors. When the page has no
        ``<article>``, every link is marked as content.
    """
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    scan = scanner.scan
    if not scan.has_article:
        scan.links = [
            link if link.in_content else RawLink(link.href, link.line, link.tag, link.text, True)
            for link in scan.links
        ]
    return scan
