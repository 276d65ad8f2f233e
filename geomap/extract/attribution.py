"""Who says it: "according to X", "X said", "X reported", "X claimed"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from geomap.actors import ActorRegistry, actor_key

__all__ = ["KNOWN_SOURCES", "Attribution", "SourceBook", "find_attribution"]

#: Monitors, networks and wires often cited in Syria/Iraq reporting: canonical name → aliases.
KNOWN_SOURCES: dict[str, tuple[str, ...]] = {
    "SOHR": ("Syrian Observatory for Human Rights", "Observatory", "SOHR", "the monitor"),
    "Deir Ezzor 24": ("Deir Ezzor 24", "Deir Ezzor24", "DeirEzzor24", "Deir ez-Zor 24"),
    "DIBSS": ("Deir Ezzour Is Being Slaughtered Silently", "Deir ez-Zor Is Being Slaughtered"
              " Silently", "DIBSS"),
    "RBSS": ("Raqqa Is Being Slaughtered Silently", "RBSS"),
    "SNHR": ("Syrian Network for Human Rights", "SNHR"),
    "LCC": ("Local Coordination Committees", "LCC"),
    "Sham News Network": ("Sham News Network",),
    "AP": ("Associated Press", "AP"),
    "Reuters": ("Reuters",),
    "AFP": ("AFP", "Agence France-Presse"),
    "UN": ("United Nations", "U.N.", "UN", "OCHA"),
    "Airwars": ("Airwars",),
}
_SPEECH = r"(?:said|says|reported|reports|claimed|claims|announced|confirmed|added|stated|told|" \
          r"denied|insisted|wrote|posted)"
_ACCORDING = re.compile(r"\baccording to\s+(?P<x>[^.;,“”\"]+)", re.IGNORECASE)
_SUBJ_SAID = re.compile(rf"(?P<x>[^“”\".;]{{2,160}}?)[,\s]+{_SPEECH}\b")
_SAID_SUBJ = re.compile(rf"[,”\"]\s*{_SPEECH}\s+(?P<x>[^.;,“”\"]+)")
_BACKREF = re.compile(r"^(?:he|she|it|they|the group|the monitor|the organi[sz]ation|"
                      r"the agency|the network|the report|the statement|officials?)$",
                      re.IGNORECASE)
_UNNAMED = re.compile(r"\b(?:activists?|residents?|sources?|officials?|witnesses|monitoring "
                      r"group|rights group|media|state media|observers|locals|medics|"
                      r"commanders?|monitor|analysts?|reports)\b", re.IGNORECASE)
_PERSON = re.compile(r"(?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+")
_LINK_HEADS = re.compile(
    r"(?P<org>[A-Z][\w .'’-]{1,60}?)['’]s\s+(?:chief|head|director|founder|spokesman)\s+"
    r"(?P<person>(?:[A-Z][\w'’-]+\s+){0,2}[A-Z][\w'’-]+)")
_LINK_WHO = re.compile(
    r"(?P<person>(?:[A-Z][\w'’-]+\s+){0,2}[A-Z][\w'’-]+),\s+who\s+(?:heads|runs|leads|founded|"
    r"directs)\s+the\s+(?P<org>[A-Z][\w .'’-]{1,60}?)(?:\s+(?:news\s+)?(?:network|group|"
    r"agency|website|monitor))?[,.]")
_NOT_NAME = frozenset({"the", "a", "an", "opposition", "activist", "activists", "monitoring",
                       "group", "mr", "mrs", "ms", "chief", "spokesman", "spokeswoman",
                       "official", "britain-based", "u.k.-based", "uk-based", "london-based",
                       "syria", "syrian", "state", "news", "agency", "both", "and"})


@dataclass(frozen=True, slots=True)
class Attribution:
    """The sources a sentence cites.

    ``sources``: canonical names (named sources); ``unnamed``: the description
    when the sentence cites unnamed sources ("activists"); ``claimed``: the
    sentence uses "claimed"/"claims"; ``start``/``end``: the attribution's span
    in the sentence (events are not read from it).
    """

    sources: tuple[str, ...]
    unnamed: str = ""
    claimed: bool = False
    start: int = -1
    end: int = -1


class SourceBook:
    """Resolves source phrases to canonical names; remembers people linked to organisations.

    Examples
    --------
    >>> book = SourceBook(ActorRegistry.default())
    >>> book.learn("Abu Leila, who heads the Deir Ezzor 24 news network, said so.")
    >>> book.canonical("Opposition activist Omar Abu Leila")
    ('Deir Ezzor 24 (Omar Abu Leila)',)
    >>> book.canonical("Syria's state news agency SANA")
    ('SANA',)
    """

    def __init__(self, actors: ActorRegistry) -> None:
        self.actors = actors
        names: list[tuple[str, str]] = []
        for canon, aliases in KNOWN_SOURCES.items():
            names += [(a, canon) for a in aliases]
        for actor in actors:
            names += [(o, o) for o in actor.outlets]
        names.sort(key=lambda t: -len(t[0]))
        self._names = names
        self._pat = re.compile("|".join(
            rf"(?<![\w-]){re.escape(a)}(?![\w])" if len(a) > 4 or not a.isupper()
            else rf"\b{re.escape(a)}\b" for a, _ in names))
        self._canon = dict(names)
        self._canon_lower = {a.lower(): c for a, c in names}
        self.people: dict[str, str] = {}  # last word of a person's name -> org

    def learn(self, text: str) -> None:
        """Link people to the organisations the text says they head."""
        for pat in (_LINK_HEADS, _LINK_WHO):
            for m in pat.finditer(text):
                org = self.canonical(m.group("org"), link=False)
                if (org and org[0] in KNOWN_SOURCES) or (org and self.actors.side_of_outlet(
                        org[0])):
                    self.people[m.group("person").split()[-1]] = org[0]
                    self.people[" ".join(m.group("person").split()[-2:])] = org[0]

    def known(self, phrase: str) -> tuple[str, ...]:
        """Return the known organisations and outlets named in a phrase."""
        out: list[str] = []
        for m in self._pat.finditer(phrase):
            c = self._canon.get(m.group()) or self._canon_lower.get(m.group().lower())
            if c and c not in out:
                out.append(c)
        return tuple(out)

    def canonical(self, phrase: str, *, link: bool = True) -> tuple[str, ...]:
        """Return the named sources in a phrase (canonical names), in order."""
        out: list[str] = []
        compact = re.sub(r"[\W_]+", "", phrase.lower())
        for m in self._pat.finditer(phrase):
            c = self._canon.get(m.group()) or self._canon_lower.get(m.group().lower())
            if c and c not in out:
                out.append(c)
        for a, c in self._names:  # "Deir Ezzor24" written without its space
            if len(a) > 6 and re.sub(r"[\W_]+", "", a.lower()) in compact and c not in out:
                out.append(c)
        if out:
            return tuple(out)
        for part in re.split(r"\s+and\s+|,\s*", phrase):
            words = [w for w in part.split() if w]
            while words and (words[0].lower().strip(".") in _NOT_NAME or not words[0][0].isupper()):
                words = words[1:]
            name = " ".join(words).strip(" ’'")
            if not name or not _PERSON.fullmatch(name) or len(words) > 4:
                continue
            actor = self.actors.resolve(name)
            if actor is not None:
                out.append(actor.name)
                continue
            org = None
            if link:
                org = self.people.get(" ".join(words[-2:])) or self.people.get(words[-1])
            out.append(f"{org} ({name})" if org else name)
        return tuple(out)


def find_attribution(sentence: str, book: SourceBook, *, previous: Attribution | None = None
                     ) -> Attribution | None:
    """Return the attribution of a sentence, or ``None`` when it cites nobody.

    ``previous`` resolves back-references ("the group reported", "he added").

    Examples
    --------
    >>> book = SourceBook(ActorRegistry.default())
    >>> find_attribution("IS took X, according to the Syrian Observatory for Human Rights.",
    ...                  book).sources
    ('SOHR',)
    >>> a = find_attribution("IS took X, activists said.", book)
    >>> a.sources, a.unnamed
    ((), 'activists')
    """
    claimed = bool(re.search(r"\bclaim(?:ed|s)?\b", sentence))
    for pat in (_ACCORDING, _SAID_SUBJ, _SUBJ_SAID):
        m = pat.search(sentence)
        if not m:
            continue
        x = m.group("x").strip()
        if pat is _SUBJ_SAID:
            # the subject: after the last quote/clause start, at most 12 words
            x = re.split(r"[“”\"]|\bthat\b|\bwhen\b|\bwhile\b", x)[-1].strip(" ,")
            x = " ".join(x.split()[-12:])
            if not x:
                continue
        if _BACKREF.match(x.strip()):
            if previous is not None:
                return Attribution(previous.sources, previous.unnamed, claimed or
                                   previous.claimed, m.start(), m.end())
            continue
        last = re.split(r",\s*", x.strip(" ,"))[-1] if pat is not _ACCORDING else x
        start = m.start()
        if pat is _SUBJ_SAID:
            start = m.start() + m.group().rfind(last) if last in m.group() else m.start()
        sources = book.canonical(last) or book.known(x)
        if sources:
            return Attribution(sources, "", claimed, start, m.end())
        if _UNNAMED.search(last):
            return Attribution((), last.strip(), claimed, start, m.end())
    return None


def source_key(text: str) -> str:
    """Return the matching key of a source name (as the actor registry's)."""
    return actor_key(text)
