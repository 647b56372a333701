"""The manifest reader and the search from a built page's link back to its source line."""

from __future__ import annotations

import json

from confkb.links.sources import Manifest, SourceMap, read_manifest


def write_manifest(site, data) -> None:
    site.mkdir(parents=True, exist_ok=True)
    (site / "confkb-manifest.json").write_text(data if isinstance(data, str) else json.dumps(data))


def test_manifest_forgives_what_it_can(tmp_path):
    """Entries without html derive it from url; junk entries are skipped, not fatal."""
    write_manifest(
        tmp_path,
        {
            "version": 1,
            "pages": [
                {"url": "talks/a/", "sources": ["talks/a.md"]},
                {"url": "", "sources": ["docs/index.md"]},
                {"url": "about.html", "sources": ["docs/about.md"]},
                {"html": "x/index.html", "sources": "not a list"},
                "not an entry",
                {"html": "y/index.html", "sources": [1, "", "tools\\y.yml"]},
            ],
        },
    )
    manifest = read_manifest(tmp_path)
    assert manifest.note == ""
    assert manifest.sources == {
        "talks/a/index.html": ("talks/a.md",),
        "index.html": ("docs/index.md",),
        "about.html": ("docs/about.md",),
        "y/index.html": ("tools/y.yml",),
    }


def test_manifest_absent_bad_or_newer(tmp_path):
    """Absent: silently empty. Not JSON or no pages: empty with a note. Newer: read, noted."""
    assert read_manifest(tmp_path) == Manifest()
    write_manifest(tmp_path, "[1, 2")
    assert "cannot read the manifest" in read_manifest(tmp_path).note
    write_manifest(tmp_path, {"version": 1})
    assert "no list of pages" in read_manifest(tmp_path).note
    write_manifest(tmp_path, {"version": 2, "pages": [{"url": "a/", "sources": ["a.md"]}]})
    newer = read_manifest(tmp_path)
    assert "version 2" in newer.note and newer.sources == {"a/index.html": ("a.md",)}


def make_map(tmp_path, files: dict[str, str], pages: dict[str, tuple[str, ...]]) -> SourceMap:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return SourceMap(Manifest(pages), tmp_path, "site")


def test_search_order_and_fallbacks(tmp_path):
    """href as written, then without fragment, then #fragment, then text, then line 1."""
    source = "intro\n[a](https://x.org/a)\nsee [b](other.md#part)\n[Some text](y.md)\n"
    m = make_map(tmp_path, {"a.md": source}, {"p.html": ("a.md",)})
    assert m.locate("p.html", "https://x.org/a", 9).line == 2
    assert m.locate("p.html", "https://x.org/a#frag", 9).line == 2
    assert m.locate("p.html", "../other/#part", 9).line == 3
    assert m.locate("p.html", "../y/", 9, "Some text").line == 4
    assert m.locate("p.html", "../z/", 9, "nowhere").line == 1
    assert str(m.locate("unknown.html", "x", 9)) == "site/unknown.html:9"


def test_nth_use_maps_to_nth_line_across_sources(tmp_path):
    """The same href used three times: lines in source order, the last repeated beyond."""
    m = make_map(
        tmp_path,
        {
            "tools/t.yml": "home: https://t.org\n",
            "talks/x.md": "a https://t.org b https://t.org\n\nhttps://t.org\n",
        },
        {"p.html": ("tools/t.yml", "talks/x.md")},
    )
    places = [str(m.locate("p.html", "https://t.org", 1)) for _ in range(4)]
    # A line holding the URL twice is one place; the fourth use stays on the last line.
    assert places == ["tools/t.yml:1", "talks/x.md:1", "talks/x.md:3", "talks/x.md:3"]


def test_crlf_and_missing_source(tmp_path):
    """Windows line ends count as one line each; a source that is gone gives line 1."""
    m = make_map(
        tmp_path,
        {"a.md": "one\r\ntwo https://x.org\r\n"},
        {"p.html": ("a.md",), "q.html": ("gone.md",)},
    )
    assert m.locate("p.html", "https://x.org", 5).line == 2
    assert str(m.locate("q.html", "https://x.org", 5)) == "gone.md:1"
