"""CI check: the German catalogue is complete, has no fuzzy entries, and its committed .mo files are current.

Run from the repository root with the project's Python (it calls `make messages`, which needs
gettext's tools). Exit status 0 when everything is in order, 1 otherwise, naming the offenders.

Steps:
1. Keep a copy of the catalogues as they are in the tree (what the .mo files were built from).
2. Compile that copy with msgfmt and compare it, entry by entry, with the committed .mo files.
3. Run `make messages` (makemessages -l de --no-obsolete) so every string in the code is in the
   catalogue, then report each entry with an empty msgstr (any plural form) or a fuzzy flag.
"""

from __future__ import annotations

import ast
import gettext
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "platform" / "locale" / "de" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"{context}{self.msgid!r} (line {self.line})"


def _unquote(text: str, path: Path, number: int) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        raise ValueError(f"{path}:{number}: expected a quoted string, got {text!r}")
    # PO strings use C escapes, which a Python string literal reads the same way.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """A small PO parser: enough for msgctxt, plurals, flags and obsolete entries."""
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int] | None = None  # the field continuation lines append to
    seen_keyword = False

    def finish() -> None:
        nonlocal entry, current, seen_keyword
        if seen_keyword:
            entries.append(entry)
        entry, current, seen_keyword = Entry(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~") and not line.startswith("#~|")
        if obsolete:
            line = line[2:].strip()
        elif line.startswith("#"):
            if entry.msgstr:  # a comment after a complete entry starts the next one
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if not line:
            finish()
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"{path}:{number}: string without a keyword")
            name, index = current
            text = _unquote(line, path, number)
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, (getattr(entry, name) or "") + text)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and entry.msgstr:
            finish()  # a new entry without a blank line before it
        if keyword == "msgctxt":
            entry.msgctxt = _unquote(rest, path, number)
            current = ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid = _unquote(rest, path, number)
            entry.line = number
            current = ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural = _unquote(rest, path, number)
            current = ("msgid_plural", 0)
        elif keyword == "msgstr":
            entry.msgstr[0] = _unquote(rest, path, number)
            current = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[len("msgstr[") : -1])
            entry.msgstr[index] = _unquote(rest, path, number)
            current = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{number}: unexpected line {raw!r}")
        entry.obsolete = entry.obsolete or obsolete
        seen_keyword = True
    finish()
    return entries


def nplurals(entries: list[Entry]) -> int:
    header = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    if header:
        for line in header.msgstr.get(0, "").splitlines():
            if line.lower().startswith("plural-forms:") and "nplurals=" in line:
                value = line.split("nplurals=", 1)[1].split(";", 1)[0].strip()
                if value.isdigit():
                    return int(value)
    return 2  # German


def catalogue_problems(path: Path) -> list[str]:
    """Untranslated and fuzzy entries of one catalogue, one line each."""
    problems: list[str] = []
    entries = parse_po(path)
    plural_count = nplurals(entries)
    for entry in entries:
        if entry.obsolete:
            continue
        if entry.msgid == "" and entry.msgctxt is None:
            if "fuzzy" in entry.flags:
                problems.append("header entry is marked fuzzy (remove the flag; fill in Language and Plural-Forms)")
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.label}")
        if entry.msgid_plural is not None:
            missing = [i for i in range(plural_count) if not entry.msgstr.get(i)]
            if missing:
                forms = ", ".join(f"msgstr[{i}]" for i in missing)
                problems.append(f"untranslated ({forms} empty): {entry.label}")
        elif not entry.msgstr.get(0):
            problems.append(f"untranslated: {entry.label}")
    return problems


def _catalog(mo_path: Path) -> tuple[dict[object, str], str | None]:
    with mo_path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    catalog = dict(translations._catalog)  # the only way to read every entry
    header = catalog.pop("", None)
    plural_forms = None
    for line in (header or "").splitlines():
        if line.lower().startswith("plural-forms:"):
            plural_forms = line.split(":", 1)[1].strip()
    return catalog, plural_forms


def mo_problems(snapshot: Path, committed_mo: Path, workdir: Path) -> list[str]:
    """Compile the catalogue as found in the tree and compare it with the committed .mo file."""
    if not committed_mo.exists():
        return [f"{committed_mo.relative_to(ROOT)} is missing: run `make compilemessages` and commit it"]
    fresh_mo = workdir / (snapshot.stem + ".mo")
    result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        ["msgfmt", "--check-format", "-o", str(fresh_mo), str(snapshot)],  # noqa: S607 - gettext from PATH
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return [f"msgfmt --check-format failed:\n{result.stderr.strip()}"]
    if _catalog(fresh_mo) != _catalog(committed_mo):
        return [f"{committed_mo.relative_to(ROOT)} is out of date: run `make compilemessages` and commit it"]
    return []


def main() -> int:
    for tool in ("msgfmt", "xgettext", "msgmerge", "msguniq"):
        if shutil.which(tool) is None:
            print(f"error: gettext's `{tool}` is not installed (Debian package: gettext).")
            return 1

    failures: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="mitmach-i18n-") as tmp:
        workdir = Path(tmp)
        # 1 + 2: the committed .mo files must match the catalogues they were compiled from.
        for domain in DOMAINS:
            po = LOCALE_DIR / f"{domain}.po"
            if po.exists():
                snapshot = workdir / f"{domain}.po"
                shutil.copyfile(po, snapshot)
                problems = mo_problems(snapshot, LOCALE_DIR / f"{domain}.mo", workdir)
                if problems:
                    failures[f"{domain}.mo"] = problems

        # 3: bring the catalogues up to date with the code, then look for gaps.
        print("$ make messages", flush=True)
        result = subprocess.run(["make", "--no-print-directory", "messages"], cwd=ROOT, check=False)  # noqa: S607
        if result.returncode != 0:
            print("error: `make messages` failed.")
            return 1

    catalogues = [LOCALE_DIR / f"{domain}.po" for domain in DOMAINS if (LOCALE_DIR / f"{domain}.po").exists()]
    if not (LOCALE_DIR / "django.po").exists():
        failures["django.po"] = [
            f"{(LOCALE_DIR / 'django.po').relative_to(ROOT)} does not exist after `make messages` "
            "(no translatable strings found, or makemessages wrote elsewhere)"
        ]
    for po in catalogues:
        problems = catalogue_problems(po)
        if problems:
            failures[po.name] = problems

    if failures:
        print("\nThe German catalogue is not complete:")
        for name, problems in failures.items():
            print(f"\n{LOCALE_DIR.relative_to(ROOT)}/{name}: {len(problems)} problem(s)")
            for problem in problems:
                print(f"  - {problem}")
        print(
            "\nFix: translate the entries in the .po file (remove `#, fuzzy` after checking them), "
            "then `make compilemessages` and commit both the .po and the .mo files."
        )
        return 1
    names = ", ".join(po.name for po in catalogues)
    print(f"Translations complete and compiled: {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
