"""Contest presets stored as data (TOML)."""

from __future__ import annotations

import tomllib
from pathlib import Path

PRESETS_DIR = Path(__file__).parent


def available() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def load(name: str) -> dict:
    path = PRESETS_DIR / f"{name}.toml"
    if not path.is_file():
        raise KeyError(f"unknown preset '{name}'; available: {', '.join(available())}")
    return tomllib.loads(path.read_text(encoding="utf-8"))
