"""Deterministic generator of realistic Roam Markdown discourse-graph exports, of any size.

The pages look like the 2024-era Roam exports in ``tests/fixtures/roam-2024-dg-social-media`` (and ``lab-a``):

- front matter ``title: "…"`` (quoted, valid YAML), ``url: https://roamresearch.com/#/app/<graph>/page/<uid>``,
  ``author:``, ``date:`` as JavaScript's ``Date.toString()``;
- most pages are sources (``@citekey``) with their Zotero attributes under ``- metadata::`` (Title, Year,
  Author(s), an abstract of ~1.5 KB, Type, Publication, URL with a DOI, Date Added, Zotero and PDF links), then
  evidence (``[[EVD]] - … - [[@citekey]]``), claims and questions, with outline text, images, tags and links;
- ~3 relations per note, each written on both pages (``**Supports::**`` on one, ``**Supported By::**`` on the
  other) under ``###### Discourse Context``;
- titles longer than the exporter's limit are cut to ``left...right`` in file names and links, as the exporter
  does (119 + ``...`` + 115 characters), nested links written ``[[[[EVD]] - … - [[@citekey]]]]``.

The same ``(notes, seed)`` always gives the same bytes::

    python benchmarks/generate.py /tmp/corpus-10k --notes 10000
"""

from __future__ import annotations

import argparse
import random
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

# The mix of the real exports: most notes are sources, then evidence, claims, questions.
MIX = (("source", 0.42), ("evidence", 0.30), ("claim", 0.21), ("question", 0.07))
RELATIONS_PER_NOTE = 3.0
"""Relation lines per page on average; each relation is written on both of its pages."""
CUT_LEFT, CUT_RIGHT = 119, 115
MAX_NAME = CUT_LEFT + 3 + CUT_RIGHT
LONG_EVIDENCE = 0.08
"""Share of evidence titles longer than the exporter's limit (cut to ``left...right`` in links and file names)."""

_WORDS_TEXT = (
    "social media use exposure political polarization affective partisan news feed algorithm ranking "
    "recommendation platform users online offline survey experiment panel randomized field cross-sectional "
    "longitudinal sample participants respondents treatment control effect association correlation increase "
    "decrease reduction growth decline attitudes opinions beliefs trust misinformation sharing engagement "
    "incivility toxicity outrage moral emotional identity ideology liberal conservative moderate extreme "
    "selective echo chamber filter bubble diversity homophily network tie cross-cutting like-minded content "
    "source outlet audience fragmentation consumption attention knowledge learning memory recall sleep "
    "consolidation retention procedural declarative task performance speed accuracy group condition baseline "
    "follow-up week month year election campaign candidate party vote turnout participation expression "
    "discussion comment retweet share post message image video hashtag twitter facebook reddit youtube "
    "instagram whatsapp weibo deactivation exposure-time dose response mediation moderation interaction "
    "significant robust weak strong positive negative null small large modest heterogeneous subgroup "
    "country countries national local regional global cohort adolescents adults older younger women men"
)
_WORDS = tuple(_WORDS_TEXT.split())
_FIRST_TEXT = (
    "Hunt Luca Sarah Matthew Maya Jan Susanne Robert Ashish Noam Niki Jakob Llion Aidan Lukasz Illia Joel "
    "Carolina Flavia Jay Michael Tetsuro Yphtach Andrew Levi Jennifer Christopher Kevin Elizabeth Ro'ee "
    "Walter Pablo Eytan Sandra Amy Jonathan Ana Kazuki Priya Wen Olu Ingrid Mateo Chloe Hyun Aisha Tomas"
)
_FIRST = tuple(_FIRST_TEXT.split())
_LAST_TEXT = (
    "Allcott Braghieri Eichmeyer Gentzkow Okafor Born Diekelmann Stickgold Walker Vaswani Shazeer Parmar "
    "Uszkoreit Jones Gomez Kaiser Polosukhin Chan Batista Patel Beam Kobayashi Lelkes Guess Boxell Bail Levy "
    "Bakshy Messing Adamic Gonzalez-Bailon Tucker Barbera Nyhan Settle Eady Kim Nguyen Osei Lindqvist Herrera "
    "Dubois Park Rahman Novak Schmidt Rossi Tanaka Mendes Kowalski Okonkwo Fischer Moreau Silva Costa"
)
_LAST = tuple(_LAST_TEXT.split())
_MEMBERS = ("Joel Chan", "Maya Okafor", "Jay Patel", "Carolina Franca Tristao Batista", "Flavia Batista", "Wen Li")
_JOURNALS = (
    "American Economic Review",
    "Nature Human Behaviour",
    "Political Communication",
    "Journal of Communication",
    "New Media & Society",
    "PNAS",
    "Science",
    "Neuron",
    "Social Media + Society",
    "arXiv:2108.07258 [cs]",
)
_ITEM_TYPES = ("Article", "Journal Article", "Preprint", "Book Section", "Conference Paper")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LONG_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_UID_CHARS = string.ascii_letters + string.digits + "-_"
_MARKER = {"evidence": "EVD", "claim": "CLM", "question": "QUE"}
# (label, complement, source kind, target kind, weight)
_RELATION_KINDS = (
    ("Supports", "Supported By", "evidence", "claim", 0.40),
    ("Opposes", "Opposed By", "evidence", "claim", 0.10),
    ("Informs", "Informed By", "evidence", "question", 0.22),
    ("Addresses", "Addressed By", "claim", "question", 0.13),
    ("Informs", "Informed By", "source", "question", 0.05),
    ("Consistent With", "Consistent With", "evidence", "evidence", 0.10),
)


@dataclass
class Page:
    kind: str
    title: str
    uid: str
    author: str
    created: datetime
    citekey: str | None = None
    cites: str | None = None
    """For evidence: the citekey of its source (``- [[@citekey]]`` in its title)."""
    relations: list[tuple[str, int]] = field(default_factory=list)
    """(label as shown on this page, index of the other page)."""

    @property
    def name(self) -> str:
        """The title as the exporter writes it in file names and links: cut when too long."""
        return cut(self.title)


def cut(title: str) -> str:
    """The exporter's cut of a long name: ``left...right``.

    >>> cut("a" * 300)[CUT_LEFT - 2 : CUT_LEFT + 5]
    'aa...aa'
    >>> len(cut("a" * 300)), cut("short")
    (237, 'short')
    """
    return title if len(title) <= MAX_NAME else f"{title[:CUT_LEFT]}...{title[-CUT_RIGHT:]}"


class Generator:
    """Builds the pages of one export from a seed; :meth:`write` writes them as ``.md`` files."""

    def __init__(self, notes: int, *, seed: int = 0, graph: str = "bench-lab") -> None:
        self.rng = random.Random(seed)
        self.graph = graph
        self.pages: list[Page] = []
        self._titles: set[str] = set()
        self._uids: set[str] = set()
        self._build(notes)

    # -- building ----------------------------------------------------------------------------------------

    def _build(self, notes: int) -> None:
        counts = {kind: int(notes * share) for kind, share in MIX}
        counts["source"] += notes - sum(counts.values())
        by_kind: dict[str, list[int]] = {kind: [] for kind, _ in MIX}
        for kind, _ in MIX:
            for _ in range(counts[kind]):
                by_kind[kind].append(len(self.pages))
                self.pages.append(self._page(kind, by_kind["source"]))
        self._relate(notes, by_kind)

    def _page(self, kind: str, sources: list[int]) -> Page:
        rng = self.rng
        created = datetime(2022, 1, 1) + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        author = rng.choice(_MEMBERS)
        if kind == "source":
            while True:
                words = [w.capitalize() for w in rng.sample(_WORDS, 3)]
                citekey = f"@{rng.choice(_LAST).lower()}{''.join(words).replace('-', '')}{rng.randrange(1995, 2025)}"
                if citekey not in self._titles:
                    break
            self._titles.add(citekey)
            return Page(kind, citekey, self._uid(), author, created, citekey=citekey)
        cites = self.pages[rng.choice(sources)].citekey if kind == "evidence" and sources else None
        while True:
            long = kind == "evidence" and rng.random() < LONG_EVIDENCE
            words = rng.randint(34, 48) if long else rng.randint(7, 22) if kind != "question" else rng.randint(6, 14)
            content = self.sentence(words, question=kind == "question")
            title = f"[[{_MARKER[kind]}]] - {content}" + (f" - [[{cites}]]" if cites else "")
            if title not in self._titles and cut(title) not in self._titles:
                break
        self._titles.update((title, cut(title)))
        return Page(kind, title, self._uid(), author, created, cites=cites)

    def _relate(self, notes: int, by_kind: dict[str, list[int]]) -> None:
        rng = self.rng
        kinds = [k for k in _RELATION_KINDS if by_kind[k[2]] and by_kind[k[3]]]
        if not kinds:
            return
        weights = [k[4] for k in kinds]
        seen: set[tuple[str, int, int]] = set()
        wanted = round(notes * RELATIONS_PER_NOTE / 2)
        tries = 0
        while len(seen) < wanted and tries < wanted * 4:
            tries += 1
            label, complement, source_kind, target_kind, _ = rng.choices(kinds, weights)[0]
            # A few pages are hubs (a central question, a well-supported claim): real graphs are skewed.
            source = rng.choice(by_kind[source_kind])
            targets = by_kind[target_kind]
            target = targets[int(len(targets) * rng.random() ** 2)]
            if source == target or (label, source, target) in seen or (label, target, source) in seen:
                continue
            seen.add((label, source, target))
            self.pages[source].relations.append((label, target))
            self.pages[target].relations.append((complement, source))

    def _uid(self) -> str:
        while True:
            uid = "".join(self.rng.choices(_UID_CHARS, k=9))
            if uid not in self._uids:
                self._uids.add(uid)
                return uid

    def sentence(self, words: int, *, question: bool = False) -> str:
        text = " ".join(self.rng.choices(_WORDS, k=words))
        text = text[0].upper() + text[1:]
        return text + ("?" if question else ".")

    def person(self) -> str:
        return f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"

    # -- writing -----------------------------------------------------------------------------------------

    def write(self, folder: str | Path) -> int:
        """Write every page as ``folder/<name>.md``; returns how many."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for page in self.pages:
            (out / f"{page.name}.md").write_text(self.page_text(page), encoding="utf-8")
        return len(self.pages)

    def page_text(self, page: Page) -> str:
        rng = random.Random(f"{page.uid}")  # each page's text independent of the others: edits stay local
        title = page.title.replace("\\", "\\\\").replace('"', '\\"')
        lines = [
            "---",
            f'title: "{title}"',
            f"url: https://roamresearch.com/#/app/{self.graph}/page/{page.uid}",
            f"author: {page.author}",
            f"date: {_js_date(page.created)}",
            "---",
            "",
        ]
        lines += self._body(page, rng)
        lines += ["", "###### Discourse Context", ""]
        for label, other in page.relations:
            lines.append(f"- **{label}::** [[{self.pages[other].name}]]")
        return "\n".join(lines) + "\n"

    def _body(self, page: Page, rng: random.Random) -> list[str]:
        if page.kind == "source":
            return self._source_body(page, rng)
        lines: list[str] = []
        heading = {"evidence": "Summary of Result", "claim": "Asserted By", "question": "Context"}[page.kind]
        lines.append(f"- ## {heading}" + (f" [[{page.cites}]]" if page.kind == "claim" and page.cites else ""))
        for _ in range(rng.randint(1, 3)):
            lines.append(f"    - p. {rng.randint(1, 300)}")
            lines.append(f"        - {_words(rng, rng.randint(15, 45))}")
            if rng.random() < 0.5:
                image = "".join(rng.choices(_UID_CHARS, k=10))
                lines.append(
                    "        - ![](https://firebasestorage.googleapis.com/v0/b/firescript-577a2.appspot.com/o/imgs"
                    f"%2Fapp%2F{self.graph}%2F{image}.png?alt=media) (p. {rng.randint(1, 300)})"
                )
        if rng.random() < 0.3:
            lines.append(f"- #[[{rng.choice(_WORDS)} {rng.choice(_WORDS)}]] see [[{self.person()}]]")
        if rng.random() < 0.2:
            lines.append("- {{[[TODO]]}} check the figures against the preprint")
        return lines

    def _source_body(self, page: Page, rng: random.Random) -> list[str]:
        authors = ", ".join(self.person() for _ in range(rng.randint(1, 6)))
        year = page.citekey[-4:] if page.citekey else "2020"
        added = page.created
        doi = f"10.{rng.randint(1000, 9999)}/{''.join(rng.choices(string.ascii_lowercase + string.digits, k=10))}"
        item = "".join(rng.choices(string.ascii_uppercase + string.digits, k=8))
        pdf = "".join(rng.choices(string.ascii_uppercase + string.digits, k=8))
        abstract = _abstract(rng)
        return [
            "- metadata::",
            f"    - Title:: {_words(rng, rng.randint(6, 14)).rstrip('.')}",
            f"    - Year:: {year}",
            f"    - Author(s):: {authors}",
            f"    - Abstract:: {abstract}",
            f"    - Type:: {rng.choice(_ITEM_TYPES)}",
            f"    - Publication:: {rng.choice(_JOURNALS)}",
            f"    - URL:: https://doi.org/{doi}",
            f"    - Date Added:: [[{_LONG_MONTHS[added.month - 1]} {_ordinal(added.day)}, {added.year}]]",
            f"    - Zotero Links:: [Local Library](zotero://select/groups/4985507/items/{item}), "
            f"[Web Library](https://www.zotero.org/groups/4985507/items/{item})",
            "    - Publication Tags:: py-import",
            f"    - PDF links:: [{page.title[1:]}.pdf](zotero://open-pdf/groups/4985507/items/{pdf})",
            "    - Outcome::",
            "    - Notes Imported from Zotero",
            "        - [[Notes]]",
            f"- ### [[Reading Notes]] for [[{page.title}]]",
            "    - Scratchpad",
            f"        - **Participants and setting**: {_words(rng, rng.randint(10, 30))}",
            f"        - **Design**: {_words(rng, rng.randint(10, 30))}",
        ]


def _words(rng: random.Random, count: int) -> str:
    text = " ".join(rng.choices(_WORDS, k=count))
    return text[0].upper() + text[1:] + "."


def _abstract(rng: random.Random) -> str:
    """About 1.5 KB of text, as Zotero's imported abstracts are."""
    sentences = []
    size = 0
    target = rng.randint(1200, 1800)
    while size < target:
        sentence = _words(rng, rng.randint(12, 30))
        sentences.append(sentence)
        size += len(sentence) + 1
    return " ".join(sentences)


def _js_date(when: datetime) -> str:
    """JavaScript's ``Date.toString()`` in US Eastern time, as the 2022-2024 exporters wrote it."""
    summer = 3 < when.month < 11
    zone = "GMT-0400 (Eastern Daylight Time)" if summer else "GMT-0500 (Eastern Standard Time)"
    return f"{_DAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day:02d} {when.year} {when:%H:%M:%S} {zone}"


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def generate(folder: str | Path, notes: int, *, seed: int = 0, graph: str = "bench-lab") -> Generator:
    """Write an export of ``notes`` pages into ``folder``; returns the generator (its ``pages``)."""
    generator = Generator(notes, seed=seed, graph=graph)
    generator.write(folder)
    return generator


def edit_notes(folder: str | Path, generator: Generator, count: int, *, seed: int = 1, round: int = 1) -> list[Path]:
    """Change ``count`` pages of a written export as a user would between two exports: a sentence added to
    the text of most, a relation added (on both pages) to some. Returns the files changed."""
    rng = random.Random(f"{seed}-{round}-{count}")
    out = Path(folder)
    chosen = rng.sample(range(len(generator.pages)), count)
    changed: set[int] = set()
    for n, index in enumerate(chosen):
        page = generator.pages[index]
        changed.add(index)
        if n % 4 == 3 and page.kind in ("evidence", "claim"):
            questions = [i for i, p in enumerate(generator.pages) if p.kind == "question"]
            if questions:
                other = rng.choice(questions)
                label, complement = (
                    ("Informs", "Informed By") if page.kind == "evidence" else ("Addresses", "Addressed By")
                )
                page.relations.append((label, other))
                generator.pages[other].relations.append((complement, index))
                changed.add(other)
    paths = []
    for index in sorted(changed):
        page = generator.pages[index]
        text = generator.page_text(page)
        if index in chosen:
            marker = "\n\n###### Discourse Context\n"
            head, _, tail = text.partition(marker)
            text = f"{head}\n- Edited in round {round}: {_words(rng, 12)}{marker}{tail}"
        path = out / f"{page.name}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--graph", default="bench-lab", help="The Roam graph the pages' URLs name (the lab).")
    args = parser.parse_args()
    generate(args.folder, args.notes, seed=args.seed, graph=args.graph)
    print(f"Wrote {args.notes} pages to {args.folder}")


if __name__ == "__main__":
    main()
