"""The command line's argument types: one bounded whole number for every count, number and
year, refused in German; and what the commands that send mail share: the dry run's first
message and the Ctrl+C handling."""

from __future__ import annotations

import argparse
import os
import signal

import pytest

from koordination.cli.common import bounded, first_message, number, stopped_by_ctrl_c, year


def refusal(parse: object, text: str) -> str:
    assert callable(parse)
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        parse(text)
    return str(refused.value)


def test_a_bounded_number_accepts_both_bounds_and_what_lies_between() -> None:
    days = bounded(0, 30)
    assert [days("0"), days("1"), days("29"), days("30"), days("007")] == [0, 1, 29, 30, 7]
    assert bounded(1, 6000)("6000") == 6000


@pytest.mark.parametrize(
    "text", ["31", "-1", "", "abc", "1.5", "1e1", " 5", "5 ", "+5", "²", "٣١", "9" * 5000]
)
def test_a_bounded_number_refuses_anything_else_in_german(text: str) -> None:
    assert refusal(bounded(0, 30), text) == f"„{text}“ ist keine Zahl von 0 bis 30"


def test_a_bounded_number_says_what_it_wanted_when_told() -> None:
    assert refusal(bounded(1, 5, "keine Note"), "6") == "„6“ ist keine Note"


def test_record_numbers_and_years_are_bounded_numbers_with_their_own_words() -> None:
    assert number("1") == 1
    assert number("9" * 18) == 10**18 - 1  # still fits a database integer
    assert refusal(number, "0") == "„0“ ist keine Nummer"
    assert refusal(number, "1" + "0" * 18) == f"„1{'0' * 18}“ ist keine Nummer"
    assert refusal(number, "0" * 18 + "1") == f"„{'0' * 18}1“ ist keine Nummer"
    assert (year("2000"), year("2100")) == (2000, 2100)
    assert refusal(year, "1999") == "„1999“ ist kein Jahr"
    assert refusal(year, "26") == "„26“ ist kein Jahr"


def test_a_dry_run_shows_the_first_message_with_its_subject_and_head_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    first_message("Jona Keller", "Stadtteilfest", "Hallo Jona,\n\nbis bald.\n")
    assert capsys.readouterr().out == (
        "\n--- Erste Nachricht (an Jona Keller) ---\nBetreff: Stadtteilfest\n\n"
        "Hallo Jona,\n\nbis bald.\n"
    )
    first_message("Jona Keller", "Protokoll", "Guten Tag,\n", "Anhang: protokoll.pdf")
    assert capsys.readouterr().out == (
        "\n--- Erste Nachricht (an Jona Keller) ---\nBetreff: Protokoll\n"
        "Anhang: protokoll.pdf\n\nGuten Tag,\n"
    )


def test_the_first_ctrl_c_asks_the_sending_to_stop_and_the_second_stops_at_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt), stopped_by_ctrl_c() as stop:
        assert not stop.is_set()
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.is_set()
        assert capsys.readouterr().err == (
            "\nDer Versand hält nach der laufenden Nachricht an (noch einmal Strg+C bricht "
            "sofort ab).\n"
        )
        os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before
    with stopped_by_ctrl_c() as stop:
        pass
    assert not stop.is_set()
    assert signal.getsignal(signal.SIGINT) is before
