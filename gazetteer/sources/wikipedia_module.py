"""Reader for Wikipedia "detailed map" Lua modules (e.g. *Module:Syrian Civil War detailed map*).

The module is a Lua table ``marks = { { lat = 35.421, long = 40.055, mark = m.IS, marksize = 8,
label = "[[Deir ez-Zor offensive (January 2016)#Ayyash|Ayyash]]" }, ... }``. This reader has
its own small Lua tokenizer and table parser (no Lua runtime, no ``eval``), so it copes with
what hand-edited modules contain: quoted numbers (``lat = "36.35"``), entries spread over
several lines, entries disabled with ``-- {``, trailing comments, ``[[Target|Label]]`` and
``[[Label]]`` links, labels given under ``link =``, stray unkeyed strings, unknown keys, and
numbers that are not coordinates (``long = 366514.``).

What is read
------------
* ``Place.mark``: the mark name without ``m.`` (``"gov"``, ``"IS_base"``, ``"SDF_IS"``,
  ``"stable_opp_JaN"``) or, when the module gives an image file, the file name.
* Feature from the mark's suffix: ``base`` S.MILB, ``air`` S.AIRB, ``heli`` S.AIRH,
  ``hill`` T.HLL, ``oil`` S.OILW, ``industry`` S.MFG, ``naval`` S.NVB; plain side marks,
  contested (``SDF_IS``) and stable mixed marks (``stable_opp_JaN``) P.PPL; ``BSicon`` dam
  icons S.DAM; dot images P.PPL.
* Names: the label's display text (links replaced by their label), its ``/``-separated
  alternatives (``Ma`zulah/Maazoleh``) and a parenthesised alternative
  (``Bakhdida (Qaraqosh)``), and the page titles of the label's link and of ``link =``
  without ``#section`` and without a disambiguation (``Jat, Syria`` → ``Jat``,
  ``X (village)`` → ``X``). Titles of event or list pages (``Battle of ...``,
  ``... offensive (January 2016)``, ``Cities and towns during ...``, ``Talk:...``) are not
  names of the place and are left out. An entry with no label takes its name from ``link =``
  (its ``#section`` when the link is only a section).
* Not places, reported in ``skipped`` (when given) with the reason: inset maps and map
  overlays (image marks with ``marksize >= 40``), border-crossing and dam arrows (``pass_*``,
  ``dam_*``, ``Mountain pass`` images), pressure arcs (``X_N``, ``X_SE`` ...), siege rings,
  area-presence markers (``rural3``/``rural4``, ``4x4dot``), unlabelled entries and entries
  commented out with ``-- {``. Ignored unkeyed values and unknown keys are reported too.
* Problems (raised together as :class:`~gazetteer.exc.SourceFormatError` at the end unless
  ``skipped`` is given): entries without usable coordinates (not numbers, out of range) or
  without a mark, and text that is not Lua.

Place ids
---------
``"wp:<module file stem>:<slug of the name>:<lat>:<lon>"`` with the coordinates rounded to
3 decimals (about 100 m), e.g. ``"wp:syria_module:ayyash:35.421:40.055"``. The id changes
only if the place is renamed or moved by more than ~50 m. When two entries of a module share
it, the later ones get ``~2``, ``~3``... in file order.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gazetteer._types import Place
from gazetteer.exc import Problem
from gazetteer.sources._common import (
    ProblemSink,
    check_coordinates,
    display_path,
    file_level_errors,
    parse_coordinate,
    slugify,
    unique_names,
)

__all__ = ["MARK_FEATURES", "parse_label", "read_wikipedia_module"]

#: Mark suffix → (feature class, feature code).
MARK_FEATURES: dict[str, tuple[str, str]] = {
    "base": ("S", "MILB"),
    "air": ("S", "AIRB"),
    "heli": ("S", "AIRH"),
    "hill": ("T", "HLL"),
    "oil": ("S", "OILW"),
    "industry": ("S", "MFG"),
    "naval": ("S", "NVB"),
}

_SIDES = frozenset(
    {"gov", "opp", "SDF", "JaN", "IS", "Trk", "lcl", "spc", "truce", "FSA", "YPG", "HTS"}
)
_DIRECTIONS = frozenset({"N", "NE", "E", "SE", "S", "SW", "W", "NW", "NN", "EE", "SS", "WW"})
_NOT_A_PLACE_SUFFIX = {
    "siege": "siege ring",
    "rural3": "area-presence marker",
    "rural4": "area-presence marker",
}
_INSET_MIN_MARKSIZE = 40.0
_KNOWN_KEYS = frozenset(
    {"lat", "long", "lon", "mark", "marksize", "label", "link", "label_size", "position"}
)

_EVENT_TITLE = re.compile(
    r"^(?:talk|file|image|category|template|wikipedia|user|module):"
    r"|\b(?:battle|siege|offensive|campaign|clashes|insurgency|conflict|war|raid|"
    r"massacre|operation|cities and towns|list of|timeline|presence)\b"
    r"|\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_WIKILINK = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
_SMALL_NOTE = re.compile(r"<small>\s*\([^()]*\)\s*</small>", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_PAREN_ALT = re.compile(r"^(?P<outer>.+?)\s*\((?P<inner>[^()]+)\)$")
_DISAMBIG_PAREN = re.compile(r"\s*\([^()]*\)$")


# --------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "str" "num" "name" "op" "comment" "eof"
    value: object
    line: int


class _LuaSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_LONG_OPEN = re.compile(r"\[(=*)\[")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
            "\\": "\\", '"': '"', "'": "'", "\n": "\n"}  # fmt: skip


def _tokenize(text: str) -> Iterator[_Token]:
    """Yield the tokens of Lua source text (comments included, as ``comment`` tokens)."""
    i, n, line = 0, len(text), 1
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch in " \t\r\f\v\ufeff":
            i += 1
        elif text.startswith("--", i):
            m = _LONG_OPEN.match(text, i + 2)
            if m:
                close = "]" + m.group(1) + "]"
                end = text.find(close, m.end())
                if end < 0:
                    raise _LuaSyntaxError(line, "unterminated block comment")
                body = text[m.end() : end]
                yield _Token("comment", body, line)
                line += body.count("\n")
                i = end + len(close)
            else:
                end = text.find("\n", i)
                end = n if end < 0 else end
                yield _Token("comment", text[i + 2 : end], line)
                i = end
        elif ch in "\"'":
            j, buf = i + 1, []
            while True:
                if j >= n or text[j] == "\n":
                    raise _LuaSyntaxError(line, "unterminated string")
                c = text[j]
                if c == ch:
                    break
                if c == "\\" and j + 1 < n:
                    nxt = text[j + 1]
                    if nxt in _ESCAPES:
                        buf.append(_ESCAPES[nxt])
                        line += nxt == "\n"
                        j += 2
                        continue
                    if nxt.isdigit():
                        m = re.match(r"\d{1,3}", text[j + 1 :])
                        assert m is not None
                        buf.append(chr(int(m.group())))
                        j += 1 + m.end()
                        continue
                    if nxt == "u" and text.startswith("{", j + 2):
                        end = text.find("}", j + 3)
                        try:
                            buf.append(chr(int(text[j + 3 : end], 16)))
                        except ValueError as exc:
                            raise _LuaSyntaxError(line, "bad \\u escape") from exc
                        j = end + 1
                        continue
                    buf.append(nxt)
                    j += 2
                    continue
                buf.append(c)
                j += 1
            yield _Token("str", "".join(buf), line)
            i = j + 1
        elif ch == "[" and _LONG_OPEN.match(text, i):
            m = _LONG_OPEN.match(text, i)
            assert m is not None
            close = "]" + m.group(1) + "]"
            end = text.find(close, m.end())
            if end < 0:
                raise _LuaSyntaxError(line, "unterminated long string")
            body = text[m.end() : end]
            body = body[1:] if body.startswith("\n") else body
            yield _Token("str", body, line)
            line += text.count("\n", i, end)
            i = end + len(close)
        elif ch in "0123456789" or (ch == "." and i + 1 < n and text[i + 1] in "0123456789"):
            m = _NUMBER.match(text, i)
            assert m is not None
            word = m.group()
            yield _Token(
                "num", float(int(word, 16)) if word[:2] in ("0x", "0X") else float(word), line
            )
            i = m.end()
        elif (ch.isascii() and ch.isalpha()) or ch == "_":
            m = _NAME.match(text, i)
            assert m is not None
            yield _Token("name", m.group(), line)
            i = m.end()
        elif ch in "{}[]=,;()-+#:.<>~*/%^":
            if text.startswith("..", i) or text.startswith("==", i) or text.startswith("~=", i):
                yield _Token("op", text[i : i + 2], line)
                i += 2
            else:
                yield _Token("op", ch, line)
                i += 1
        else:
            raise _LuaSyntaxError(line, f"unexpected character {ch!r}")
    yield _Token("eof", None, line)


# --------------------------------------------------------------------------- parser


@dataclass
class _Table:
    line: int
    end_line: int = 0
    keyed: dict[str, object] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    unkeyed: list[object] = field(default_factory=list)
    duplicate_keys: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Ref:
    """A Lua name used as a value (``m.gov``)."""

    name: str


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.toks = tokens
        self.pos = 0

    def peek(self, k: int = 0) -> _Token:
        return self.toks[min(self.pos + k, len(self.toks) - 1)]

    def next(self) -> _Token:
        tok = self.peek()
        self.pos = min(self.pos + 1, len(self.toks) - 1)
        return tok

    def expect(self, value: str) -> _Token:
        tok = self.next()
        if tok.kind != "op" or tok.value != value:
            raise _LuaSyntaxError(tok.line, f"expected {value!r}, found {_describe(tok)}")
        return tok

    def value(self) -> object:
        tok = self.peek()
        if tok.kind == "str":
            self.next()
            # string concatenation "a" .. "b"
            parts = [str(tok.value)]
            while self.peek().kind == "op" and self.peek().value == "..":
                self.next()
                nxt = self.next()
                if nxt.kind not in ("str", "num"):
                    raise _LuaSyntaxError(nxt.line, f"cannot concatenate {_describe(nxt)}")
                parts.append(str(nxt.value))
            return "".join(parts)
        if tok.kind == "num":
            self.next()
            return tok.value
        if tok.kind == "op" and tok.value in "-+" and self.peek(1).kind == "num":
            self.next()
            num = self.next().value
            assert isinstance(num, float)
            return -num if tok.value == "-" else num
        if tok.kind == "op" and tok.value == "{":
            return self.table()
        if tok.kind == "name":
            self.next()
            if tok.value in ("true", "false"):
                return tok.value == "true"
            if tok.value == "nil":
                return None
            if self.peek().kind == "op" and self.peek().value == "(":
                self._skip_balanced("(", ")")
                return _Ref(f"{tok.value}(...)")
            if self.peek().kind == "op" and self.peek().value == "[":
                # m["gov"]
                self.next()
                key = self.next()
                self.expect("]")
                return _Ref(f"{tok.value}.{key.value}")
            return _Ref(str(tok.value))
        raise _LuaSyntaxError(tok.line, f"expected a value, found {_describe(tok)}")

    def _skip_balanced(self, open_: str, close: str) -> None:
        depth = 0
        while True:
            tok = self.next()
            if tok.kind == "eof":
                raise _LuaSyntaxError(tok.line, f"unbalanced {open_!r}")
            if tok.kind == "op" and tok.value == open_:
                depth += 1
            elif tok.kind == "op" and tok.value == close:
                depth -= 1
                if depth == 0:
                    return

    def table(self) -> _Table:
        start = self.expect("{")
        tbl = _Table(line=start.line)
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value == "}":
                tbl.end_line = self.next().line
                return tbl
            if tok.kind == "eof":
                raise _LuaSyntaxError(start.line, "table not closed with '}'")
            key: str | None = None
            if tok.kind == "name" and self.peek(1).kind == "op" and self.peek(1).value == "=":
                key = str(tok.value)
                self.next()
                self.next()
            elif tok.kind == "op" and tok.value == "[" and self.peek(1).kind in ("str", "num"):
                self.next()
                key = str(self.next().value)
                self.expect("]")
                self.expect("=")
            val = self.value()
            if key is None:
                tbl.unkeyed.append(val)
            else:
                if key in tbl.keyed:
                    tbl.duplicate_keys.append(key)
                tbl.keyed[key] = val
                tbl.key_lines[key] = tok.line
            sep = self.peek()
            if sep.kind == "op" and sep.value in ",;":
                self.next()
            elif not (sep.kind == "op" and sep.value == "}"):
                raise _LuaSyntaxError(sep.line, f"expected ',' or '}}', found {_describe(sep)}")

    def skip_to_table_end(self, depth: int) -> None:
        """Skip tokens until the table opened at nesting ``depth`` (1 = current entry) closes."""
        while depth > 0:
            tok = self.next()
            if tok.kind == "eof":
                return
            if tok.kind == "op" and tok.value == "{":
                depth += 1
            elif tok.kind == "op" and tok.value == "}":
                depth -= 1


def _show(value: object) -> str:
    """Return a Lua value as written, for messages."""
    if isinstance(value, _Ref):
        return value.name
    if isinstance(value, _Table):
        return "a table"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _describe(tok: _Token) -> str:
    if tok.kind == "eof":
        return "end of file"
    if tok.kind == "str":
        return f"string {tok.value!r}"
    return repr(tok.value)


# --------------------------------------------------------------------------- labels


def _page_name(target: str) -> str | None:
    """Return the place name a link target stands for, or ``None``."""
    target = " ".join(target.replace("_", " ").split())
    page, _, section = target.partition("#")
    page = page.strip() or section.strip()
    if not page or _EVENT_TITLE.search(page):
        return None
    page = _DISAMBIG_PAREN.sub("", page).strip()
    head, comma, tail = page.rpartition(",")
    if comma and head.strip() and len(tail.split()) <= 3 and "(" not in tail:
        page = head.strip()  # "Jat, Syria", "Hameidiyyeh, Deir ez-Zor"
    return page or None


def _link_name(link: str) -> str | None:
    """Return the name an entry with only a ``link =`` stands for (page, else section)."""
    page = _page_name(link)
    if page:
        return page
    section = " ".join(link.partition("#")[2].replace("_", " ").split())
    return section or None


def parse_label(label: str) -> tuple[str, tuple[str, ...]]:
    """Split a module label into its display name and the other names it gives.

    Parameters
    ----------
    label : str
        The ``label`` value as written in the module.

    Returns
    -------
    tuple
        ``(display_name, names)``: the text shown on the map with links replaced by their
        label and HTML removed; ``names`` adds the ``/``-separated alternatives, the two
        halves of ``"X (Y)"`` and the link targets' page names (see the module docstring).

    Examples
    --------
    >>> parse_label("[[Deir ez-Zor offensive (January 2016)#Ayyash|Ayyash]]")
    ('Ayyash', ())
    >>> parse_label("[[Jat, Syria|Jat]]")
    ('Jat', ())
    >>> parse_label("[[Ma`zulah/Maazoleh]]")
    ('Ma`zulah/Maazoleh', ('Ma`zulah', 'Maazoleh'))
    >>> parse_label("[[Hamdaniya|Bakhdida]] (Qaraqosh)")
    ('Bakhdida (Qaraqosh)', ('Bakhdida', 'Qaraqosh', 'Hamdaniya'))
    """
    targets: list[str] = []

    def _link(m: re.Match[str]) -> str:
        target, text = m.group(1), m.group(2)
        targets.append(target)
        if text is None:
            return target.split("#", 1)[-1] if target.startswith("#") else target
        return text

    text = _WIKILINK.sub(_link, label)
    text = _SMALL_NOTE.sub(" ", text)
    text = _HTML_BREAK.sub(" ", text)
    text = _HTML_TAG.sub("", text)
    display = " ".join(text.replace("'''", "").replace("''", "").split())
    names: list[str] = []
    if "/" in display:
        names.extend(part.strip() for part in display.split("/"))
    paren = _PAREN_ALT.match(display)
    if paren and not re.fullmatch(r"[\d\s.,m]+", paren.group("inner")):
        names.extend([paren.group("outer"), paren.group("inner")])
    for target in targets:
        page = _page_name(target)
        if page:
            names.append(page)
    return display, unique_names(display, names)


# --------------------------------------------------------------------------- reader


def _classify(mark: str, marksize: float | None) -> tuple[str | None, str | None, str | None]:
    """Return ``(feature_class, feature_code, reason_not_a_place)`` for a mark."""
    if mark.lower().endswith((".svg", ".png", ".gif", ".jpg", ".jpeg")):
        low = mark.lower()
        if "overlay" in low:
            return None, None, f"map overlay (image {mark!r})"
        if low.startswith("mountain pass") or low.startswith("arch dam"):
            return None, None, f"arrow (image {mark!r})"
        if "4x4dot" in low or "3x3dot" in low:
            return None, None, f"area-presence marker (image {mark!r})"
        if low.startswith("bsicon"):
            return "S", "DAM", None
        if marksize is not None and marksize >= _INSET_MIN_MARKSIZE:
            return None, None, f"inset map (image {mark!r}, marksize {marksize:g})"
        return "P", "PPL", None
    parts = mark.split("_")
    if parts[0] == "pass":
        return None, None, f"border-crossing arrow (mark {mark!r})"
    if parts[0] == "dam":
        return None, None, f"dam arrow (mark {mark!r})"
    suffix = parts[-1]
    if len(parts) > 1 and suffix in _DIRECTIONS:
        return None, None, f"pressure arc (mark {mark!r})"
    if len(parts) > 1 and suffix in _NOT_A_PLACE_SUFFIX:
        return None, None, f"{_NOT_A_PLACE_SUFFIX[suffix]} (mark {mark!r})"
    if len(parts) > 1 and suffix in MARK_FEATURES:
        fclass, fcode = MARK_FEATURES[suffix]
        return fclass, fcode, None
    sides = [p for p in parts if p != "stable"]
    if sides and all(p in _SIDES for p in sides):
        return "P", "PPL", None
    return None, None, None


def _find_marks(parser: _Parser) -> _Table | None:
    """Position the parser and parse the ``marks = { ... }`` table header; return None if absent."""
    toks = parser.toks
    for i in range(len(toks) - 2):
        t0, t1, t2 = toks[i], toks[i + 1], toks[i + 2]
        if (
            t0.kind == "name" and t0.value == "marks"
            and t1.kind == "op" and t1.value == "="
            and t2.kind == "op" and t2.value == "{"
        ):  # fmt: skip
            parser.pos = i + 2
            return _Table(line=t2.line)
    return None


@file_level_errors
def read_wikipedia_module(
    path: str | os.PathLike[str],
    *,
    skipped: list[Problem] | None = None,
    country: str | None = None,
) -> Iterator[Place]:
    """Stream the marks of a Wikipedia "detailed map" Lua module as places.

    Parameters
    ----------
    path : str or path-like
        The module text (``action=raw`` download or a file of the same shape).
    skipped : list of Problem, optional
        Receives every entry that is not used, with the reason, and notes about ignored
        values. Without it, only unusable entries (bad coordinates, no mark, bad Lua) are
        reported, raised together as :class:`~gazetteer.exc.SourceFormatError` at the end.
    country : str, optional
        ISO country code to give every place (the module does not say).

    Yields
    ------
    Place
        One per usable mark, in file order; ``source="wikipedia:<file name>"``,
        ``mark`` = the mark name; see the module docstring for names, features and ids.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> lua = '''return { marks = {
    ...   { lat = 35.421, long = 40.055, mark = m.IS, marksize = 8,
    ...     label = "[[Deir ez-Zor offensive (January 2016)#Ayyash|Ayyash]]" },
    ...   { lat = 36.1, long = 37.3, mark = "Rif_Aleppo2.svg", marksize = 184 }, -- inset
    ... } }'''
    >>> skipped = []
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "syria.lua")
    ...     _ = p.write_text(lua, encoding="utf-8")
    ...     places = list(read_wikipedia_module(p, skipped=skipped))
    >>> [(pl.id, pl.name, pl.mark, pl.feature) for pl in places]
    [('wp:syria:ayyash:35.421:40.055', 'Ayyash', 'IS', 'P.PPL')]
    >>> [str(s).split(":", 1)[1] for s in skipped]
    ["4: mark: not a place: inset map (image 'Rif_Aleppo2.svg', marksize 184)"]
    """
    where = display_path(path)
    p = Path(path)
    stem, source = p.stem, f"wikipedia:{p.name}"
    sink = ProblemSink(skipped)
    text = p.read_text(encoding="utf-8")
    tokens: list[_Token] = []
    comments: list[_Token] = []
    try:
        for tok in _tokenize(text):
            (comments if tok.kind == "comment" else tokens).append(tok)
    except _LuaSyntaxError as exc:
        sink.add(where, exc.line, None, f"not valid Lua: {exc.message}")
        sink.finish()
        return
    parser = _Parser(tokens)
    if _find_marks(parser) is None:
        sink.add(where, None, None, "no 'marks = { ... }' table found")
        sink.finish()
        return
    parser.expect("{")
    used_ids: dict[str, int] = {}
    while True:
        tok = parser.peek()
        if tok.kind == "op" and tok.value in ",;":
            parser.next()
            continue
        if tok.kind == "op" and tok.value == "}":
            break
        if tok.kind == "eof":
            sink.add(where, tok.line, None, "not valid Lua: 'marks' table not closed with '}'")
            break
        if not (tok.kind == "op" and tok.value == "{"):
            sink.note(where, tok.line, None, f"ignored value {_describe(tok)} in the marks table")
            try:
                parser.value()
            except _LuaSyntaxError as exc:
                sink.add(where, exc.line, None, f"not valid Lua: {exc.message}")
                parser.next()
            continue
        while comments and comments[0].line < tok.line:
            _commented_entry(comments.pop(0), where, sink)
        start = parser.pos
        try:
            entry = parser.table()
        except _LuaSyntaxError as exc:
            sink.add(where, exc.line, None, f"not valid Lua: {exc.message}; entry skipped")
            parser.pos = start + 1
            parser.skip_to_table_end(1)
            continue
        place = _entry_place(entry, where, stem, source, country, sink)
        if place is None:
            continue
        n = used_ids.get(place.id, 0) + 1
        used_ids[place.id] = n
        if n > 1:
            place = _replace_id(place, f"{place.id}~{n}")
        yield place
    for comment in comments:
        _commented_entry(comment, where, sink)
    sink.finish()


def _replace_id(place: Place, new_id: str) -> Place:
    return dataclasses.replace(place, id=new_id)


_COMMENTED_LABEL = re.compile(r"""label\s*=\s*(["'])(.*?)\1""")


def _commented_entry(tok: _Token, where: str, sink: ProblemSink) -> None:
    body = str(tok.value).strip()
    if body.startswith("{") and re.search(r"\blat\s*=", body):
        m = _COMMENTED_LABEL.search(body)
        what = f" {parse_label(m.group(2))[0]!r}" if m else ""
        sink.note(where, tok.line, None, f"not a place: entry{what} is commented out")


def _entry_place(
    entry: _Table,
    where: str,
    stem: str,
    source: str,
    country: str | None,
    sink: ProblemSink,
) -> Place | None:
    line = entry.line
    kv = entry.keyed
    for key in entry.duplicate_keys:
        sink.note(
            where, entry.key_lines.get(key, line), key, "key given twice; the last value is used"
        )
    for key in kv:
        if key not in _KNOWN_KEYS:
            sink.note(
                where, entry.key_lines[key], key, f"unknown key ignored (value {_show(kv[key])})"
            )
    for val in entry.unkeyed:
        sink.note(where, line, None, f"ignored unkeyed value {_show(val)}")

    # coordinates
    lon_key = "long" if "long" in kv else "lon"
    coords: list[float] = []
    for key in ("lat", lon_key):
        if key not in kv:
            sink.add(where, line, key if key == "lat" else "long", "missing")
            return None
        val = parse_coordinate(kv[key])
        if val is None or isinstance(kv[key], _Table | _Ref | bool):
            sink.add(where, entry.key_lines[key], key, f"not a number: {_show(kv[key])}")
            return None
        coords.append(val)
    lat, lon = coords
    bad = check_coordinates(lat, lon)

    # mark
    raw_mark = kv.get("mark")
    if isinstance(raw_mark, _Ref):
        mark = raw_mark.name.removeprefix("m.")
    elif isinstance(raw_mark, str) and raw_mark.strip():
        mark = raw_mark.strip()
    else:
        sink.add(
            where, line, "mark", "missing" if raw_mark is None else f"not a mark: {_show(raw_mark)}"
        )
        return None
    marksize = parse_coordinate(kv.get("marksize")) if "marksize" in kv else None
    fclass, fcode, not_place = _classify(mark, marksize)

    # names
    label_val = kv.get("label")
    link_val = kv.get("link")
    label = label_val.strip() if isinstance(label_val, str) else ""
    link = link_val.strip() if isinstance(link_val, str) else ""
    if label:
        name, names = parse_label(label)
    elif link:
        name, names = _link_name(link) or "", ()
    else:
        name, names = "", ()

    if not_place is not None:
        what = f" {name!r}" if name else ""
        sink.note(where, line, "mark", f"not a place{what}: {not_place}")
        return None
    if not name:
        sink.note(where, line, "label", f"not a place: unlabelled entry (mark {mark!r})")
        return None
    if bad is not None:
        sink.add(where, entry.key_lines.get(lon_key, line), "lat/long", f"{bad} ({name!r})")
        return None
    if fclass is None:
        sink.note(where, line, "mark", f"unknown mark {mark!r}: no feature class given")
    if link and label:
        page = _page_name(link)
        if page:
            names = unique_names(name, [*names, page])
    slug = slugify(name) or "x"
    return Place(
        id=f"wp:{stem}:{slug}:{lat:.3f}:{lon:.3f}",
        name=name,
        lat=lat,
        lon=lon,
        country=country,
        feature_class=fclass,
        feature_code=fcode,
        source=source,
        names=names,
        mark=mark,
    )
