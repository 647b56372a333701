"""Benchmark: building the site with the confkb plugin against plain MkDocs on the same pages.

Not a test. For each size in ``--sizes`` it generates a synthetic knowledge base (events,
talks with speakers, tags, tools named in the prose, fenced snippets with directives, and
about 200 tools over the ten categories) in a temporary folder, writes a ``mkdocs.yml`` made
from the repository's (same theme, features, Markdown extensions, search languages and
validation; only the site name, folders and plugins differ), and then:

1. builds it with the ``confkb`` plugin (``mkdocs build --strict``), and builds the same pages
   as static Markdown with plain mkdocs-material: ``confkb render --out`` first (not timed),
   then a ``mkdocs.yml`` without the plugin, with the plugin's navigation, the
   plugin's CSS and JavaScript as ``extra_css``/``extra_javascript`` and the speaker pages as
   ``not_in_nav``, exactly as the plugin hands them to MkDocs. The two builds alternate,
   ``--repeat`` times each, every one in a fresh process; the table shows the medians;
2. measures the HTML of the plugin's site: bytes per page (mean, max), by kind of page;
3. the size of ``search/search_index.json``;
4. how the build time grows from the smallest to the largest size, per talk.

It also times confkb's own phases in this process (load, catalog, pages, nav; CPU seconds),
which is the work the plugin adds to a build before MkDocs sees any page.

Usage::

    .venv/bin/python benchmarks/site_build.py              # 1,000 and 10,000 talks, 2 builds each
    .venv/bin/python benchmarks/site_build.py --sizes 1000 --repeat 3
    .venv/bin/python benchmarks/site_build.py --sizes 200 --repeat 1 --keep /tmp/kb  # keep files
    .venv/bin/python benchmarks/site_build.py --sizes 500,1000 --add-feature navigation.sections

``--drop-feature`` and ``--add-feature`` change the theme features of both builds, to measure
a change of config. With ``navigation.sections`` every page carries every talk in its
navigation: 10,000 talks would then take hours per build and tens of GB of HTML. Without it,
10,000 talks take 12-14 minutes per build and 0.7-2.8 GB per site on 2 cores. The plain build
gets no HTML compaction (the plugin's ``compact_html``), so its pages are larger. See
benchmarks/README.md for figures.

Goals: plugin/plain <= 1.2 at 1,000 talks; HTML <= 60 KB per page; per-talk build time
roughly constant from 1,000 to 10,000 talks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
PAGE_GOAL = 60 * 1024
RATIO_GOAL = 1.2

# --- the synthetic knowledge base ----------------------------------------------------------

CATEGORIES = [
    "image-build",
    "security-scanning",
    "orchestration",
    "runtime",
    "registry-artifacts",
    "testing",
    "packaging",
    "debugging",
    "iac",
    "ci-cd",
]
STATES = ["active"] * 12 + ["maintained"] * 4 + ["dormant"] * 2 + ["deprecated", "archived"]
_ONSETS = [
    "b",
    "br",
    "c",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "k",
    "kl",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "qu",
    "r",
    "s",
    "sk",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "z",
]


def _split_words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "y"]
_CODAS = ["", "n", "r", "x", "k", "l", "s", "m", "t"]
WORDS = _split_words(
    "container image layer cache registry build pipeline cluster node pod service deploy "
    "release version tag digest manifest runtime kernel namespace cgroup network volume mount "
    "secret signature policy scan vulnerability report test fixture workflow job stage step "
    "artifact chart template module provider state plan apply rollback debug trace log metric "
    "alert team project customer production staging laptop developer operator speaker demo "
    "question answer example approach problem solution trade-off default option flag setting "
    "file directory path base multi-stage rootless daemon socket socket-less reproducible "
    "minimal distroless slim dependency upgrade patch backport migration benchmark latency"
)
VERBS = _split_words(
    "builds runs scans signs pushes pulls caches tests deploys replaces wraps extends "
    "configures speeds checks reports packages mounts traces"
)
ADJECTIVES = _split_words(
    "fast small secure reproducible portable boring simple stable noisy large "
    "cheap slow flaky clean strict"
)
TAGS = [
    f"{a}-{b}"
    for a in ("image", "supply", "cluster", "local", "cloud", "edge", "ci")
    for b in ("build", "security", "testing", "ops", "debugging", "cost", "migration", "basics")
]
FIRST = _split_words(
    "Anna Ben Clara David Elif Finn Greta Hannes Ines Jonas Kira Lukas Mara Niklas Olga Paul "
    "Quinn Rosa Sven Tara Uwe Vera Wim Xenia Yusuf Zoe Ahmed Birgit Chen Dana"
)
LAST = _split_words(
    "Albers Brandt Costa Dietz Engel Fuchs Graf Hahn Iversen Jansen Keller Lorenz Meyer Novak "
    "Otto Peters Quast Roth Schulz Thiel Ulrich Vogel Weber Xu Yilmaz Zimmer Ahrens Bauer"
)
COMPANIES = _split_words(
    "Example Corp|Acme Cloud|Nordwind GmbH|Blue Harbor|Sample Systems|Kite Labs|"
    "Rhein Data|Polar Ops|Tiny Ships|Orbit IT",
    "|",
)
CITIES = [
    "Berlin",
    "Hamburg",
    "Munich",
    "Cologne",
    "Vienna",
    "Zurich",
    "Leipzig",
    "Dresden",
    "Frankfurt",
    "Stuttgart",
]


@dataclass
class SynthTool:
    id: str
    name: str
    category: str
    alias: str | None


@dataclass
class Spec:
    """What to generate for one size."""

    talks: int
    events: int
    tools: int = 200
    seed: int = 2019

    @property
    def per_event(self) -> int:
        return self.talks // self.events


def spec_for(talks: int) -> Spec:
    """1,000 talks = 20 events x 50 talks; 10,000 = 100 x 100; others about 50 per event."""
    events = {1000: 20, 10000: 100}.get(talks, max(1, round(talks / 50)))
    return Spec(talks=talks, events=events)


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    )


def _tools(rng: random.Random, count: int) -> list[SynthTool]:
    """Invented tool names (so they never collide with prose words), some with two words."""
    tools: list[SynthTool] = []
    seen: set[str] = set()
    while len(tools) < count:
        name = _word(rng, rng.choice([2, 2, 3])).capitalize()
        if rng.random() < 0.12:
            name += " " + rng.choice(["Runner", "Scan", "Build", "Hub", "Lens", "Kit"])
        tool_id = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        if tool_id in seen or name.lower() in seen:
            continue
        seen |= {tool_id, name.lower()}
        # Lower-case single-word alias: the command name, as snippets write it.
        alias = name.lower() if " " not in name else None
        tools.append(SynthTool(tool_id, name, CATEGORIES[len(tools) % len(CATEGORIES)], alias))
    return tools


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def write_tool(
    folder: Path, tool: SynthTool, all_tools: list[SynthTool], rng: random.Random
) -> None:
    same = [t for t in all_tools if t.category == tool.category and t.id != tool.id]
    others = [t for t in all_tools if t.id != tool.id]
    state = rng.choice(STATES)
    lines = [f"name: {_q(tool.name)}"]
    if tool.alias:
        lines.append(f"aliases: [{tool.alias}]")
    lines += [
        f"description: {_q(f'{tool.name} {rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {rng.choice(WORDS)}s for {tool.category} work. It is one of the synthetic tools of this benchmark.')}",
        f"category: {tool.category}",
        f"homepage: https://{tool.id}.example.org/",
        f"repository: https://git.example.org/{tool.id}/{tool.id}",
        "license: Apache-2.0",
        "status:",
        f"  state: {state}",
    ]
    if state in {"deprecated", "archived"}:
        lines += ["  since: 2021-06-01", f"  successor: {rng.choice(same).id}"]
    if rng.random() < 0.3:
        lines.append(f"  note: {_q('Maintained by a small team; releases are irregular.')}")
    if tool.alias:
        lines += [f"image: example/{tool.id}", f"smoke_command: {tool.alias} --version"]
    lines.append(f"related: [{', '.join(t.id for t in rng.sample(others, 2))}]")
    lines.append(f"alternatives: [{', '.join(t.id for t in rng.sample(same, 3))}]")
    if tool.alias and rng.random() < 0.5:
        lines += [
            "examples:",
            "  - title: Print the version",
            "    language: bash",
            f"    code: {tool.alias} --version",
            f"    snippet: id=tool-{tool.id}-version image=example/{tool.id}:1.0",
        ]
    if rng.random() < 0.5:
        a, b = rng.sample(others, 2)
        lines += [
            "notes: |",
            f"  {tool.name} is often compared with {a.name}. Teams that use {b.name} for",
            f"  the same job report that `{tool.id}` is {rng.choice(ADJECTIVES)} in CI.",
        ]
    (folder / f"{tool.id}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sentence(rng: random.Random, tool: SynthTool | None) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 15))]
    if tool is not None:
        words.insert(rng.randint(1, len(words) - 1), f"{tool.name} {rng.choice(VERBS)}")
    if rng.random() < 0.15:
        words.insert(rng.randint(1, len(words)), f"`{rng.choice(WORDS)}`")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "!", "?"])


def _snippet(rng: random.Random, talk_id: str, number: int, tools: list[SynthTool]) -> list[str]:
    """A fenced block with a directive; commands use the tools' command names."""
    cmd = [t for t in tools if t.alias] or [None]
    t = rng.choice(cmd)
    name = t.alias if t else "echo"
    kind = rng.choice(["docker", "console", "file", "skip", "plain"])
    if kind == "docker":
        return [
            f"<!-- snippet: id={talk_id}-{number} needs=docker timeout=120 -->",
            "```bash",
            f"{name} build -t demo:{number} .",
            f"{name} inspect demo:{number}",
            "```",
        ]
    if kind == "console":
        return [
            (
                f"<!-- snippet: id={talk_id}-{number} image=example/{name}:1.0 "
                'expect-output="v1" note="adapted from the slides" -->'
            ),
            "```console",
            f"$ {name} --version",
            f"{name} version v1.{number}.0",
            "```",
        ]
    if kind == "file":
        return [
            "<!-- snippet: scenario=demo file=Dockerfile -->",
            "```dockerfile",
            "FROM alpine:3.19",
            f"RUN echo {rng.choice(WORDS)} > /note",
            "```",
        ]
    if kind == "skip":
        return [
            '<!-- snippet: skip="needs a Kubernetes cluster" -->',
            "```yaml",
            "apiVersion: v1",
            "kind: Pod",
            "metadata:",
            f"  name: {talk_id[-40:].strip('-')}",
            "```",
        ]
    return ["```bash", f"{name} --help", "```"]


def write_kb(root: Path, spec: Spec) -> dict[str, int]:
    """Write ``tools/``, ``talks/`` and ``docs/`` for one size; returns counts."""
    rng = random.Random(spec.seed)
    tools = _tools(rng, spec.tools)
    (root / "tools").mkdir(parents=True)
    for tool in tools:
        write_tool(root / "tools", tool, tools, rng)
    # Popularity: a few tools are discussed a lot, most a little (Zipf-like weights).
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(tools))]
    # About 0.8 speakers per talk, so each speaks about three times; a middle initial keeps
    # the names apart at 10,000 talks.
    speakers_pool = [
        (
            f"{rng.choice(FIRST)} {rng.choice('ABCDEFGHIJKLMNOPRSTUVWZ')}. {rng.choice(LAST)}",
            rng.choice(COMPANIES),
        )
        for _ in range(max(10, int(spec.talks * 0.8)))
    ]
    pool_names = sorted({n for n, _ in speakers_pool})
    affiliation = dict(speakers_pool)
    defined: set[str] = set()
    words = snippets = 0
    (root / "docs").mkdir()
    (root / "docs" / "about.md").write_text(
        "# About\n\nA synthetic knowledge base for the site-build benchmark.\n"
    )
    for e in range(spec.events):
        year = 2015 + e % 10
        event_id = f"conf{e:03d}-{year}"
        folder = root / "talks" / event_id
        folder.mkdir(parents=True)
        start = dt.date(year, 1 + e % 12, 3)
        days = [start + dt.timedelta(days=d) for d in range(3)]
        (folder / "event.yml").write_text(
            f"name: Conf {e} {year}\nstart: {days[0]}\nend: {days[-1]}\ncity: {CITIES[e % len(CITIES)]}\n"
            f"country: Germany\nurl: https://conf{e}.example.org/{year}/\nlanguages: [en, de]\n"
            f"description: >-\n  Synthetic event number {e} of the site-build benchmark, three days of talks.\n",
            encoding="utf-8",
        )
        for n in range(spec.per_event):
            slug = f"t{n:03d}-" + "-".join(rng.sample(WORDS, 3))
            talk_id = f"{event_id}-{slug}"
            front_tools = rng.sample(tools, rng.randint(3, 5))
            prose_tools = front_tools + rng.choices(tools, weights, k=rng.randint(2, 4))
            speakers = []
            for name in rng.sample(pool_names, rng.randint(2, 3)):
                sid = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
                if sid in defined:
                    speakers.append(f"  - {sid}")
                else:
                    defined.add(sid)
                    speakers.append(
                        f"  - name: {_q(name)}\n    affiliation: {_q(affiliation[name])}"
                    )
            title = f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(WORDS)}s with {front_tools[0].name}"
            front = [
                "---",
                f"title: {_q(title)}",
                "speakers:",
                *speakers,
                f"date: {rng.choice(days)}",
                f"language: {'de' if rng.random() < 0.2 else 'en'}",
                f"tags: [{', '.join(rng.sample(TAGS, rng.randint(2, 4)))}]",
                f"tools: [{', '.join(t.id for t in front_tools)}]",
                f"links:\n  slides: https://conf{e}.example.org/{year}/slides/{slug}.pdf",
                f"summary: {_q(f'How {front_tools[0].name} and {front_tools[1].name} helped a team ship {rng.choice(ADJECTIVES)} {rng.choice(WORDS)}s.')}",
                "---",
                "",
            ]
            body: list[str] = []
            target = rng.randint(300, 600)
            count = 0
            fences = rng.randint(1, 3)
            sections = rng.randint(3, 4)
            per_section = target // sections
            for s in range(sections):
                body += [f"## {rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)}s", ""]
                done = 0
                while done < per_section:
                    sentences = []
                    for _ in range(rng.randint(3, 5)):
                        tool = rng.choice(prose_tools) if rng.random() < 0.45 else None
                        sentences.append(_sentence(rng, tool))
                    if rng.random() < 0.2:
                        paragraph = "\n".join(f"- {x}" for x in sentences)
                    else:
                        paragraph = " ".join(sentences)
                        if rng.random() < 0.2:
                            paragraph += f" See [the {front_tools[0].name} docs](https://{front_tools[0].id}.example.org/)."
                    body += [paragraph, ""]
                    done += len(paragraph.split())
                count += done
                if s < fences:
                    body += [*_snippet(rng, talk_id, s + 1, front_tools), ""]
                    snippets += 1
            words += count
            (folder / f"{slug}.md").write_text("\n".join(front + body), encoding="utf-8")
    return {
        "talks": spec.talks,
        "events": spec.events,
        "tools": len(tools),
        "speakers": len(defined),
        "snippets": snippets,
        "words": words,
    }


# --- mkdocs.yml, from the repository's ------------------------------------------------------


def _top_blocks(text: str) -> list[tuple[str, str]]:
    """Top-level blocks of a YAML file as ``(key, text)``; comments go with the next key."""
    blocks: list[tuple[str, str]] = []
    pending: list[str] = []
    key = None
    current: list[str] = []
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z_][\w-]*):", line)
        if match:
            if key is not None:
                blocks.append((key, "\n".join(current)))
            key, current = match.group(1), [*pending, line]
            pending = []
        elif not line.strip() or line.startswith("#"):
            (pending if key is None or not line.strip() else current).append(line)
        else:
            current.append(line)
    if key is not None:
        blocks.append((key, "\n".join(current)))
    return blocks


def _without_plugin(plugins_block: str, name: str) -> str:
    """The ``plugins:`` block with one plugin (and its options) taken out."""
    out: list[str] = []
    skipping = False
    indent = 0
    for line in plugins_block.splitlines():
        match = re.match(rf"^(\s*)- {re.escape(name)}\s*(:|$)", line)
        if match:
            skipping, indent = True, len(match.group(1))
            continue
        if skipping:
            stripped = len(line) - len(line.lstrip())
            if line.strip() and (stripped <= indent):
                skipping = False
            else:
                continue
        out.append(line)
    return "\n".join(out)


def mkdocs_configs(repo_config: Path, features: list[str] | None = None) -> tuple[str, str]:
    """The plugin build's and the plain build's ``mkdocs.yml`` (the plain one without nav yet).

    Args:
        repo_config: The repository's ``mkdocs.yml``; theme, Markdown extensions and
            validation come from it.
        features: Theme features to take out of both (``-name``) or to add to both
            (``+name``), to measure a change of config.
    """
    text = repo_config.read_text(encoding="utf-8")
    for change in features or []:
        feature = change[1:]
        listed = re.search(rf"(?m)^([ \t]*)- {re.escape(feature)}[ \t]*\n", text)
        if change.startswith("-"):
            if not listed:
                sys.exit(f"--drop-feature {feature}: no such theme feature in {repo_config}")
            text = text.replace(listed.group(0), "", 1)
        elif not listed:
            text, found = re.subn(r"(?m)^(  features:\n)", rf"\1    - {feature}\n", text, count=1)
            if not found:
                sys.exit(
                    f"--add-feature {feature}: no 'features:' list under theme in {repo_config}"
                )
    blocks = _top_blocks(text)
    mine = {
        "site_name",
        "site_description",
        "site_url",
        "docs_dir",
        "site_dir",
        "nav",
        "plugins",
        "repo_url",
        "edit_uri",
    }
    keep = [t for k, t in blocks if k not in mine]
    plugins = dict(blocks).get("plugins", "plugins:\n  - search\n  - confkb")
    head = "site_name: Benchmark knowledge base\ndocs_dir: docs\nsite_dir: site\n"
    without = _without_plugin(plugins, "confkb").rstrip("\n")
    body = head + "\n".join(keep) + "\n"
    with_plugin = body + without + "\n  - confkb:\n      talks_dir: talks\n      tools_dir: tools\n"
    plain = body + without + "\n"
    return with_plugin, plain


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float


@dataclass
class SizeResult:
    spec: Spec
    counts: dict[str, int]
    plugin: list[Run] = field(default_factory=list)
    plain: list[Run] = field(default_factory=list)
    render: Run = field(default_factory=lambda: Run(0.0, 0.0))
    phases: dict[str, float] = field(default_factory=dict)
    pages: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    plain_html: int = 0
    search_index: int = 0
    plain_search_index: int = 0
    warnings: int = 0

    def median(self, which: str, attr: str = "wall") -> float:
        return statistics.median(getattr(r, attr) for r in getattr(self, which))


def _timed(cmd: list[str], cwd: Path) -> tuple[Run, str]:
    """Run a command; its wall time, the CPU time of the process (user + system), and stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu), proc.stderr


def _mkdocs(folder: Path, site: Path) -> tuple[Run, int]:
    """A strict build into ``site`` (emptied first). No ``-q``: with it MkDocs stops counting warnings."""
    shutil.rmtree(site, ignore_errors=True)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(site)]
    run, stderr = _timed(cmd, folder)
    return run, sum(1 for line in stderr.splitlines() if line.startswith("WARNING"))


def _page_kind(rel: str) -> str:
    first = rel.split("/", 1)[0]
    if rel.count("/") >= 3 and first == "talks":
        return "talk"
    if first in {"tools", "events", "speakers"} and rel.count("/") == 2:
        return first.rstrip("s")
    return "index and other"


def html_sizes(site: Path) -> dict[str, list[tuple[int, str]]]:
    """HTML bytes per page, grouped by kind of page (talk, tool, event, speaker, index and other)."""
    kinds: dict[str, list[tuple[int, str]]] = {}
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        kinds.setdefault(_page_kind(rel), []).append((path.stat().st_size, rel))
    return kinds


def confkb_phases(root: Path, docs_pages: list[str]) -> tuple[dict[str, float], list]:
    """CPU seconds of each confkb phase, in this process (what the plugin does in on_config), and the nav."""
    from confkb.catalog import build_catalog
    from confkb.content import load_content
    from confkb.pages import Verification, build_pages
    from confkb.site import build_nav

    t0 = time.process_time()
    content = load_content(root)
    t1 = time.process_time()
    catalog = build_catalog(content)
    t2 = time.process_time()
    build_pages(catalog, Verification(), site_title="Benchmark knowledge base")
    t3 = time.process_time()
    nav = build_nav(catalog, docs_pages)
    t4 = time.process_time()
    return {"load": t1 - t0, "catalog": t2 - t1, "pages": t3 - t2, "nav": t4 - t3}, nav


def run_size(work: Path, talks: int, repeat: int, features: list[str], log) -> SizeResult:  # type: ignore[no-untyped-def]
    spec = spec_for(talks)
    base = work / f"n{talks}"
    shutil.rmtree(base, ignore_errors=True)
    kb, plain = base / "kb", base / "plain"
    log(
        f"[{talks}] generating {spec.events} events x {spec.per_event} talks, {spec.tools} tools in {base}"
    )
    counts = write_kb(kb, spec)
    with_plugin, plain_config = mkdocs_configs(REPO / "mkdocs.yml", features)
    if talks > 2000 and re.search(r"(?m)^\s*- navigation\.sections\s*$", with_plugin):
        log(
            f"[{talks}] warning: with navigation.sections every page lists every talk; this size "
            "may take hours and tens of GB"
        )
    (kb / "mkdocs.yml").write_text(with_plugin, encoding="utf-8")
    result = SizeResult(spec, counts)

    log(f"[{talks}] confkb render --out (not part of the plain build's time)")
    confkb = [
        sys.executable,
        "-c",
        "import sys; from confkb.cli import main; sys.exit(main())",
        "--root",
        str(kb),
    ]
    result.render, _ = _timed([*confkb, "render", "--out", str(plain / "docs")], kb)
    shutil.copytree(kb / "docs", plain / "docs", dirs_exist_ok=True)
    from confkb.plugin.plugin import ASSET_URIS, ASSETS

    for kind, uri in ASSET_URIS.items():
        (plain / "docs" / uri).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ASSETS / f"confkb.{kind}", plain / "docs" / uri)
    (plain / "docs" / "nav.json").unlink()
    log(f"[{talks}] confkb phases in-process")
    docs_pages = sorted(p.relative_to(kb / "docs").as_posix() for p in (kb / "docs").rglob("*.md"))
    result.phases, nav = confkb_phases(kb, docs_pages)
    # The plugin's navigation (render's nav.json lacks the hand-written docs pages, which the
    # CLI does not pass), the plugin's assets, and its speaker pages outside the navigation.
    plain_config += (
        f"extra_css: [{ASSET_URIS['css']}]\nextra_javascript: [{ASSET_URIS['js']}]\n"
        "not_in_nav: |\n  /speakers/*.md\n"
        f"nav: {json.dumps(nav, ensure_ascii=False)}\n"  # JSON is YAML
    )
    (plain / "mkdocs.yml").write_text(plain_config, encoding="utf-8")

    for r in range(repeat):
        order = ["plugin", "plain"] if r % 2 == 0 else ["plain", "plugin"]
        for which in order:
            run, warnings = _mkdocs(kb if which == "plugin" else plain, base / f"site-{which}")
            result.warnings += warnings
            getattr(result, which).append(run)
            log(
                f"[{talks}] build {r + 1}/{repeat} {which:6}: {run.wall:7.1f} s wall, {run.cpu:7.1f} s CPU"
            )
    result.pages = html_sizes(base / "site-plugin")
    result.plain_html = sum(
        size for sizes in html_sizes(base / "site-plain").values() for size, _ in sizes
    )
    result.search_index = (base / "site-plugin" / "search" / "search_index.json").stat().st_size
    result.plain_search_index = (
        (base / "site-plain" / "search" / "search_index.json").stat().st_size
    )
    return result


# --- the report ----------------------------------------------------------------------------


def _kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def _size(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f} MB" if n >= 1024 * 1024 else _kb(n)


def report(results: list[SizeResult], repeat: int, features: list[str]) -> str:
    lines: list[str] = []
    add = lines.append
    add(
        f"\nSite build benchmark, {dt.date.today()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"median of {repeat} build(s) of each kind, each a fresh `mkdocs build --strict` process"
    )
    add(
        "Config: the repository's mkdocs.yml"
        + (f", theme features changed: {', '.join(features)}" if features else "")
        + "\n"
    )
    add("Knowledge bases")
    add(
        f"  {'talks':>7} {'events':>6} {'tools':>5} {'speakers':>8} {'snippets':>8} {'words/talk':>10} {'warnings':>8}"
    )
    for r in results:
        c = r.counts
        add(
            f"  {c['talks']:>7,} {c['events']:>6} {c['tools']:>5} {c['speakers']:>8,} {c['snippets']:>8,} "
            f"{c['words'] / c['talks']:>10.0f} {r.warnings:>8}"
        )

    add(
        f"\n1. Build time, median seconds: wall, and CPU of the build process (user + system); "
        f"goal plugin/plain <= {RATIO_GOAL} at 1,000 talks"
    )
    add(
        f"  {'talks':>7} {'plugin wall':>11} {'plain wall':>10} {'ratio':>6}      {'plugin CPU':>10} "
        f"{'plain CPU':>9} {'ratio':>6}      {'render (once), CPU':>18}"
    )
    for r in results:
        ratios = [r.median("plugin", a) / r.median("plain", a) for a in ("wall", "cpu")]
        marks = [
            ("ok" if x <= RATIO_GOAL else "MISS") if r.spec.talks == 1000 else "" for x in ratios
        ]
        add(
            f"  {r.spec.talks:>7,} {r.median('plugin'):>11.1f} {r.median('plain'):>10.1f} {ratios[0]:>6.2f} "
            f"{marks[0]:<4} {r.median('plugin', 'cpu'):>10.1f} {r.median('plain', 'cpu'):>9.1f} {ratios[1]:>6.2f} "
            f"{marks[1]:<4} {r.render.cpu:>16.1f} s"
        )
        add(
            f"  {'':>7} every build, wall/CPU: plugin "
            f"{', '.join(f'{x.wall:.1f}/{x.cpu:.1f}' for x in r.plugin)}; "
            f"plain {', '.join(f'{x.wall:.1f}/{x.cpu:.1f}' for x in r.plain)}"
        )
    add("\n   confkb's own phases, in-process CPU seconds (the plugin runs them in on_config)")
    add(
        f"  {'talks':>7} {'load':>7} {'catalog':>7} {'pages':>7} {'nav':>7} {'total':>7} "
        f"{'of plugin build CPU':>20}"
    )
    for r in results:
        p = r.phases
        total = sum(p.values())
        add(
            f"  {r.spec.talks:>7,} {p['load']:>7.2f} {p['catalog']:>7.2f} {p['pages']:>7.2f} {p['nav']:>7.3f} "
            f"{total:>7.2f} {total / r.median('plugin', 'cpu'):>20.0%}"
        )

    add(f"\n2. HTML bytes per page, the plugin's site (goal <= {PAGE_GOAL // 1024} KB)")
    add(
        f"  {'talks':>7} {'pages':<16} {'count':>6} {'mean':>10} {'max':>10} {'> goal':>7}  largest"
    )
    for r in results:
        kinds = dict(r.pages)
        kinds["all pages"] = [item for sizes in r.pages.values() for item in sizes]
        for kind in ["talk", "tool", "event", "speaker", "index and other", "all pages"]:
            sizes = kinds.get(kind, [])
            if not sizes:
                continue
            mean = statistics.mean(s for s, _ in sizes)
            biggest = max(sizes)
            over = sum(1 for s, _ in sizes if s > PAGE_GOAL)
            add(
                f"  {r.spec.talks:>7,} {kind:<16} {len(sizes):>6,} {_kb(mean):>10} {_size(biggest[0]):>10} "
                f"{over:>7,}  {biggest[1]}"
            )
        total = sum(s for s, _ in kinds["all pages"])
        add(f"  {'':>7} total HTML {_size(total)} (plain build: {_size(r.plain_html)})")

    add("\n3. Search index (search/search_index.json)")
    for r in results:
        add(
            f"  {r.spec.talks:>7,} talks: {_size(r.search_index)}, {r.search_index / r.spec.talks / 1024:.1f} KB "
            f"per talk (plain build: {_size(r.plain_search_index)})"
        )

    if len(results) > 1:
        a, b = results[0], results[-1]
        add(
            f"\n4. Growth {a.spec.talks:,} -> {b.spec.talks:,} talks: median time per talk (1.00 = linear)"
        )
        for which in ("plugin", "plain"):
            for attr in ("wall", "cpu"):
                pa, pb = a.median(which, attr) / a.spec.talks, b.median(which, attr) / b.spec.talks
                add(
                    f"  {which:6} {attr:4} {pa * 1000:7.1f} ms -> {pb * 1000:7.1f} ms per talk, ratio {pb / pa:.2f}"
                )
        pa, pb = sum(a.phases.values()) / a.spec.talks, sum(b.phases.values()) / b.spec.talks
        add(
            f"  confkb phases {pa * 1000:7.2f} ms -> {pb * 1000:7.2f} ms per talk, ratio {pb / pa:.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="talk counts, comma-separated (default 1000,10000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=2, help="builds of each kind per size (default 2)"
    )
    parser.add_argument(
        "--keep", type=Path, help="generate into this folder and keep it (default: a temp dir)"
    )
    parser.add_argument(
        "--drop-feature",
        dest="features",
        action="append",
        type=lambda name: f"-{name}",
        default=[],
        metavar="FEATURE",
        help="take a theme feature out of the repository's config, for both builds (repeatable)",
    )
    parser.add_argument(
        "--add-feature",
        dest="features",
        action="append",
        type=lambda name: f"+{name}",
        metavar="FEATURE",
        help="add a theme feature to the repository's config, for both builds (repeatable), "
        "e.g. navigation.sections",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="confkb-site-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)

    try:
        results = []
        for n in sizes:
            results.append(run_size(work, n, args.repeat, args.features, log))
            if not args.keep:  # a large size's sites take gigabytes
                shutil.rmtree(work / f"n{n}", ignore_errors=True)
        print(report(results, args.repeat, args.features))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
