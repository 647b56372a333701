"""Runner settings, resolved at run time: command-line flag > environment > confkb.yml > default.

``confkb.yml`` at the knowledge-base root may hold a ``snippets`` section::

    snippets:
      engine: unix:///run/confkb-docker.sock
      jobs: 2
      envs: envs                    # folder of environment definitions
      image_map:                    # entries on top of envs/image-map.yml
        aquasec/trivy:0.20.0: my-local/trivy:test
      # image_map: path/to/map.yml  # or a file
      memory: 1g
      pids: 512
      cpus: 1.0
      output_cap: 65536

Environment variables: ``CONFKB_ENGINE``, ``CONFKB_JOBS``, ``CONFKB_ENVS``,
``CONFKB_IMAGE_MAP`` (a file), ``CONFKB_CACHE_DIR``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from confkb.runner.images import ImageMap, read_image_map_file
from confkb.runner.sandbox import SandboxLimits

CONFIG_FILE = "confkb.yml"


class SettingsError(ValueError):
    """A setting has a value the runner cannot use."""


@dataclass(frozen=True)
class RunnerSettings:
    """Everything a run needs to know besides the snippets.

    Attributes:
        root: Knowledge-base root.
        engine: Engine URL from ``--engine`` (None: see :mod:`confkb.runner.engine`).
        engine_config: ``snippets.engine`` from ``confkb.yml``.
        jobs: Scenarios run at the same time.
        envs_dir: Folder of environment definitions.
        image_map: The merged image map.
        cache_dir: Result cache folder.
        use_cache: Read cached results (they are always written).
        limits: Sandbox limits.
        allow_pull: Try pulling images that are neither mapped nor local.
    """

    root: Path
    engine: str | None = None
    engine_config: str | None = None
    jobs: int = 2
    envs_dir: Path = Path("envs")
    image_map: ImageMap = field(default_factory=ImageMap)
    cache_dir: Path = Path(".confkb/cache")
    use_cache: bool = True
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    allow_pull: bool = True


def read_config(root: Path) -> dict[str, Any]:
    """The ``snippets`` section of ``confkb.yml`` (empty when there is none).

    Raises:
        SettingsError: When the file exists but is not valid.
    """
    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SettingsError(f"{path}: not valid YAML: {exc}") from exc
    section = data.get("snippets", {}) if isinstance(data, dict) else None
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: 'snippets' must be a mapping")
    return section


def _pick(flag: Any, env: Mapping[str, str], name: str, config: Mapping[str, Any], key: str,
          default: Any) -> Any:
    if flag is not None:
        return flag
    if env.get(name):
        return env[name]
    if config.get(key) is not None:
        return config[key]
    return default


def _default_envs(root: Path) -> Path:
    # A knowledge base may bring its own environments; otherwise those of this checkout.
    own = root / "envs"
    if own.is_dir():
        return own
    return Path(__file__).resolve().parents[3] / "envs"


def resolve_settings(
    root: Path,
    *,
    engine: str | None = None,
    jobs: int | None = None,
    envs_dir: Path | None = None,
    image_map_file: Path | None = None,
    cache_dir: Path | None = None,
    no_cache: bool = False,
    environ: Mapping[str, str] | None = None,
) -> RunnerSettings:
    """Resolve the settings of a run.

    Args:
        root: Knowledge-base root.
        engine, jobs, envs_dir, image_map_file, cache_dir, no_cache: Command-line values
            (None: not given).
        environ: Environment (``os.environ`` by default).

    Raises:
        SettingsError: When a value is unusable.
    """
    env = os.environ if environ is None else environ
    root = Path(root)
    config = read_config(root)
    try:
        job_count = int(_pick(jobs, env, "CONFKB_JOBS", config, "jobs", min(2, os.cpu_count() or 1)))
    except ValueError as exc:
        raise SettingsError(f"jobs must be a whole number: {exc}") from exc
    if job_count < 1:
        raise SettingsError("jobs must be at least 1")
    envs = Path(_pick(envs_dir, env, "CONFKB_ENVS", config, "envs", _default_envs(root)))
    if not envs.is_absolute():
        envs = root / envs
    cache = Path(_pick(cache_dir, env, "CONFKB_CACHE_DIR", {}, "", root / ".confkb" / "cache"))

    # Image map: defaults, then confkb.yml, then the environment's file, then the flag's.
    image_map = ImageMap()
    default_file = envs / "image-map.yml"
    try:
        if default_file.is_file():
            image_map = image_map.layered(read_image_map_file(default_file), str(default_file))
        configured = config.get("image_map")
        if isinstance(configured, dict):
            image_map = image_map.layered(configured, f"{CONFIG_FILE} snippets.image_map")
        elif isinstance(configured, str):
            path = root / configured
            image_map = image_map.layered(read_image_map_file(path), str(path))
        if env.get("CONFKB_IMAGE_MAP"):
            path = Path(env["CONFKB_IMAGE_MAP"])
            image_map = image_map.layered(read_image_map_file(path), str(path))
        if image_map_file is not None:
            image_map = image_map.layered(read_image_map_file(image_map_file), str(image_map_file))
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc

    defaults = SandboxLimits()
    try:
        limits = SandboxLimits(
            memory=str(config.get("memory", defaults.memory)),
            pids=int(config.get("pids", defaults.pids)),
            cpus=float(config.get("cpus", defaults.cpus)),
            output_cap=int(config.get("output_cap", defaults.output_cap)),
        )
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{CONFIG_FILE}: bad sandbox limit: {exc}") from exc
    return RunnerSettings(
        root=root,
        engine=engine,
        engine_config=config.get("engine"),
        jobs=job_count,
        envs_dir=envs,
        image_map=image_map,
        cache_dir=cache,
        use_cache=not no_cache,
        limits=limits,
    )
