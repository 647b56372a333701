"""Read one built HTML page: the links it makes and the anchors it offers.

A tag-level scanner made of regular expressions, not a full HTML parser: it only needs start
tags, their attributes, ``</a>`` and ``</article>``, and skipping comments, scripts and
styles. That is about five times faster than :mod:`html.parser` on Material's pages, which
are mostly navigation (a 1,000-page site is some 60 MB of HTML), and just as tolerant.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

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


# One token: a comment, a whole <script> or <style> element (its content is not HTML), or a
# start or end tag whose attribute values may hold ">".
_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(script|style)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>.*?</\1\s*>"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL | re.IGNORECASE,
)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_TAGS = re.compile(r"<[^>]*>")
_INTERESTING = {tag for tag, _ in _URL_ATTRS} | {"article"}


def _attributes(raw: str) -> dict[str, str]:
    """Attribute names (lower case) to values (entities decoded); the first one wins."""
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        name = match.group(1).lower()
        if name in attrs:
            continue
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        attrs[name] = html.unescape(value) if "&" in value else value
    return attrs


def _text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(_TAGS.sub("", fragment)).split())


class _Lines:
    """Line numbers of offsets visited in increasing order, counting newlines only once."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def scan_html(text: str) -> PageScan:
    """Scan one page.

    Args:
        text: The page's HTML.

    Returns:
        Its links (with line numbers and text) and anchors. When the page has no
        ``<article>``, every link is marked as content.
    """
    scan = PageScan()
    lines = _Lines(text)
    depth = 0
    open_a: list[tuple[int, int]] = []  # (index into links or -1, end of the <a> start tag)
    for token in _TOKEN.finditer(text):
        if token.group(1):
            tag, raw, closing = token.group(1).lower(), token.group(2), False
        elif token.group(4):
            tag, raw, closing = token.group(4).lower(), token.group(5), bool(token.group(3))
        else:
            continue  # a comment
        if closing:
            if tag == "article" and depth:
                depth -= 1
            elif tag == "a" and open_a:
                index, start = open_a.pop()
                if index >= 0:
                    old = scan.links[index]
                    words = _text(text[start : token.start()])
                    scan.links[index] = RawLink(old.href, old.line, old.tag, words, old.in_content)
            continue
        # Most tags are <div>s and <span>s; only an id makes them interesting.
        if tag not in _INTERESTING and "id" not in raw.lower():
            continue
        attrs = _attributes(raw)
        if "id" in attrs:
            scan.anchors.add(attrs["id"])
        # name= only makes an anchor on <a>; a <meta name> or <input name> is no target.
        if tag == "a" and "name" in attrs:
            scan.anchors.add(attrs["name"])
        if tag == "article":
            depth += 1
            scan.has_article = True
            continue
        if tag == "a" and not raw.rstrip().endswith("/"):
            open_a.append((-1, token.end()))
        if _SKIPPED_CLASSES & set(attrs.get("class", "").split()):
            continue
        if tag == "link" and _SKIPPED_RELS & set(attrs.get("rel", "").lower().split()):
            continue
        urls = [attrs[name].strip() for t, name in _URL_ATTRS if t == tag and name in attrs]
        if tag in _SRCSET_TAGS and attrs.get("srcset"):
            urls += [c.strip().split(" ")[0] for c in attrs["srcset"].split(",") if c.strip()]
        if not urls:
            continue
        line = lines.at(token.start())
        alt = attrs.get("alt", "") if tag == "img" else ""
        if tag == "a" and open_a:
            open_a[-1] = (len(scan.links), open_a[-1][1])
        scan.links += [RawLink(url, line, tag, alt, depth > 0) for url in urls]
    if not scan.has_article:
        scan.links = [
            link if link.in_content else RawLink(link.href, link.line, link.tag, link.text, True)
            for link in scan.links
        ]
    return scan
