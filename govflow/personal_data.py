"""Spot likely personal data in free text so people can remove it before saving."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

# Blockers and ideas describe systems, not families. These detectors only point things
# out; callers show the findings and ask the person to edit. Nothing is removed here.


@dataclass(frozen=True)
class Finding:
    kind: str  # machine name, e.g. "nhs_number"
    label: str  # plain-English noun, e.g. "NHS number"
    text: str  # exactly text[start:end]
    start: int
    end: int


LABELS = {
    "nhs_number": "NHS number",
    "date_of_birth": "date of birth",
    "postcode": "postcode",
    "phone": "phone number",
    "email": "email address",
    "named_person": "person's name",
}

_ARTICLES = {"nhs_number": "an", "email": "an"}


def _finding(kind: str, text: str, start: int, end: int) -> Finding:
    return Finding(kind, LABELS[kind], text[start:end], start, end)


# --- NHS numbers ---------------------------------------------------------------------

# 3-3-4 grouping as printed on letters and cards; the separators are optional because
# people copy numbers from systems that run them together.
_NHS_RE = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")


def nhs_check_digit_ok(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 -> 0, 10 is never issued."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> Iterator[Finding]:
    for m in _NHS_RE.finditer(text):
        # Only a valid check digit: one random 10-digit number in eleven passes, which
        # keeps reference numbers and phone-like strings mostly out.
        if nhs_check_digit_ok("".join(m.groups())):
            yield _finding("nhs_number", text, m.start(), m.end())


# --- dates of birth ------------------------------------------------------------------

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"

# A date on its own is usually a meeting or a deadline; it only becomes a date of birth
# when something nearby says so. The year may be missing from a written-out date
# ("born on 3rd March") because day and month alone still identify a child in a school.
_DATE_RE = re.compile(
    rf"""
    \b(?:
        (?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:\d{{4}}|\d{{2}})
      | (?:19|20)\d{{2}}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])
      | {_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+(?:19|20)\d{{2}})?
      | {_MONTH}\s+{_DAY}(?:,?\s+(?:19|20)\d{{2}})?
    )(?![\w/-])
    """,
    re.IGNORECASE | re.VERBOSE,
)

# "aged 7, born ..." is covered by "born"; "b." is too ambiguous to use.
_DOB_CUE_RE = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\b\.?|(?:date\s+of\s+birth|birth\s*date|born|birthday)\b)",
    re.IGNORECASE,
)
_DOB_MAX_WORDS_BETWEEN = 4
# A full stop or semicolon ends the cue's reach: "born" in one clause says nothing
# about a meeting date in the next.
_SENTENCE_END_RE = re.compile(r"[.!?;](?:\s|$)|\n\s*\n")


def _dob_cue_before(text: str, date_start: int) -> bool:
    window = text[max(0, date_start - 80) : date_start]
    for cue in _DOB_CUE_RE.finditer(window):
        between = window[cue.end() :]
        if _SENTENCE_END_RE.search(between):
            continue
        if len(re.findall(r"[^\W\d_]+|\d+", between)) <= _DOB_MAX_WORDS_BETWEEN:
            return True
    return False


def _dates_of_birth(text: str) -> Iterator[Finding]:
    for m in _DATE_RE.finditer(text):
        if _dob_cue_before(text, m.start()):
            yield _finding("date_of_birth", text, m.start(), m.end())


# --- postcodes -----------------------------------------------------------------------

# Full postcodes only: an outward code alone ("DN12") names a district, not a home.
# Letter rules from the Royal Mail format keep ordinary words and codes out; the inward
# part never uses C, I, K, M, O or V.
_POSTCODE_RE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_ORDINAL_RE = re.compile(r"\d(?:st|nd|rd|th)")


def _postcodes(text: str) -> Iterator[Finding]:
    for m in _POSTCODE_RE.finditer(text):
        inward = m.group()[-3:]
        # "Y1 1st term", "p6 2nd": an ordinal written in lower case is not a postcode.
        if _ORDINAL_RE.fullmatch(inward):
            continue
        yield _finding("postcode", text, m.start(), m.end())


# --- phone numbers -------------------------------------------------------------------

# UK numbers: trunk 0 or +44/0044 (with an optional "(0)"), then a national number of 9
# or 10 digits starting 1, 2, 3 (geographic and 03), 7 (mobiles) or 8 (0800/0808).
# Requiring the 0/+44 prefix keeps years, amounts and counts out.
_PHONE_RE = re.compile(
    r"""
    (?<![\w+/.,£$-])
    (?:
        (?:\+|00)\s?44\s?(?:\(0\)\s?)?\(?
      | \(?0
    )
    [12378]
    (?:(?:[ -]|\)\s?)?\d){8,9}
    (?![\d/.,]\d)(?!\d)
    """,
    re.VERBOSE,
)


def _phones(text: str) -> Iterator[Finding]:
    for m in _PHONE_RE.finditer(text):
        yield _finding("phone", text, m.start(), m.end())


# --- email addresses -----------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z]{2,}\b"
)


def _emails(text: str) -> Iterator[Finding]:
    for m in _EMAIL_RE.finditer(text):
        yield _finding("email", text, m.start(), m.end())


# --- names after a title or a relationship -------------------------------------------

# Honorifics are matched case-sensitively so "MS Teams" and "dr." in prose stay out.
_HONORIFIC = r"(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?"
# Words that introduce a child or family member in case-style writing.
_RELATION = (
    r"(?:young\s+person|(?:the\s+)?(?:boy|girl)|child|baby|son|daughter|mum|dad"
    r"|mother|father|brother|sister|pupil)"
)
_NAME_WORD = r"[A-Z](?:[a-z]+|'[A-Z][a-z]+)(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
_INITIALS = r"(?:[A-Z]\.?[^\S\n]+)*"
_NAME_RE = re.compile(
    rf"""
    \b(?:
        (?P<honorific>{_HONORIFIC})[^\S\n]+(?P<initials>{_INITIALS})
      | (?P<relation>(?i:{_RELATION}))[^\S\n]+
    )
    (?P<first>{_NAME_WORD})
    (?:[^\S\n]+(?P<second>{_NAME_WORD}))?
    """,
    re.VERBOSE,
)

# Capitalised words that commonly follow "child", "Mr" and the rest without being a
# name: service titles ("Child Protection"), sentence words ("Child In Need"), dates.
_NOT_NAME_WORDS = """
    a an and are as at be been but by can could did do does for from had has have he her
    his how i if in into is it its may might must no not of on or our she should so than
    that the their them then there these they this those to was we were what when where
    which who will with would you your all any each every some other another out up
    over about more new mr mrs ms miss mx dr
    protection services service safeguarding care health social mental development
    centre center centres trust team teams board panel plan plans review reviews need
    needs looked after arrangements arrangement maintenance benefit benefits poverty
    death exploitation sexual criminal abuse neglect guidance policy support minding
    minder minders friendly advocate advocacy voice council group groups bank box club
    clubs matters matter network hub hubs unit ward clinic hospital school
    schools nursery nurseries home homes carer carers worker workers practitioner
    practitioners sessions session programme program project projects funding fund
    tax credit credits allowance act order orders law court courts register list
    action line helpline first early help led centred
    january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday christmas easter
    england wales scotland ireland uk nhs gp
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())

_SENTENCE_OPENERS = frozenset(".!?:;(\"“'‘-–—•*")


def _starts_sentence(text: str, pos: int) -> bool:
    # "the Child Development Centre" mid-sentence: a capitalised relation word there is
    # part of a Title Case name, not someone introducing a child.
    before = text[max(0, pos - 200) : pos]
    stripped = before.rstrip()
    if not stripped:
        return True
    return "\n" in before[len(stripped) :] or stripped[-1] in _SENTENCE_OPENERS


def _is_name(word: str | None) -> bool:
    return bool(word) and word.lower().split("'")[0] not in _NOT_NAMES


def _named_people(text: str) -> Iterator[Finding]:
    for m in _NAME_RE.finditer(text):
        if not _is_name(m.group("first")):
            continue
        relation = m.group("relation")
        if relation and relation[0].isupper() and not _starts_sentence(text, m.start()):
            continue
        end = m.end("second") if _is_name(m.group("second")) else m.end("first")
        yield _finding("named_person", text, m.start(), end)


# --- putting it together -------------------------------------------------------------

_DETECTORS: tuple[Callable[[str], Iterable[Finding]], ...] = (
    # Order breaks ties between equal matches at the same place: a leading-zero number
    # that looks like a phone is more likely a phone than an NHS number.
    _emails,
    _phones,
    _nhs_numbers,
    _dates_of_birth,
    _postcodes,
    _named_people,
)


def find_personal_data(text: str) -> list[Finding]:
    """Likely personal data in text, sorted by position, without overlaps."""
    if not text:
        return []
    candidates: list[tuple[int, int, int, Finding]] = []
    for rank, detector in enumerate(_DETECTORS):
        for f in detector(text):
            candidates.append((f.start, -(f.end - f.start), rank, f))
    # Longest match first at each position, then detector rank; drop anything that
    # overlaps a finding already kept so one piece of text is reported once.
    kept: list[Finding] = []
    for _, _, _, f in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe(findings: Iterable[Finding]) -> str:
    """One plain-English sentence for an error message; "" when there is nothing."""
    seen: set[tuple[str, str]] = set()
    parts: list[str] = []
    for f in findings:
        if (f.kind, f.text) in seen:
            continue
        seen.add((f.kind, f.text))
        article = _ARTICLES.get(f.kind, "a")
        parts.append(f"{article} {f.label} (“{f.text}”)")
    if not parts:
        return ""
    pronoun = "it" if len(parts) == 1 else "them"
    return (
        f"This looks like it contains personal details: {_join(parts)}. "
        f"Remove {pronoun} before saving — describe the problem, not the family."
    )
