"""The `newsbench` command: a thin layer over the Python API. Every command's --help ends with an example."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Optional

from . import __version__

EXIT_INVALID = 1
EXIT_UNUSABLE = 2


class UsageError(Exception):
    """Bad input or arguments: reported as one line, exit 2, never a traceback."""


def _command(sub, name: str, help: str, example: str, func: Callable) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help, description=help, epilog=f"example:\n  {example}",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(func=func)
    return p


# -- validate -------------------------------------------------------------------------------------
def cmd_validate(args) -> int:
    from .validation import exit_code, validate

    problems = validate(*args.paths, kind=args.kind)
    for p in problems:
        print(p, file=sys.stderr)
    code = exit_code(problems)
    if code == 0 and not args.quiet:
        print(f"ok: {', '.join(map(str, args.paths))} valid ({args.kind} schema)")
    elif code:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
    return code


# -- annotation tools -----------------------------------------------------------------------------
def cmd_build(args) -> int:
    from .release import build_all, dumps_record

    try:
        records = build_all(args.sheets, args.text_dir)
    except ValueError as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    out = "".join(dumps_record(r) + "\n" for r in records)
    if args.output:
        from .release import atomic_write
        atomic_write(args.output, out)
        print(f"wrote {len(records)} article(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out)
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
    if args.context or args.occurrence:
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
    from .release import atomic_write, render_card

    corpus = Path(args.corpus)
    text = render_card(corpus, corpus / "card_template.md")
    target = corpus / "README.md"
    if getattr(args, "check", False):
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run `newsbench card`", file=sys.stderr)
            return EXIT_INVALID
        print(f"{target} is up to date")
        return 0
    atomic_write(target, text)
    print(f"wrote {target}")
    return 0


def cmd_agreement(args) -> int:
    from .agreement import compare, markdown
    from .loading import read_articles
    from .validation import exit_code, validate

    problems = validate(args.a, args.b)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return exit_code(problems)
    a, b = read_articles(args.a), read_articles(args.b)
    try:
        rows = compare(a, b)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if args.json:
        out = json.dumps([r.__dict__ for r in rows], indent=2) + "\n"
    else:
        out = markdown(rows, len(a), f"newsbench agreement {args.a.name} {args.b.name}")
    if args.output:
        from .release import atomic_write
        atomic_write(args.output, out)
    else:
        sys.stdout.write(out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbench", description="A hand-annotated news corpus and the harness that scores IE systems on it.",
        epilog="example:\n  newsbench validate corpus/\n\nRun `newsbench COMMAND --help` for each command.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"newsbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(sub, "validate", "Check corpus or prediction files: schema, offsets, references, labels, manifests.",
                 "newsbench validate corpus/            # every version, with manifest checksums", cmd_validate)
    p.add_argument("paths", nargs="+", help="JSONL files or folders (searched for *.jsonl)")
    p.add_argument("--kind", choices=["article", "prediction"], default="article",
                   help="which schema the lines follow (default: article)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when valid")

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

    p = _command(sub, "card", "Regenerate corpus/README.md (the Hugging Face dataset card) from the data.",
                 "newsbench card --check", cmd_card)
    p.add_argument("--corpus", default="corpus")
    p.add_argument("--check", action="store_true", help="exit 1 if the card is out of date instead of writing")
    p = _command(sub, "agreement", "Inter-annotator agreement per layer between two annotations of the same articles.",
                 "newsbench agreement corpus/agreement/A.jsonl corpus/agreement/B.jsonl", cmd_agreement)
    p.add_argument("a", type=Path, help="annotator A's articles (corpus format)")
    p.add_argument("b", type=Path, help="annotator B's articles, same ids and texts")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", type=Path, help="write here instead of stdout (atomically)")
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_UNUSABLE
    from .loading import CorpusError
    from .sheets import SheetError

    try:
        return args.func(args)
    except (UsageError, CorpusError, SheetError) as err:
        print(f"newsbench {args.command}: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    except OSError as err:
        print(f"newsbench {args.command}: {err.filename or ''}: {err.strerror}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
