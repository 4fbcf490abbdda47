"""Coreference scoring (issue 12): the worked examples of the papers, scorch as the oracle, the formats."""
from __future__ import annotations

import itertools
import random
import statistics
from fractions import Fraction as F

import numpy as np
import pytest

import newsbench
from newsbench.evaluate import compare, evaluate
from newsbench.metrics.coref import CorefOptions, doc_row, score, score_clusters

from .helpers import run_cli, write_jsonl

try:     # the oracle, in the `test` extra; the other tests do not need it
    from scorch import scores
except ImportError:  # pragma: no cover
    scores = None
needs_scorch = pytest.mark.skipif(scores is None, reason="scorch (the `test` extra) is not installed")

# Pradhan et al. (2014), figure 1: the key and a response with two twinless mentions (h, i)
KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def f1(p, r):
    return 2 * p * r / (p + r)


def test_the_worked_example_of_pradhan_et_al_2014():
    s = score_clusters(KEY, RESPONSE)
    expected = {
        # MUC: key partitions {a,b}{c} and {d}{e}{f,g}; response {a,b}, {c}{d}, {f,g}{h}{i}
        "muc": (F(1 + 0 + 1, 1 + 1 + 3), F(1 + 1, 2 + 3)),
        # B³: precision over the 8 response mentions, recall over the 7 key mentions
        "b3": (F(1, 8) * (F(4, 2) + F(1, 2) + F(1, 2) + F(4, 4)), F(1, 7) * (F(4, 3) + F(1, 3) + F(1, 4) + F(4, 4))),
        # CEAF-m aligns {a,b,c}-{a,b} and {d,e,f,g}-{f,g,h,i}: 2 + 2 common mentions
        "ceafm": (F(4, 8), F(4, 7)),
        # CEAF-e: φ4 = 2·2/(3+2) + 2·2/(4+4) = 13/10, over 3 response and 2 key entities
        "ceafe": (F(13, 10) / 3, F(13, 10) / 2),
        # BLANC (Luo et al. 2014): coreference links 2 of 8 / 2 of 9; non-coreference 8 of 20 / 8 of 12
        "blanc": ((F(2, 8) + F(8, 20)) / 2, (F(2, 9) + F(8, 12)) / 2),
    }
    for metric, (p, r) in expected.items():
        assert s[f"{metric}.p"] == pytest.approx(float(p), abs=1e-12), metric
        assert s[f"{metric}.r"] == pytest.approx(float(r), abs=1e-12), metric
    blanc_f = (F(2 * 2, 8 + 9) + F(2 * 8, 20 + 12)) / 2           # the mean of the two F scores
    assert s["blanc.f1"] == pytest.approx(float(blanc_f), abs=1e-12)
    conll = (f1(0.4, 0.4) + f1(0.5, 35 / 84) + f1(13 / 30, 13 / 20)) / 3
    assert s["conll.f1"] == pytest.approx(conll, abs=1e-12)
    assert (s["mentions.p"], s["mentions.r"]) == (pytest.approx(6 / 8), pytest.approx(6 / 7))


def test_the_worked_example_of_lea():
    """Moosavi & Strube (2016) score the same example: R = (3·1/3 + 4·1/6)/7, P = (2·1 + 2·0 + 4·1/6)/8."""
    s = score_clusters(KEY, RESPONSE)
    assert s["lea.r"] == pytest.approx((3 * 1 / 3 + 4 * 1 / 6) / 7, abs=1e-12)
    assert s["lea.p"] == pytest.approx((2 * 1 + 2 * 0 + 4 * 1 / 6) / 8, abs=1e-12)


def test_twinless_mentions_are_not_added_to_the_other_side():
    """The reference implementation scores predicted mentions as they are (Pradhan et al. 2014, section 3):
    adding the response's h and i to the key as singletons would raise B³ precision from 1/2 to 9/16."""
    assert score_clusters(KEY, RESPONSE)["b3.p"] == pytest.approx(0.5)
    assert score_clusters(KEY + [{"h"}, {"i"}], RESPONSE)["b3.p"] == pytest.approx(9 / 16)


# -- scorch as the oracle -----------------------------------------------------------------------------
def random_clustering(rng: random.Random, mentions: list) -> list[set]:
    clusters: list[set] = []
    for m in mentions:
        if clusters and rng.random() < 0.6:
            rng.choice(clusters).add(m)
        else:
            clusters.append({m})
    return clusters


def random_document(rng: random.Random) -> tuple[list, list]:
    n = rng.randint(0, 14)
    universe = list(range(n + rng.randint(0, 4)))
    key = random_clustering(rng, rng.sample(universe, n))
    response = random_clustering(rng, rng.sample(universe, rng.randint(0, len(universe))))
    return key, response


SCORCH = {"muc": "muc", "b3": "b_cubed", "ceafe": "ceaf_e", "ceafm": "ceaf_m", "blanc": "blanc"}


def scorch_numbers(key, response) -> dict:
    out = {}
    for name, fn in SCORCH.items():
        try:
            r, p, f = getattr(scores, fn)(key, response)
        except statistics.StatisticsError:
            # scorch 0.2.0's CEAF takes the harmonic mean of -0.0 (a negated zero alignment score) and
            # raises when no key entity shares a mention with a response entity: the numbers are 0
            assert name.startswith("ceaf") and not set().union(*key) & set().union(*response)
            r = p = f = 0.0
        out.update({f"{name}.r": float(r), f"{name}.p": float(p), f"{name}.f1": float(f)})
    out["conll.f1"] = (out["muc.f1"] + out["b3.f1"] + out["ceafe.f1"]) / 3     # scores.conll2012, without the raise
    return out


@needs_scorch
@pytest.mark.filterwarnings("ignore::RuntimeWarning")      # scorch's CEAF, on its way to the error above
def test_every_number_equals_scorch_on_generated_documents():
    """All of scorch's numbers, document by document, to 1e-9 (scorch's corpus mode weights per-document
    scores, where newsbench sums counts like the reference scorer; docs/scoring.md says where that differs).

    Where newsbench says n/a (nothing to count on either side) scorch has a convention: 0, and for
    BLANC 1 (or 0 for a lone mention the two sides disagree on); the test checks those too.
    """
    rng = random.Random(20140622)
    checked = na = 0
    for _ in range(600):
        key, response = random_document(rng)
        ours = score_clusters(key, response)
        if not any(key) and not any(response):
            assert all(v is None for v in ours.values())
            continue
        theirs = scorch_numbers(key, response)
        for k, v in theirs.items():
            if ours[k] is None:
                na += 1
                if k.startswith("blanc"):
                    assert sum(map(len, key)) <= 1 and sum(map(len, response)) <= 1, (key, response)
                elif k == "conll.f1":       # n/a with MUC; scorch averages its MUC 0 in
                    assert ours["muc.f1"] is None
                    assert v == pytest.approx((ours["b3.f1"] + ours["ceafe.f1"]) / 3, abs=1e-9)
                else:
                    assert v == 0.0, (k, key, response)
            else:
                checked += 1
                assert ours[k] == pytest.approx(v, abs=1e-9), (k, key, response)
    assert checked > 8000 and na > 0


def lea_by_links(key, response) -> tuple[float, float]:
    """LEA from its definition, pair by pair: an independent check of the vectorised counts."""
    def side(a, b):
        num = den = 0.0
        for e in a:
            if len(e) == 1:     # the self-link: resolved when the other side has the mention alone too
                resolved = float(any(o == e for o in b))
            else:
                links = set(itertools.combinations(sorted(e), 2))
                kept = sum(1 for x, y in links if any(x in o and y in o for o in b))
                resolved = kept / len(links)
            num += len(e) * resolved
            den += len(e)
        return num / den if den else 0.0
    return side(response, key), side(key, response)


def test_lea_equals_its_definition_on_generated_documents():
    rng = random.Random(2016)
    for _ in range(400):
        key, response = random_document(rng)
        if not any(key) and not any(response):
            continue
        s = score_clusters(key, response)
        p, r = lea_by_links(key, response)
        assert (s["lea.p"], s["lea.r"]) == (pytest.approx(p, abs=1e-9), pytest.approx(r, abs=1e-9))


@needs_scorch
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_corpus_numbers_sum_counts_over_documents():
    """The reference scorer's corpus numbers: numerators and denominators summed over documents."""
    rng = random.Random(7)
    docs = [random_document(rng) for _ in range(30)]
    rows = np.array([doc_row(k, r) for k, r in docs])
    corpus = score(rows)
    key = [{(d, m) for m in c} for d, (k, _) in enumerate(docs) for c in k]
    response = [{(d, m) for m in c} for d, (_, r) in enumerate(docs) for c in r]
    merged = scorch_numbers(key, response)     # one big document: the same sums for all but CEAF's alignment
    for k in ("muc.p", "muc.r", "b3.p", "b3.r", "ceafm.p", "ceafm.r", "ceafe.p", "ceafe.r"):
        assert corpus[k] == pytest.approx(merged[k], abs=1e-9), k


def test_singletons_dropped_and_gold_mentions():
    drop = score_clusters(KEY + [{"x"}], RESPONSE + [{"y"}], CorefOptions(singletons="drop"))
    assert drop == score_clusters(KEY, RESPONSE)
    gold = score_clusters(KEY, RESPONSE, CorefOptions(mentions="gold"))
    projected = [{"a", "b"}, {"c", "d"}, {"f", "g"}, {"e"}]
    assert gold == score_clusters(KEY, projected)
    assert gold["mentions.p"] == gold["mentions.r"] == 1.0


# -- through evaluate --------------------------------------------------------------------------------
def gold_records(split="test"):
    return [a.to_dict() for a in newsbench.load(split)]


def test_gold_against_itself_is_one_on_every_coref_number():
    for split in ("train", "validation", "test"):
        gold = gold_records(split)
        rep = evaluate(gold, gold=gold, tasks=["coref"], bootstrap=20)
        assert set(rep.tasks["coref"].scores.values()) == {1.0}, split
        assert rep.tasks["coref"].intervals["conll.f1"] == (1.0, 1.0)


def clusters_as_lists(rec: dict, text_only: bool = False) -> dict:
    groups: dict = {}
    for m in rec["entities"]["mentions"]:
        span = {"text": m["text"]} if text_only else {"start": m["start"], "end": m["end"], "text": m["text"]}
        groups.setdefault(m["entity"], []).append(span)
    return {"id": rec["id"], "entities": {"clusters": [{"id": c, "mentions": ms} for c, ms in groups.items()]}}


def test_cluster_lists_and_the_entity_field_score_alike():
    gold = gold_records()
    by_field = evaluate(gold, gold=gold, tasks=["coref"], bootstrap=0).tasks["coref"].scores
    by_list = evaluate([clusters_as_lists(r) for r in gold], gold=gold, tasks=["coref"], bootstrap=0)
    assert by_list.tasks["coref"].scores == by_field
    assert "coref" in {t for t in by_list.tasks}      # predicted clusters make coref a default task
    text_only = evaluate([clusters_as_lists(r, True) for r in gold], gold=gold, tasks=["coref"], bootstrap=0)
    s = text_only.tasks["coref"].scores
    assert 0.5 < s["conll.f1"] < 1.0        # anchoring by text picks the k-th occurrence: mostly right
    assert not text_only.unanchored


def test_a_mention_without_a_cluster_is_a_singleton_and_unanchored_ones_are_twinless():
    rec = gold_records()[0]
    ms = [{k: m[k] for k in ("start", "end", "text", "type")} for m in rec["entities"]["mentions"]]
    rep = evaluate([{"id": rec["id"], "entities": {"mentions": ms + [{"text": "Nowhere in the text", "type": "GPE"}]}}],
                   gold=[rec], tasks=["coref"], bootstrap=0)
    s = rep.tasks["coref"]
    entities = len({m["entity"] for m in rec["entities"]["mentions"]})
    assert s.counts["mentions"] == {"gold": len(ms), "predicted": len(ms) + 1, "matched": len(ms)}
    assert s.counts["entities"]["predicted"] == len(ms) + 1 and s.counts["entities"]["gold"] == entities
    # every matched mention alone is right about itself; the unanchored one is a twinless false positive
    assert s.scores["muc.r"] == 0.0 and s.scores["b3.p"] == pytest.approx(len(ms) / (len(ms) + 1))
    assert [u["text"] for u in rep.unanchored] == ["Nowhere in the text"]


def test_bad_cluster_mentions_are_invalid_data(tmp_path):
    rec = gold_records()[0]
    bad = {"id": rec["id"], "entities": {"clusters": [{"id": "c1", "mentions": [{"start": 0, "end": 3, "text": "xyz"}]},
                                                      {"id": "c2", "mentions": "m1"}]}}
    path = tmp_path / "p.jsonl"
    write_jsonl(path, [bad])
    code, out, err = run_cli("evaluate", path, "--tasks", "coref")
    assert code == 1 and "$.entities.clusters[1].mentions" in err and "Traceback" not in err
    code, _, err = run_cli("validate", "--kind", "prediction", path)
    assert code == 1


def test_evaluate_prints_every_coref_metric_with_intervals(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_jsonl(path, gold_records())
    code, out, err = run_cli("evaluate", path, "--tasks", "coref", "--bootstrap", "50")
    assert code == 0, err
    for metric in ("muc", "b3", "ceafe", "ceafm", "blanc", "lea"):
        for k in ("p", "r", "f1"):
            line = next(l for l in out.splitlines() if l.split()[:1] == [f"{metric}.{k}"])
            assert line.split()[1] == "1.0000" and "[1.0000, 1.0000]" in line
    assert any(l.split()[:1] == ["conll.f1"] for l in out.splitlines())
    assert "coref:singletons=keep,mentions=predicted" in out


def test_compare_and_intervals_work_for_coref(tmp_path):
    gold = gold_records()
    # a worse system: every mention alone
    alone = [{"id": r["id"], "entities": {"mentions": [dict(m, entity=f"e{i}") for i, m in
                                                        enumerate(r["entities"]["mentions"])]}} for r in gold]
    result = compare([gold, alone], names=["gold", "alone"], gold=gold, tasks=["coref"], bootstrap=100, trials=200)
    rows = {r["metric"]: r for r in result.rows}
    assert rows["conll.f1"]["delta"] < 0 and rows["conll.f1"]["p_bootstrap"] < 0.05
    assert rows["muc.r"]["score"] == 0.0
    rep = evaluate(alone, gold=gold, tasks=["coref"], bootstrap=200)
    lo, hi = rep.tasks["coref"].intervals["b3.f1"]
    assert lo < rep.tasks["coref"].scores["b3.f1"] < hi


def test_the_singleton_setting_is_in_the_signature():
    gold = gold_records()
    keep = evaluate(gold, gold=gold, tasks=["coref"], bootstrap=0)
    drop = evaluate(gold, gold=gold, tasks=["coref"], bootstrap=0, coref_singletons="drop")
    assert keep.signature.get("coref") == "singletons=keep,mentions=predicted"
    assert drop.signature.get("coref") == "singletons=drop,mentions=predicted"
    assert not keep.signature.comparable(drop.signature)
    with pytest.raises(ValueError):
        evaluate(gold, gold=gold, tasks=["coref"], coref_singletons="some")


# -- agreement ---------------------------------------------------------------------------------------
def test_agreement_reports_coreference_on_all_and_on_shared_mentions():
    from newsbench.agreement import compare as agree
    from newsbench.record import Article

    arts = newsbench.load("test")[:3]
    same = {r.measure: r.value for r in agree(arts, arts) if r.layer == "coreference"}
    assert same == {"CoNLL F1, all mentions": 1.0, "LEA F1, all mentions": 1.0,
                    "CoNLL F1, shared mentions": 1.0, "LEA F1, shared mentions": 1.0}
    # B drops one mention of a multi-mention cluster: only "all mentions" sees it
    rec = arts[0].to_dict()
    counts = {}
    for m in rec["entities"]["mentions"]:
        counts[m["entity"]] = counts.get(m["entity"], 0) + 1
    drop = next(i for i, m in enumerate(rec["entities"]["mentions"]) if counts[m["entity"]] > 2
                and not any(x.get("mention") == m["id"] for e in rec["events"] for x in e.get("arguments", ()))
                and not any(q.get("speaker") == m["id"] for q in rec["quotes"]))
    del rec["entities"]["mentions"][drop]
    fewer = [Article.from_dict(rec)] + arts[1:]
    rows = {r.measure: r for r in agree(arts, fewer) if r.layer == "coreference"}
    assert rows["CoNLL F1, all mentions"].value < 1.0 and rows["LEA F1, all mentions"].value < 1.0
    assert rows["CoNLL F1, shared mentions"].value == 1.0 and rows["LEA F1, shared mentions"].value == 1.0
    assert rows["CoNLL F1, all mentions"].a_items == rows["CoNLL F1, all mentions"].b_items + 1
    # symmetric: A against B is B against A
    back = {r.measure: r.value for r in agree(fewer, arts) if r.layer == "coreference"}
    assert back == pytest.approx({k: r.value for k, r in rows.items()}, abs=1e-12)


def test_the_card_shows_coreference_agreement():
    from newsbench.resources import corpus_dir

    card = (corpus_dir() / "README.md").read_text(encoding="utf-8")
    assert card.count("| coreference | CoNLL F1, all mentions |") >= 3     # seed-free, with seed, newest version
