"""Link-checker settings, resolved at run time: CLI flag > environment > ``confkb.yml`` > default.

The file section looks like::

    links:
      host_concurrency: 4
      cache_ttl: 1d
      ignore: ['^https://www\\.linkedin\\.com/']
      hosts:
        - host: sched.com
          accept: [403, 429]
          severity: warning

Scalar keys can also be set from the environment as ``CONFKB_LINKS_<KEY>`` (for example
``CONFKB_LINKS_OFFLINE=1``); ``CONFKB_LINKS_IGNORE`` takes whitespace-separated patterns.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from confkb import __version__
from confkb.links.model import LinkStatus
from confkb.problems import ContentError, Problem

CONFIG_FILE = "confkb.yml"
ENV_PREFIX = "CONFKB_LINKS_"


@dataclass(frozen=True)
class HostPolicy:
    """Rules for one host and its subdomains.

    Attributes:
        host: Host name; ``example.com`` also covers ``www.example.com``.
        accept: HTTP status codes that do not make the link fail for this host (a bot wall's
            403, a rate limit's 429). They are reported with ``severity``.
        severity: How an accepted code is reported: ``warning`` (default) or ``ok``.
        max_concurrency: Requests at once to this host, instead of ``host_concurrency``.
        headers: Extra request headers, e.g. an ``Authorization`` token; ``${VAR}`` is taken
            from the environment, and a header whose variable is unset is left out.
    """

    host: str
    accept: frozenset[int] = frozenset()
    severity: LinkStatus = LinkStatus.WARNING
    max_concurrency: int | None = None
    headers: tuple[tuple[str, str], ...] = ()

    def matches(self, hostname: str) -> bool:
        """Whether this policy covers ``hostname``."""
        hostname = hostname.lower().rstrip(".")
        return hostname == self.host or hostname.endswith("." + self.host)


@dataclass(frozen=True)
class LinksConfig:
    """Every setting of the link checker (durations in seconds).

    Attributes:
        offline: Check internal links only.
        anchors: Check ``#fragment`` of internal links against the ids in the target page.
        concurrency: Requests in flight at once, over all hosts.
        host_concurrency: Requests in flight at once to one host.
        connect_timeout: Time to open a connection (and finish TLS).
        read_timeout: Time to wait for the response headers once connected.
        deadline: Total time for one URL from its first request, retries and waits included.
        retries: Further attempts after a 429, 5xx, timeout or dropped connection.
        backoff: First wait between attempts; it doubles each time.
        max_retry_wait: Longest wait between attempts, ``Retry-After`` included; a server
            asking for longer makes the link fail rather than stall the run.
        max_redirects: Redirect hops before giving up.
        head: Try ``HEAD`` first (falling back to ``GET`` where a server mishandles it).
        cache: Keep outcomes in ``cache_path`` between runs.
        cache_path: Cache file, relative to the knowledge-base root.
        cache_ttl: How long a cached outcome is trusted.
        cache_failures: Also cache failures (by default only successes are cached, so a
            broken link is checked again on the next run).
        ignore: Regular expressions; a link matching one (anywhere in the URL) is not checked.
        hosts: Per-host policies, first match wins.
        user_agent: ``User-Agent`` sent with every request.
    """

    offline: bool = False
    anchors: bool = True
    concurrency: int = 32
    host_concurrency: int = 4
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    retries: int = 3
    backoff: float = 1.0
    max_retry_wait: float = 60.0
    max_redirects: int = 10
    head: bool = True
    cache: bool = True
    cache_path: str = ".confkb/links-cache.json"
    cache_ttl: float = 86400.0
    cache_failures: bool = False
    ignore: tuple[str, ...] = ()
    hosts: tuple[HostPolicy, ...] = ()
    user_agent: str = f"Mozilla/5.0 (compatible; confkb-links/{__version__})"

    def policy_for(self, hostname: str) -> HostPolicy | None:
        """The first host policy covering ``hostname``, if any."""
        return next((p for p in self.hosts if p.matches(hostname)), None)

    def is_ignored(self, url: str) -> str:
        """The ignore pattern ``url`` matches, or an empty string."""
        return next((p for p in self.ignore if re.search(p, url)), "")


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
_TYPES = {f.name: f.type for f in fields(LinksConfig)}
_DURATIONS = {
    "connect_timeout",
    "read_timeout",
    "deadline",
    "backoff",
    "max_retry_wait",
    "cache_ttl",
}


def parse_duration(value: Any) -> float:
    """Seconds from ``30``, ``2.5``, ``"500ms"``, ``"10m"``, ``"12h"``, ``"1d"`` or ``"1w"``.

    Raises:
        ValueError: For anything else, or a negative number.
    """
    if isinstance(value, bool):
        raise TypeError("expected a duration such as 30, 10m, 12h or 1d")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("must not be negative")
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"expected a duration such as 30, 10m, 12h or 1d, not {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, not {value!r}")


def _parse_int(value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not re.fullmatch(r"\s*-?\d+\s*", str(value)):
        raise ValueError(f"expected a whole number, not {value!r}")
    number = int(value)
    if number < minimum:
        raise ValueError(f"must be at least {minimum}")
    return number


def _parse_codes(value: Any) -> frozenset[int]:
    """Status codes from a list of numbers, ``"403"`` or ranges such as ``"500-599"``."""
    items = value if isinstance(value, list) else [value]
    codes: set[int] = set()
    for item in items:
        text = str(item).strip()
        match = re.fullmatch(r"(\d{3})(?:\s*(?:-|\.\.=?)\s*(\d{3}))?", text)
        if isinstance(item, bool) or not match:
            raise ValueError(f"expected HTTP status codes such as 403 or 500-599, not {item!r}")
        low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        codes.update(range(low, high + 1))
    return frozenset(codes)


def _parse_patterns(value: Any) -> tuple[str, ...]:
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list):
        raise TypeError("expected a list of regular expressions")
    for item in items:
        try:
            re.compile(str(item))
        except re.error as exc:
            raise ValueError(f"bad regular expression {item!r}: {exc}") from None
    return tuple(str(i) for i in items)


def _parse_policy(value: Any, path: str, problem) -> HostPolicy | None:
    if not isinstance(value, Mapping) or not value.get("host"):
        problem(path, "expected a mapping with at least a host, e.g. {host: example.com}")
        return None
    known = {"host", "accept", "severity", "max_concurrency", "headers"}
    for key in value:
        if key not in known:
            problem(f"{path}.{key}", f"unknown key; expected one of {', '.join(sorted(known))}")
    kwargs: dict[str, Any] = {"host": str(value["host"]).lower().strip().rstrip(".")}
    parsers = {
        "accept": _parse_codes,
        "severity": _parse_severity,
        "max_concurrency": lambda v: _parse_int(v, 1),
        "headers": _parse_headers,
    }
    for key, parse in parsers.items():
        if key in value:
            try:
                kwargs[key] = parse(value[key])
            except (TypeError, ValueError) as exc:
                problem(f"{path}.{key}", str(exc))
    return HostPolicy(**kwargs)


def _parse_severity(value: Any) -> LinkStatus:
    if value in ("warning", "ok"):
        return LinkStatus(value)
    raise ValueError(f"expected warning or ok, not {value!r}")


def _parse_headers(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise TypeError("expected a mapping of header names to values")
    return tuple((str(k), str(v)) for k, v in value.items())


def _parse_value(key: str, value: Any, path: str, problem) -> Any:
    """Parse one setting; report a problem and return ``None`` when it is bad."""
    try:
        if key in _DURATIONS:
            return parse_duration(value)
        if key == "ignore":
            return _parse_patterns(value)
        if key == "hosts":
            if not isinstance(value, list):
                raise TypeError("expected a list of host policies")
            policies = (_parse_policy(v, f"{path}[{i}]", problem) for i, v in enumerate(value))
            return tuple(p for p in policies if p is not None)
        kind = _TYPES[key]
        if kind == "bool":
            return _parse_bool(value)
        if kind == "int":
            return _parse_int(value, 0 if key in {"retries", "max_redirects"} else 1)
        return str(value)
    except (TypeError, ValueError) as exc:
        problem(path, str(exc))
        return None


def _yaml_line(node: yaml.Node | None, path: list[str | int]) -> int:
    """Line (1-based) of the YAML node at ``path`` below ``node``, or of its nearest parent."""
    line = node.start_mark.line + 1 if node is not None else 0
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if step < len(node.value) else None
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _read_file(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], yaml.Node | None]:
    """The ``links:`` section of the config file (empty when the file or section is absent)."""
    shown = path.name if path.name == CONFIG_FILE else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(shown, 0, "links", f"cannot read: {exc}"))
        return {}, None
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(shown, mark.line + 1 if mark else 0, "links", f"bad YAML: {exc}"))
        return {}, None
    section = data.get("links") if isinstance(data, dict) else None
    if section is None:
        return {}, node
    if not isinstance(section, dict):
        problems.append(Problem(shown, _yaml_line(node, ["links"]), "links", "expected a mapping"))
        return {}, node
    return section, node


def resolve_config(
    root: str | Path = ".",
    config_path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> LinksConfig:
    """Resolve the settings now: CLI overrides > environment > config file > defaults.

    Args:
        root: The knowledge-base root; ``confkb.yml`` is looked for here.
        config_path: Another config file to read instead (it must exist).
        overrides: Settings from the command line, already typed or as strings.
        environ: The environment (``os.environ`` when omitted).

    Returns:
        The settings.

    Raises:
        ContentError: With every problem found in the file, environment and overrides.
    """
    environ = os.environ if environ is None else environ
    problems: list[Problem] = []
    if config_path is not None and not Path(config_path).is_file():
        raise ContentError([Problem(str(config_path), 0, "links", "config file not found")])
    path = Path(config_path) if config_path is not None else Path(root) / CONFIG_FILE
    section, node = _read_file(path, problems)
    shown = path.name if config_path is None else str(path)

    values: dict[str, Any] = {}
    layers: list[tuple[str, Mapping[str, Any]]] = [("file", section)]
    env = {k[len(ENV_PREFIX) :].lower(): v for k, v in environ.items() if k.startswith(ENV_PREFIX)}
    layers += [("env", env), ("cli", overrides or {})]
    for origin, layer in layers:
        for key, raw in layer.items():
            if origin == "file":
                where = (shown, _yaml_line(node, ["links", key]), f"links.{key}")
            elif origin == "env":
                where = ("environment", 0, ENV_PREFIX + key.upper())
            else:
                where = ("command line", 0, key)

            def problem(field: str, message: str, _where=where, _origin=origin) -> None:
                line = _where[1]
                if _origin == "file":
                    steps = [int(s) if s.isdigit() else s for s in re.split(r"[.\[\]]+", field)]
                    line = _yaml_line(node, [s for s in steps if s != ""])
                problems.append(Problem(_where[0], line, field, message))

            if key not in _TYPES or (origin == "env" and key == "hosts"):
                problem(where[2], "unknown setting")
                continue
            if raw is None and origin != "file":
                continue
            parsed = _parse_value(key, raw, where[2], problem)
            if parsed is not None:
                values[key] = parsed
    if problems:
        raise ContentError(problems)
    return replace(LinksConfig(), **values)
