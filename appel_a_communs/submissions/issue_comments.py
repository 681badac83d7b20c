"""HTML comments in an issue body's values: removed outside code as GitHub hides them
(``strip_comments``), and, for the section search of ``issue_body``, what that stripping
makes of any section of a body without stripping each one anew (``BodyLines``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import cache

_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")


def blank(line: str) -> bool:
    """A line that shows nothing: it changes no section's value."""
    return not line.strip()


def strip_comments(lines: list[str]) -> list[str]:
    """Remove the HTML comments GitHub hides, but not those inside code.

    Fenced blocks (a fence left open runs to the end of the section, as in Markdown) are
    kept verbatim; elsewhere code spans are kept and ``<!-- … -->`` removed, across lines
    if need be. A ``<!--`` that nothing closes is kept as typed: no text is lost unseen.
    """
    out: list[str] = []
    prose: list[str] = []
    fence: tuple[str, int] | None = None
    for line in lines:
        if fence is not None:
            out.append(line)
            close = _FENCE_CLOSE.fullmatch(line)
            if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= fence[1]:
                fence = None
            continue
        opening = _FENCE_OPEN.fullmatch(line)
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            out.extend(_uncomment("\n".join(prose)).split("\n") if prose else [])
            prose = []
            fence = (opening.group(1)[0], len(opening.group(1)))
            out.append(line)
            continue
        prose.append(line)
    if prose:
        out.extend(_uncomment("\n".join(prose)).split("\n"))
    return out


_INLINE = re.compile(r"\\|`+|<!--")


def _uncomment(text: str) -> str:
    """``text`` without its HTML comments, code spans and backslash escapes left alone."""
    if "<!--" not in text:
        return text
    out: list[str] = []
    line_at = 0  # out[line_at:] is the output line being written, out[:line_at] ends with \n
    blank = True  # whether that line is blank so far

    def add(piece: str) -> None:
        nonlocal line_at, blank
        cut = piece.rfind("\n")
        if cut < 0:
            blank = blank and not piece.strip()
            out.append(piece)
        else:
            out.append(piece[: cut + 1])
            line_at = len(out)
            out.append(piece[cut + 1 :])
            blank = not piece[cut + 1 :].strip()

    i = 0
    while (found := _INLINE.search(text, i)) is not None:
        add(text[i : found.start()])
        token, i = found.group(), found.end()
        if token == "\\":
            add(text[found.start() : i + 1])
            i += 1
        elif token[0] == "`":
            close = _closing_run(len(token)).search(text, i)
            stop = close.end() if close else i
            add(text[found.start() : stop])
            i = stop
        else:
            close_at = text.find("-->", i)
            if close_at == -1:  # nothing closes it: kept as typed
                add(text[found.start() :])
                return "".join(out)
            i = close_at + 3
            line_end = text.find("\n", i)
            line_end = len(text) if line_end == -1 else line_end
            if blank and not text[i:line_end].strip():
                # The comment fills its lines, which go with it, as on GitHub's page.
                del out[line_at:]
                i = line_end + 1
    add(text[i:])
    return "".join(out)


@cache
def _closing_run(size: int) -> re.Pattern[str]:
    """A run of exactly ``size`` backticks: what closes a code span opened by such a run."""
    return re.compile(rf"(?<!`)`{{{size}}}(?!`)")


@cache
def _closing_fence(char: str, size: int) -> re.Pattern[str]:
    """A line that closes a fence opened by ``size`` times ``char`` (see _FENCE_CLOSE)."""
    return re.compile(rf"^ {{0,3}}{re.escape(char)}{{{size},}}[ \t]*$", re.MULTILINE)


_NONBLANK = re.compile(r"\S")


class BodyLines:
    """A body's lines, and what ``strip_comments`` makes of any section of them, found
    without stripping each section anew: the search weighs up to (headings)² sections, and
    a body may be 65 536 characters of comments.

    The stripping of lines ``s:e`` is a walk over the text from line s: prose runs up to
    the next line that opens a fence (whatever the walk did before), a fence to its closing
    line, and in prose each ``\\`` escape, code span and comment is found by searching on
    from the last one. Two facts make walks cheap:

    - A walk that reaches a line break outside any code span, comment or fence carries on
      exactly as a walk starting on the next line: one walk (``_Walk``) serves every
      section, and walks meet at such breaks (``owner``) instead of walking on side by side.
    - Cutting the text at line e changes the walk only where a code span or a comment
      opened before the cut closes after it: the comment is then kept as typed to the cut,
      and the code span's backticks are kept and the walk goes on after them (a walk of its
      own, ``run``). Everything else is read from the walk of the whole text.

    Comments that fill their lines also take those lines with them; that only drops blank
    lines, which change no section's validity, so the walks ignore it (``kept``).
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.text = "\n".join(lines)
        size = len(lines)
        self.size = size
        self.off = [0] * (size + 1)  # where each line starts; off[size] is past the end
        self.nonblank = [0] * (size + 1)  # prefix counts of the lines that are not blank
        for j, line in enumerate(lines):
            self.off[j + 1] = self.off[j] + len(line) + 1
            self.nonblank[j + 1] = self.nonblank[j] + (not blank(line))
        self.opener = [size] * (size + 1)  # the first line at or after j that opens a fence
        for j in range(size - 1, -1, -1):
            line = lines[j]
            head = line[:6]
            opening = ("```" in head or "~~~" in head) and _FENCE_OPEN.fullmatch(line)
            opens = opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2))
            self.opener[j] = j if opens else self.opener[j + 1]
        self.owner: dict[int, tuple[_Walk, int]] = {}  # line → (walk, its count there)
        self.walks: dict[tuple[int, bool], _Walk] = {}
        self.fences: dict[int, tuple[int, int]] = {}

    def kept(self, start: int, until: int, most: int) -> Callable[[], list[str]] | None:
        """The lines that are not blank in ``strip_comments(lines[start:until])``, as a
        function giving them, or None if there are more than ``most``: all that the validity
        of a section needs (``issue_body._fits``), without stripping it anew."""
        return self.walk(start).read(self.off[until] - 1, most)

    def line_of(self, pos: int) -> int:
        return bisect_right(self.off, pos) - 1

    def chunk_end(self, line: int) -> int:
        """Where the prose holding ``line`` ends: at the line break before the next fence."""
        opener = self.opener[line]
        return self.off[opener] - 1 if opener < self.size else len(self.text)

    def fence(self, opener: int) -> tuple[int, int]:
        """(end of the fence that ``opener`` opens, the line after it)."""
        if opener not in self.fences:
            run = _FENCE_OPEN.fullmatch(self.lines[opener]).group(1)  # type: ignore[union-attr]
            close = None
            if opener + 1 < self.size:
                pattern = _closing_fence(run[0], len(run))
                close = pattern.search(self.text, self.off[opener + 1])
            if close is None:
                self.fences[opener] = (len(self.text), self.size)
            else:
                line = self.line_of(close.start())
                self.fences[opener] = (self.off[line + 1] - 1, line + 1)
        return self.fences[opener]

    def walk(self, line: int) -> _Walk:
        """The walk of the text from the start of ``line``."""
        key = (self.off[line], False)
        if key not in self.walks:
            walk = self.walks[key] = _Walk(self, self.off[line], False)
            walk.rest(line)
        return self.walks[key]

    def run(self, pos: int) -> _Walk:
        """The walk on from ``pos``, just after backticks whose code span a cut leaves open."""
        key = (pos, True)
        if key not in self.walks:
            self.walks[key] = _Walk(self, pos, True)
        return self.walks[key]


class _Walk:
    """The stripping of a body's text from ``start`` on, read at any cut (see BodyLines).

    The walk keeps the state after each comment or code span it meets (``starts`` to
    ``lines``: the events a cut can fall in), and the lines it has finished that are not
    blank (``firsts`` to ``tos``: one line, or a range of whole raw lines). A count of
    them, whether the line being written is blank and where it starts are all that the
    validity of a section needs, with those few lines' text.
    """

    def __init__(self, body: BodyLines, start: int, flag: bool) -> None:
        self.body = body
        self.start = start
        self.flag0 = flag  # a walk after backticks starts on a line that is not blank
        self.pos = start  # what is walked so far
        self.count = 0  # finished lines that are not blank
        self.flag = flag  # whether the line being written is not blank
        self.line = start  # where that line starts
        self.end = body.chunk_end(body.line_of(start)) if start <= len(body.text) else start
        self.done = False
        self.link: tuple[int, _Walk, int, int] | None = None  # (pos, walk, its count, ours)
        # Events (code spans and comments that close), with the state after each.
        self.starts: list[int] = []
        self.stops: list[int] = []
        self.runs: list[int] = []  # a code span's backticks, or 0 for a comment
        self.counts: list[int] = []
        self.flags: list[bool] = []
        self.lines: list[int] = []
        self.removed: list[int] = []  # the comments taken out: starts, and their ends
        self.removed_ends: list[int] = []
        self.firsts: list[int] = []  # groups: index of their first line, kind, extent
        self.kinds: list[bool] = []  # True: raw lines [a, b); False: text [a, b)
        self.froms: list[int] = []
        self.tos: list[int] = []

    def rest(self, line: int) -> bool:
        """At the start of ``line``, outside any construct: meet the walk that was there."""
        owner = self.body.owner.get(line)
        if owner is None:
            self.body.owner[line] = (self, self.count)
            return False
        self.link = (self.body.off[line], owner[0], owner[1], self.count)
        return True

    def group(self, raw: bool, a: int, b: int, count: int) -> None:
        if raw and self.kinds and self.kinds[-1] and self.tos[-1] == a:
            self.tos[-1] = b
        else:
            self.firsts.append(self.count)
            self.kinds.append(raw)
            self.froms.append(a)
            self.tos.append(b)
        self.count += count

    def literal(self, i: int, j: int, rest: bool) -> bool:
        """Walk over text kept as it is; with ``rest``, its line breaks are outside any
        construct. False when this walk met another one there and stops."""
        if i >= j:
            return True
        body, text = self.body, self.body.text
        brk = text.find("\n", i, j)
        if brk < 0:
            self.flag = self.flag or _NONBLANK.search(text, i, j) is not None
            return True
        if self.flag or _NONBLANK.search(text, i, brk):
            self.group(False, self.line, brk, 1)
        self.flag = False
        self.line = brk + 1
        last = text.rfind("\n", brk + 1, j)
        first = body.line_of(brk + 1)
        if rest:
            if self.rest(first):
                return False
            if last >= 0:
                nonblank, off = body.nonblank, body.off
                for line in range(first, body.line_of(last + 1)):
                    if nonblank[line + 1] > nonblank[line]:
                        self.group(True, line, line + 1, 1)
                    self.line = off[line + 1]
                    if self.rest(line + 1):
                        return False
        elif last >= 0:
            final = body.line_of(last + 1)
            count = body.nonblank[final] - body.nonblank[first]
            if count:
                self.group(True, first, final, count)
            self.line = last + 1
        self.flag = _NONBLANK.search(text, self.line, j) is not None
        return True

    def event(self, start: int, stop: int, run: int) -> None:
        self.starts.append(start)
        self.stops.append(stop)
        self.runs.append(run)
        self.counts.append(self.count)
        self.flags.append(self.flag)
        self.lines.append(self.line)
        self.pos = stop

    def extend(self, until: int) -> None:
        """Walk on until ``until`` at least, or until meeting another walk."""
        body, text = self.body, self.body.text
        size = len(text)
        while self.pos < until and self.link is None and not self.done:
            i, end = self.pos, self.end
            if i >= end:  # the line break before a fence, then the fence as it is
                if end >= size:
                    self.done = True
                    break
                stop, after = body.fence(body.line_of(end + 1))
                if i <= end:
                    if not self.literal(i, end + 1, True):
                        break
                    i = end + 1
                self.literal(i, stop, False)
                self.pos = stop
                if after >= body.size:
                    self.done = True
                else:
                    self.end = body.chunk_end(after)
                continue
            found = _INLINE.search(text, i, end)
            if found is None:
                if self.literal(i, end, True):
                    self.pos = end
                continue
            at, token = found.start(), found.group()
            if token == "\\":
                if self.literal(i, min(at + 2, size), True):
                    self.pos = at + 2
            elif token[0] == "`":
                close = _closing_run(len(token)).search(text, found.end(), end)
                if close is None:
                    if self.literal(i, found.end(), True):
                        self.pos = found.end()
                elif self.literal(i, at, True):
                    self.literal(at, close.end(), False)
                    self.event(at, close.end(), len(token))
            else:
                close_at = text.find("-->", found.end(), end)
                if close_at < 0:  # kept as typed to the end of the prose
                    if self.literal(i, at, True):
                        self.literal(at, end, False)
                        self.pos = end
                elif self.literal(i, at, True):
                    self.removed.append(at)
                    self.removed_ends.append(close_at + 3)
                    self.event(at, close_at + 3, 0)

    def state(self, k: int) -> tuple[tuple[int, bool, int], int]:
        """(count, flag, line) after event k (before the first for -1), and where."""
        if k < 0:
            return (0, self.flag0, self.start), self.start
        return (self.counts[k], self.flags[k], self.lines[k]), self.stops[k]

    def counted(self, state: tuple[int, bool, int], i: int, j: int) -> tuple[int, bool, int]:
        """The state after the text [i, j) kept as it is."""
        count, flag, line = state
        body, text = self.body, self.body.text
        brk = text.find("\n", i, j)
        if brk < 0:
            return count, flag or _NONBLANK.search(text, i, j) is not None, line
        count += flag or _NONBLANK.search(text, i, brk) is not None
        last = text.rfind("\n", brk + 1, j)
        line = brk + 1
        if last >= 0:
            count += body.nonblank[body.line_of(last + 1)] - body.nonblank[body.line_of(line)]
            line = last + 1
        return count, _NONBLANK.search(text, line, j) is not None, line

    def read(self, cut: int, most: int) -> Callable[[], list[str]] | None:
        """The lines that are not blank in the stripping of the text [start, cut), as a
        function giving them, or None if there are more than ``most``."""
        walk, skip, count = self, 0, 0  # lines before this walk's own, which start at skip
        parts: list[tuple] = []
        while True:
            walk.extend(cut)
            if walk.link is not None and cut >= walk.link[0]:
                _, other, theirs, ours = walk.link
                parts.append(("done", walk, skip, ours))
                count += ours - skip
                walk, skip = other, theirs
                if count > most:
                    return None
                continue
            k = bisect_left(walk.starts, cut) - 1
            if k >= 0 and walk.stops[k] > cut and walk.runs[k]:
                # A code span the cut leaves open: its backticks stay, the walk goes on.
                state, at = walk.state(k - 1)
                after = walk.starts[k] + walk.runs[k]
                state = walk.counted(state, at, after)
                parts.append(("done", walk, skip, state[0]))
                parts.append(("prefix", walk, state[2], after))
                count += state[0] - skip
                walk, skip = walk.body.run(after), 0
                if count + 1 > most:  # the line being written holds the backticks
                    return None
                continue
            # A comment the cut leaves open is kept as typed, from where it opens.
            state, at = walk.state(k if k < 0 or walk.stops[k] <= cut else k - 1)
            final = walk.counted(state, at, cut)
            if count + final[0] - skip + final[1] > most:
                return None
            parts.append(("done", walk, skip, state[0]))
            parts.append(("text", walk, state, at, cut, skip))
            return lambda: _gather(parts)

    def text_of(self, i: int, j: int) -> str:
        """The text [i, j) of one output line, without the comments taken out of it."""
        text, removed = self.body.text, self.removed
        k = bisect_left(removed, i)
        if k == len(removed) or removed[k] >= j:
            return text[i:j]
        pieces = []
        while k < len(removed) and removed[k] < j:
            pieces.append(text[i : removed[k]])
            i = self.removed_ends[k]
            k += 1
        pieces.append(text[i:j])
        return "".join(pieces)

    def finished(self, first: int, last: int) -> list[str]:
        """The finished lines that are not blank, numbered first to last (excluded)."""
        body, out = self.body, []
        g = max(bisect_right(self.firsts, first) - 1, 0)
        while g < len(self.firsts) and self.firsts[g] < last:
            index, a, b = self.firsts[g], self.froms[g], self.tos[g]
            if not self.kinds[g]:
                if index >= first:
                    out.append(self.text_of(a, b))
            else:
                nonblank = body.nonblank
                stop = min(last - index, nonblank[b] - nonblank[a])
                for n in range(max(first - index, 0), stop):
                    out.append(body.lines[bisect_left(nonblank, nonblank[a] + n + 1) - 1])
            g += 1
        return out

    def written(self, state: tuple[int, bool, int], i: int, j: int) -> list[str]:
        """The lines that are not blank of the text [i, j) kept as it is, after ``state``."""
        _, flag, line = state
        body, text = self.body, self.body.text
        brk = text.find("\n", i, j)
        if brk < 0:
            nonblank = flag or _NONBLANK.search(text, i, j) is not None
            return [self.text_of(line, i) + text[i:j]] if nonblank else []
        out = []
        if flag or _NONBLANK.search(text, i, brk):
            out.append(self.text_of(line, i) + text[i:brk])
        last = text.rfind("\n", brk + 1, j)
        line = brk + 1
        if last >= 0:
            first, final = body.line_of(line), body.line_of(last + 1)
            nonblank = body.nonblank
            for n in range(nonblank[first], nonblank[final]):
                out.append(body.lines[bisect_left(nonblank, n + 1) - 1])
            line = last + 1
        if _NONBLANK.search(text, line, j):
            out.append(text[line:j])
        return out


def _gather(parts: list[tuple]) -> list[str]:
    """The lines that ``_Walk.read``'s parts describe, in order."""
    out: list[str] = []
    prefix = ""  # backticks and what precedes them, at the start of the next line
    for tag, walk, *where in parts:
        if tag == "prefix":
            prefix += walk.text_of(*where)
            continue
        if tag == "done":
            lines = walk.finished(*where)
        else:
            state, at, cut, skip = where
            lines = walk.written(state, at, cut)[max(skip - state[0], 0) :]
        if lines and prefix:
            lines[0] = prefix + lines[0]
            prefix = ""
        out.extend(lines)
    return out
