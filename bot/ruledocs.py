"""Write docs/rules.md and the README's rule list from the rules' docstrings, and the configuration
schema and settings table from bot.repo_config.SETTINGS (`make docs`)."""

from __future__ import annotations

import sys
from pathlib import Path

from analyzers.docs import rule_table, rules_markdown, splice_readme
from bot import config_schema

ROOT = Path(__file__).resolve().parent.parent


def expected() -> dict[Path, str]:
    readme = ROOT / "README.md"
    return {
        ROOT / "docs" / "rules.md": rules_markdown(),
        readme: splice_readme(readme.read_text(), rule_table()),
        **config_schema.expected(ROOT),
    }


def main(argv: list[str]) -> int:
    stale = [p for p, text in expected().items() if not p.exists() or p.read_text() != text]
    if "--write" in argv:
        for path, text in expected().items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return 0
    for p in stale:
        sys.stderr.write(f"{p.relative_to(ROOT)} is stale: run `make docs`\n")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
