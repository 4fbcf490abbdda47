"""Plug your own system into newsbench in a few lines.

An extractor that returns strings (as LLM-based extractors usually do) needs no offsets: the scorer
anchors text-only spans by its documented rule. Replace `extract` with a call to your model.

    python examples/my_system.py            # scores on the validation split and prints the table
    newsbench run examples/my_system.py:extract --split validation -o preds.jsonl   # the same, from the CLI
"""
import re

import newsbench


def extract(article: newsbench.Article) -> dict:
    """A stand-in for your model: capitalised two-word names as PERSON, quoted passages as quotes."""
    names = re.findall(r"\b[A-Z][a-z]+ [A-Z][a-z]+(?:-[A-Z][a-z]+)?\b", article.text)
    quotes = re.findall(r'"([^"]{20,})"', article.text)
    return {
        "entities": {"mentions": [{"text": n, "type": "PERSON"} for n in names]},
        "quotes": [{"text": q, "kind": "direct"} for q in quotes],
    }


if __name__ == "__main__":
    predictions = newsbench.run_system(extract, split="validation")
    newsbench.write_predictions(predictions, "my_system.validation.jsonl")
    report = newsbench.evaluate(predictions, split="validation")
    print(report.to_table())
