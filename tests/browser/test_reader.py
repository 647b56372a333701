"""What a reader does with the site, in a real browser: search, read, copy, click through.

Each test opens its pages in a fresh browser context; any console error or uncaught
exception on any of them fails the test (see ``conftest.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

from confkb.content import Content
from confkb.snippets.model import SHELL_LANGUAGES, Snippet

from .conftest import BADGE_TALK, CRAFTED, EVENT, SCREENSHOTS, Reader, Served

pytestmark = pytest.mark.browser

GERMAN_TALK = "richtige-integrationstests-mit-containern"
# Words of the German talk: one from its title (a tool page uses it too, so the talk must
# rank first) and one with an umlaut that no other page uses.
GERMAN_WORDS = ["Integrationstests", "Oberflächentests"]
# Material's copy button: ``.md-clipboard`` up to 9.7, a code-block toolbar button since 9.8.
COPY_BUTTON = "button.md-clipboard, button.md-code__button[data-md-type='copy']"


def _talk(content: Content, slug: str) -> Any:
    for talk in content.kb.talks:
        if talk.event_id == EVENT and talk.slug == slug:
            return talk
    pytest.fail(f"talks/{EVENT}/{slug}.md is not in the knowledge base", pytrace=False)


def _tool(content: Content, tool_id: str) -> Any:
    return next(t for t in content.kb.tools if t.id == tool_id)


def search(page: Any, query: str) -> list[tuple[str, str]]:
    """Type ``query`` into Material's search box; the documents found, as (URL, title).

    Waits until the worker has answered for the whole query (the result count is shown),
    not for the results of a prefix typed on the way.
    """
    box = page.locator("input.md-search__input")
    if not box.is_visible():  # narrow layouts hide the box behind the magnifier button
        page.locator("label.md-header__button[for='__search']").click()
    box.click()
    box.press_sequentially(query, delay=20)
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function(
        "(q) => {const i = document.querySelector('input.md-search__input');"
        " const m = document.querySelector('.md-search-result__meta');"
        " return i && i.value === q && m && /\\d|no matching/i.test(m.textContent);}",
        arg=query,
    )
    links = page.locator("li.md-search-result__item > a.md-search-result__link")
    if meta.inner_text().lower().startswith("no matching"):
        return []
    links.first.wait_for()
    found = []
    for link in links.all():
        href = link.evaluate("a => a.href.split('?')[0].split('#')[0]")
        title = link.locator("h1").first.inner_text().strip() if link.locator("h1").count() else ""
        found.append((href, title))
    return found


def _h1(page: Any) -> str:
    """The page heading without its permalink sign."""
    return page.locator("article h1").first.evaluate(
        "h => { const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(a => a.remove());"
        " return c.textContent.trim(); }"
    )


def test_search_kaniko_finds_the_tool_page_with_its_archived_warning(
    reader: Reader, site: Served
) -> None:
    """Searching "kaniko" lists the kaniko page first; the page opens with the archive warning."""
    page = reader.open(site.url)
    found = search(page, "kaniko")
    kaniko = site.at("tools/kaniko/")
    assert [url for url, _ in found][:1] == [kaniko], f"results for 'kaniko': {found}"

    page.locator(f"li.md-search-result__item > a.md-search-result__link[href^='{kaniko}']").first.click()
    page.wait_for_url(f"{kaniko}**")
    assert _h1(page) == "kaniko"
    danger = page.locator("article .admonition.danger")
    assert danger.count() == 1
    assert danger.locator(".admonition-title").inner_text().strip() == "Archived since 3 June 2025"
    assert danger.is_visible()


@pytest.mark.parametrize("word", GERMAN_WORDS)
def test_search_german_word_finds_the_german_talk(
    reader: Reader, site: Served, content: Content, word: str
) -> None:
    """A German word from the German-language talk finds that talk first (search in en and de)."""
    talk = _talk(content, GERMAN_TALK)
    assert talk.language == "de"
    page = reader.open(site.url)
    found = search(page, word)
    url = site.at(f"talks/{EVENT}/{GERMAN_TALK}/")
    assert found, f"no results for {word!r}"
    assert found[0][0] == url, f"results for {word!r}: {found}"

    page.locator("li.md-search-result__item > a.md-search-result__link").first.click()
    page.wait_for_url(f"{url}**")
    assert _h1(page) == talk.title


def _badge_and_block(page: Any, snippet: Snippet) -> tuple[Any, Any]:
    """The badge of a snippet and the code block it stands above."""
    badge = page.locator(f".confkb-badge[data-snippet='{snippet.id}']")
    assert badge.count() == 1, f"{snippet.location}: {badge.count()} badges for {snippet.id}"
    # The badge is a paragraph of its own; the code block is the next highlighted block.
    block = badge.locator(
        "xpath=ancestor::p[1]/following-sibling::div"
        "[contains(concat(' ', @class, ' '), ' highlight ')][1]"
    )
    assert block.count() == 1, f"{snippet.location}: no code block after the badge"
    return badge, block


def _copy(page: Any, block: Any) -> str:
    """Click the block's copy button and read the clipboard back."""
    page.evaluate("navigator.clipboard.writeText('')")
    block.hover()
    button = block.locator(COPY_BUTTON)
    assert button.count() == 1, "no copy button (theme feature content.code.copy)"
    button.click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''")
    return page.evaluate("navigator.clipboard.readText()")


def test_talk_page_shows_status_badges_and_copies_exactly_the_commands(
    verified_reader: Reader, verified_site: Served, verified_content: Content
) -> None:
    """Every runnable snippet of the talk has its status badge; copy gives the command only."""
    talk = _talk(verified_content, BADGE_TALK)
    snippets = [s for s in verified_content.snippets if s.owner == talk.id and s.kind != "text"]
    assert snippets, f"{talk.source.path} has no runnable snippets"
    page = verified_reader.open(verified_site.at(f"talks/{EVENT}/{BADGE_TALK}/"))
    page.bring_to_front()
    assert _h1(page) == talk.title

    shell = []
    for index, snippet in enumerate(snippets):
        status, reason = CRAFTED[index % len(CRAFTED)]
        badge, block = _badge_and_block(page, snippet)
        assert badge.get_attribute("data-status") == status.value, snippet.location
        assert status.value in badge.inner_text(), snippet.location
        assert badge.is_visible(), snippet.location
        if reason:  # spelled out next to the badge, or at least in its tooltip
            shown = badge.locator("xpath=ancestor::p[1]").inner_text()
            assert reason in shown + (badge.get_attribute("title") or ""), snippet.location
        if snippet.language in SHELL_LANGUAGES:
            shell.append((snippet, block))

    assert shell, f"{talk.source.path} has no shell snippets to copy"
    wrong = []
    for snippet, block in shell:
        copied = _copy(page, block)
        if copied != snippet.code.rstrip():
            wrong.append(f"{snippet.location} ({snippet.id}): the clipboard holds\n{copied}")
    assert not wrong, "copy buttons that do not copy the command as written:\n" + "\n\n".join(wrong)


def test_console_block_copies_commands_without_prompt_or_output(
    verified_reader: Reader, verified_site: Served, verified_content: Content
) -> None:
    """A ``console`` block is split: the copy button copies the commands, not ``$`` or output."""
    consoles = [s for s in verified_content.snippets if s.language == "console"]
    assert consoles, "the verified variant has no console block"
    pages: dict[str, list[Snippet]] = {}
    for snippet in consoles:
        pages.setdefault(snippet.owner, []).append(snippet)
    for owner, snippets in pages.items():
        event_id, slug = owner.split("/")
        page = verified_reader.open(verified_site.at(f"talks/{event_id}/{slug}/"))
        page.bring_to_front()
        for snippet in snippets:
            _, block = _badge_and_block(page, snippet)
            copied = _copy(page, block)
            assert copied == snippet.code.rstrip(), f"{snippet.location}: the clipboard holds\n{copied}"
            assert not any(line.startswith("$") for line in copied.splitlines()), snippet.location
        page.close()
    sample = next(s for s in consoles if s.id == "browser-console-session")
    assert sample.code == "echo \"hello, reader\"\nprintf '%s\\n' one \\\n    two"


def test_tools_index_links_every_tool_and_opens_a_tool_page(
    reader: Reader, site: Served, content: Content
) -> None:
    """The tools index links every tool page; clicking a tool opens its page."""
    page = reader.open(site.at("tools/"))
    assert _h1(page) == "Tools"
    hrefs = set(page.locator("article a[href]").evaluate_all("as => as.map(a => a.href.split('#')[0])"))
    missing = [t.id for t in content.kb.tools if site.at(f"tools/{t.id}/") not in hrefs]
    assert not missing, f"tools index does not link {missing}"

    trivy = _tool(content, "trivy")
    page.locator("article table").get_by_role("link", name=trivy.name, exact=True).first.click()
    page.wait_for_url(site.at("tools/trivy/"))
    assert _h1(page) == trivy.name
    assert page.title().startswith(f"{trivy.name} - ")


def test_event_page_lists_its_talks_and_opens_one(
    reader: Reader, site: Served, content: Content
) -> None:
    """The event page links every talk of the event; clicking one opens the talk."""
    event = next(e for e in content.kb.events if e.id == EVENT)
    talks = [t for t in content.kb.talks if t.event_id == EVENT]
    page = reader.open(site.at(f"events/{EVENT}/"))
    assert _h1(page) == event.name
    assert page.title().startswith(f"{event.name} - ")
    hrefs = set(page.locator("article a[href]").evaluate_all("as => as.map(a => a.href.split('#')[0])"))
    missing = [t.slug for t in talks if site.at(f"talks/{EVENT}/{t.slug}/") not in hrefs]
    assert not missing, f"event page does not link {missing}"

    talk = _talk(content, BADGE_TALK)
    page.locator("article table").get_by_role("link", name=talk.title, exact=True).click()
    page.wait_for_url(site.at(f"talks/{EVENT}/{BADGE_TALK}/"))
    assert _h1(page) == talk.title
    assert page.title().startswith(f"{talk.title} - ")


@pytest.mark.parametrize(
    ("name", "path"),
    [("home", ""), ("talk", f"talks/{EVENT}/{BADGE_TALK}/"), ("tool", "tools/kaniko/")],
    ids=["home", "talk", "tool"],
)
def test_screenshot(reader: Reader, site: Served, name: str, path: str) -> None:
    """Full-page screenshots of a home, a talk and a tool page, kept as test artifacts."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = reader.open(site.at(path))
    page.evaluate("document.fonts.ready")
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_snippet_catalogue_filters_by_status_and_tool(
    verified_reader: Reader, verified_site: Served, verified_content: Content
) -> None:
    """The catalogue lists every runnable snippet; the two filters narrow the rows."""
    page = verified_reader.open(verified_site.at("snippets/"))
    rows = page.locator("table.confkb-catalogue tbody tr")
    runnable = [s for s in verified_content.snippets if s.kind != "text"]
    assert rows.count() == len(runnable)

    page.select_option("#confkb-filter-status", "passed")
    visible = page.locator("table.confkb-catalogue tbody tr:not([hidden])")
    passed = visible.count()
    assert 0 < passed < len(runnable)
    assert all(s == "passed" for s in visible.evaluate_all("rs => rs.map(r => r.dataset.status)"))
    assert page.locator("#confkb-filter-count").inner_text() == f"{passed} of {len(runnable)} shown"

    page.select_option("#confkb-filter-status", "")
    page.select_option("#confkb-filter-tool", "buildkit")
    expected = sum(1 for s in runnable if "buildkit" in s.tools)
    assert expected and visible.count() == expected
    for tools in visible.evaluate_all("rs => rs.map(r => r.dataset.tools)"):
        assert "buildkit" in tools.split()
