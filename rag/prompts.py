"""Prompts are files in `prompts/`, loaded by name and rendered strictly (a missing variable is an error)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from rag.errors import ConfigError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


def names() -> list[str]:
    """Every prompt shipped in `prompts/`."""
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.md"))


@cache
def _template(name: str) -> Any:
    from jinja2 import Environment, StrictUndefined

    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise ConfigError(f"no prompt named {name!r} in {PROMPTS_DIR}; available: {', '.join(names())}")
    env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    return env.from_string(path.read_text(encoding="utf-8"))


def render(name: str, **variables: Any) -> str:
    """Render prompt `name` with `variables`; raises if the template uses a variable not given."""
    from jinja2 import UndefinedError

    try:
        return str(_template(name).render(**variables))
    except UndefinedError as exc:
        raise ConfigError(f"prompt {name!r}: {exc}") from exc
