"""Internal links and anchors, checked against the built HTML as a static server resolves them."""

from __future__ import annotations

from confkb.links import LinksConfig, LinkStatus, check_site
from confkb.links.html_scan import scan_html
from confkb.links.site import anchor_exists, classify

from .conftest import write_site

OFFLINE = LinksConfig(offline=True, cache=False)


def statuses(report) -> dict[str, str]:
    return {r.url: str(r.status) for r in report.results}


def test_missing_page_and_missing_anchor(tmp_path):
    """A link to a page that is not there, and to an id the target does not have, both fail."""
    site = write_site(
        tmp_path / "site",
        {
            "index.html": '<a href="guide/">ok</a> <a href="guide/#setup">ok</a>'
            ' <a href="guide/#nope">bad anchor</a> <a href="missing/">bad page</a>',
            "guide/index.html": '<h2 id="setup">Setup</h2>',
        },
    )
    report = check_site(site, root=tmp_path, config=OFFLINE)
    by_url = {r.url: r for r in report.results}
    assert by_url["guide/index.html"].status is LinkStatus.OK
    assert by_url["guide/index.html#setup"].status is LinkStatus.OK
    assert by_url["guide/index.html#nope"].status is LinkStatus.FAILED
    assert by_url["guide/index.html#nope"].reason == "anchor #nope not found in guide/index.html"
    assert by_url["missing/"].status is LinkStatus.FAILED
    assert by_url["missing/"].reason == "page not found: missing/"
    assert report.exit_code == 1


def test_directory_urls_and_files(tmp_path):
    """dir/ serves dir/index.html, dir redirects to it, ../ climbs, /x is from the site root."""
    site = write_site(
        tmp_path / "site",
        {
            "a/b/index.html": '<a href="../">up</a> <a href="../../c">no slash</a>'
            ' <a href="/c/">root</a> <a href="./">self</a> <a href="../../img/x.png">file</a>'
            ' <a href="../../c/page.html?q=1#h">query</a> <a href="../../%63/">escaped</a>',
            "a/index.html": "",
            "c/index.html": "",
            "c/page.html": '<h1 id="h">H</h1>',
            "img/x.png": "",
        },
    )
    report = check_site(site, root=tmp_path, config=OFFLINE)
    assert set(statuses(report).values()) == {"ok"}
    assert set(statuses(report)) >= {
        "a/index.html",
        "c/index.html",
        "a/b/index.html",
        "img/x.png",
        "c/page.html#h",
    }


def test_link_out_of_the_site_fails(tmp_path):
    """A relative link that climbs above the site folder cannot work once published."""
    site = write_site(tmp_path / "site", {"index.html": '<a href="../../etc/passwd">x</a>'})
    report = check_site(site, root=tmp_path, config=OFFLINE)
    [result] = report.results
    assert result.status is LinkStatus.FAILED
    assert result.reason == "points outside the site"


def test_anchor_checks_can_be_turned_off(tmp_path):
    """anchors: false checks pages only."""
    site = write_site(tmp_path / "site", {"index.html": '<a href="p/#x">x</a>', "p/index.html": ""})
    report = check_site(site, root=tmp_path, config=LinksConfig(offline=True, anchors=False))
    assert [str(r.status) for r in report.results] == ["ok"]


def test_name_anchors_and_special_fragments():
    """<a name> is an anchor, <meta name> is not; #top and text fragments always resolve."""
    scan = scan_html('<meta name="viewport"><a name="old"></a><div id="new"></div>')
    assert scan.anchors == {"old", "new"}
    assert anchor_exists(scan, "top")
    assert anchor_exists(scan, "")
    assert anchor_exists(scan, ":~:text=hello")
    assert anchor_exists(scan, "new:~:text=x")
    assert not anchor_exists(scan, "viewport")
    assert not anchor_exists(scan, "NEW")  # browsers match ids exactly


def test_percent_encoded_fragment(tmp_path):
    """A fragment is compared after percent-decoding, as browsers do."""
    site = write_site(
        tmp_path / "site", {"index.html": '<h2 id="ü-über">x</h2><a href="#%C3%BC-%C3%BCber">x</a>'}
    )
    report = check_site(site, root=tmp_path, config=OFFLINE)
    assert [str(r.status) for r in report.results] == ["ok"]


def test_classify():
    """What a link is, from the page it is on."""
    assert classify("a/index.html", "https://x.org/p#f").kind == "external"
    assert classify("a/index.html", "https://x.org/p#f").target == "https://x.org/p"
    assert classify("a/index.html", "//cdn.x.org/lib.js").target == "https://cdn.x.org/lib.js"
    assert classify("a/index.html", "mailto:me@x.org").kind == "skip"
    assert classify("a/index.html", "javascript:void(0)").kind == "skip"
    assert classify("a/index.html", "ftp://x.org/").kind == "unsupported"
    assert classify("a/index.html", "../b/").target == "b"
    assert classify("a/index.html", "../b/").directory
    assert classify("a/index.html", "#f").target == "a/index.html"
    assert classify("index.html", "../x").kind == "outside"


def test_scan_collects_urls_with_lines_and_text():
    """href, src and srcset are collected with their line and link text or alt."""
    scan = scan_html(
        '<article>\n<a href="a/">The <em>A</em>\npage</a>\n'
        '<img src="i.png" alt="An image" srcset="i2.png 2x, i3.png 3x">\n'
        '<link rel="canonical" href="https://prod/"><link rel="stylesheet" href="s.css">\n'
        "</article><a href='nav/'>Nav</a>"
    )
    links = [(l.href, l.line, l.text, l.in_content) for l in scan.links]
    assert links == [
        ("a/", 2, "The A page", True),
        ("i.png", 4, "An image", True),
        ("i2.png", 4, "An image", True),
        ("i3.png", 4, "An image", True),
        ("s.css", 5, "", True),
        ("nav/", 6, "Nav", False),
    ]


def test_page_without_article_is_all_content():
    """Plain HTML (no <article>) is all content: every link maps to sources."""
    scan = scan_html('<p><a href="x/">x</a></p>')
    assert scan.links[0].in_content


def test_ignore_rules_apply_to_internal_links(tmp_path):
    """An ignore pattern silences a broken internal link too (e.g. a page built later)."""
    site = write_site(tmp_path / "site", {"index.html": '<a href="later/">x</a>'})
    config = LinksConfig(offline=True, ignore=(r"^later/",))
    report = check_site(site, root=tmp_path, config=config)
    assert [str(r.status) for r in report.results] == ["ignored"]
    assert report.exit_code == 0


def test_scanner_skips_comments_scripts_and_styles():
    """Links inside comments, scripts and styles are not links; tricky attributes still parse."""
    scan = scan_html(
        "<!-- <a href='commented/'>x</a> -->\n"
        '<script>var s = "<a href=\\"in-script/\\">";</script>\n'
        '<script src="app.js"></script><style>a[href="x"]{}</style>\n'
        '<A HREF="/Upper/" TITLE="a > b">Up</A>\n'
        "<a href=unquoted/ id=here>u</a> <a href='single/?a=1&amp;b=2'>s</a>\n"
        '<a name="old-anchor"></a><span data-x="id=fake" id="real">t</span>\n'
    )
    assert [(link.href, link.line, link.text) for link in scan.links] == [
        ("app.js", 3, ""),
        ("/Upper/", 4, "Up"),
        ("unquoted/", 5, "u"),
        ("single/?a=1&b=2", 5, "s"),
    ]
    assert scan.anchors == {"here", "old-anchor", "real"}
