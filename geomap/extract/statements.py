"""Control-change statements: trigger verbs, actor and loser, objects, extent, negation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from geomap.actors import ActorRegistry

__all__ = ["ActorRef", "Statement", "find_actor_refs", "find_statements"]

# (pattern, action, voice): voice "active" (subject acts on the objects after it),
# "passive" (objects before, actor after "by"/"to"), "lost" (subject loses the objects)
# "nominal" (the liberation of X: objects after, actor after "by"/"to" or from the article's
# sides; only dated ones are events), "state" (X was declared liberated: the state retook)
_TRIGGERS: tuple[tuple[str, str, str], ...] = (
    (r"(?:was|were|been|being|is|are|had been|has been|have been)\s+(?:\w+ly\s+)?"
     r"(?:captured|seized|overrun|taken|stormed)\s+by", "captured", "passive"),
    (r"(?:was|were|been|is|are)\s+(?:\w+ly\s+)?(?:retaken|recaptured|liberated)\s+by",
     "retook", "passive"),
    (r"(?:was|were|been|is|are)\s+(?:(?:officially\s+)?declared\s+|\w+ly\s+)?"
     r"(?:retaken|recaptured|liberated)(?!\s+by)", "retook", "state"),
    (r"(?:broke|breaks|broken|breaking|lifted|lifts|lifting|ended|ending)\s+"
     r"(?:on\s+\w+\s+)?(?:the\s+)?(?:[\w-]+[- ]long\s+|long\s+)?siege|"
     r"(?:breaking|lifting)\s+of\s+the\s+siege", "siege_lifted", "active"),
    (r"(?:the\s+)?(?:liberation|recapture)\s+of", "retook", "nominal"),
    (r"(?:the\s+)?(?:capture|seizure|fall)\s+of", "captured", "nominal"),
    (r"entered|enters|entering|pushed\s+into|broke\s+into|advanced\s+into", "entered",
     "active"),
    (r"fell\s+to|falls\s+to|fallen\s+to", "captured", "passive"),
    (r"took\s+(?:full\s+|complete\s+)?control\s+(?:of|over)|taken\s+(?:full\s+)?control\s+of|"
     r"(?:seized|gained|seize|seizes|gains)\s+(?:full\s+)?control\s+(?:of|over)|"
     r"captured|captures|capturing|seized|seizes|seizing|overran|overrun|overruns|"
     r"took\s+over|takes\s+over|taking\s+over", "captured", "active"),
    (r"retook|retaken|retakes|retaking|recaptured|recaptures|recapturing|regained|regains|"
     r"regaining|liberated|liberating|reclaimed", "retook", "active"),
    (r"withdrew\s+from|withdraws\s+from|withdrawn\s+from|pulled\s+out\s+of|retreated\s+from|"
     r"abandoned", "withdrew", "active"),
    (r"lost\s+control\s+of|lost(?!\s+(?:their|his|her|its)\s+lives)", "lost", "lost"),
    (r"besieged|besieging|laid\s+siege\s+to|encircled|encircling|surrounded", "besieged",
     "active"),
    (r"crossed", "crossed", "active"),
    (r"stormed|storming", "contested", "active"),
)
_TRIGGER = re.compile("|".join(rf"(?P<t{i}>\b(?:{p})\b)" for i, (p, _a, _v) in
                               enumerate(_TRIGGERS)), re.IGNORECASE)
_BOUNDARY = re.compile(r";|\s[—–]\s|,\s+(?:which|who|where|while|but|whereas|although)\b|"
                       r"\s(?:while|but|whereas|although)\s|,\s+according to\b|[,”\"]\s*(?:said|"
                       r"reported|added|claimed)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:not|n[’']t|never|no|failed|fail|fails|trying|tried|tries|try|attempt\w*|seeking|"
    r"sought|aim\w*|plan\w*|would|could|might|may|will|if|unless|threat\w*|vow\w*|denied|"
    r"deny|denies|whether|hopes?|expected|wants?|wanted|push(?:ing)?\s+to|bid\s+to)\b",
    re.IGNORECASE)
_NO_CHANGE = re.compile(
    r"\b(?:controls|controlled|holds|held|still\s+holds|loss\s+of|battling|battles?\s+for|"
    r"clashes|fighting\s+(?:in|around|for)|shelled|shelling|airstrikes?\s+on|borders)\b",
    re.IGNORECASE)
_INFINITIVE = re.compile(r"\bto\s+$", re.IGNORECASE)
_NOT_OBJECT = re.compile(
    r"\b(?:near|outside|toward|towards|around|close\s+to|edge\s+of|(?:north|south|east|west|"
    r"northeast|northwest|southeast|southwest)(?:ern)?\s+of|between|from|beyond|approaches\s+to|"
    r"road\s+to|highway\s+to|way\s+to|"
    r"on\s+the\s+(?!towns?\b|villages?\b|city\b|cities\b)\w+\s+of)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,2}$",
    re.IGNORECASE)
_PARTIAL = re.compile(
    r"\b(?:much\s+of|parts?\s+of|part\s+of|some\s+(?:territory|areas?|parts?|positions|"
    r"neighbou?rhoods|districts|villages)\s+(?:in|of)|most\s+of|large\s+parts?\s+of|half\s+of|"
    r"the\s+majority\s+of|sections?\s+of|areas?\s+(?:in|of|around)|new\s+ground|"
    r"neighbou?rhoods?\s+(?:in|of)|districts?\s+(?:in|of)|positions\s+(?:in|of|on)|"
    r"outskirts\s+of|several\s+(?:areas|neighbou?rhoods|districts|villages)\s+(?:in|of)|"
    r"(?:eastern|western|northern|southern)\s+(?:part|side|half)\s+of|cent(?:er|re)\s+of)\b",
    re.IGNORECASE)
_FULL = re.compile(r"\b(?:the\s+entire|the\s+whole|all\s+of|full\s+control|complete\s+control|"
                   r"entirely|completely|fully)\b", re.IGNORECASE)
_QUALIFIER = re.compile(r"^\s*,?\s*(?:in|of)\s+(?:the\s+)?(?:[a-z]+\s+of\s+)?$", re.IGNORECASE)
_REGION_AFTER = re.compile(r"^\s*(?:countryside|province|governorate|region|desert)\b",
                           re.IGNORECASE)
# "the Palmyra highway": a road named after the place, not the place
_ROAD_AFTER = re.compile(r"^\s+(?:highway|road|motorway|junction|crossroads?|axis|front)\b",
                         re.IGNORECASE)
_FIGHTING = re.compile(r"\b(?:clashes|fighting|battles?|combat|street\s+fights?)\b",
                       re.IGNORECASE)
_REL_BEFORE = re.compile(r"(,)\s+(which|where)$", re.IGNORECASE)
_COORD = re.compile(r"^\s*(?:,\s*)?(?:and|,)\s+(?:the\s+)?$", re.IGNORECASE)
_RESET = re.compile(r"\bincluding\b|,|\band\b|\bas\s+well\s+as\b", re.IGNORECASE)

#: Generic references → role: "insurgent" (the document's main non-state actor),
#: "state" (the government of the document's country), "pronoun" (the previous actor),
#: "occupier" (the foreign state the article names: an outlet's word for its enemy).
GENERIC_REFERENCES: dict[str, str] = {
    "extremists": "insurgent", "extremist group": "insurgent", "militants": "insurgent",
    "militant group": "insurgent", "jihadists": "insurgent", "jihadist group": "insurgent",
    "insurgents": "insurgent", "fighters": "insurgent", "terrorists": "insurgent",
    "troops": "state", "soldiers": "state", "the army": "state", "army": "state",
    "government": "state", "regime": "state", "security forces": "state",
    "loyalists": "state", "pro-government forces": "state",
    "occupation forces": "occupier", "occupation army": "occupier", "occupiers": "occupier",
    "they": "pronoun", "it": "pronoun",
}
_STATE_IDS = ("gov", "IRQ")


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor named in a sentence: ``actor`` is an id, or a role of GENERIC_REFERENCES."""

    start: int
    end: int
    text: str
    actor: str
    generic: bool


@dataclass(frozen=True, slots=True)
class Statement:
    """One control-change statement about one place in one sentence.

    ``mention`` is the index of the place mention (in the list given); ``actor``
    and ``previous`` are actor ids (or ``None``); ``reasons`` why it needs review;
    ``nominal`` is true for a noun phrase ("the liberation of X"), an event only
    when the clause dates it.
    """

    sentence: int
    mention: int
    action: str
    actor: str | None
    previous: str | None
    extent: str
    trigger: str
    trigger_start: int
    clause: tuple[int, int]
    reasons: tuple[str, ...] = ()
    nominal: bool = False


def _actor_pattern(actors: ActorRegistry) -> re.Pattern[str]:
    parts: list[str] = []
    names = {a for actor in actors for a in (actor.id, actor.name, *actor.aliases)}
    for a in sorted(names, key=lambda x: (-len(x), x)):
        esc = re.escape(a).replace(r"\ ", r"[\s-]+")
        if a.isupper() and len(a) <= 5:
            parts.append(rf"(?-i:\b{esc}\b)")
        else:
            parts.append(rf"\b{esc}\b")
    tails = r"(?:[\s-]+(?:fighters|militants|forces|troops|units|militiamen|group|members|" \
            r"positions|jets|aircraft))?"
    return re.compile(rf"(?:{'|'.join(parts)}){tails}", re.IGNORECASE)


_PAT_CACHE: dict[int, re.Pattern[str]] = {}
_GENERIC = re.compile(r"\b(?:" + "|".join(
    re.escape(g) for g in sorted(GENERIC_REFERENCES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE)


def find_actor_refs(sentence: str, actors: ActorRegistry) -> list[ActorRef]:
    """Return the actors named (or referred to) in a sentence, in order.

    Examples
    --------
    >>> reg = ActorRegistry.default()
    >>> [(r.text, r.actor) for r in find_actor_refs("IS fighters beat regime forces", reg)]
    [('IS fighters', 'IS'), ('regime forces', 'gov')]
    >>> [(r.text, r.actor) for r in find_actor_refs("The Sunni extremists captured it", reg)]
    [('extremists', 'insurgent')]
    """
    pat = _PAT_CACHE.get(id(actors))
    if pat is None:
        pat = _PAT_CACHE[id(actors)] = _actor_pattern(actors)
    out: list[ActorRef] = []
    taken: list[tuple[int, int]] = []
    for m in pat.finditer(sentence):
        found = actors.resolve(m.group())
        if found is None:
            continue
        # "Islamic State-linked news agency", "Syrian Observatory": not the actor itself
        if re.match(r"-(?:linked|affiliated|run|based)\b", sentence[m.end():]):
            continue
        out.append(ActorRef(m.start(), m.end(), m.group(), found.id, False))
        taken.append((m.start(), m.end()))
    for m in _GENERIC.finditer(sentence):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        word = m.group().lower()
        rest = sentence[m.end():]
        if word in ("it", "they") and not (
                re.match(r"\s+(?:\w+\s+)?(?:also\s+)?(?:had\s+|has\s+|have\s+)?\w+ed\b", rest)
                or re.match(r"\s+(?:also\s+)?(?:took|overran|retook|lost|withdrew|fell)\b", rest)):
            continue
        out.append(ActorRef(m.start(), m.end(), m.group(), GENERIC_REFERENCES[word], True))
    out.sort(key=lambda r: r.start)
    return out


def s0_before(objs: Sequence[tuple[int, int, int, bool]], m: re.Match[str]) -> bool:
    """Return whether the objects precede the trigger (a relative clause's head)."""
    return bool(objs) and objs[0][1] < m.start()


def trigger_entered(text: str) -> bool:
    """Return whether a trigger is a verb of entering ("entered", "pushed into")."""
    return bool(re.match(r"(?:entered|enters|entering|pushed|broke\s+into|advanced)", text,
                         re.IGNORECASE))


def _clause(sentence: str, pos: int, other_triggers: Sequence[int]) -> tuple[int, int]:
    start, end = 0, len(sentence)
    for m in _BOUNDARY.finditer(sentence):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = min(end, m.start())
            break
    return start, end


def find_statements(
    sentence: str,
    sentence_index: int,
    mentions: Sequence[tuple[int, int, int, bool]],
    refs: Sequence[ActorRef],
    *,
    skip: tuple[int, int] = (-1, -1),
) -> tuple[list[Statement], dict[int, str]]:
    """Return the control-change statements of one sentence, and notes on places not taken.

    Parameters
    ----------
    sentence : str
    sentence_index : int
    mentions : sequence of (index, start, end, usable)
        Place mentions with offsets in the sentence; ``usable`` is false for
        mentions without a place (only a crossing may use them).
    refs : sequence of ActorRef
        Actors in the sentence (roles unresolved: resolution is the caller's).
    skip : (start, end)
        The attribution span: its words are not read as statements.

    Returns
    -------
    statements, notes
        ``notes`` maps a mention index to why it is mentioned but not taken
        (negated, hypothetical, only near the objects).

    Examples
    --------
    >>> reg = ActorRegistry.default()
    >>> s = "IS fighters captured much of the town of Ayyash."
    >>> sts, _ = find_statements(s, 0, [(0, 41, 47, True)], find_actor_refs(s, reg))
    >>> [(x.action, x.actor, x.extent) for x in sts]
    [('captured', 'IS', 'partial')]
    >>> s = "Daesh is trying to capture Ayyash."
    >>> find_statements(s, 0, [(0, 27, 33, True)], find_actor_refs(s, reg))
    ([], {0: 'not taken: hypothetical or negated (capture)'})
    """
    statements: list[Statement] = []
    notes: dict[int, str] = {}
    triggers = []
    for m in _TRIGGER.finditer(sentence):
        if skip[0] <= m.start() < skip[1]:
            continue
        i = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        triggers.append((m, *_TRIGGERS[i][1:]))
    starts = [m.start() for m, _a, _v in triggers]
    # a bare "capture" (infinitive) is not in the trigger list: note it for the places
    for m in re.finditer(r"\b(?:capture|seize|take|retake|recapture|storm)\b", sentence,
                         re.IGNORECASE):
        c0, c1 = _clause(sentence, m.start(), starts)
        for idx, s0, _e, _u in mentions:
            if m.end() <= s0 < c1:
                notes.setdefault(idx, f"not taken: hypothetical or negated ({m.group()})")
    for m in _NO_CHANGE.finditer(sentence):
        c0, c1 = _clause(sentence, m.start(), starts)
        for idx, s0, _e, _u in mentions:
            if m.end() <= s0 < c1:
                notes[idx] = f"no change: {m.group().lower()}"  # the nearest verb wins
    for k, (m, action, voice) in enumerate(triggers):
        c0, c1 = _clause(sentence, m.start(), starts)
        nxt = [s for s in starts[k + 1:] if s > m.end()]
        if nxt and voice != "passive":
            c1 = min(c1, nxt[0])
        prefix = sentence[c0:m.start()]
        reasons: list[str] = []
        negated = _NEGATION.search(prefix) or _INFINITIVE.search(prefix)
        if voice in ("passive", "state"):
            objs = [t for t in mentions if c0 <= t[1] < m.start()]
        else:
            objs = [t for t in mentions if m.end() <= t[1] < c1]
        relative = _REL_BEFORE.search(sentence[:c0])
        where = False
        anaphor = re.match(r"\s+(?:from\s+|of\s+|over\s+)?the\s+(?:city|town|village)\b",
                           sentence[m.end():])
        if anaphor and action in ("captured", "retook", "withdrew") and not [
                t for t in objs if t[3] and t[1] < m.end() + anaphor.end() + 30]:
            # "IS fighters withdrew from the city": the place named before it in the sentence
            head = [t for t in mentions if t[3] and t[2] <= m.start()]
            if head:
                objs = head[-1:]
                reasons.append(f"{anaphor.group().strip()!r} taken as {sentence[head[-1][1]:head[-1][2]]!r}")
        if relative and not [t for t in objs if t[3]]:
            # "Tabqa, which it captured", "al-Hasakah, where IS took control of a district"
            head = [t for t in mentions if 0 <= relative.start() - t[2] <= 6]
            objs = head[-1:]
            where = relative.group(2).lower() == "where"
        if negated:
            for idx, *_rest in objs:
                notes[idx] = f"not taken: hypothetical or negated ({negated.group().strip()})"
            continue
        before = [r for r in refs if c0 <= r.start < m.start()]
        after = [r for r in refs if m.end() <= r.start < c1]
        actor = previous = None
        if voice == "passive":
            actor = after[0].actor if after else None
        elif voice == "state":
            actor = "state"
            reasons.append("no actor named: the state's forces assumed")
        elif voice == "nominal":
            by = [r for r in after if re.search(r"\b(?:by|to)\s+(?:the\s+)?(?:\S+\s+)?$",
                                                sentence[:r.start])]
            if by:
                actor = by[0].actor
            elif before:
                actor = before[-1].actor
            else:
                actor = "state" if action == "retook" else "insurgent"
                reasons.append("no actor named: taken from the article's sides")
        elif voice == "lost":
            previous = before[-1].actor if before else None
            to = [r for r in after if re.search(r"\bto\s+(?:the\s+)?\S*\s*$",
                                                sentence[:r.start])]
            actor = to[0].actor if to else None
            action = "captured" if actor else "withdrew"
            if actor is None:
                actor, previous = previous, None
        else:
            if before:
                named = [r for r in before if r.actor != "pronoun"]
                k0 = len(before) - 1
                # "Iraqi forces and the Hashd took control": the first of the subjects
                while k0 > 0 and _COORD.match(sentence[before[k0 - 1].end:before[k0].start]):
                    k0 -= 1
                actor = before[k0].actor if before[k0].actor != "pronoun" or not named \
                    else named[-1].actor
            elif not re.search(r"[.,]", sentence[:m.start()][-3:]):
                # subject before the clause ("X launched an offensive, capturing Y")
                earlier = [r for r in refs if r.start < c0]
                actor = earlier[0].actor if earlier else None
            frm = [r for r in after if re.search(
                r"\b(?:from|against|imposed\s+by|by)\s+(?:the\s+)?(?:\S+\s+)?$"
                if action == "siege_lifted" else r"\b(?:from|against)\s+(?:the\s+)?(?:\S+\s+)?$",
                sentence[:r.start])]
            if frm:
                previous = frm[0].actor
            elif after and action in ("contested", "crossed"):
                previous = after[0].actor
        if action == "crossed":
            if not re.search(r"\band\s+(?:then\s+)?(?:stormed|attacked|assaulted|overran)\b",
                             sentence[m.end():c1 + 120], re.IGNORECASE):
                continue
            action = "contested"
            reasons.append("a crossing and assault: fighting, no change of control stated")
        elif action == "contested":
            reasons.append("stormed: an assault, control afterwards not stated")
        elif action == "entered":
            if not _FIGHTING.search(sentence):
                for idx, *_rest in objs:
                    notes.setdefault(idx, "not taken: entered, no fighting or control stated")
                continue
            action = "contested"
            reasons.append("entered with fighting inside: contested")
        prev_end = m.end()
        back = voice in ("passive", "state") or (relative is not None and s0_before(objs, m))
        for idx, s0, e0, usable in objs:
            seg = sentence[prev_end if not back else c0:s0] if s0 >= m.end() or back else ""
            prev_end = e0
            lo = max(c0, s0 - 40) if back else max(m.end(), s0 - 40)
            near = _NOT_OBJECT.search(sentence[lo:s0]) if s0 >= lo else None
            if near and not (action == "contested" and trigger_entered(m.group()) and re.search(
                    r"(?:edge|outskirts|parts?)\s+of\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,2}$",
                    near.group(), re.IGNORECASE)):
                notes.setdefault(idx, "not taken: only near the places taken")
                continue
            if _ROAD_AFTER.match(sentence[e0:e0 + 15]):
                notes.setdefault(idx, "not taken: a road named after the place")
                continue
            if not usable and action != "contested":
                notes.setdefault(idx, "not taken: not a place of the gazetteer")
                continue
            if statements and statements[-1].trigger_start == m.start() and _QUALIFIER.match(seg):
                notes.setdefault(idx, "not taken: names the area of the place taken")
                continue
            if _REGION_AFTER.match(sentence[e0:e0 + 15]):
                notes.setdefault(idx, "not taken: names the area of the place taken")
                continue
            tail = _RESET.split(seg)[-1] if _RESET.search(seg) else seg
            extent = "full"
            r = list(reasons)
            if _PARTIAL.search(tail):
                extent = "partial"
                if re.search(r"new\s+ground|areas?\s+(?:in|of)|positions", tail, re.IGNORECASE):
                    r.append(f"vague object: {_PARTIAL.search(tail).group()!r}")
            elif action == "contested" or where:
                extent = "partial"
            statements.append(Statement(sentence_index, idx, action, actor, previous, extent,
                                        m.group(), m.start(), (c0, c1), tuple(r),
                                        nominal=voice == "nominal"))
    return statements, notes
