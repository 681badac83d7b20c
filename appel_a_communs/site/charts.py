"""Geometry of the funding page's SVG charts, computed at build time.

Templates draw these numbers as they are; every coordinate is a Decimal with two
decimals, so that only computed numbers ever reach the markup.
"""

from __future__ import annotations

import gettext
import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from appel_a_communs.funding.engine import distinct_minimum

ZERO = Decimal(0)
STEP = Decimal("0.01")


def _n(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(STEP, rounding=ROUND_HALF_UP)


# --- one bar per common -----------------------------------------------------


@dataclass(frozen=True)
class BarInput:
    """One row to draw: what it is, and its money."""

    slug: str
    label: str
    minimum: Decimal
    stretch: Decimal
    secured: Decimal
    pending: Decimal


@dataclass(frozen=True)
class LabelLine:
    text: str
    y: Decimal


@dataclass(frozen=True)
class BarRow:
    slug: str
    label: str
    """The whole label, for the row's tooltip; ``lines`` is what is drawn."""
    lines: list[LabelLine]
    y: Decimal
    secured_width: Decimal
    pending_x: Decimal
    pending_width: Decimal
    minimum_x: Decimal | None
    stretch_x: Decimal
    marker_top: Decimal
    marker_bottom: Decimal


@dataclass(frozen=True)
class BarChart:
    """Rows of a label above a bar, for an SVG as wide as the page (no viewBox): the
    vertical geometry is in pixels, the horizontal one in percent of the width, so that
    the text keeps its size and every label its whole line at any width, from a phone's
    to a desktop's."""

    height: int
    bar_height: int
    rows: list[BarRow]
    inputs: list[BarInput]
    """What the rows were drawn from, for the chart's data table."""
    scale: Decimal
    """The money that spans the whole bar width: the largest stretch goal or secured total."""
    one_goal: bool
    """No row marks a minimum goal below its stretch goal: the chart's key names one goal."""


LABEL_CHARS = 44
"""Characters of a label line: 44 average glyphs of 12 px fit the ~330 px of a 390 px
wide phone's chart."""
LABEL_LINES = 2
LINE_HEIGHT = 15
BAR_HEIGHT = 16
ROW_GAP = 14


def label_lines(label: str, chars: int = LABEL_CHARS, most: int = LABEL_LINES):
    """``label`` cut between words into lines of at most ``chars`` characters (a longer
    word is cut), at most ``most`` lines, the last one ending with "…" if the label
    goes on; and whether it does."""
    lines = textwrap.wrap(label, chars, break_long_words=True, break_on_hyphens=False) or [""]
    if len(lines) <= most:
        return lines, False
    kept = lines[:most]
    kept[-1] = kept[-1][: chars - 1].rstrip() + "…"
    return kept, True


def bar_chart(inputs: list[BarInput]) -> BarChart:
    """One row per input with a goal: secured, pending, minimum and stretch on one scale."""
    rows_of = [r for r in inputs if r.stretch > 0]
    scale = max((max(r.stretch, r.secured + r.pending) for r in rows_of), default=ZERO)
    rows, top = [], 0
    for result in rows_of:
        unit = Decimal(100) / scale
        secured = min(result.secured, scale) * unit
        pending = min(result.pending, scale - min(result.secured, scale)) * unit
        texts, _ = label_lines(result.label)
        lines = [LabelLine(t, _n(top + 12 + i * LINE_HEIGHT)) for i, t in enumerate(texts)]
        bar_top = top + len(lines) * LINE_HEIGHT + 6
        rows.append(
            BarRow(
                slug=result.slug,
                label=result.label,
                lines=lines,
                y=_n(bar_top),
                secured_width=_n(secured),
                pending_x=_n(secured),
                pending_width=_n(pending),
                minimum_x=_n(result.minimum * unit)
                if distinct_minimum(result.minimum, result.stretch)
                else None,
                stretch_x=_n(result.stretch * unit),
                marker_top=_n(bar_top - 4),
                marker_bottom=_n(bar_top + BAR_HEIGHT + 4),
            )
        )
        top = bar_top + BAR_HEIGHT + ROW_GAP
    return BarChart(
        height=top + 4,
        bar_height=BAR_HEIGHT,
        rows=rows,
        inputs=rows_of,
        scale=scale,
        one_goal=all(row.minimum_x is None for row in rows),
    )


# --- flows from funders to commons ------------------------------------------


@dataclass(frozen=True)
class FlowNode:
    slug: str
    label: str
    amount: Decimal
    y: Decimal
    height: Decimal
    text_y: Decimal


@dataclass(frozen=True)
class FlowLink:
    source: str
    target: str
    source_label: str
    target_label: str
    amount: Decimal
    path: str
    """An SVG path of computed numbers only: a band from funder to common."""


@dataclass(frozen=True)
class FlowChart:
    width: int
    height: int
    funders: list[FlowNode]
    commons: list[FlowNode]
    links: list[FlowLink]
    left_x: int
    right_x: int
    node_width: int
    left_label_x: int
    right_label_x: int


LABEL_HEIGHT = 16


def _stack(items: list[tuple[str, str, Decimal]], unit: Decimal, gap: int) -> list[FlowNode]:
    """Nodes one under the other; a small node still takes a label's height."""
    nodes, y = [], Decimal(10)
    for slug, label, amount in items:
        height = max(Decimal(2), amount * unit)
        slot = max(height, Decimal(LABEL_HEIGHT))
        nodes.append(FlowNode(slug, label, amount, _n(y), _n(height), _n(y + slot / 2 + 4)))
        y += slot + gap
    return nodes


OTHERS = "\0others"
FLOW_NODES = 12


def _top(flows: dict[tuple[str, str], Decimal], labels: dict[str, str], keep: int):
    """Flows between the ``keep`` largest funders and commons, the rest in "others" nodes,
    so that the chart stays legible, and light, whatever the size of the call."""
    funders: dict[str, Decimal] = defaultdict(Decimal)
    commons: dict[str, Decimal] = defaultdict(Decimal)
    for (actor, common), amount in flows.items():
        funders[actor] += amount
        commons[common] += amount
    top_funders = set(sorted(funders, key=lambda a: (-funders[a], labels[a]))[:keep])
    top_commons = set(sorted(commons, key=lambda c: (-commons[c], labels[c]))[:keep])
    grouped: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (actor, common), amount in flows.items():
        source = actor if actor in top_funders else OTHERS + "funders"
        target = common if common in top_commons else OTHERS + "commons"
        grouped[(source, target)] += amount
    return dict(grouped), len(funders) - len(top_funders), len(commons) - len(top_commons)


def flow_chart(
    flows: dict[tuple[str, str], Decimal],
    labels: dict[str, str],
    keep: int = FLOW_NODES,
    ngettext: Callable[[str, str, int], str] = gettext.ngettext,
) -> FlowChart:
    """A two-column flow diagram; ``flows`` maps (actor, common) to counted money."""
    flows, other_funders, other_commons = _top(flows, labels, keep)
    labels = {
        **labels,
        OTHERS + "funders": ngettext("%(num)d other funder", "%(num)d other funders",
                                     other_funders) % {"num": other_funders},
        OTHERS + "commons": ngettext("%(num)d other common", "%(num)d other commons",
                                     other_commons) % {"num": other_commons},
    }  # fmt: skip
    by_funder: dict[str, Decimal] = defaultdict(Decimal)
    by_common: dict[str, Decimal] = defaultdict(Decimal)
    for (actor, common), amount in flows.items():
        by_funder[actor] += amount
        by_common[common] += amount
    total = sum(by_funder.values(), ZERO)
    gap, per_node = 6, 24
    count = max(len(by_funder), len(by_common), 1)
    unit = Decimal(per_node * count) / total if total > 0 else ZERO
    order = sorted(by_funder, key=lambda a: (-by_funder[a], labels[a]))
    targets = sorted(by_common, key=lambda c: (-by_common[c], labels[c]))
    funders = _stack([(a, labels[a], by_funder[a]) for a in order], unit, gap)
    commons = _stack([(c, labels[c], by_common[c]) for c in targets], unit, gap)
    left_x, right_x, node_width = 260, 620, 12
    out_y = {n.slug: n.y for n in funders}
    in_y = {n.slug: n.y for n in commons}
    links = []
    for actor in order:
        for common in targets:
            amount = flows.get((actor, common))
            if not amount:
                continue
            thickness = amount * unit
            y0, y1 = out_y[actor], in_y[common]
            out_y[actor] += thickness
            in_y[common] += thickness
            x0, x1 = left_x + node_width, right_x
            middle = (x0 + x1) / 2
            x0, xm, x1 = _n(x0), _n(middle), _n(x1)
            top0, top1 = _n(y0), _n(y1)
            bottom0, bottom1 = _n(y0 + thickness), _n(y1 + thickness)
            path = (
                f"M{x0},{top0} C{xm},{top0} {xm},{top1} {x1},{top1} "
                f"L{x1},{bottom1} C{xm},{bottom1} {xm},{bottom0} {x0},{bottom0} Z"
            )
            links.append(FlowLink(actor, common, labels[actor], labels[common], amount, path))
    ends = [n.y + max(n.height, Decimal(LABEL_HEIGHT)) for n in funders + commons]
    return FlowChart(
        width=960,
        height=int(max(ends, default=Decimal(0))) + 10,
        funders=funders,
        commons=commons,
        links=links,
        left_x=left_x,
        right_x=right_x,
        node_width=node_width,
        left_label_x=left_x - 6,
        right_label_x=right_x + node_width + 6,
    )


# --- an embeddable badge per common -------------------------------------------------------

STATUS_COLOURS = {
    "proposed": "#6a6a6a",
    "open": "#000091",
    "minimum-reached": "#18753c",
    "stretch-reached": "#18753c",
    "unfunded": "#ce0500",
    "archived": "#6a6a6a",
}  # white text on each has a contrast of at least 4.5:1
CHAR_WIDTH = Decimal("6.6")  # average advance of an 11 px sans-serif glyph


@dataclass(frozen=True)
class Badge:
    label: str
    value: str
    colour: str
    label_width: Decimal
    value_width: Decimal
    width: Decimal
    label_x: Decimal
    value_x: Decimal


def badge(label: str, value: str, status: str) -> Badge:
    """A shields-style badge: "financement | 75 %", coloured by the common's status."""
    label_width = _n(len(label) * CHAR_WIDTH + 12)
    value_width = _n(len(value) * CHAR_WIDTH + 12)
    return Badge(
        label=label,
        value=value,
        colour=STATUS_COLOURS.get(status, "#6a6a6a"),
        label_width=label_width,
        value_width=value_width,
        width=label_width + value_width,
        label_x=Decimal(6),
        value_x=label_width + 6,
    )
