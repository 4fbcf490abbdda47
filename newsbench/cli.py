"""The `newsbench` command: a thin layer over the Python API. Every command's --help ends with an example."""
from __future__ import annotations

import argparse
import contextlib
import json
import gc
import os
import sys
from pathlib import Path
from typing import Callable, Optional

from . import __version__
from .outputs import OutputError, owned_by_names

EXIT_INVALID = 1
EXIT_UNUSABLE = 2


class UsageError(Exception):
    """Bad input or arguments: reported as one line, exit 2, never a traceback."""


#: Problems printed per input file; the rest are counted, so a broken file cannot flood the terminal.
PROBLEMS_PER_FILE = 20


def _print_problems(problems, per_file: int = PROBLEMS_PER_FILE) -> None:
    shown: dict = {}
    for p in problems:
        key = getattr(p, "file", None)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= per_file:
            print(_stdin_named(str(p)), file=sys.stderr)
    for key, n in shown.items():
        if n > per_file:
            print(f"{key or 'input'}: {n - per_file} more problem(s) not shown (first {per_file} above)", file=sys.stderr)


def _command(sub, name: str, help: str, example: str, func: Callable) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help, description=help, epilog=f"example:\n  {example}",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(func=func)
    return p


# -- standard input ---------------------------------------------------------------------------------
#: The input arguments of each command that may be `-` (standard input).
STDIN_INPUTS = {"validate": ("paths",), "lint": ("paths",), "evaluate": ("predictions", "gold"),
                "compare": ("predictions", "gold"), "agreement": ("a", "b"), "review": ("reviews", "gold"),
                "build": ("sheets",), "import": ("input",), "export": ("input",)}
STDIN_NAME = "<stdin>"
_spooled: dict[str, str] = {}      # temporary path -> the name messages use


def _stdin_named(text: str) -> str:
    """A message with the temporary copy of standard input named as such."""
    for path, name in _spooled.items():
        text = text.replace(path, name)
    return text


@contextlib.contextmanager
def _stdin_inputs(args):
    """Every input argument given as `-` reads standard input: copied once into a temporary file, so
    every reader (several read twice: checksums, duplicate keys) sees an ordinary file. One input at
    most may be `-`. The copy is named `<stdin>` in messages and removed afterwards."""
    import shutil
    import tempfile

    names = [(attr, i) for attr in STDIN_INPUTS.get(args.command, ())
             for i, v in _indexed(getattr(args, attr, None)) if str(v) == "-"]
    if not names:
        yield
        return
    if len(names) > 1:
        raise UsageError("only one input can be standard input (-)")
    with tempfile.TemporaryDirectory(prefix="newsbench-stdin-") as tmp:
        head = sys.stdin.buffer.peek(64)[:64] if hasattr(sys.stdin.buffer, "peek") else b""
        suffix = ".yaml" if head.lstrip()[:1] not in (b"{", b"") else ".jsonl"
        path = Path(tmp) / f"stdin{suffix}"
        with open(path, "wb") as f:
            shutil.copyfileobj(sys.stdin.buffer, f)
        attr, i = names[0]
        value = getattr(args, attr)
        if isinstance(value, list):
            value[i] = type(value[i])(path)
        else:
            setattr(args, attr, type(value)(path))
        _spooled[str(path)] = STDIN_NAME
        try:
            yield
        finally:
            _spooled.pop(str(path), None)


def _indexed(value) -> list:
    if value is None:
        return []
    return list(enumerate(value)) if isinstance(value, list) else [(None, value)]


# -- validate -------------------------------------------------------------------------------------
def cmd_validate(args) -> int:
    from .validation import exit_code, validate

    problems = validate(*args.paths, kind=args.kind)
    code = exit_code(problems)
    if args.json:
        shown = [_stdin_named(str(p)) for p in args.paths]
        out = {"paths": shown, "kind": args.kind, "valid": code == 0, "exit_code": code,
               "problems": [{"file": _stdin_named(p.file), "line": p.line, "id": p.article_id, "path": p.path,
                             "reason": p.reason, "severity": "invalid" if p.severity == EXIT_INVALID else "unusable"}
                            for p in problems]}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return code
    _print_problems(problems)
    if code == 0 and not args.quiet:
        print(_stdin_named(f"ok: {', '.join(map(str, args.paths))} valid ({args.kind} schema)"))
    elif code:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
    return code


def cmd_lint(args) -> int:
    from .lint import RULES, lint

    if args.list:
        sys.stdout.write("".join(f"L{r.level}\t{r.id}\t{r.guideline}\n" for r in RULES))
        return 0
    if not args.paths:
        raise UsageError("name the files or folders to lint (e.g. corpus/0.4 or annotations/gold)")
    known = {r.id for r in RULES}
    unknown = [r for r in (args.rules or ()) if r not in known]
    if unknown:
        raise UsageError(f"unknown rule {unknown[0]!r}; `newsbench lint --list` lists them")
    findings, problems = lint(*args.paths, rules=args.rules)
    for message, _ in problems:
        print(_stdin_named(message), file=sys.stderr)
    if args.json:
        sys.stdout.write(_stdin_named(json.dumps([f.__dict__ for f in findings], indent=1, ensure_ascii=False) + "\n"))
    else:
        sys.stdout.write(_stdin_named("".join(f"{f}\n" for f in findings)))
    if problems:
        print(f"newsbench lint: {len(problems)} input(s) could not be linted", file=sys.stderr)
        return max(severity for _, severity in problems)
    if findings:
        print(f"{len(findings)} finding(s) in {len({(f.file, f.article_id) for f in findings})} article(s)",
              file=sys.stderr)
        return EXIT_INVALID
    if not args.quiet:
        print(_stdin_named(f"ok: {', '.join(map(str, args.paths))} follow the guidelines' checkable rules "
                           f"({len(known)} rules)"), file=sys.stderr)
    return 0


# -- annotation tools -----------------------------------------------------------------------------
def cmd_build(args) -> int:
    from .release import build_all, dumps_record

    from .outputs import refuse_inputs
    refuse_inputs(args.output, args.sheets)
    try:
        records = build_all(args.sheets, args.text_dir)
    except ValueError as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    if args.output:
        from .release import write_jsonl
        write_jsonl(args.output, records)
        print(f"wrote {len(records)} article(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write("".join(dumps_record(r) + "\n" for r in records))
    return 0


def cmd_anchor(args) -> int:
    from .anchoring import AnchorError, anchor, excerpt, whole_word_matches
    from .sheets import read_text_file

    path = Path(args.article)
    if not path.exists():
        path = Path(args.text_dir) / f"{args.article}.txt"
    if not path.exists():
        raise UsageError(f"{args.article}: no such text file (looked in {args.text_dir})")
    _, text = read_text_file(path)
    if args.context is not None or args.occurrence is not None:
        try:
            s, e = anchor(text, args.span, context=args.context, occurrence=args.occurrence)
        except AnchorError as err:
            print(f"{path}: {err}", file=sys.stderr)
            return EXIT_INVALID
        print(f"{s}\t{e}\t{excerpt(text, s, e)}")
        return 0
    starts = whole_word_matches(text, args.span)
    for k, s in enumerate(starts, 1):
        print(f"#{k}\t{s}\t{s + len(args.span)}\t{excerpt(text, s, s + len(args.span))}")
    if not starts:
        print(f"{path}: {args.span!r} not found as a whole word", file=sys.stderr)
        return EXIT_INVALID
    return 0


# -- corpus ---------------------------------------------------------------------------------------
def cmd_stats(args) -> int:
    from .loading import load, version_dir
    from .stats import corpus_stats, stats_markdown

    version = version_dir(args.version).name
    stats = corpus_stats(load(version=version))
    if args.json:
        print(json.dumps({"version": version, "splits": stats}, indent=2))
    else:
        print(f"newsbench corpus {version}\n")
        print(stats_markdown(stats))
    return 0


def cmd_release(args) -> int:
    from .release import release

    try:  # the card and croissant.json written after the release need them: fail before writing anything
        import jinja2  # noqa: F401
        import mlcroissant  # noqa: F401
    except ImportError as err:
        raise UsageError(f"newsbench release needs the maintainer tools: pip install 'newsbench[release]' "
                         f"({err.name or err} is missing)") from None

    sheets = sorted(Path(args.sheets).glob("*.yaml"))
    if not sheets:
        raise UsageError(f"{args.sheets}: no .yaml sheets")
    try:
        manifest = release(args.version, sheets, Path(args.corpus), args.changes, args.text_dir)
    except FileExistsError as err:
        raise UsageError(str(err)) from None
    except ValueError as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    counts = ", ".join(f"{k} {v['articles']}" for k, v in manifest["files"].items())
    print(f"released corpus {args.version}: {counts}")
    return cmd_card(args)


def cmd_card(args) -> int:
    """corpus/README.md (the dataset card) and corpus/croissant.json, both generated from the data."""
    from .outputs import write_text
    from .release import render_card

    corpus = Path(args.corpus)
    try:
        from .croissant import croissant_text
        wanted = [(corpus / "README.md", render_card(corpus, corpus / "card_template.md")),
                  (corpus / "croissant.json", croissant_text(corpus))]
    except ImportError as err:
        raise UsageError(f"newsbench card needs the maintainer tools: pip install 'newsbench[release]' "
                         f"({err.name or err} is missing)") from None
    except ValueError as err:
        raise UsageError(str(err)) from None
    if getattr(args, "check", False):
        stale = [t for t, text in wanted if (t.read_text(encoding="utf-8") if t.exists() else "") != text]
        for target in stale:
            print(f"{target} is out of date: run `newsbench card`", file=sys.stderr)
        if stale:
            return EXIT_INVALID
        print(" and ".join(str(t) for t, _ in wanted) + " are up to date")
        return 0
    for target, text in wanted:
        write_text(target, text)
        print(f"wrote {target}")
    return 0


def cmd_agreement(args) -> int:
    from .agreement import compare, markdown
    from .loading import read_articles
    from .outputs import refuse_inputs
    from .validation import exit_code, validate

    refuse_inputs(args.output, [args.a, args.b])
    problems = validate(args.a, args.b)
    if problems:
        _print_problems(problems)
        return exit_code(problems)
    a, b = read_articles(args.a), read_articles(args.b)
    if args.exclude:
        drop = set(args.exclude)
        unknown = sorted(drop - {x.id for x in a} - {x.id for x in b})
        if unknown:
            raise UsageError(f"--exclude {unknown[0]}: no such article in {args.a} or {args.b}")
        a, b = [x for x in a if x.id not in drop], [x for x in b if x.id not in drop]
        if not a or not b:
            raise UsageError("--exclude leaves no article to compare: agreement on nothing is not 1.0")
    try:
        rows = compare(a, b)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if args.diff:
        from .agreement import differences
        b_by_id = {x.id: x for x in b}
        out = "".join(f"{x.id}\t{line}\n" for x in a for line in differences(x, b_by_id[x.id]))
    elif args.json:
        out = json.dumps([r.__dict__ for r in rows], indent=2) + "\n"
    else:
        excl = "".join(f" --exclude {x}" for x in args.exclude or [])
        out = markdown(rows, len(a), f"newsbench agreement {args.a.name} {args.b.name}{excl}")
    from .outputs import write_text
    write_text(args.output or "-", out)
    return 0


def cmd_review(args) -> int:
    from .loading import read_articles
    from .outputs import write_text
    from .review import ReviewError, error_rates, markdown, read_review

    files = sorted(Path(args.reviews).glob("*.yaml")) if Path(args.reviews).is_dir() else [Path(args.reviews)]
    if not files or not files[0].exists():
        raise UsageError(f"{args.reviews}: no review files (*.yaml)")
    from .validation import exit_code, validate
    problems = validate(args.gold)
    if problems:
        _print_problems(problems)
        return exit_code(problems)
    gold_files = sorted(Path(args.gold).glob("*.jsonl")) if Path(args.gold).is_dir() else [Path(args.gold)]
    gold = {a.id: a.to_dict() for f in gold_files for a in read_articles(f)}
    try:
        reviews = [read_review(f) for f in files]
        rates = error_rates(reviews, gold)
    except ReviewError as err:
        print(f"newsbench review: {err}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        out = json.dumps([{**r.__dict__, "per_100": r.per_100, "interval": r.interval} for r in rates], indent=1) + "\n"
    else:
        out = markdown(rates, len(reviews), f"newsbench review {args.reviews} --gold {args.gold}")
    write_text(args.output or "-", out)
    return 0


def cmd_baseline(args) -> int:
    from .baselines import get_baseline
    from .loading import load, version_dir
    from .systems import PredictionError, run_system, write_predictions

    version = version_dir(args.version).name
    try:
        factory = get_baseline(args.name)
        system = factory(train=load("train", version=version), validation=load("validation", version=version),
                         model=args.model, seed=args.seed)
        preds = run_system(system, split=args.split, version=version, show_progress=args.progress or None)
    except (ValueError, PredictionError) as err:
        raise UsageError(str(err)) from None
    if args.output:
        write_predictions(preds, args.output)
        print(f"wrote {len(preds)} predictions of {args.name} on {version}/{args.split} to {args.output}",
              file=sys.stderr)
    else:
        from .release import dumps_record
        sys.stdout.write("".join(dumps_record(p) + "\n" for p in preds))
    return 0


def cmd_run(args) -> int:
    from .loading import load, read_articles, version_dir
    from .outputs import refuse_inputs
    from .systems import PredictionError, TargetError, load_target, make_system, run_system, write_predictions
    from .validation import exit_code, validate

    if args.input and args.split:
        raise UsageError("--input and --split: give one (--input runs on your own corpus-format file)")
    if args.batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, got {args.batch_size}")
    refuse_inputs(args.output, [args.input] if args.input else [])
    version = version_dir(args.version).name
    if args.input:
        problems = validate(args.input)
        if problems:
            _print_problems(problems)
            print(f"newsbench run: {args.input}: {len(problems)} problem(s); nothing run", file=sys.stderr)
            return exit_code(problems)
        articles, where = read_articles(args.input), str(args.input)
    else:
        split = args.split or "test"
        articles, where = load(split, version=version), f"{version}/{split}"
    try:
        system = make_system(load_target(args.target), version=version, model=args.model, seed=args.seed)
        preds = run_system(system, articles=articles, show_progress=args.progress or None, batch_size=args.batch_size)
    except (TargetError, PredictionError) as err:
        raise UsageError(str(err)) from None
    if args.output:
        write_predictions(preds, args.output)
        print(f"wrote {len(preds)} predictions of {args.target} on {where} to {args.output}", file=sys.stderr)
    else:
        from .release import dumps_record
        sys.stdout.write("".join(dumps_record(p) + "\n" for p in preds))
    return 0


def cmd_import(args) -> int:
    from .interop import InteropError
    from .outputs import refuse_inputs
    from .release import write_jsonl
    from .validation import exit_code, validate

    refuse_inputs(args.output, sorted(args.input.iterdir()) if args.input.is_dir() else [args.input])
    try:
        if args.format == "brat":
            from .interop.brat import import_brat, load_mapping
            records = import_brat(args.input, load_mapping(args.mapping))
        else:
            from .interop.labelstudio import import_labelstudio, load_mapping
            records = import_labelstudio(args.input, load_mapping(args.mapping))
    except InteropError as err:
        raise UsageError(str(err)) from None
    write_jsonl(args.output, records)
    from .interop import PLACEHOLDER_META
    for r in records:
        if (r.get("meta") or {}).get("source") == PLACEHOLDER_META["source"]:
            print(f"{args.output}: {r['id']}: $.meta: not given by the input; placeholders written "
                  f"(published {PLACEHOLDER_META['published']}, license {PLACEHOLDER_META['license']}): "
                  f"edit them before use", file=sys.stderr)
    problems = validate(args.output)
    _print_problems(problems)
    print(f"imported {len(records)} article(s) to {args.output}; "
          f"{len(problems) or 'no'} validation problem(s)", file=sys.stderr)
    return exit_code(problems)


def _articles_for_export(args):
    """(articles, exit code): a corpus-format --input is validated first, like any other input."""
    from .loading import load, load_all, read_articles, version_dir
    from .validation import exit_code, validate

    if args.input:
        problems = validate(args.input)
        _print_problems(problems)
        return (None, exit_code(problems)) if problems else (read_articles(args.input), 0)
    version = version_dir(args.version).name
    return (load_all(version) if args.split in (None, "all") else load(args.split, version=version)), 0


def _splits_for_hf(args, articles) -> dict:
    """`export hf` keeps the splits apart (a DatasetDict): the bundled corpus gives train, validation
    and test, or the one --split asked for; an --input file is one split, named by --split or `train`."""
    from .loading import SPLITS, load, version_dir

    if args.input:
        return {args.split if args.split not in (None, "all") else "train": articles}
    if args.split not in (None, "all"):
        return {args.split: articles}
    version = version_dir(args.version).name
    splits = {s: load(s, version=version) for s in SPLITS}
    return {s: arts for s, arts in splits.items() if arts}  # an empty split is left out, as in load_hf


def cmd_export(args) -> int:
    from .outputs import refuse_inputs, write_folder, write_text

    if args.format in ("conll", "spacy"):
        refuse_inputs(args.output, [args.input], option="output")
    from .labels import MENTION_LEVELS
    bad = [lv for lv in args.levels.split(",") if lv not in MENTION_LEVELS]
    if bad:
        raise UsageError(f"--levels {args.levels}: unknown level {bad[0]!r} (levels: {', '.join(MENTION_LEVELS)})")
    articles, code = _articles_for_export(args)
    if code:
        return code
    reports, levels, tok = [], args.levels.split(","), None
    if args.format != "brat":
        from .tokens import get_tokenizer
        try:
            tok = get_tokenizer(args.tokenizer)
        except ValueError as err:
            raise UsageError(str(err)) from None
    if args.format == "brat":
        from .interop.brat import export_brat, load_mapping
        export_brat([a.to_dict() for a in articles], args.output, load_mapping(args.mapping), overwrite=args.overwrite)
    elif args.format == "conll":
        from .interop.conll import to_conll
        text, reports = to_conll(articles, args.scheme, levels, doc_ids=args.doc_ids, tokenizer=tok)
        write_text(args.output, text, option="output")
    elif args.format == "hf":
        from .interop.conll import hf_token_dataset_dict
        dsd, reports = hf_token_dataset_dict(_splits_for_hf(args, articles), args.scheme, levels, tokenizer=tok)
        write_folder(args.output, lambda folder: dsd.save_to_disk(str(folder)), HF_OWNS, "hf",
                     overwrite=args.overwrite)
    else:
        from .interop.conll import spacy_docbin
        try:
            db, reports = spacy_docbin(articles, levels, args.scheme, tokenizer=tok)
        except ValueError as err:
            raise UsageError(str(err)) from None
        write_text(args.output, db.to_bytes(), option="output")
    for r in reports:
        print(f"span report: {r}", file=sys.stderr)
    print(f"exported {len(articles)} article(s) as {args.format} to {args.output}"
          + (f" (tokenizer: {tok.name})" if tok else "")
          + (f"; {len(reports)} span(s) reported above" if reports else ""), file=sys.stderr)
    return 0


# What `datasets.Dataset(Dict).save_to_disk` writes: the only files `export hf --overwrite` may replace.
HF_OWNS = owned_by_names(("dataset_dict.json", "dataset_info.json", "state.json"), ("data-*-of-*.arrow",))


# -- scoring --------------------------------------------------------------------------------------
def _csv(value: str) -> tuple:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _jobs(value: str) -> Optional[int]:
    """--jobs: a number of processes, or None for 'auto' (decided by `_jobs_for`)."""
    if value == "auto":
        return None
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {n}")
    return n


def _scoring_options(args) -> dict:
    return {"gold": args.gold, "split": args.split, "version": args.corpus_version, "tasks": args.tasks,
            "schemes": args.schemes, "levels": args.levels, "label_map": args.label_map,
            "argument_coref": args.argument_coref, "coref_singletons": args.coref_singletons,
            "coref_mentions": args.coref_mentions, "bootstrap": args.bootstrap, "seed": args.seed,
            "lenient": args.lenient, "progress": args.progress or sys.stderr.isatty(),
            "jobs": _jobs_for(args), "error_items": bool(getattr(args, "errors", None))}


def _jobs_for(args) -> int:
    """--jobs: as given, or for 'auto' one process per CPU -- but one with --errors, whose alignment
    a single process keeps in less memory than parts handing theirs over."""
    from .parts import available

    if args.jobs is not None:
        return args.jobs
    return 1 if getattr(args, "errors", None) else available()


def _report_problems(command: str, err) -> int:
    """Exit 1 when every problem is wrong data, 2 when some input could not be used at all: one rule
    for every command (`validate` says the same of the same file)."""
    _print_problems(err.problems)
    print(f"newsbench {command}: {len(err.problems)} problem(s); nothing scored", file=sys.stderr)
    return max((p.severity for p in err.problems), default=EXIT_UNUSABLE)


def _write_outputs(args, text: str, extra: Optional[tuple] = None) -> None:
    """Everything is rendered before anything is written; the files are written all or nothing.

    `extra` is (option, path, data) for a second file (--errors; its data may be chunks made as
    they are written, so a large error file is never whole in memory).
    """
    from .outputs import write_all

    write_all(([extra] if extra else []) + [("-o", args.output or "-", text)])
    if args.output and str(args.output) != "-":
        print(f"wrote {args.output}", file=sys.stderr)


def _same_file(a: Path, b: Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def cmd_evaluate(args) -> int:
    from .evaluate import EvaluationError, evaluate

    if args.errors and args.output and _same_file(args.errors, args.output):
        raise UsageError(f"--errors and -o both name {args.output}: give two different files")
    from .outputs import refuse_inputs
    for option, path in (("-o", args.output), ("--errors", args.errors)):
        refuse_inputs(path, [args.predictions, args.gold], option=option)
    try:
        report = evaluate(args.predictions, **_scoring_options(args))
    except EvaluationError as err:
        return _report_problems("evaluate", err)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if args.json:
        text = report.to_json(per_type=True)
    elif args.markdown:
        text = report.to_markdown(per_type=args.per_type)
    else:
        text = report.to_table(per_type=args.per_type)
    _write_outputs(args, text, ("--errors", args.errors, report.errors_jsonl_chunks()) if args.errors else None)
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


def cmd_compare(args) -> int:
    from .evaluate import EvaluationError, SignatureMismatch, compare

    if len(args.predictions) < 2:
        raise UsageError("compare needs two or more prediction files (the first is the baseline)")
    from .outputs import refuse_inputs
    refuse_inputs(args.output, [*args.predictions, args.gold])
    for option, value, what in (("--bootstrap", args.bootstrap, "paired bootstrap resamples"),
                                ("--trials", args.trials, "approximate randomization trials")):
        if value < 1:
            raise UsageError(f"{option} must be at least 1 for compare ({what}); got {value}")
    try:
        result = compare(args.predictions, trials=args.trials, allow_missing=args.allow_missing,
                         **_scoring_options(args))
    except EvaluationError as err:
        return _report_problems("compare", err)
    except (SignatureMismatch, ValueError) as err:
        raise UsageError(str(err)) from None
    text = result.to_json() if args.json else result.to_markdown() if args.markdown else result.to_table()
    _write_outputs(args, text)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


def _add_scoring_arguments(p: argparse.ArgumentParser) -> None:
    gold = p.add_argument_group("gold (default: the newest bundled corpus, test split)")
    gold.add_argument("--gold", type=Path, help="score against this corpus-format JSONL file instead")
    gold.add_argument("--version", dest="corpus_version", default=None, help="bundled corpus version")
    gold.add_argument("--split", default="test", choices=["train", "validation", "test"])
    what = p.add_argument_group("what is scored (all of it goes into the signature)")
    what.add_argument("--tasks", type=_csv, default=None,
                      help="comma-separated: entities,quotes,events,frames,coref (default: the layers predicted; "
                           "coref when some mention names its cluster)")
    what.add_argument("--schemes", type=_csv, default=("strict", "exact", "partial", "type"),
                      help="entity matching schemes (default: strict,exact,partial,type)")
    what.add_argument("--levels", type=_csv, default=("NAM",), help="entity mention levels, e.g. NAM,NOM (default NAM)")
    what.add_argument("--label-map", choices=["conll", "ace"], default=None,
                      help="score entity types mapped to CoNLL's four or ACE's seven (see docs/scoring.md)")
    what.add_argument("--argument-coref", action="store_true",
                      help="credit an event argument through any mention of the gold argument's entity")
    what.add_argument("--coref-singletons", choices=["keep", "drop"], default="keep",
                      help="coref: score single-mention clusters (keep, the default, as the CoNLL-2012 scorer does "
                           "with what it is given) or remove them from both sides first (drop)")
    what.add_argument("--coref-mentions", choices=["predicted", "gold"], default="predicted",
                      help="coref: score on the predicted mentions (default) or on the gold mentions (predicted "
                           "mentions not in the gold dropped, gold mentions not predicted added as singletons)")
    stats = p.add_argument_group("intervals")
    stats.add_argument("--bootstrap", type=int, default=1000,
                       help="bootstrap resamples (evaluate: 0 for no intervals; compare: at least 1)")
    stats.add_argument("--seed", type=int, default=12345)
    out = p.add_argument_group("output")
    fmt = out.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable output")
    fmt.add_argument("--markdown", action="store_true", help="Markdown tables, for papers")
    out.add_argument("-o", "--output", type=Path, help="write the output here (atomically) instead of stdout")
    out.add_argument("--lenient", action="store_true", help="skip predictions for ids not in the gold (with a warning)")
    out.add_argument("--progress", action="store_true", help="show progress on stderr even when it is not a terminal")
    out.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                     help="processes for a large gold file (16 MiB or more), read in N parts; 'auto' (default): "
                          "one per CPU, or 1 with --errors; 1: one process. The numbers are the same")


def cmd_leaderboard(args) -> int:
    from .leaderboard import run

    if args.submit:
        return _leaderboard_submit(args)
    systems = [x.strip() for x in args.systems.split(",") if x.strip()]
    try:
        paths = run(args.out, version=args.version, systems=systems, spacy_model=args.spacy_model,
                    bootstrap=args.bootstrap)
    except ValueError as err:
        raise UsageError(str(err)) from None
    for p in paths:
        print(f"wrote {p}", file=sys.stderr)
    print("the docs page docs/leaderboard.md renders these reports at build time", file=sys.stderr)
    return 0


def _leaderboard_submit(args) -> int:
    from .evaluate import EvaluationError
    from .leaderboard import submit

    predictions = {split: path for split, path in (("test", args.test), ("validation", args.validation)) if path}
    if not predictions:
        raise UsageError("--submit needs --test FILE and/or --validation FILE (the system's predictions)")
    if not args.description or not args.command:
        raise UsageError("--submit needs --description (one line: what the system is) and --command "
                         "(how to reproduce the predictions)")
    try:
        paths = submit(args.out, args.submit, args.description, predictions, args.command, version=args.version,
                       model=args.model, bootstrap=args.bootstrap)
    except EvaluationError as err:
        return _report_problems("leaderboard", err)
    except ValueError as err:
        raise UsageError(str(err)) from None
    for p in paths:
        print(f"wrote {p}", file=sys.stderr)
    print(f"open a pull request adding {' and '.join(str(p) for p in paths)} to docs/leaderboard/", file=sys.stderr)
    return 0


# -- language models (newsbench llm) --------------------------------------------------------------
def cmd_llm(args) -> int:
    from .llm.cache import default_cache_dir
    from .llm.client import FatalError, Retrying
    from .llm.prompts import PROMPT_TASKS, PromptError
    from .llm.runner import Decoding, predictions_text, run_llm
    from .loading import load, version_dir
    from .metrics import TASKS
    from .outputs import refuse_inputs

    tasks = _csv(args.tasks)
    unknown = [t for t in tasks if t not in PROMPT_TASKS]
    if unknown or not tasks:
        raise UsageError(f"--tasks: unknown task {(unknown or [''])[0]!r} (tasks: {', '.join(PROMPT_TASKS)})")
    unscored = [t for t in tasks if t not in TASKS]
    if unscored:
        raise UsageError(f"--tasks: this newsbench does not score {unscored[0]} yet (scored: {', '.join(TASKS)})")
    if not args.dry_run and not (args.base_url and args.output):
        raise UsageError("--base-url and -o are needed (or --dry-run to see the requests without sending them)")
    for option, value in (("--limit", args.limit), ("--shots", args.shots), ("--workers", args.workers),
                          ("--attempts", args.attempts), ("--max-tokens", args.max_tokens)):
        if value is not None and value < (0 if option in ("--shots",) else 1):
            raise UsageError(f"{option} must be at least {0 if option == '--shots' else 1}; got {value}")
    if args.retries < 0 or args.backoff < 0 or args.timeout <= 0:
        raise UsageError("--retries and --backoff must not be negative, and --timeout must be positive")
    if args.shots and args.split == "train":
        raise UsageError("k-shot examples come from the train split: score validation or test with --shots")
    versions = {}
    for item in _csv(args.prompt_version or ""):
        task, _, ver = item.partition("=")
        if not ver or task not in tasks:
            raise UsageError(f"--prompt-version {item!r}: give TASK=VERSION for a task of --tasks")
        versions[task] = ver
    refuse_inputs(args.output, [args.report])
    if args.report and args.output and _same_file(args.report, args.output):
        raise UsageError(f"--report and -o both name {args.output}: give two different files")
    version = version_dir(args.corpus_version).name
    articles = [a.to_dict() for a in load(args.split, version=version)][:args.limit]
    train = [a.to_dict() for a in load("train", version=version)] if args.shots else []
    api_key = os.environ.get(args.api_key_env) if args.api_key_env else None
    try:
        report = run_llm(args.model, tasks, articles, base_url=args.base_url, api_key=api_key, train=train,
                         shots=args.shots, prompt_versions=versions, joint=args.joint,
                         decoding=Decoding(args.temperature, args.top_p, args.max_tokens, args.seed),
                         workers=args.workers, cache_dir=None if args.no_cache else args.cache or default_cache_dir(), timeout=args.timeout,
                         retrying=Retrying(args.retries, args.backoff), attempts=args.attempts,
                         response_format=args.response_format, progress=args.progress or sys.stderr.isatty(),
                         dry_run=args.dry_run, about={"corpus": version, "split": args.split})
    except (FatalError, PromptError, ValueError) as err:
        raise UsageError(str(err)) from None
    if args.dry_run:
        d = report.header["dry_run"]
        print(f"dry run: {d['requests']} request(s), about {d['prompt_tokens_estimate']:,} prompt tokens "
              f"(characters / 4) and at most {d['max_completion_tokens']:,} completion tokens; nothing sent",
              file=sys.stderr)
        return 0
    lines = report.lines()
    for line in lines[:PROBLEMS_PER_FILE]:
        print(f"newsbench llm: {line}", file=sys.stderr)
    if len(lines) > PROBLEMS_PER_FILE:
        print(f"newsbench llm: {len(lines) - PROBLEMS_PER_FILE} more line(s) not shown"
              + (f" (all in {args.report})" if args.report else " (--report FILE lists them all)"), file=sys.stderr)
    print(f"newsbench llm: {report.summary()}", file=sys.stderr)
    if report.outcomes and all(o.failure and o.transient for o in report.outcomes):   # the server, not the model
        print("newsbench llm: no request got an answer; nothing written", file=sys.stderr)
        return EXIT_UNUSABLE
    from .outputs import write_all
    targets = [("-o", args.output, predictions_text(report))]
    if args.report:
        targets.append(("--report", args.report, json.dumps(report.to_dict(), indent=1, ensure_ascii=False) + "\n"))
    write_all(targets)
    print(f"wrote {len(report.records)} prediction(s) of {args.model} on {version}/{args.split} to {args.output}",
          file=sys.stderr)
    return 0


def _add_llm_parser(sub) -> None:
    p = _command(sub, "llm", "Run a language model behind an OpenAI-compatible endpoint over a split; write predictions.",
                 "newsbench llm --base-url http://127.0.0.1:8000/v1 --model qwen2.5-7b-instruct "
                 "--tasks entities,quotes --shots 2 -o qwen.test.jsonl && newsbench evaluate qwen.test.jsonl", cmd_llm)
    p.add_argument("--base-url", help="the server's OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--model", required=True, help="the model name the server knows (goes into the signature)")
    p.add_argument("--api-key-env", default="OPENAI_API_KEY", metavar="VAR",
                   help="environment variable holding the API key (default OPENAI_API_KEY; unset is fine locally)")
    p.add_argument("--tasks", default="entities,quotes,events,frames", help="comma-separated (default: all four layers)")
    p.add_argument("--split", default="test", choices=["train", "validation", "test"])
    p.add_argument("--version", dest="corpus_version", default=None, help="corpus version (default: newest)")
    p.add_argument("-o", "--output", type=Path, help="predictions JSONL (a header line, then one article per line)")
    p.add_argument("--report", type=Path, help="also write every failure and issue, and the counts, as JSON here")
    p.add_argument("--limit", type=int, default=None, help="only the first N articles of the split")
    g = p.add_argument_group("prompt")
    g.add_argument("--shots", type=int, default=0, help="k-shot examples from the train split (default 0)")
    g.add_argument("--prompt-version", metavar="TASK=V,...", help="a prompt version per task (default: the newest)")
    g.add_argument("--joint", action="store_true", help="all tasks in one request per article")
    g.add_argument("--response-format", default="auto", choices=["auto", "json_schema", "json_object", "none"],
                   help="auto (default): the answer's JSON Schema, plainer formats if the server refuses it")
    g = p.add_argument_group("decoding (all of it goes into the header and the signature)")
    g.add_argument("--temperature", type=float, default=0.0)
    g.add_argument("--top-p", type=float, default=1.0)
    g.add_argument("--max-tokens", type=int, default=4096)
    g.add_argument("--seed", type=int, default=None, help="sent to the server when given")
    g = p.add_argument_group("requests")
    g.add_argument("--workers", type=int, default=4, help="requests in flight at once (default 4)")
    g.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one answer (default 120)")
    g.add_argument("--retries", type=int, default=4, help="retries of a request on timeouts, 429 and 5xx (default 4)")
    g.add_argument("--backoff", type=float, default=1.0, help="first retry delay in seconds, doubled each time")
    g.add_argument("--attempts", type=int, default=3,
                   help="replies asked for when one is not usable JSON (default 3), then predicted empty")
    g.add_argument("--cache", type=Path, default=None,
                   help="response cache folder (default ~/.cache/newsbench/llm): reruns and resumed runs are free")
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    g.add_argument("--dry-run", action="store_true",
                   help="print each request as a JSON line with its token estimate; send nothing")
    g.add_argument("--progress", action="store_true", help="show the progress bar even when stderr is not a terminal")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbench", description="A news corpus annotated by language-model agents, and the harness that scores IE systems on it.",
        epilog="example:\n  newsbench validate corpus/\n\nRun `newsbench COMMAND --help` for each command.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"newsbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(sub, "validate", "Check corpus or prediction files: schema, offsets, references, labels, manifests.",
                 "newsbench validate corpus/            # every version, with manifest checksums\n"
                 "  newsbench baseline rules | newsbench validate --kind prediction -   # - reads standard input",
                 cmd_validate)
    p.add_argument("paths", nargs="+", help="JSONL files or folders (searched for *.jsonl)")
    p.add_argument("--kind", choices=["article", "prediction"], default="article",
                   help="which schema the lines follow (default: article)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when valid")
    p.add_argument("--json", action="store_true", help="the result and every problem as one JSON object on stdout "
                                                       "(same exit code)")

    p = _command(sub, "lint", "Check gold records or annotation sheets against the guidelines' checkable rules.",
                 "newsbench lint corpus/0.4      |   newsbench lint annotations/gold/nb-0042.yaml   |   newsbench lint --list",
                 cmd_lint)
    p.add_argument("paths", nargs="*", help="JSONL files, version folders, the corpus folder (its newest version), "
                                            "or annotation sheets / folders of sheets (.yaml, built in memory)")
    p.add_argument("--rules", type=_csv, help="only these rule ids (comma-separated)")
    p.add_argument("--list", action="store_true", help="list the rules with their level and guideline")
    p.add_argument("--json", action="store_true", help="findings as a JSON list")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when clean")

    p = _command(sub, "review", "Estimated gold error rate per layer from blind-review files, with Wilson confidence intervals.",
                 "newsbench review annotations/review --gold corpus/0.4 -o corpus/review/report.md", cmd_review)
    p.add_argument("reviews", help="a folder of review files (<id>.yaml) or one file")
    p.add_argument("--gold", required=True, help="the released gold: a version folder or a JSONL file")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", help="write here instead of stdout")

    p = _command(sub, "build", "Build corpus records from annotation sheets (anchors every span; no offsets by hand).",
                 "newsbench build annotations/gold/nb-0000.yaml -o /tmp/nb-0000.jsonl", cmd_build)
    p.add_argument("sheets", nargs="+", type=Path)
    p.add_argument("-o", "--output", type=Path, help="write JSONL here (default: stdout)")
    p.add_argument("--text-dir", type=Path, default=None, help="article texts (default: ../text beside the sheet)")

    p = _command(sub, "anchor", "Show where a span occurs in an article text, or its offsets given a context.",
                 "newsbench anchor nb-0000 \"Hassan\"   |   newsbench anchor nb-0000 met --context \"Hassan [met] Pakistan\"",
                 cmd_anchor)
    p.add_argument("article", help="an article id (looked up in --text-dir) or a text file path")
    p.add_argument("span", help="the exact span text")
    p.add_argument("--context", help="an excerpt containing the span, brackets marking it if it repeats")
    p.add_argument("--occurrence", type=int, help="1-based whole-word occurrence")
    p.add_argument("--text-dir", default="annotations/text")

    p = _command(sub, "stats", "Corpus statistics per split: tokens, mentions, quotes, events, frames.",
                 "newsbench stats --version 0.1 --json", cmd_stats)
    p.add_argument("--version", dest="version", default=None, help="corpus version (default: newest)")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = _command(sub, "release", "Cut a new corpus version from the gold sheets (refuses to touch a released one).",
                 "newsbench release 0.2 --changes \"40 original articles\"", cmd_release)
    p.add_argument("version")
    p.add_argument("--changes", required=True, help="one line for the manifest and the card's version table")
    p.add_argument("--sheets", default="annotations/gold")
    p.add_argument("--text-dir", type=Path, default=None)
    p.add_argument("--corpus", default="corpus")

    p = _command(sub, "evaluate", "Score a predictions JSONL against the gold: P/R/F1, bootstrap intervals and a signature.",
                 "newsbench evaluate preds.jsonl --tasks entities --levels NAM,NOM --per-type --errors errors.jsonl",
                 cmd_evaluate)
    p.add_argument("predictions", type=Path, help="JSONL, one article per line: id plus the predicted layers")
    _add_scoring_arguments(p)
    p.add_argument("--per-type", action="store_true", help="add per-type (per-kind, per-frame) tables")
    p.add_argument("--errors", type=Path, help="write the per-item alignment (missed, spurious, boundary, type) "
                                                "here as JSONL, for error analysis (not the same file as -o)")

    p = _command(sub, "compare", "Paired bootstrap and approximate randomization tests of systems against the first.",
                 "newsbench compare baseline.jsonl system.jsonl --tasks entities --trials 10000", cmd_compare)
    p.add_argument("predictions", type=Path, nargs="+", help="two or more prediction files; the first is the baseline")
    _add_scoring_arguments(p)
    p.add_argument("--allow-missing", action="store_true",
                   help="compare systems that lack predictions for some gold articles (they count as empty)")
    p.add_argument("--trials", type=int, default=10000,
                   help="approximate randomization trials (default 10000, at least 1)")

    p = _command(sub, "card", "Regenerate corpus/README.md (the Hugging Face dataset card) and corpus/croissant.json from the data.",
                 "newsbench card --check", cmd_card)
    p.add_argument("--corpus", default="corpus")
    p.add_argument("--check", action="store_true", help="exit 1 if the card is out of date instead of writing")
    p = _command(sub, "baseline", "Run a baseline system over a split and write predictions for `newsbench evaluate`.",
                 "newsbench baseline rules --split test -o rules.jsonl && newsbench evaluate rules.jsonl", cmd_baseline)
    p.add_argument("name", help="rules, tfidf-frames, majority-frames or spacy")
    p.add_argument("--split", default="test", choices=["train", "validation", "test"])
    p.add_argument("--version", default=None, help="corpus version (default: newest)")
    p.add_argument("-o", "--output", type=Path, help="predictions JSONL (default: stdout)")
    p.add_argument("--model", help="spacy: an installed pipeline name or path")
    p.add_argument("--seed", type=int, default=13, help="tfidf-frames: random seed")
    p.add_argument("--progress", action="store_true", help="show progress even when stderr is not a terminal")

    p = _command(sub, "run", "Run your system (a function, an object or an installed entry point) and write predictions.",
                 "newsbench run my_system.py:extract --split validation -o preds.jsonl && "
                 "newsbench evaluate preds.jsonl --split validation", cmd_run)
    p.add_argument("target", help="path/to/file.py:function, package.module:function, a module or file alone "
                                  "(its predict_batch/predict), or an installed system name (`newsbench.systems` "
                                  "entry points: rules, tfidf-frames, majority-frames, spacy, and yours)")
    p.add_argument("--split", default=None, choices=["train", "validation", "test"], help="bundled split (default: test)")
    p.add_argument("--version", default=None, help="corpus version (default: newest)")
    p.add_argument("--input", type=Path, help="run on this corpus-format JSONL instead (validated first)")
    p.add_argument("-o", "--output", type=Path, help="predictions JSONL (default: stdout)")
    p.add_argument("--model", help="passed to a system class as model= (e.g. spacy: a pipeline name or path)")
    p.add_argument("--seed", type=int, default=13, help="passed to a system class that takes seed=")
    p.add_argument("--batch-size", type=int, default=32, help="articles per predict_batch call (default 32)")
    p.add_argument("--progress", action="store_true", help="show progress even when stderr is not a terminal")

    p = _command(sub, "leaderboard", "Run and score every baseline on test and validation; write the reports the leaderboard page shows.",
                 "newsbench leaderboard --systems rules,majority-frames,tfidf-frames,spacy --spacy-model en_core_web_sm\n"
                 "  newsbench leaderboard --submit mine --test mine.test.jsonl --validation mine.validation.jsonl "
                 "--description \"...\" --command \"newsbench run mine.py:extract\"",
                 cmd_leaderboard)
    p.add_argument("--version", default=None, help="corpus version (default: newest)")
    p.add_argument("--systems", default="rules,majority-frames,tfidf-frames", help="comma-separated baselines")
    p.add_argument("--spacy-model", default=None, help="an installed spaCy pipeline, for the spacy baseline")
    p.add_argument("--bootstrap", type=int, default=1000)
    p.add_argument("--out", type=Path, default=Path("docs/leaderboard"))
    sub_ = p.add_argument_group("submit a row for your own system (instead of running the baselines)")
    sub_.add_argument("--submit", metavar="NAME", help="the row's name (lowercase); scores --test/--validation")
    sub_.add_argument("--test", type=Path, metavar="FILE", help="its predictions on the test split")
    sub_.add_argument("--validation", type=Path, metavar="FILE", help="its predictions on the validation split")
    sub_.add_argument("--description", help="one line: what the system is")
    sub_.add_argument("--command", help="the command that reproduces the predictions (newsbench run ...)")
    sub_.add_argument("--model", help="the model or checkpoint it used, if any")

    p = _command(sub, "import", "Convert brat standoff or a Label Studio JSON export into newsbench records, then validate.",
                 "newsbench import brat my_brat_dir/ -o articles.jsonl  |  newsbench import labelstudio export.json -o a.jsonl",
                 cmd_import)
    p.add_argument("format", choices=["brat", "labelstudio"])
    p.add_argument("input", type=Path, help="brat: a folder of .txt/.ann (and .meta.json); labelstudio: the JSON export")
    p.add_argument("-o", "--output", type=Path, required=True, help="newsbench JSONL to write")
    p.add_argument("--mapping", type=Path, help="label mapping YAML (default: the bundled one, see docs)")

    p = _command(sub, "export", "Write the corpus (or a corpus-format file) as brat, CoNLL BIO, a HF token dataset or spaCy DocBin.",
                 "newsbench export conll train.conll --split train --scheme conll", cmd_export)
    p.add_argument("format", choices=["brat", "conll", "hf", "spacy"])
    p.add_argument("output", type=Path, help="brat/hf: a folder; conll/spacy: a file")
    p.add_argument("--input", type=Path, help="a corpus-format JSONL instead of the bundled corpus")
    p.add_argument("--version", default=None)
    p.add_argument("--split", default=None, choices=["train", "validation", "test", "all"],
                   help="default: all splits; `hf` keeps them apart as a DatasetDict, the others concatenate them")
    p.add_argument("--scheme", default="ontonotes", choices=["ontonotes", "conll", "ace"], help="conll/hf/spacy label set")
    p.add_argument("--levels", default="NAM", help="mention levels to tag, comma-separated (default NAM)")
    p.add_argument("--tokenizer", default="auto", choices=["auto", "spacy", "newsbench"],
                   help="conll/hf/spacy tokens (default auto: spaCy's when installed, else newsbench's)")
    p.add_argument("--doc-ids", action=argparse.BooleanOptionalAction, default=True,
                   help="conll: a '# id = ...' line before each article (--no-doc-ids for `spacy convert -c ner`)")
    p.add_argument("--mapping", type=Path, help="brat: label mapping YAML")
    p.add_argument("--overwrite", action="store_true",
                   help="brat/hf: replace a non-empty folder, but only one that holds nothing but an earlier export")

    p = _command(sub, "agreement", "Inter-annotator agreement per layer between two annotations of the same articles.",
                 "newsbench agreement corpus/agreement/A.jsonl corpus/agreement/B.jsonl", cmd_agreement)
    p.add_argument("a", type=Path, help="annotator A's articles (corpus format)")
    p.add_argument("b", type=Path, help="annotator B's articles, same ids and texts")
    p.add_argument("--json", action="store_true")
    p.add_argument("--diff", action="store_true", help="list the items the two annotations differ on (for adjudication)")
    p.add_argument("--exclude", action="append", metavar="ID", help="leave an article out (repeatable)")
    p.add_argument("-o", "--output", type=Path, help="write here instead of stdout (atomically)")
    _add_llm_parser(sub)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_UNUSABLE
    from .interop import InteropError
    from .loading import CorpusError
    from .sheets import SheetError

    if args.func in (cmd_evaluate, cmd_compare):
        # a one-shot process that makes millions of acyclic objects: a cyclic collection pass over
        # a large gold only costs time (seconds at 20,000 articles), and the process ends anyway
        gc.disable()
    try:
        with _stdin_inputs(args):
            return args.func(args)
    except (UsageError, OutputError, CorpusError, SheetError, InteropError) as err:
        print(_stdin_named(f"newsbench {args.command}: {err}"), file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:   # the reader went away (`| head`): stop quietly, as cat does
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as err:
        where = f"{err.filename}: " if err.filename else "writing the output: " if err.errno else ""
        print(f"newsbench {args.command}: {where}{err.strerror or err}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
