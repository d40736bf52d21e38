"""Configuration: one frozen dataclass per concern, loaded from TOML and overridden from the CLI.

The dataclass defaults are the source of truth; ``configs/default.toml`` spells every one of
them out (a test keeps the two equal). A TOML file or a ``section.key=value`` override may name
any subset of keys. An unknown key or a bad value raises :class:`ConfigError` with one line that
names the key and what is allowed.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

#: ``configs/default.toml`` of the source tree, when ``live`` runs from a checkout.
DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[1] / "configs" / "default.toml"


class ConfigError(ValueError):
    """A configuration key or value that cannot be used; the message says what is allowed."""


def _bounded(default: Any, lo: float | None = None, hi: float | None = None) -> Any:
    return field(default=default, metadata={"min": lo, "max": hi})


@dataclass(frozen=True)
class SwarmConfig:
    """The creatures."""

    sprites: int = _bounded(16, 1, 20000)
    """Number of creatures."""
    seed: int = _bounded(0, 0, None)
    """Seed of the one generator that draws every size and start position."""


@dataclass(frozen=True)
class RenderConfig:
    """Both renderers: the soft silhouette for the loss and the flat colour view."""

    backend: Literal["auto", "analytic", "pytorch3d"] = "auto"
    """'analytic' (closed form, plain torch), 'pytorch3d' (the seed's mesh pipeline), or 'auto'
    (pytorch3d on CUDA, analytic on CPU)."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    """Where tensors live; 'auto' takes CUDA when torch sees a GPU."""
    size: int = _bounded(256, 16, 2048)
    """Side of the square render in pixels (the view is [-1, 1]^2 in NDC)."""
    sigma: float = _bounded(2e-4, 1e-7, 1.0)
    """Softness of the silhouette edge, in squared NDC units (PyTorch3D's BlendParams.sigma)."""
    segments: int = _bounded(16, 3, 256)
    """Sides of the polygon that stands for each disc (the seed's fans have 16)."""
    outline: Literal["polygon", "circle"] = "polygon"
    """Analytic backend only: the seed's regular polygon, or a true circle."""
    corners: Literal["fan", "sharp"] = "fan"
    """Analytic backend, polygon outline: 'fan' blends the two fan faces that meet at each corner
    one by one, as PyTorch3D does (its silhouette is about a pixel wider there); 'sharp' uses the
    distance to the outline alone."""
    silhouette: Literal["union", "seed"] = "union"
    """PyTorch3D backend only: 'union' of the body discs, or the seed's broken 3-faces-per-pixel
    silhouette of all three discs (kept for comparison)."""
    faces_per_pixel: int = _bounded(24, 1, 128)
    """PyTorch3D backend, 'union' silhouette: faces kept per pixel (the seed mode uses 3)."""
    ambient: float = _bounded(0.99, 0.0, 1.0)
    """Ambient light of the colour view (the seed's light: 0.99, no diffuse, no specular)."""

    @property
    def blur_radius(self) -> float:
        """Squared NDC distance beyond which a disc no longer touches a pixel (probability 1e-4)."""
        import math

        return math.log(1.0 / 1e-4 - 1.0) * self.sigma


@dataclass(frozen=True)
class OptimConfig:
    """The arranger: Adam on the creatures' offsets."""

    lr: float = _bounded(0.05, 1e-6, 10.0)
    """Adam learning rate."""
    steps: int = _bounded(50, 1, 1_000_000)
    """Steps of a headless fit (``live fit``, ``live demo``)."""


@dataclass(frozen=True)
class LossConfig:
    """What the arranger minimises: the seed's image loss, plus terms that involve every creature."""

    kind: Literal["shaped", "seed"] = "shaped"
    """'seed': the notebook's loss alone, sum over pixels of (silhouette - target)^2; 'shaped': the
    same plus the attraction and repulsion terms below (a weight of 0 switches a term off)."""
    attraction: float = _bounded(1.0, 0.0, 100.0)
    """Weight of the pull of the target's distance transform on each creature's centre (1: moving a
    creature one body radius closer is worth its body's area in pixels). Gives a creature far from
    the drawing a gradient; zero once its centre lies on the target."""
    repulsion: float = _bounded(0.1, 0.0, 100.0)
    """Weight of the push between overlapping bodies (1: two bodies on the same spot cost their
    area in pixels; the push fades smoothly to 0 at the contact distance). Kept mild: on the eval
    suite more repulsion lowers the IoU."""
    reach: float = _bounded(0.8, 0.1, 2.0)
    """Bodies repel while their centres are closer than this times the sum of their radii (below
    1, bodies may overlap a little without cost)."""


@dataclass(frozen=True)
class TargetConfig:
    """How targets are turned into masks."""

    font: Literal["simplex", "plain", "duplex", "complex", "triplex", "script"] = "simplex"
    """Hershey font for text targets (the seed uses simplex)."""
    threshold: float = _bounded(0.1, 0.0, 1.0)
    """Image targets: a pixel whose brightest channel exceeds this (in [0, 1]) is in the mask."""
    invert: bool = False
    """Image targets: take dark pixels instead of bright ones (dark drawing on white paper)."""
    brush: int = _bounded(20, 1, 500)
    """Stroke targets: brush radius in pixels of a 224-pixel canvas (the seed's 20), scaled."""


@dataclass(frozen=True)
class PathsConfig:
    """Where outputs go."""

    recordings: str = "recordings"
    """Folder for GIFs and videos; created when missing."""


@dataclass(frozen=True)
class Config:
    """Every setting of ``live``."""

    swarm: SwarmConfig = field(default_factory=SwarmConfig)
    render: RenderConfig = field(default_factory=RenderConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    target: TargetConfig = field(default_factory=TargetConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)


def _describe(hint: Any) -> str:
    if typing.get_origin(hint) is Literal:
        return "one of " + ", ".join(repr(c) for c in typing.get_args(hint))
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(
        hint, str(hint)
    )


def _check_value(key: str, hint: Any, meta: typing.Mapping[str, Any], value: Any) -> Any:
    """Returns ``value`` converted to the field's type, or raises ConfigError naming ``key``."""
    ok = False
    if typing.get_origin(hint) is Literal:
        ok = value in typing.get_args(hint)
    elif hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif hint is str:
        ok = isinstance(value, str)
    if not ok:
        raise ConfigError(f"config key '{key}' = {value!r} is not allowed: use {_describe(hint)}")
    lo, hi = meta.get("min"), meta.get("max")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        span = f"from {lo} to {hi}" if hi is not None else f"at least {lo}"
        raise ConfigError(f"config key '{key}' = {value!r} is out of range: use a value {span}")
    return value


def _build(cls: type, table: typing.Mapping[str, Any], prefix: str, base: Any) -> Any:
    """Returns ``base`` (an instance of ``cls``) with the keys of ``table`` replaced, checked."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    changes = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if name not in fields:
            allowed = ", ".join(f"{prefix}{f}" for f in fields)
            raise ConfigError(f"unknown config key '{key}': allowed keys are {allowed}")
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, dict):
                raise ConfigError(f"config key '{key}' must be a table ([{key}])")
            changes[name] = _build(hint, value, f"{key}.", getattr(base, name))
        else:
            changes[name] = _check_value(key, hint, fields[name].metadata, value)
    return dataclasses.replace(base, **changes)


def _parse_scalar(text: str) -> Any:
    """Reads an override's value the way TOML would (``1``, ``2e-4``, ``true``, ``"x"``), else text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_override(item: str) -> tuple[str, Any]:
    """Splits ``section.key=value`` into its key and its value.

    Raises:
        ConfigError: when ``item`` has no ``=`` or no section.
    """
    key, sep, text = item.partition("=")
    if not sep or "." not in key:
        raise ConfigError(f"override '{item}' is not of the form section.key=value (e.g. render.size=128)")
    return key.strip(), _parse_scalar(text.strip())


def _nest(flat: typing.Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *sections, name = key.split(".")
        table = nested
        for section in sections:
            table = table.setdefault(section, {})
            if not isinstance(table, dict):
                raise ConfigError(f"config key '{key}' names a section that is a value")
        table[name] = value
    return nested


def load_config(
    path: str | Path | None = None, overrides: typing.Mapping[str, Any] | None = None
) -> Config:
    """Loads the configuration: defaults, then the TOML file, then ``overrides``.

    Args:
        path: a TOML file; ``None`` takes ``configs/default.toml`` of the checkout when present.
        overrides: flat ``{"section.key": value}`` pairs, applied last (command-line flags).

    Raises:
        ConfigError: an unreadable file, invalid TOML, an unknown key or a bad value.
    """
    config = Config()
    if path is None and DEFAULT_CONFIG_PATH.is_file():
        path = DEFAULT_CONFIG_PATH
    if path is not None:
        try:
            table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read config file '{path}': {exc.strerror}; check the path") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file '{path}' is not valid TOML: {exc}") from exc
        config = _build(Config, table, "", config)
    if overrides:
        config = _build(Config, _nest(overrides), "", config)
    return config


def _field_docs() -> dict[tuple[str, str], str]:
    """The attribute docstrings of this module's dataclasses, read from its source."""
    import ast
    import inspect
    import sys

    docs = {}
    for node in ast.parse(inspect.getsource(sys.modules[__name__])).body:
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt, following in zip(node.body, node.body[1:]):
            if isinstance(stmt, ast.AnnAssign) and isinstance(following, ast.Expr):
                if isinstance(following.value, ast.Constant) and isinstance(following.value.value, str):
                    docs[(node.name, stmt.target.id)] = " ".join(following.value.value.split())
    return docs


def format_config(config: Config) -> str:
    """Returns ``config`` as TOML, each key preceded by its docstring as a comment.

    ``live config > configs/default.toml`` writes the defaults file this way.
    """
    import textwrap

    docs = _field_docs()
    lines = [
        "# Settings of live. Copy this file, change what you need and pass it with --config;",
        "# a file may name any subset of keys. Unknown keys and bad values stop live at start.",
        "",
    ]
    for section in dataclasses.fields(config):
        table = getattr(config, section.name)
        lines.append(f"[{section.name}]")
        for f in dataclasses.fields(table):
            doc = docs.get((type(table).__name__, f.name))
            lines += ["# " + line for line in textwrap.wrap(doc or "", 96)]
            value = getattr(table, f.name)
            lines.append(f"{f.name} = {json.dumps(value) if isinstance(value, (bool, str)) else repr(value)}")
        lines.append("")
    return "\n".join(lines)
