"""Likely personal data in free text: each kind, the negatives, offsets and wording."""

import pytest

from govflow.personal_data import (
    Finding,
    describe,
    find_personal_data,
    nhs_check_digit_ok,
)

SYSTEM_PARAGRAPH = (
    "Practitioners in Denaby cannot book the family hub rooms after 4pm because the "
    "council booking system only allows staff with a DMBC login. This affects the weekly "
    "conversation club at the café on Doncaster Road. Raised at the Early Help strategy "
    "group on 12/03/2026; costs about £1,200 a year."
)


def found(text, kind=None):
    return [f.text for f in find_personal_data(text) if kind is None or f.kind == kind]


def kinds(text):
    return [f.kind for f in find_personal_data(text)]


# --- offsets and shape ---------------------------------------------------------------


def test_offsets_slice_back_to_matched_text_and_are_sorted():
    text = (
        "Mrs Smith (DOB 03/03/2015) at DN12 4AB, NHS 943 476 5919, "
        "call 07700 900123 or email jo.bloggs@example.org."
    )
    findings = find_personal_data(text)
    assert [f.kind for f in findings] == [
        "named_person",
        "date_of_birth",
        "postcode",
        "nhs_number",
        "phone",
        "email",
    ]
    for f in findings:
        assert isinstance(f, Finding)
        assert text[f.start : f.end] == f.text
    assert [f.start for f in findings] == sorted(f.start for f in findings)


def test_findings_are_frozen_and_text_unchanged():
    text = "child Jayden"
    f = find_personal_data(text)[0]
    with pytest.raises(AttributeError):
        f.text = "x"
    assert text == "child Jayden"
    assert f.label == "person's name"


def test_empty_text():
    assert find_personal_data("") == []
    assert describe([]) == ""


# --- NHS numbers ---------------------------------------------------------------------


def test_nhs_check_digit():
    assert nhs_check_digit_ok("9434765919")
    assert not nhs_check_digit_ok("9434765918")
    assert not nhs_check_digit_ok("943476591")
    assert not nhs_check_digit_ok("94347659AB")


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919"])
def test_valid_nhs_number_flagged(number):
    assert found(f"NHS number {number} on the referral", "nhs_number") == [number]


def test_invalid_check_digit_not_flagged():
    assert found("Reference 943 476 5918 in the system") == []
    assert found("Reference 9434765910") == []


def test_check_digit_ten_is_never_valid():
    # Find a 9-digit stem whose check would be 10 and confirm no final digit passes.
    stem = next(
        s
        for s in (f"{n:09d}" for n in range(400000000, 400001000))
        if 11 - sum(int(d) * w for d, w in zip(s, range(10, 1, -1), strict=True)) % 11 == 10
    )
    assert not any(nhs_check_digit_ok(stem + str(d)) for d in range(10))


def test_check_digit_eleven_becomes_zero():
    stem = next(
        s
        for s in (f"{n:09d}" for n in range(400000000, 400001000))
        if sum(int(d) * w for d, w in zip(s, range(10, 1, -1), strict=True)) % 11 == 0
    )
    assert nhs_check_digit_ok(stem + "0")
    assert found(f"number {stem}0", "nhs_number") == [stem + "0"]


def test_longer_digit_runs_not_nhs_numbers():
    assert found("Ticket 19434765919 and 94347659190") == []


# --- dates of birth (and names, flagged by the same test) ----------------------------


# Each kind, each text, and what is flagged in it: the date of birth, the person named.
FLAGGED = {
    "date_of_birth": [
        ("DOB: 03/03/2015", "03/03/2015"),
        ("D.O.B. 3-3-15", "3-3-15"),
        ("dob 12.11.2016", "12.11.2016"),
        ("date of birth 3rd March 2015", "3rd March 2015"),
        ("Date of birth: 3 March 2015", "3 March 2015"),
        ("born on March 3, 2015", "March 3, 2015"),
        ("aged 7, born in Leeds on 3 March 2015", "3 March 2015"),
        ("her birthday is 3rd of March.", "3rd of March"),
        ("born 3 Mar. 2015", "3 Mar. 2015"),
    ],
    "named_person": [
        ("spoke to Mrs Smith about it", "Mrs Smith"),
        ("Mr J. Smith called", "Mr J. Smith"),
        ("Mr. O'Brien-Jones called", "Mr. O'Brien-Jones"),
        ("Dr McDonald at the practice", "Dr McDonald"),
        ("Mx Taylor said", "Mx Taylor"),
        ("the school of child Jayden", "child Jayden"),
        ("Child Jayden missed the bus.", "Child Jayden"),
        ("young person Amelia Jones attended", "young person Amelia Jones"),
        ("the boy Tyler was late", "the boy Tyler"),
        ("The girl Ava was late", "The girl Ava"),
        ("baby Noah was weighed", "baby Noah"),
        ("her son Leo and", "son Leo"),
        ("daughter Mia goes", "daughter Mia"),
        ("mum Sarah asked", "mum Sarah"),
        ("dad Craig asked", "dad Craig"),
        ("child Jayden's school", "child Jayden"),
    ],
}


@pytest.mark.parametrize(("kind", "text", "flagged"), [
    (kind, text, flagged) for kind, cases in FLAGGED.items() for text, flagged in cases])
def test_flagged_with_what_was_found(kind, text, flagged):
    assert found(text, kind) == [flagged]


def test_bare_dates_not_flagged():
    assert found("meeting on 12/03/2026") == []
    assert found("The panel meets on 3 March 2026 and again on March 17, 2026.") == []
    # The cue does not reach across a sentence.
    assert found("We never record date of birth. The review is on 12/03/2026.") == []
    # Nor across too many words.
    assert found("born in Bradford and moved around a lot, seen on 12/03/2026") == []


def test_dob_cue_inside_words_ignored():
    assert found("Stubborn problem since 12/03/2026; newborn checks from 1 May 2026") == []


# --- postcodes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    ["DN12 4AB", "S1 2HE", "M1 1AE", "EC1A 1BB", "W1A 1AA", "dn124ab", "s1 2he", "DN124AB"],
)
def test_postcodes_flagged(postcode):
    assert found(f"lives near {postcode} now", "postcode") == [postcode]


def test_postcode_like_words_not_flagged():
    assert found("DN12 area, Year 7 pupils, KS2, the A1(M), COVID-19, Y1 1st term") == []
    assert found("Q3 2026 and section 17, s47 enquiries") == []


# --- phone numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "+44 7700 900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "0114 496 0999",
        "(01302) 123456",
        "01302 123456",
        "020 7946 0000",
        "0800 123 4567",
        "0800 123456",
        "0300 123 4567",
    ],
)
def test_phones_flagged(phone):
    assert found(f"call {phone} after 4pm", "phone") == [phone]


def test_years_and_money_not_phones():
    text = "In 2026 it cost £1,200 (£12,500 over 10 years), 0.5 FTE, 24/7, 01/04/2026."
    assert found(text) == []
    assert found("Call 111 or 999 out of hours.") == []


# --- email addresses -----------------------------------------------------------------


def test_email_flagged():
    assert found("email jo.bloggs+hub@doncaster.gov.uk today", "email") == [
        "jo.bloggs+hub@doncaster.gov.uk"
    ]
    assert found("not an email: @handle or a@b") == []


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "child protection plans are reviewed",
        "Child Protection conference slots",
        "a child in need meeting",
        "Child In Need plans",
        "the child's school",
        "We wrote to the Mr",
        "We wrote to the Mr.",
        "Reply to Mr\nSmith is pending",  # name on the next line: not the same phrase
        "the Child Development Centre waiting list",
        "Child and Adolescent Mental Health Services",
        "the Baby Bank in Mexborough",
        "Dad Matters sessions",
        "young person The service",
        "child March intake",
        "MS Teams calls drop",
        "Ask the Young Person's Advisory Group",
    ],
)
def test_named_person_negatives(text):
    assert found(text, "named_person") == []


# --- realistic system text -----------------------------------------------------------


def test_system_level_paragraph_has_no_findings():
    assert find_personal_data(SYSTEM_PARAGRAPH) == []


def test_more_system_text_has_no_findings():
    text = (
        "Health visitors cannot see the school nurse record because the child health "
        "system and the education case management system are not linked. Since "
        "January 2026 about 30 referrals a month are re-keyed by hand (roughly 15 hours "
        "a week). The Child Protection and Child in Need teams use a different form. "
        "Discussed at the Gold tier board on 4 February 2026, minute 7.3."
    )
    assert find_personal_data(text) == []


# --- describe ------------------------------------------------------------------------


def test_describe_two_findings():
    findings = find_personal_data("NHS 943 476 5919, mobile 07700 900123")
    assert describe(findings) == (
        "This looks like it contains personal details: an NHS number (“943 476 5919”) "
        "and a phone number (“07700 900123”). Remove them before saving — describe the "
        "problem, not the family."
    )


def test_describe_one_finding():
    assert describe(find_personal_data("Mrs Smith phoned")) == (
        "This looks like it contains personal details: a person's name (“Mrs Smith”). "
        "Remove it before saving — describe the problem, not the family."
    )


def test_describe_three_and_duplicates():
    text = "jo@example.org, DN12 4AB, jo@example.org, DOB 3/3/2015"
    message = describe(find_personal_data(text))
    assert message.startswith(
        "This looks like it contains personal details: an email address (“jo@example.org”), "
        "a postcode (“DN12 4AB”) and a date of birth (“3/3/2015”). Remove them"
    )
    assert message.count("jo@example.org") == 1


def test_overlapping_matches_reported_once():
    # 0130212342 is both a 10-digit landline shape and a valid NHS check digit: it is
    # reported once, as the more likely phone number.
    assert nhs_check_digit_ok("0130212342")
    text = "ring 0130212342"
    assert kinds(text) == ["phone"]
    assert found(text) == ["0130212342"]
