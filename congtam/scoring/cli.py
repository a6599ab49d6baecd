"""The what-if commands, as plain functions: ``evaluate`` and ``explain-check``.

Argument parsing lives here, not in Django, so that the commands are testable (and usable with
``python -m congtam.scoring``) without the web application. Each entry point takes an argv list
and returns an exit code: 0 success, 1 a problem in the data (nothing written), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from congtam.scoring.api import classify_cohort, load_policy
from congtam.scoring.cohort.parse import read_cohort
from congtam.scoring.cohort.problems import CohortError
from congtam.scoring.cohort.write import level_counts, write_results
from congtam.scoring.explain.recheck import recheck_cohort
from congtam.scoring.explain.render import render_text
from congtam.scoring.levels import Level
from congtam.scoring.messages import message
from congtam.scoring.methods import MethodInputError
from congtam.scoring.policy import PolicyError, load_preset, shipped_preset_ids

OK, DATA_ERROR, USAGE_ERROR = 0, 1, 2


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="list the shipped presets and their open parameters")
    parser.add_argument("--policy", help="preset id (nd335, nd90-vien-chuc, …) or path to a preset .json")
    parser.add_argument("--input", help="cohort: .xlsx, .json, or a folder of .csv files (one per sheet)")
    parser.add_argument("--output", help="results: .xlsx, .csv or .json (chosen by the extension)")
    parser.add_argument("--explain", metavar="STAFF_CODE", help="print this person's explanation as a tree")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of texts (default vi)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a preset parameter for a what-if (repeatable)",
    )


def add_explain_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", help="a results .json written by evaluate")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")


def _parse(prog: str, add: Any, argv: Sequence[str], stderr: TextIO) -> argparse.Namespace | int:
    parser = argparse.ArgumentParser(prog=prog)
    add(parser)
    original = sys.stderr
    sys.stderr = stderr  # argparse prints usage errors to sys.stderr
    try:
        return parser.parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    finally:
        sys.stderr = original


def evaluate_main(argv: Sequence[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    options = _parse("congtam evaluate", add_evaluate_arguments, argv, err)
    if isinstance(options, int):
        return options
    return run_evaluate(options, out, err)


def explain_check_main(argv: Sequence[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    options = _parse("congtam explain-check", add_explain_check_arguments, argv, err)
    if isinstance(options, int):
        return options
    return run_explain_check(options, out, err)


def _print(stream: TextIO, text: str) -> None:
    stream.write(text if text.endswith("\n") else text + "\n")


def list_presets(lang: str, out: TextIO) -> int:
    _print(out, message("cli_list_header", lang))
    for preset_id in shipped_preset_ids():
        policy = load_preset(preset_id)
        until = message("cli_list_until", lang, date=policy.valid_until) if policy.valid_until else ""
        _print(
            out,
            message(
                "cli_list_preset",
                lang,
                id=policy.id,
                version=policy.version,
                title=policy.title(lang),
                valid_from=policy.valid_from,
                until=until,
            ),
        )
        _print(out, message("cli_list_open", lang))
        for parameter in policy.open_parameters():
            value = str(parameter.value).lower() if isinstance(parameter.value, bool) else str(parameter.value)
            _print(
                out,
                message(
                    "cli_list_parameter",
                    lang,
                    name=parameter.name,
                    value=value,
                    description=parameter.description(lang),
                ),
            )
    return OK


def _overrides(texts: Sequence[str], lang: str, err: TextIO) -> list[tuple[str, str]] | None:
    pairs = []
    for text in texts:
        name, separator, value = text.partition("=")
        if not separator or not name.strip():
            _print(err, message("cli_bad_set", lang, value=text))
            return None
        pairs.append((name.strip(), value.strip()))
    return pairs


def run_evaluate(options: Any, out: TextIO, err: TextIO) -> int:
    lang = getattr(options, "lang", "vi") or "vi"
    if getattr(options, "list", False):
        return list_presets(lang, out)
    if not options.policy or not options.input:
        _print(err, message("cli_needs_input", lang))
        return USAGE_ERROR
    overrides = _overrides(options.overrides or [], lang, err)
    if overrides is None:
        return USAGE_ERROR
    try:
        policy = load_policy(options.policy, overrides)
    except PolicyError as error:
        _print(err, message("cli_errors_header", lang, count=len(error.problems)))
        _print(err, error.text(lang))
        return DATA_ERROR
    try:
        members = read_cohort(Path(options.input), policy)
        result = classify_cohort(members, policy)
    except CohortError as error:
        _print(err, message("cli_errors_header", lang, count=len(error.problems)))
        _print(err, error.text(lang))
        return DATA_ERROR
    except MethodInputError as error:
        _print(err, message("cli_errors_header", lang, count=1))
        _print(err, message(error.message_key, lang, **error.params))
        return DATA_ERROR
    if options.explain:
        try:
            outcome = result.outcome(options.explain.strip())
        except KeyError:
            _print(err, message("cli_unknown_staff", lang, code=options.explain))
            return DATA_ERROR
        _print(out, render_text(result.explanation(outcome), lang))
    if options.output:
        try:
            written = write_results(result, Path(options.output), lang)
        except CohortError as error:
            _print(err, error.text(lang))
            return DATA_ERROR
        for path in written:
            _print(out, message("cli_written", lang, path=str(path)))
    counts = level_counts(result)
    summary = ", ".join(f"{level.value} {counts[level]}" for level in Level)
    over = sum(1 for outcome in result.outcomes if outcome.over_quota)
    _print(
        out,
        message(
            "cli_summary",
            lang,
            total=len(result.outcomes),
            policy=policy.id,
            version=policy.version,
            counts=summary,
            over=over,
        ),
    )
    return OK


def run_explain_check(options: Any, out: TextIO, err: TextIO) -> int:
    lang = getattr(options, "lang", "vi") or "vi"
    path = Path(options.results)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
        trees = [record["explanation"] for record in records]
    except (OSError, ValueError, KeyError, TypeError) as error:
        _print(err, message("cli_check_bad_file", lang, path=str(path), error=str(error)))
        return DATA_ERROR
    check = recheck_cohort(trees)
    for record in records:
        # The summary fields must say what the explanation says.
        tree = record["explanation"]
        if record.get("level") != tree.get("level") or record.get("over_quota") != tree.get("over_quota"):
            check.problem(str(record.get("staff_code")), "summary fields differ from the explanation")
    if check.problems:
        _print(err, message("cli_check_failed", lang, count=len(check.problems)))
        for problem in check.problems:
            _print(err, f"  {problem}")
        return DATA_ERROR
    _print(out, message("cli_check_ok", lang, numbers=check.numbers, people=len(trees)))
    return OK


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m congtam.scoring evaluate …`` / ``… explain-check results.json``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] == "evaluate":
        return evaluate_main(arguments[1:])
    if arguments and arguments[0] in ("explain-check", "explain_check"):
        return explain_check_main(arguments[1:])
    _print(sys.stderr, "usage: python -m congtam.scoring {evaluate|explain-check} …")
    return USAGE_ERROR
