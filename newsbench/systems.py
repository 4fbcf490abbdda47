"""Plug your own system in: a function from an article to its predictions, or an object with `predict`
(and, optionally, `predict_batch`).

    import newsbench

    def my_system(article):                  # newsbench.Article -> prediction dict
        return {"entities": {"mentions": [{"text": "Pakistan", "type": "GPE"}]}}

    preds = newsbench.run_system(my_system, split="validation")
    newsbench.write_predictions(preds, "preds.jsonl")   # then: newsbench evaluate preds.jsonl --split validation

or from the command line: `newsbench run my_system.py:my_system --split validation -o preds.jsonl`.

The prediction dict follows schema/prediction.schema.json: any subset of the layers, spans by
offsets or by text alone (the scorer anchors text-only spans by its documented rule). `run_system`
adds the article id, shows progress on a terminal and checks every prediction against the schema,
so a broken system fails on its first bad article, not at scoring time.

An object may also have `predict_batch(articles) -> list[dict]` (one prediction per article, in
order): `run_system` then hands it the articles `batch_size` at a time, which is what spaCy's
`nlp.pipe` and batched model calls need.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Protocol, Union

from .record import Article

#: The entry-point group under which installed packages offer systems to `newsbench run NAME`.
ENTRY_POINT_GROUP = "newsbench.systems"


class System(Protocol):
    def predict(self, article: Article) -> dict: ...


SystemLike = Union[System, Callable[[Article], dict]]


class PredictionError(ValueError):
    """A system returned something that is not a valid prediction, or raised."""


class TargetError(ValueError):
    """A `newsbench run` TARGET that names no usable system."""


def _as_callable(system: SystemLike) -> Callable[[Article], dict]:
    predict = getattr(system, "predict", None)
    if callable(predict):
        return predict
    if callable(system) and not inspect.isclass(system) and not inspect.ismodule(system):
        return system
    raise TypeError("a system is a function article -> dict, or an object with predict(article) -> dict "
                    "and/or predict_batch(articles) -> list[dict]")


def _batch_hook(system: SystemLike) -> Optional[Callable[[list[Article]], Iterable[dict]]]:
    hook = getattr(system, "predict_batch", None)
    return hook if callable(hook) else None


def progress(items: list, label: str, stream=None, enabled: Optional[bool] = None,
             count: Optional[Callable[[Any], int]] = None) -> Iterable:
    """Yield items, printing 'label: k/n' to stderr when it is a terminal (or when enabled);
    `count` says how many units an item is (a batch of articles), 1 each by default."""
    stream = stream or sys.stderr
    enabled = stream.isatty() if enabled is None else enabled
    size = count or (lambda _: 1)
    n, done = sum(map(size, items)), 0
    for k, item in enumerate(items, 1):
        yield item
        done += size(item)
        if enabled:
            stream.write(f"\r{label}: {done}/{n}")
            if k == len(items):
                stream.write("\n")
            stream.flush()


def _where(err: BaseException) -> str:
    """' (file:line)' of the innermost frame, so a failing system is found without a traceback."""
    frames = traceback.extract_tb(err.__traceback__)
    return f" ({frames[-1].filename}:{frames[-1].lineno})" if frames else ""


def _checked(article: Article, pred: Any) -> dict:
    from .validation import schema_problems

    if not isinstance(pred, dict):
        raise PredictionError(f"{article.id}: the system returned {type(pred).__name__}, not a dict")
    pred = {"id": article.id, **{k: v for k, v in pred.items() if k != "id"}}
    problems = list(schema_problems(pred, "prediction"))
    if problems:
        path, reason = problems[0]
        raise PredictionError(f"{article.id}: {path}: {reason}")
    return pred


def _batches(items: list, size: int) -> Iterable[list]:
    for k in range(0, len(items), size):
        yield items[k:k + size]


def blind(article: Article) -> Article:
    """The article as a system may see it: id, text and meta, without the gold layers."""
    return Article(article.id, article.text, article.meta)


def run_system(system: SystemLike, split: str = "test", version: Optional[str] = None,
               articles: Optional[list[Article]] = None, show_progress: Optional[bool] = None,
               batch_size: int = 32, with_gold: bool = False) -> list[dict]:
    """Predictions of `system` on every article of a split (or on `articles`), schema-checked, in order.

    The system sees each article without its gold layers (`blind`), so nothing it does with the
    object (a prompt built from `to_dict()`, say) can leak the answers; `with_gold=True` hands over
    the full articles, for oracle experiments. A system with `predict_batch` gets the articles
    `batch_size` at a time; otherwise `predict` (or the function itself) gets them one by one. An
    exception raised by the system becomes a PredictionError naming the article and the line that raised."""
    from .loading import load

    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, got {batch_size}")
    batch = _batch_hook(system)
    predict = None if batch else _as_callable(system)
    arts = articles if articles is not None else load(split, version=version)
    if not with_gold:
        arts = [blind(a) for a in arts]
    out: list[dict] = []
    for chunk in progress(list(_batches(arts, batch_size if batch else 1)), "predicting", enabled=show_progress,
                          count=len):
        try:
            preds = list(batch(chunk)) if batch else [predict(chunk[0])]
        except Exception as err:   # the system's own bug: say where, keep the cause chained
            ids = chunk[0].id if len(chunk) == 1 else f"{chunk[0].id}..{chunk[-1].id}"
            raise PredictionError(f"{ids}: the system raised {type(err).__name__}: {err}{_where(err)}") from err
        if len(preds) != len(chunk):
            raise PredictionError(f"{chunk[0].id}..{chunk[-1].id}: predict_batch returned {len(preds)} "
                                  f"prediction(s) for {len(chunk)} article(s)")
        out += [_checked(a, p) for a, p in zip(chunk, preds)]
    return out


# -- naming a system on the command line ------------------------------------------------------------
def _import_file(path: Path):
    """Import a .py file as a module, its folder first on sys.path (as `python path/to/file.py` would)."""
    if not path.is_file():
        raise TargetError(f"{path}: no such file")
    name = path.stem if path.stem.isidentifier() and path.stem not in sys.modules else f"_newsbench_target_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise TargetError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        del sys.modules[name]
        raise TargetError(f"{path}: importing it raised {type(err).__name__}: {err}{_where(err)}") from err
    return module


class _NoSuchModule(TargetError):
    """The module a TARGET names does not exist (as opposed to existing and failing to import)."""


def _import_module(name: str):
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.append(cwd)     # a module beside you is found, after the installed ones
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name and (name == err.name or name.startswith(err.name + ".")):   # the target itself, not one of its imports
            raise _NoSuchModule(f"no module named {name!r} (a file is named path/to/file.py)") from None
        raise TargetError(f"{name}: importing it raised ModuleNotFoundError: {err}{_where(err)}") from err
    except Exception as err:
        raise TargetError(f"{name}: importing it raised {type(err).__name__}: {err}{_where(err)}") from err


def entry_points() -> dict:
    """The installed systems: entry-point name -> importlib.metadata.EntryPoint."""
    from importlib.metadata import entry_points as eps
    return {ep.name: ep for ep in eps(group=ENTRY_POINT_GROUP)}


def load_target(target: str) -> Any:
    """The object a TARGET names: `path/to/file.py:attr`, `package.module:attr`, a module or file alone
    (the module is the system: its `predict_batch` or `predict`), or the name of an entry point in
    the `newsbench.systems` group. `attr` may be dotted (`module:Class.method`)."""
    where, _, attr = target.rpartition(":") if ":" in target else (target, "", "")
    if not where:
        raise TargetError(f"{target!r}: nothing before ':' (TARGET is file.py:function or package.module:function)")
    if attr and not all(part.isidentifier() for part in attr.split(".")):
        raise TargetError(f"{target!r}: {attr!r} is not a Python name")
    if where.endswith(".py") or os.sep in where or "/" in where:
        obj = _import_file(Path(where))
    elif not attr and where in (found := entry_points()):
        try:
            return found[where].load()
        except Exception as err:
            raise TargetError(f"entry point {where!r} ({found[where].value}): loading it raised "
                              f"{type(err).__name__}: {err}{_where(err)}") from err
    else:
        if not all(part.isidentifier() for part in where.split(".")):
            raise TargetError(f"{target!r}: not a file.py, a module name or an installed system "
                              f"(installed: {', '.join(sorted(entry_points())) or 'none'})")
        try:
            obj = _import_module(where)
        except _NoSuchModule:
            if attr or "." in where:
                raise
            raise TargetError(f"{where!r}: no such module or installed system "
                              f"(installed: {', '.join(sorted(entry_points())) or 'none'})") from None
    for part in attr.split(".") if attr else ():
        if not hasattr(obj, part):
            raise TargetError(f"{target}: {where} has no attribute {part!r}")
        obj = getattr(obj, part)
    return obj


#: What a system class may ask for in its constructor; `make_system` passes those it accepts.
FACTORY_OPTIONS = ("train", "validation", "model", "seed")


def make_system(obj: Any, version: Optional[str] = None, model: Optional[str] = None, seed: int = 13) -> SystemLike:
    """A system from what a TARGET named: a class is instantiated with those of `train`, `validation`
    (the corpus splits), `model` and `seed` its constructor accepts; a function, an object or a module
    with `predict_batch` / `predict` is used as it is."""
    if inspect.isclass(obj):
        try:
            params = inspect.signature(obj).parameters
        except (TypeError, ValueError):
            params = {}
        takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        wanted = [k for k in FACTORY_OPTIONS if takes_all or k in params]
        if model is not None and "model" not in wanted:
            raise TargetError(f"--model: {obj.__name__} takes no model argument")
        from .loading import load
        values = {"train": lambda: load("train", version=version), "validation": lambda: load("validation", version=version),
                  "model": lambda: model, "seed": lambda: seed}
        try:
            obj = obj(**{k: values[k]() for k in wanted})
        except ValueError as err:
            raise TargetError(str(err)) from None
        except Exception as err:
            raise TargetError(f"{obj.__name__}(): raised {type(err).__name__}: {err}{_where(err)}") from err
    elif model is not None:
        raise TargetError("--model is passed to a system class; this target is not a class")
    if _batch_hook(obj) or callable(getattr(obj, "predict", None)):
        return obj
    if callable(obj) and not inspect.ismodule(obj):
        return obj
    what = "module" if inspect.ismodule(obj) else type(obj).__name__
    raise TargetError(f"{getattr(obj, '__name__', what)}: a {what} with neither predict_batch nor predict "
                      "(name the function: file.py:function)")


def write_predictions(predictions: list[dict], path) -> None:
    """One prediction per line, written atomically."""
    from .release import write_jsonl
    write_jsonl(path, predictions)
