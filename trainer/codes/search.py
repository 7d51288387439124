"""Code search: by code prefix (with or without the dot) and by words in any order.

The index lives in memory: one entry per (system, code), numbered in ranking
order (billable before headers, then by system and code), an inverted index
from words to entry numbers, and a sorted list of codes for prefix search.
Building it from ~170,000 code rows takes a few seconds; after that a search is
a few set operations. It is rebuilt whenever a code-set release is loaded.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
import threading
from array import array
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .normalize import BadInput, normalise
from .tables import Code, CodeNote, CodeSetRelease, CodeSystem

WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset("a an and as at by for from in is of on or other the to with without".split())
CODE_TOKEN = re.compile(r"^(?=.*\d)(?=.{3,})[A-Za-z0-9][A-Za-z0-9.\-]{1,8}$")
SYSTEM_ORDER = {s: i for i, s in enumerate(CodeSystem.ALL)}
MAX_QUERY = 200
_FAR_FUTURE = dt.date.max.toordinal()


@dataclass(frozen=True)
class Hit:
    system: str
    code: str
    display: str
    description: str
    billable: bool
    valid_on_date: bool
    level: str
    needs_seventh: bool
    matched: str | None

    def as_dict(self) -> dict:
        return {"system": self.system, "system_label": CodeSystem.LABELS[self.system], "code": self.code,
                "display": self.display, "description": self.description, "billable": self.billable,
                "valid_on_date": self.valid_on_date, "level": self.level, "needs_seventh": self.needs_seventh,
                "matched": self.matched}


@dataclass(frozen=True)
class Result:
    hits: list[Hit]
    total: int


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in STOPWORDS]


class SearchIndex:
    def __init__(self, rows, terms: dict[tuple[str, str], list[str]]):
        """rows: (system, code, display, description, billable, level, details, from, to) sorted by code."""
        merged: dict[tuple[str, str], list] = {}
        for system, code, disp, desc, billable, level, details, start, end in rows:
            if level in ("chapter", "block"):
                continue
            key = (system, code)
            period = (start.toordinal(), end.toordinal() if end else _FAR_FUTURE, bool(billable))
            if key in merged:
                entry = merged[key]
                entry[5].append(period)
                if start.toordinal() >= entry[6]:  # the latest version describes the code
                    entry[1], entry[2], entry[3], entry[6] = disp, desc, bool(billable), start.toordinal()
                continue
            seventh = bool(details and details.get("needs_seventh"))
            merged[key] = [code, disp, desc, bool(billable), (level, seventh), [period], start.toordinal()]
        ordered = sorted(merged.items(), key=lambda kv: (not kv[1][3], SYSTEM_ORDER[kv[0][0]], kv[0][1]))
        n = len(ordered)
        self.system = [k[0] for k, _ in ordered]
        self.code = [v[0] for _, v in ordered]
        self.display = [v[1] for _, v in ordered]
        self.description = [v[2] for _, v in ordered]
        self.billable = [v[3] for _, v in ordered]
        self.level = [v[4][0] for _, v in ordered]
        self.seventh = [v[4][1] for _, v in ordered]
        self.periods = [tuple(v[5]) for _, v in ordered]
        self.desc_text: list[str] = []
        self.term_text: list[str] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for i, (key, v) in enumerate(ordered):
            desc_words = words(v[2])
            extra = terms.get(key, ())
            extra_words = [w for t in extra for w in words(t)]
            self.desc_text.append(" " + " ".join(desc_words))
            self.term_text.append(" " + " ".join(extra_words) if extra else "")
            for w in set(desc_words) | set(extra_words):
                postings[w].append(i)
        self.terms = terms
        self.vocab = sorted(postings)
        self.postings = [array("I", postings[w]) for w in self.vocab]
        self.by_code = sorted((c, i) for i, c in enumerate(self.code))
        self.size = n

    # -- query parts -------------------------------------------------------------------------
    def _word_ids(self, token: str) -> tuple[int, int]:
        lo = bisect.bisect_left(self.vocab, token)
        hi = bisect.bisect_left(self.vocab, token + "\x7f") if len(token) >= 2 else (
            lo + 1 if lo < len(self.vocab) and self.vocab[lo] == token else lo)
        return lo, hi

    def _code_range(self, prefix: str) -> tuple[int, int]:
        lo = bisect.bisect_left(self.by_code, (prefix,))
        hi = bisect.bisect_left(self.by_code, (prefix + "\x7f",))
        return lo, hi

    def _valid(self, i: int, day: int) -> bool:
        return any(start <= day <= end and billable for start, end, billable in self.periods[i])

    def _matched_term(self, i: int, tokens: list[str]) -> str | None:
        for term in self.terms.get((self.system[i], self.code[i]), ()):
            text = " " + " ".join(words(term))
            if all(" " + t in text for t in tokens):
                return term
        return None

    def search(self, query: str, system: str | None = None, when: dt.date | None = None,
               limit: int = 25) -> Result:
        query = (query or "").strip()
        if not query:
            raise BadInput("type a code or some words to search for")
        if len(query) > MAX_QUERY:
            raise BadInput(f"a search is at most {MAX_QUERY} characters")
        when = when or dt.date.today()
        day = when.toordinal()
        raw_tokens = query.split()
        code_tokens = [normalise(t) for t in raw_tokens if CODE_TOKEN.match(t)]
        text_tokens = sorted(set(w for t in raw_tokens if not CODE_TOKEN.match(t) for w in words(t)),
                             key=len, reverse=True)
        if not text_tokens and not code_tokens:  # only short words such as "in": search them anyway
            text_tokens = sorted(set(WORD.findall(query.lower())), key=len, reverse=True)
        if not code_tokens and not text_tokens:
            raise BadInput("type a code or some words to search for")

        exact: set[int] = set()
        candidates: set[int] | None = None
        for token in code_tokens:
            lo, hi = self._code_range(token)
            ids = {self.by_code[j][1] for j in range(lo, hi)}
            exact |= {i for i in ids if self.code[i] == token}
            if not ids:  # a code-like word ("2" in "type 2") may still be a plain word
                text_tokens.append(token.lower())
                continue
            candidates = ids if candidates is None else candidates & ids
        if text_tokens:
            # Start from the rarest word, then filter by substring checks on the other words.
            sizes = []
            for token in text_tokens:
                lo, hi = self._word_ids(token)
                sizes.append((sum(len(self.postings[k]) for k in range(lo, min(hi, lo + 400))), token, lo, hi))
            sizes.sort()
            _, first, lo, hi = sizes[0]
            ids: set[int] = set()
            for k in range(lo, hi):
                ids.update(self.postings[k])
            candidates = ids if candidates is None else candidates & ids
            rest = [" " + t for _, t, _, _ in sizes[1:]]
            if rest:
                candidates = {i for i in candidates
                              if all(t in self.desc_text[i] or t in self.term_text[i] for t in rest)}
        candidates = candidates or set()
        if system:
            candidates = {i for i in candidates if self.system[i] == system}
        total = len(candidates)
        # Ranking: exact code, then entries whose description has every word, then the rest;
        # within a tier the entry number already orders billable before headers.
        in_desc_tokens = [" " + t for t in text_tokens]
        first_tier, second_tier = [], []
        for i in sorted(candidates - exact):
            if not in_desc_tokens or all(t in self.desc_text[i] for t in in_desc_tokens):
                first_tier.append(i)
                if len(first_tier) >= limit:
                    break
            elif len(second_tier) < limit:
                second_tier.append(i)
        ranked = sorted(exact & candidates) + first_tier + second_tier
        hits = []
        for i in ranked[:limit]:
            matched = None
            if in_desc_tokens and not all(t in self.desc_text[i] for t in in_desc_tokens):
                matched = self._matched_term(i, text_tokens)
            hits.append(Hit(self.system[i], self.code[i], self.display[i], self.description[i], self.billable[i],
                            self._valid(i, day), self.level[i], self.seventh[i], matched))
        return Result(hits, total)


def load_index(session: Session) -> SearchIndex:
    rows = session.execute(select(Code.system, Code.code, Code.display, Code.description, Code.billable, Code.level,
                                  Code.details, Code.effective_from, Code.effective_to)).all()
    terms: dict[tuple[str, str], list[str]] = defaultdict(list)
    for system, code, text in session.execute(
            select(Code.system, Code.code, CodeNote.text).join(CodeNote, CodeNote.code_id == Code.id)
            .where(CodeNote.kind == "inclusion_term")):
        terms[(system, code)].append(text)
    return SearchIndex(rows, dict(terms))


def index_version(session: Session) -> tuple:
    return tuple(session.execute(select(func.count(CodeSetRelease.id), func.max(CodeSetRelease.loaded_at))).one())


class IndexCache:
    """One index per process, rebuilt when the set of loaded releases changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._version: tuple | None = None
        self._key = None

    def get(self, session: Session, key=None) -> SearchIndex:
        version = index_version(session)
        if self._index is not None and version == self._version and key == self._key:
            return self._index
        with self._lock:
            if self._index is None or version != self._version or key != self._key:
                self._index = load_index(session)
                self._version = version
                self._key = key
        return self._index


CACHE = IndexCache()


def search(session: Session, query: str, system: str | None = None, when: dt.date | None = None,
           limit: int = 25, cache: IndexCache = CACHE) -> Result:
    """Search every loaded code set (or one system) and mark validity on the date."""
    key = str(session.get_bind().url)
    return cache.get(session, key).search(query, system, when, limit)
