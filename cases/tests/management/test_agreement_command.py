"""The ``agreement`` management command (a contract: other people's scripts call it).

Run both in-process (``call_command``) and as a real ``python manage.py agreement`` subprocess.
The command reads a file and does arithmetic only, so no test here needs the database.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.review.agreement import agreement_report, read_alpha

REPO = Path(__file__).resolve().parents[3]

SECTION_C = """unit,ann,bob,cy,dee
u1,1,1,,1
u2,2,2,3,2
u3,3,3,3,3
u4,3,3,3,3
u5,2,2,2,2
u6,1,2,3,4
u7,4,4,4,4
u8,1,1,2,1
u9,2,2,2,2
u10,,5,5,5
u11,,,1,1
u12,,3,,
"""
SECTION_C_MATRIX = [
    ["1", "2", "3", "3", "2", "1", "4", "1", "2", None, None, None],
    ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", None, "3"],
    [None, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", None],
    ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", None],
]
TWO_CODERS = "unit,ann,bob\na,yes,yes\nb,no,yes\nc,no,no\nd,maybe,no\ne,yes,\n"


@pytest.fixture
def csv_file(tmp_path: Path):
    def write(text: str | bytes, name: str = "data.csv") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("agreement", *args, stdout=out)
    return out.getvalue()


def run_manage_py(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "agreement", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_output_is_the_engine_report(csv_file) -> None:
    path = csv_file(SECTION_C)
    printed = json.loads(run_command(str(path), "--level", "ordinal", "--json"))
    assert printed == agreement_report(SECTION_C_MATRIX, level="ordinal")
    assert printed["krippendorff_alpha"] == pytest.approx(0.815387503755, abs=1e-9)
    assert printed["n_units"] == 12 and printed["n_coders"] == 4
    assert printed["n_pairable_units"] == 11


def test_manage_py_prints_exactly_one_json_object(csv_file) -> None:
    path = csv_file(SECTION_C)
    result = run_manage_py(str(path), "--level", "interval", "--json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)  # fails if anything else is on stdout
    assert printed == agreement_report(SECTION_C_MATRIX, level="interval")
    assert printed["krippendorff_alpha"] == pytest.approx(0.849107142857, abs=1e-9)


def test_two_coders_get_cohen_scott_and_weighted_coefficients(csv_file) -> None:
    path = csv_file(TWO_CODERS)
    scale = "no,maybe,yes"
    printed = json.loads(
        run_command(str(path), "--categories", scale, "--weights", "linear", "--json")
    )
    expected = agreement_report(
        [["yes", "no", "no", "maybe", "yes"], ["yes", "yes", "no", "no", None]],
        categories=["no", "maybe", "yes"],
        weights="linear",
    )
    assert printed == expected
    assert printed["categories"] == ["no", "maybe", "yes"]
    for key in ("cohen_kappa", "scott_pi", "weighted_cohen_kappa", "gwet_ac2"):
        assert isinstance(printed[key], float)
    assert printed["percent_agreement"] == pytest.approx(2 / 4)


def test_bootstrap_adds_a_reproducible_interval_with_its_method(csv_file) -> None:
    path = csv_file(SECTION_C)
    args = (str(path), "--level", "ordinal", "--bootstrap", "2000", "--seed", "11", "--json")
    first, again = json.loads(run_command(*args)), json.loads(run_command(*args))
    assert first == again
    low, high = first["krippendorff_alpha_ci"]
    assert low < first["krippendorff_alpha"] < high
    assert first["krippendorff_alpha_ci_method"] == (
        "Hayes & Krippendorff (2007) bootstrap, 2000 draws of 60 pairs "
        "from the coincidence matrix, seed 11"
    )
    assert set(first["krippendorff_alpha_p_below"]) == {"0.800", "0.667"}


def test_bootstrap_adds_the_reading_of_alpha_which_weighs_units_interval_and_agreement(
    csv_file,
) -> None:
    path = csv_file(SECTION_C)
    args = (str(path), "--level", "ordinal", "--bootstrap", "2000", "--seed", "11")
    printed = json.loads(run_command(*args, "--json"))
    expected = read_alpha(
        printed["krippendorff_alpha"],
        n_units=11,
        interval=printed["krippendorff_alpha_ci"],
        percent_agreement=printed["percent_agreement"],
    )
    assert printed["krippendorff_alpha_reading"] == {
        "label": expected.label,
        "notes": list(expected.notes),
    }
    assert f"reading of alpha          {expected.label}" in run_command(*args)
    # Without the interval there is no reading: it could not be checked.
    assert "krippendorff_alpha_reading" not in json.loads(run_command(str(path), "--json"))


def test_the_reading_of_a_few_units_is_not_conclusive(csv_file) -> None:
    path = csv_file("unit,a,b\nu1,1,1\nu2,2,2\nu3,1,1\nu4,2,2\n")
    printed = json.loads(run_command(str(path), "--bootstrap", "1000", "--seed", "1", "--json"))
    assert printed["krippendorff_alpha"] == 1.0
    reading = printed["krippendorff_alpha_reading"]
    assert reading["label"] == "not conclusive"
    assert reading["notes"][0] == "too few units (n = 4)"


def test_undefined_coefficients_are_null_with_a_reason(csv_file) -> None:
    path = csv_file("unit,a,b\nu1,2,2\nu2,2,2\nu3,2,\n")
    printed = json.loads(run_command(str(path), "--json"))
    assert printed["krippendorff_alpha"] is None
    assert printed["undefined"]["krippendorff_alpha"] == "no variation: every value is 2"
    assert printed["percent_agreement"] == 1.0


def test_without_json_a_readable_table_is_printed(csv_file) -> None:
    path = csv_file(SECTION_C)
    text = run_command(str(path), "--level", "ordinal")
    assert "12 units, 4 coders, 11 pairable units" in text
    assert "Krippendorff's alpha      0.8154" in text
    assert not text.lstrip().startswith("{")


BAD_FILES = {
    "ragged row": (
        "unit,a,b,c\nu1,1,2,3\nu2,1,2\n",
        "line 3: expected 4 cells (unit + 3 coders), found 3",
    ),
    "single coder": ("unit,a\nu1,1\n", "line 1: agreement needs at least two coders"),
    "no units": ("unit,a,b\n", "line 2: no units"),
    "duplicate coder": ("unit,a,b,a\nu1,1,2,3\n", "line 1: coder 'a' is named twice"),
    "empty file": ("", "line 1: the file is empty"),
    "bad header": ("item,a,b\nu1,1,2\n", "line 1: the header must be 'unit'"),
    "duplicate unit": ("unit,a,b\nu1,1,2\nu2,1,1\nu1,2,2\n", "line 4: unit 'u1' is listed twice"),
    "empty unit name": ("unit,a,b\nu1,1,2\n,1,1\n", "line 3: the unit cell is empty"),
    "bad encoding": (b"unit,a,b\nu1,1,2\nu2,\xff,1\n", "line 3: not UTF-8 text"),
}


@pytest.mark.parametrize("content, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_csv_is_refused_with_the_line_named(csv_file, content, message) -> None:
    path = csv_file(content)
    with pytest.raises(CommandError) as excinfo:
        run_command(str(path), "--json")
    assert message in str(excinfo.value)


def test_text_at_interval_level_is_refused_with_the_line_named(csv_file) -> None:
    path = csv_file("unit,a,b\nu1,1,2\nu2,high,2\n")
    with pytest.raises(CommandError, match="line 3: coder 'a' gave 'high', which is not a number"):
        run_command(str(path), "--level", "interval", "--json")


def test_a_value_outside_the_categories_is_refused_with_the_line_named(csv_file) -> None:
    path = csv_file("unit,a,b\nu1,1,2\nu2,1,2\nu3,7,2\n")
    with pytest.raises(CommandError, match=r"line 4: coder 'a' gave '7', which is not in"):
        run_command(str(path), "--categories", "1,2,3", "--json")


def test_too_few_bootstrap_draws_are_refused(csv_file) -> None:
    with pytest.raises(CommandError, match="at least 1000 draws"):
        run_command(str(csv_file(SECTION_C)), "--bootstrap", "10", "--json")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        run_command(str(tmp_path / "nope.csv"), "--json")


@pytest.mark.parametrize(
    "content, message",
    [BAD_FILES["ragged row"], BAD_FILES["bad encoding"]],
    ids=["ragged row", "bad encoding"],
)
def test_manage_py_exits_non_zero_on_a_bad_csv_and_names_the_line(
    csv_file, content, message
) -> None:
    result = run_manage_py(str(csv_file(content)), "--json")
    assert result.returncode != 0
    assert message in result.stderr
    assert result.stdout == ""
