"""The sample knowledge base: every finding lands on the source line an author wrote it on."""

from __future__ import annotations

import shutil
from dataclasses import replace

from confkb.links import LinkStatus, check_site
from confkb.links.fetch import Response

from .conftest import SAMPLE_CONFIG, sample_fetcher

TALK = "talks/containerconf-2019/the-container-universe.md"


def findings(report) -> dict[str, tuple[str, str]]:
    """``path:line`` -> (status, url) for every non-ok place."""
    return {
        str(loc): (str(r.status), r.url)
        for r in report.results
        if not r.status.is_success
        for loc in r.places()
    }


def test_every_finding_at_its_source_line(kb):
    """Failures, errors and warnings are reported in talks/, tools/ and docs/ at path:line."""
    report = check_site(kb / "site", root=kb, config=SAMPLE_CONFIG, fetcher=sample_fetcher)
    found = findings(report)
    assert found == {
        # A missing anchor in a generated tool page, found by "#flags" in the talk.
        f"{TALK}:20": ("failed", "tools/trivy/index.html#flags"),
        # The same dead URL twice in one talk: the first and second use, each on its line.
        f"{TALK}:22": ("failed", "https://gone.example.org/page"),
        f"{TALK}:24": ("failed", "https://gone.example.org/page"),
        # A repository that refuses connections is an error, at the tool file's line.
        "tools/trivy.yml:7": ("error", "https://git.example.org/aquasecurity/trivy"),
        # A link the sources do not contain: line 1 of the page's first source.
        "tools/trivy.yml:1": ("failed", "talks/containerconf-2019/missing-talk/"),
        "docs/authoring.md:7": ("failed", "authoring/index.html#front-mater"),
        # A bot wall accepted by a host policy: a warning, not a failure.
        "docs/authoring.md:8": ("warning", "https://sched.example.com/event/1"),
        "docs/authoring.md:9": ("ignored", "https://www.linkedin.example/in/someone"),
        "docs/authoring.md:11": ("ignored", "ftp://ftp.example.org/kb/"),
        "docs/unmapped.md:1": ("failed", "nowhere/"),
        # Theme chrome (a missing favicon) has no source: the first HTML page, once.
        "site/404.html:7": ("failed", "assets/images/favicon.png"),
    }
    assert report.exit_code == 1


def test_redirect_and_front_matter_links(kb):
    """A redirect is a success with its end; a front-matter link maps to its line."""
    report = check_site(kb / "site", root=kb, config=SAMPLE_CONFIG, fetcher=sample_fetcher)
    by_url = {r.url: r for r in report.results}
    moved = by_url["https://moved.example.org/old-notes"]
    assert moved.status is LinkStatus.REDIRECTED
    assert moved.final_url == "https://moved.example.org/new-notes"
    assert [str(loc) for loc in moved.places()] == [f"{TALK}:15"]
    slides = by_url["https://slides.example.org/container-universe.pdf"]
    # Shown on the talk page and on the tool page; both come from the talk's front matter.
    assert len(slides.locations) == 2
    assert [str(loc) for loc in slides.places()] == [f"{TALK}:10"]


def test_chrome_is_checked_but_external_chrome_is_not(kb):
    """Theme assets are checked; fonts, canonical URLs and edit buttons are not requested."""
    asked: list[str] = []

    async def recording(url: str, method: str = "HEAD", **kw: object) -> Response:
        asked.append(url)
        return await sample_fetcher(url, method, **kw)

    report = check_site(kb / "site", root=kb, config=SAMPLE_CONFIG, fetcher=recording)
    urls = {r.url for r in report.results}
    assert "assets/stylesheets/main.css" in urls
    assert "assets/javascripts/bundle.js" in urls
    assert not any("fonts.g" in u or "kb.example.org" in u or "/edit/" in u for u in asked)
    assert "https://git.example.org/kb" not in asked  # the header's repository button


def test_one_request_per_url(kb):
    """The slides URL appears on two pages and is asked once."""
    asked: list[str] = []

    async def recording(url: str, method: str = "HEAD", **kw: object) -> Response:
        asked.append(url)
        return await sample_fetcher(url, method, **kw)

    check_site(kb / "site", root=kb, config=SAMPLE_CONFIG, fetcher=recording)
    assert asked.count("https://slides.example.org/container-universe.pdf") == 1


def test_without_manifest_findings_are_at_the_html(kb):
    """No manifest: the site still gets checked, findings at site/<page>:<line>."""
    (kb / "site" / "confkb-manifest.json").unlink()
    report = check_site(kb / "site", root=kb, config=SAMPLE_CONFIG, offline=True)
    found = findings(report)
    assert found["site/authoring/index.html:29"] == ("failed", "authoring/index.html#front-mater")
    assert found["site/tools/trivy/index.html:34"][0] == "failed"
    assert report.notes == ()


def test_broken_manifest_is_a_note_not_a_crash(kb):
    """A manifest that is not JSON is reported as a note; the check still runs."""
    (kb / "site" / "confkb-manifest.json").write_text("{not json")
    report = check_site(kb / "site", root=kb, config=SAMPLE_CONFIG, offline=True)
    assert any("cannot read the manifest" in n for n in report.notes)
    assert "site/authoring/index.html:29" in findings(report)


def test_site_outside_the_root_is_named_as_given(kb, tmp_path):
    """A site folder outside the root keeps its own path in fallback locations."""
    other = tmp_path / "elsewhere"
    shutil.copytree(kb / "site", other)
    (other / "confkb-manifest.json").unlink()
    report = check_site(other, root=kb, config=SAMPLE_CONFIG, offline=True)
    assert any(str(other) in loc.path for r in report.results for loc in r.locations)


def test_offline_makes_no_requests(kb):
    """--offline: internal links only, external ones reported as ignored."""

    async def forbidden(*a: object, **k: object) -> Response:
        raise AssertionError("no request may be made offline")

    report = check_site(
        kb / "site", root=kb, config=replace(SAMPLE_CONFIG, offline=True), fetcher=forbidden
    )
    external = [r for r in report.results if r.is_external]
    assert external and all(r.status is LinkStatus.IGNORED for r in external)
    assert report.offline
