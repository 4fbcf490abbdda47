"""The `rules` baseline: all four layers with patterns and small lexicons, no training; coreference by
exact string match of the entity mentions it finds.

Its purpose is a floor that any learned system should beat, and a check that every task of the
scorer works end to end; it is deliberately simple and fully deterministic.
"""
from __future__ import annotations

import re
from typing import Optional

from ..anchoring import sentence_bounds
from . import string_match_clusters
from ..record import Article

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTHS_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
NUMBER = r"\d+(?:[.,]\d+)*"
SCALE = r"(?:\s(?:thousand|million|billion|trillion|crore|lakh))?"
NUMBER_WORDS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozens|hundreds|thousands"
ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last"

VALUE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("MONEY", re.compile(rf"[$€£]\s?{NUMBER}{SCALE}|{NUMBER}{SCALE}\s(?:dollars|euros|pounds|rupees|taka|shillings|francs|[A-Z][a-z]+ (?:dollars|francs|crowns|marks))")),
    ("PERCENT", re.compile(rf"{NUMBER}\s?(?:%|per cent|percent)")),
    ("QUANTITY", re.compile(rf"{NUMBER}{SCALE}\s(?:kilometres|kilometers|km|metres|meters|miles|tonnes|tons|kilograms|kg|hectares|litres|liters|square kilometres|megawatts|degrees)")),
    ("DATE", re.compile(rf"(?:\d{{1,2}}\s)?(?:{MONTHS})(?:\s\d{{1,2}})?(?:,?\s\d{{4}})?|(?:{MONTHS_ABBR})\.?\s\d{{1,2}}(?:,?\s\d{{4}})?|{DAYS}|(?:last|next|this)\s(?:year|month|week)|(?:in|since|by|until)\s(\d{{4}})|\d{{4}}s")),
    ("TIME", re.compile(r"\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|(?:this|Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday) (?:morning|afternoon|evening|night)")),
    ("ORDINAL", re.compile(rf"\b(?:{ORDINALS})\b", re.I)),
    ("CARDINAL", re.compile(rf"\b{NUMBER}{SCALE}\b|\b(?:{NUMBER_WORDS})\b")),
]

COUNTRIES = {
    "Pakistan", "Bangladesh", "India", "China", "Kenya", "Nigeria", "France", "Germany", "Malta", "Spain",
    "Poland", "Canada", "Switzerland", "Italy", "Japan", "Brazil", "Egypt", "Iran", "Russia", "Turkey",
}
CITIES = {"Rawalpindi", "Islamabad", "Dhaka", "New Delhi", "Delhi", "Geneva", "Nairobi", "Valletta", "Toronto",
          "Seville", "Lausanne", "Guwahati", "Wellington", "Assam", "Torun"}
REGIONS = {"South Asia", "Europe", "Africa", "Asia", "Middle East", "Mediterranean", "Himalayas"}
ORG_WORDS = {"Ministry", "Bank", "Army", "Navy", "Force", "Forces", "Party", "Council", "Agency", "Authority",
             "University", "Company", "Corporation", "Group", "Committee", "Commission", "Court", "Union",
             "Association", "Institute", "Movement", "Front", "League", "Airlines", "Airways", "Services",
             "Police", "Office", "Department", "Club", "United", "Federation", "Alliance", "Board", "Hospital",
             "Relations", "Society", "Trust", "Foundation", "Fund", "Holdings", "Mining", "Energy"}
FAC_WORDS = {"Airport", "Bridge", "Stadium", "Port", "Headquarters", "Camp", "Dam", "Prison", "Station", "Arena"}
LAW_WORDS = {"Act", "Law", "Bill", "Treaty", "Convention", "Code"}
EVENT_WORDS = {"Festival", "Games", "Summit", "Cup", "Championship", "War", "Olympics", "Conference"}
LOC_WORDS = {"River", "Lake", "Sea", "Ocean", "Mountains", "Valley", "Hills", "Gulf", "Coast", "Island", "Islands"}
PERSON_TITLES = {"Mr", "Mrs", "Ms", "Dr", "Gen", "General", "Lt", "Col", "Maj", "Capt", "Brig", "Adm", "President",
                 "Minister", "Judge", "Justice", "Prof", "Professor", "Sir", "Chief", "Senator", "Mayor", "Rep",
                 "Governor", "Commissioner", "Secretary", "Inspector", "Sgt", "Sheikh"}
STOP_CAPS = {"The", "A", "An", "In", "On", "At", "But", "And", "He", "She", "It", "They", "We", "I", "This", "That",
             "Since", "However", "According", "After", "Before", "When", "While", "If", "As", "For", "Both", "Once",
             "Their", "His", "Her", "Its", "Our", "There", "Some", "Many", "Most", "Other", "Q", "A:", "Q:", "Asked",
             "Last", "Next", "More", "Under", "With", "From", "By", "Of", "Not", "No", "Yes", "What", "Why", "How"}
CAP_SEQ = re.compile(r"[A-Z][\w'’-]*(?: (?:of|for|the|de|al|bin|van|von|on) [A-Z][\w'’-]*| [A-Z][\w'’-]*)*")

REPORTING_VERBS = ("said", "says", "say", "told", "added", "stated", "noted", "stressed", "warned", "insisted",
                   "argued", "explained", "announced", "claimed", "wrote", "asked", "replied", "according to",
                   "reiterated", "emphasised", "emphasized", "underscored", "acknowledged", "admitted", "denied")

TRIGGERS: dict[str, str] = {}
for type_, words in {
    "Contact:Meet": "met meet meets meeting meetings talks summit visit visited conference",
    "Contact:Phone-Write": "called phoned telephone letter wrote emailed",
    "Conflict:Attack": "attack attacks attacked war fighting shelling strike strikes bombing ambush fired clashes",
    "Conflict:Demonstrate": "protest protests protested rally rallies demonstration demonstrators marched",
    "Life:Die": "killed died dead death deaths",
    "Life:Injure": "injured wounded injuries hurt",
    "Life:Be-Born": "born birth births",
    "Life:Marry": "married marry wedding",
    "Movement:Transport": "evacuated evacuation arrived travelled fled moved shipped delivered",
    "Transaction:Transfer-Ownership": "bought sold acquired purchase sale acquisition",
    "Transaction:Transfer-Money": "paid payment loan loans funding donated grant",
    "Transaction:Aid": "aid relief",
    "Business:Start-Org": "founded launched established",
    "Business:Merge-Org": "merger merged",
    "Business:Declare-Bankruptcy": "bankruptcy insolvency",
    "Business:End-Org": "closed shut dissolved",
    "Personnel:Start-Position": "appointed hired joined",
    "Personnel:End-Position": "resigned resignation ousted ousting fired retired sacked dismissed",
    "Personnel:Nominate": "nominated nomination",
    "Personnel:Elect": "elected election elections won vote",
    "Justice:Arrest-Jail": "arrested arrest detained jailed custody",
    "Justice:Release-Parole": "released freed parole",
    "Justice:Trial-Hearing": "trial hearing",
    "Justice:Charge-Indict": "charged charges indicted",
    "Justice:Sue": "sued lawsuit suit",
    "Justice:Convict": "convicted guilty conviction",
    "Justice:Sentence": "sentenced sentence",
    "Justice:Fine": "fined fine penalty",
    "Justice:Execute": "executed execution executions",
    "Justice:Extradite": "extradited extradition",
    "Justice:Acquit": "acquitted acquittal",
    "Justice:Appeal": "appeal appealed",
    "Justice:Pardon": "pardon pardoned",
    "Cooperation:Agree": "agreed agreement signed deal pact accord",
    "Conflict:Threaten": "threatened threat threatens",
    "Policy:Announce": "announced introduced unveiled",
    "Relations:Change": "ties relations normalisation",
}.items():
    for w in words.split():
        TRIGGERS[w] = type_

FRAME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "economic": ("cost", "economy", "economic", "budget", "price", "prices", "jobs", "market", "trade", "inflation", "tax", "billion", "million"),
    "capacity_and_resources": ("shortage", "resources", "capacity", "staff", "supplies", "funding", "equipment"),
    "morality": ("moral", "wrong", "ethical", "shame", "duty", "conscience", "faith"),
    "fairness_and_equality": ("fair", "unfair", "equal", "inequality", "discrimination", "rights", "justice"),
    "legality_constitutionality_jurisprudence": ("court", "law", "legal", "constitution", "judge", "ruling", "act", "lawsuit"),
    "policy_prescription_and_evaluation": ("policy", "plan", "reform", "should", "proposal", "measure", "scheme"),
    "crime_and_punishment": ("crime", "arrest", "arrested", "sentence", "prison", "police", "charges", "convicted", "fraud"),
    "security_and_defense": ("military", "army", "defence", "defense", "security", "troops", "attack", "border", "terrorism"),
    "health_and_safety": ("health", "hospital", "disease", "safety", "patients", "vaccine", "injured", "deaths"),
    "quality_of_life": ("families", "homes", "residents", "daily", "lives", "community", "living"),
    "cultural_identity": ("culture", "cultural", "heritage", "tradition", "identity", "language", "museum", "festival"),
    "public_opinion": ("poll", "survey", "public", "protest", "protesters", "voters", "percent"),
    "political": ("minister", "party", "election", "parliament", "government", "opposition", "political", "coalition"),
    "external_regulation_and_reputation": ("international", "foreign", "relations", "ties", "diplomatic", "bilateral", "reputation"),
}


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < e2 and s2 < e for s2, e2 in spans)


def find_entities(text: str) -> list[dict]:
    found: list[dict] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, type_: str) -> None:
        while e > s and text[e - 1] in ".,;:'’":
            e -= 1
        if e > s and not _overlaps(taken, s, e):
            taken.append((s, e))
            found.append({"start": s, "end": e, "text": text[s:e], "type": type_, "level": "NAM"})

    for type_, pat in VALUE_PATTERNS:
        for m in pat.finditer(text):
            if m.lastindex and type_ == "DATE" and m.group(1):
                add(m.start(1), m.end(1), type_)
            else:
                add(m.start(), m.end(), type_)
    for m in CAP_SEQ.finditer(text):
        s, e = m.start(), m.end()
        words = text[s:e].split()
        while words and words[0] in STOP_CAPS:
            s += len(words[0]) + 1
            words = words[1:]
        title = None
        while words and words[0].rstrip(".") in PERSON_TITLES:
            title = words[0]
            s += len(words[0]) + 1
            words = words[1:]
        if not words:
            continue
        span = " ".join(words)
        e = s + len(span)
        if span.endswith("'s") or span.endswith("’s"):
            e -= 2
            span = span[:-2]
        last = re.sub(r"['’]s$", "", words[-1]).rstrip(".,")
        if span in COUNTRIES or span in CITIES:
            type_ = "GPE"
        elif span in REGIONS:
            type_ = "LOC"
        elif re.fullmatch(r"[A-Z][a-z]{3,}(?:ian|ean|ese|ish|ani|eni|ari|i)", span) and len(words) == 1:
            type_ = "NORP"
        elif last in ORG_WORDS or re.fullmatch(r"[A-Z]{2,6}", span):
            type_ = "ORG"
        elif last in FAC_WORDS:
            type_ = "FAC"
        elif last in LAW_WORDS:
            type_ = "LAW"
        elif last in EVENT_WORDS:
            type_ = "EVENT"
        elif last in LOC_WORDS:
            type_ = "LOC"
        elif title or len(words) in (2, 3):
            type_ = "PERSON"
        else:
            continue
        add(s, e, type_)
    return sorted(found, key=lambda m: (m["start"], m["end"]))


QUOTE_RE = re.compile(r"\"([^\"\n]{12,}?)\"|“([^”\n]{12,}?)”")
INDIRECT_RE = re.compile(r"\b(said|says|told reporters|added|stated|noted|warned|argued|insisted|announced)\s+(?:that\s+)?"
                         r"([A-Za-z][^.\"\n]{15,})\.")


def _speaker_near(text: str, mentions: list[dict], lo: int, hi: int, anchor: int) -> Optional[dict]:
    cands = [m for m in mentions if m["type"] in ("PERSON", "ORG") and lo <= m["start"] and m["end"] <= hi]
    for p in re.finditer(r"\b(?:he|she|He|She)\b", text[lo:hi]):
        cands.append({"start": lo + p.start(), "end": lo + p.end(), "text": p.group(), "type": "PERSON"})
    if not cands:
        return None
    return min(cands, key=lambda m: min(abs(m["start"] - anchor), abs(m["end"] - anchor)))


def _cue_near(text: str, lo: int, hi: int, anchor: int) -> Optional[dict]:
    best = None
    for verb in REPORTING_VERBS:
        for m in re.finditer(rf"\b{re.escape(verb)}\b", text[lo:hi], re.I):
            s = lo + m.start()
            d = abs(s - anchor)
            if best is None or d < best[0]:
                best = (d, s, s + len(m.group()))
    return None if best is None else {"start": best[1], "end": best[2], "text": text[best[1]:best[2]]}


def find_quotes(text: str, mentions: list[dict]) -> list[dict]:
    out = []
    for m in QUOTE_RE.finditer(text):
        g = 1 if m.group(1) is not None else 2
        s, e = m.start(g), m.end(g)
        if len(text[s:e].split()) < 4:
            continue  # a scare quote, not speech
        lo, hi = sentence_bounds(text, m.start(), m.end())
        outside = [(lo, m.start()), (m.end(), hi)]
        cue = next((c for c in (_cue_near(text, a, b, s) for a, b in outside) if c), None)
        spk = _speaker_near(text, mentions, lo, hi, s if cue is None else cue["start"])
        while e > s and text[e - 1] in ",":
            e -= 1
        out.append({"start": s, "end": e, "text": text[s:e], "kind": "direct", "cue": cue,
                    "speaker": {"text": spk["text"]} if spk else None})
    for m in INDIRECT_RE.finditer(text):
        s, e = m.start(2), m.end(2)
        if any(q["start"] <= s < q["end"] for q in out):
            continue
        lo, hi = sentence_bounds(text, m.start(), m.end())
        spk = _speaker_near(text, mentions, lo, m.start(1), m.start(1))
        out.append({"start": s, "end": e, "text": text[s:e], "kind": "indirect",
                    "cue": {"start": m.start(1), "end": m.end(1), "text": m.group(1)},
                    "speaker": {"text": spk["text"]} if spk else None})
    return sorted(out, key=lambda q: q["start"])


def find_events(text: str, mentions: list[dict]) -> list[dict]:
    out = []
    for m in re.finditer(r"[A-Za-z]+", text):
        type_ = TRIGGERS.get(m.group().lower())
        if not type_:
            continue
        lo, hi = sentence_bounds(text, m.start(), m.end())
        args = []
        places = [x for x in mentions if x["type"] in ("GPE", "LOC", "FAC") and lo <= x["start"] < hi]
        times = [x for x in mentions if x["type"] in ("DATE", "TIME") and lo <= x["start"] < hi]
        for role, cands in (("Place", places), ("Time", times)):
            if cands:
                x = min(cands, key=lambda c: abs(c["start"] - m.start()))
                args.append({"role": role, "start": x["start"], "end": x["end"], "text": x["text"]})
        out.append({"trigger": {"start": m.start(), "end": m.end(), "text": m.group()}, "type": type_,
                    "realis": "actual", "arguments": args})
    return out


def find_frames(text: str, min_hits: int = 3) -> dict:
    words = re.findall(r"[a-z]+", text.lower())
    counts = {f: sum(words.count(k) for k in kws) for f, kws in FRAME_KEYWORDS.items()}
    primary = max(counts, key=lambda f: (counts[f], f == "political"))
    labels = sorted({f for f, c in counts.items() if c >= min_hits} | {primary})
    return {"primary": primary, "labels": labels}


class RulesSystem:
    """Patterns and lexicons for all four layers; `options` is accepted for a uniform factory signature."""

    name = "rules"

    def __init__(self, **options):
        self.options = options

    def predict(self, article: Article) -> dict:
        text = article.text
        mentions = find_entities(text)
        return {"entities": {"mentions": string_match_clusters(mentions)}, "quotes": find_quotes(text, mentions),
                "events": find_events(text, mentions), "frames": find_frames(text)}
