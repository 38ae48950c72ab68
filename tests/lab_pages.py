"""Small labs written as Roam Markdown exports, for the tests of several labs in one store (labs, link, push, serve)."""

from __future__ import annotations

from pathlib import Path


def source_page(title: str, *, authors: list[str] = (), url: str | None = None, **attributes: str) -> str:  # type: ignore[assignment]
    """A Roam source page (``@citekey``): Title, Author(s), URL and any other ``Key:: value``."""
    lines = [f"- Title:: {title}"]
    if authors:
        lines.append("- Author(s):: " + ", ".join(f"[[{name}]]" for name in authors))
    lines.append("- Type:: [[Journal Article]]")
    if url:
        lines.append(f"- URL : {url}")
    lines += [f"- {key.replace('_', ' ')}:: {value}" for key, value in attributes.items()]
    return "\n".join(lines) + "\n"


def context_page(*relations: tuple[str, str]) -> str:
    """A page whose Discourse Context states ``(label, target page)`` relations."""
    lines = ["###### Discourse Context", ""]
    lines += [f"- **{label}::** [[{target}]]" for label, target in relations]
    return "\n".join(lines) + "\n"


def write_lab(folder: Path, pages: dict[str, str]) -> Path:
    """Write ``{file name: body}`` as ``.md`` files under ``folder``, each with the front matter Roam gives."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in pages.items():
        (folder / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n\n{body}", encoding="utf-8")
    return folder
