"""The repository explains itself: the conventions page exists, every citation of it points at
a section it has, and nothing cites a file outside the repository (the project's private notes
or the papers' text files: a user's clone has neither)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONVENTIONS = ROOT / "docs" / "conventions.md"
SOURCES = [
    p
    for d in ("kacspectral", "tests", "validation", "notebooks")
    for p in sorted((ROOT / d).rglob("*"))
    if p.suffix in (".py", ".ipynb") and "__pycache__" not in p.parts
]


def _sections():
    return {int(m) for m in re.findall(r"^## (\d+)\. ", CONVENTIONS.read_text(), re.M)}


def test_conventions_page_keeps_the_section_numbers():
    assert set(range(1, 9)) <= _sections()


def test_no_citation_outside_the_repository():
    # spelled in pieces so that this file does not match itself
    bad = re.compile("MATH" + r"\.md|shared" + "/|seeds" + "/")
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in SOURCES
            for i, line in enumerate(p.read_text().splitlines(), 1) if bad.search(line)]
    assert hits == []


def test_every_cited_section_exists():
    sections = _sections()
    cite = re.compile(r"[Cc]onventions page(?: \(docs/conventions\.md\))?,\s+sections?\s+"
                      r"(\d+)(?:\s*(?:,|and|-)\s*(\d+))?")
    missing = []
    for p in SOURCES:
        for m in cite.finditer(p.read_text()):
            for n in filter(None, m.groups()):
                if int(n) not in sections:
                    missing.append(f"{p.relative_to(ROOT)}: section {n}")
    assert missing == []


def test_license_citation_and_changelog_are_present():
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
    cff = (ROOT / "CITATION.cff").read_text()
    assert "cff-version: 1.2.0" in cff and "1406.4097" in cff
    assert "Improved Approximation of Infinite Thermostat" in cff
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()
