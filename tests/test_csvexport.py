"""CSV exports: formula injection is neutralised and values read back as typed."""

import csv
import io

import pytest

from govflow.csvexport import csv_response, csv_text, safe_cell


@pytest.mark.parametrize(
    "value",
    ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"],
)
def test_cells_that_a_spreadsheet_would_run_start_with_a_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Denaby", "Denaby"), (None, ""), (42, "42"), (-5, "-5"), (True, "yes"),
     ("Siân O'Neill", "Siân O'Neill")],
)
def test_ordinary_values_are_unchanged(value, expected):
    assert safe_cell(value) == expected


def test_rows_read_back_with_the_csv_module():
    text = csv_text(["Name", "Note"], [["A, B", 'says "hi"\nthen =1'], ["=cmd", None]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Name", "Note"], ["A, B", 'says "hi"\nthen =1'], ["'=cmd", ""]]


def test_response_is_a_named_utf8_download(app):
    with app.test_request_context():
        response = csv_response("people", ["Email"], [["a@example.org"]])
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="people.csv"'
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeffEmail\r\n")
