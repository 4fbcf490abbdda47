"""The corpus record: one annotated article, as plain dataclasses that round-trip to the JSONL shape.

The JSON Schema (schema/article.schema.json) is the contract; these classes are its typed view.
`Article.from_dict(a).to_dict() == a` for every valid record, key order included.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def from_dict(cls, d: dict) -> "Span":
        return cls(d["start"], d["end"], d["text"])

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Mention:
    id: str
    start: int
    end: int
    text: str
    type: str
    level: str
    entity: str

    @classmethod
    def from_dict(cls, d: dict) -> "Mention":
        return cls(d["id"], d["start"], d["end"], d["text"], d["type"], d["level"], d["entity"])

    def to_dict(self) -> dict:
        return {"id": self.id, "start": self.start, "end": self.end, "text": self.text,
                "type": self.type, "level": self.level, "entity": self.entity}


@dataclass(frozen=True)
class Cluster:
    id: str
    name: str
    type: str
    wikidata: Optional[str]

    @classmethod
    def from_dict(cls, d: dict) -> "Cluster":
        return cls(d["id"], d["name"], d["type"], d["wikidata"])

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "type": self.type, "wikidata": self.wikidata}


@dataclass(frozen=True)
class Quote:
    id: str
    start: int
    end: int
    text: str
    kind: str
    cue: Optional[Span]
    speaker: Optional[str]

    @classmethod
    def from_dict(cls, d: dict) -> "Quote":
        cue = Span.from_dict(d["cue"]) if d.get("cue") else None
        return cls(d["id"], d["start"], d["end"], d["text"], d["kind"], cue, d.get("speaker"))

    def to_dict(self) -> dict:
        return {"id": self.id, "start": self.start, "end": self.end, "text": self.text, "kind": self.kind,
                "cue": self.cue.to_dict() if self.cue else None, "speaker": self.speaker}


@dataclass(frozen=True)
class Argument:
    role: str
    mention: str

    def to_dict(self) -> dict:
        return {"role": self.role, "mention": self.mention}


@dataclass(frozen=True)
class Event:
    id: str
    trigger: Span
    type: str
    realis: str
    arguments: tuple[Argument, ...] = ()

    @classmethod
    def from_dict(cls, d: dict) -> "Event":
        args = tuple(Argument(a["role"], a["mention"]) for a in d.get("arguments", []))
        return cls(d["id"], Span.from_dict(d["trigger"]), d["type"], d["realis"], args)

    def to_dict(self) -> dict:
        return {"id": self.id, "trigger": self.trigger.to_dict(), "type": self.type, "realis": self.realis,
                "arguments": [a.to_dict() for a in self.arguments]}


@dataclass(frozen=True)
class Frames:
    primary: str
    labels: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"primary": self.primary, "labels": list(self.labels)}


@dataclass(frozen=True)
class Annotation:
    """The provenance of an article's gold: what kind of annotator, who, and which checks it went through."""

    annotator_kind: str
    annotators: tuple[str, ...]
    double_annotated: bool
    adjudicated: bool
    reviewed: bool
    guidelines: str

    @classmethod
    def from_dict(cls, d: dict) -> "Annotation":
        return cls(d["annotator_kind"], tuple(d["annotators"]), d["double_annotated"], d["adjudicated"],
                   d["reviewed"], d["guidelines"])

    def to_dict(self) -> dict:
        return {"annotator_kind": self.annotator_kind, "annotators": list(self.annotators),
                "double_annotated": self.double_annotated, "adjudicated": self.adjudicated,
                "reviewed": self.reviewed, "guidelines": self.guidelines}


@dataclass(frozen=True)
class Meta:
    title: str
    source: str
    url: Optional[str]
    published: str
    byline: tuple[str, ...]
    language: str
    genre: str
    domain: str
    provenance: str
    license: str
    annotation: Optional[Annotation] = None   # who annotated it, and how (corpus 0.4 on)

    @classmethod
    def from_dict(cls, d: dict) -> "Meta":
        ann = d.get("annotation")
        return cls(d["title"], d["source"], d.get("url"), d["published"], tuple(d["byline"]), d["language"],
                   d["genre"], d["domain"], d["provenance"], d["license"],
                   Annotation.from_dict(ann) if ann else None)

    def to_dict(self) -> dict:
        out = {"title": self.title, "source": self.source, "url": self.url,
               "published": self.published, "byline": list(self.byline),
               "language": self.language, "genre": self.genre, "domain": self.domain,
               "provenance": self.provenance, "license": self.license}
        if self.annotation is not None:
            out["annotation"] = self.annotation.to_dict()
        return out


@dataclass(frozen=True)
class Article:
    """One annotated article: its text, metadata and four layers (offsets are code points into `text`)."""

    id: str
    text: str
    meta: Meta
    mentions: tuple[Mention, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    frames: Optional[Frames] = None
    _index: dict = field(default_factory=dict, compare=False, repr=False, init=False)   # a cache, not data

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        ents = d.get("entities") or {}
        fr = d.get("frames")
        return cls(
            id=d["id"], text=d["text"], meta=Meta.from_dict(d["meta"]),
            mentions=tuple(Mention.from_dict(m) for m in ents.get("mentions", [])),
            clusters=tuple(Cluster.from_dict(c) for c in ents.get("clusters", [])),
            quotes=tuple(Quote.from_dict(q) for q in d.get("quotes", [])),
            events=tuple(Event.from_dict(e) for e in d.get("events", [])),
            frames=Frames(fr["primary"], tuple(fr["labels"])) if fr else None,
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id, "text": self.text, "meta": self.meta.to_dict(),
            "entities": {"mentions": [m.to_dict() for m in self.mentions],
                         "clusters": [c.to_dict() for c in self.clusters]},
            "quotes": [q.to_dict() for q in self.quotes],
            "events": [e.to_dict() for e in self.events],
            "frames": self.frames.to_dict() if self.frames else None,
        }

    def mention(self, mention_id: str) -> Mention:
        """Look a mention up by id (indexed on first use)."""
        if "mentions" not in self._index:
            self._index["mentions"] = {m.id: m for m in self.mentions}
        return self._index["mentions"][mention_id]

    def cluster_mentions(self, cluster_id: str) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.entity == cluster_id)
