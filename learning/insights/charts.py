"""Chart geometry for the insights page, drawn as inline SVG by
templates/learning/insights/includes/chart.html (no JavaScript, no library).

Horizontal positions are percentages, so a chart fills any width with its text at full size (a
viewBox would shrink the labels to nothing on a phone); vertical ones are pixels. Every chart has
a title and a description for assistive technology; the page also lists its numbers in a table.
"""

import math
from dataclasses import dataclass, field

from django.utils import dateformat
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LABEL_CHARS = 44
COLUMN_PLOT_HEIGHT = 160  # px
COLUMN_TOP, COLUMN_BOTTOM = 18, 26  # px above the plot (grid labels) and below (period labels)
ROW_HEIGHT = 42  # px per horizontal bar: a label line, then the bar
BAR_THICKNESS = 14


@dataclass
class Column:
    x: float  # %
    width: float  # %
    y: float  # px
    height: float  # px
    tooltip: str


@dataclass
class GridLine:
    y: float
    label: str

    @property
    def label_y(self):
        return self.y - 4


@dataclass
class AxisLabel:
    x: float  # %
    anchor: str
    text: str


@dataclass
class Row:
    label: str
    value: str
    width: float  # %
    label_y: float
    bar_y: float
    tooltip: str
    highlight: bool = False


@dataclass
class Chart:
    id: str
    kind: str  # "columns" or "bars"
    title: str
    description: str
    height: int
    columns: list[Column] = field(default_factory=list)
    grid: list[GridLine] = field(default_factory=list)
    axis: list[AxisLabel] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    bar_height: int = BAR_THICKNESS
    baseline: float = 0  # px: the x axis of a column chart

    @property
    def axis_y(self):
        return self.height - 6


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k at or above value (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def columns_chart(*, id, title, description, points, top=None, value_format=number):
    """Vertical bars: points are (label, value or None); `top` fixes the scale (e.g. 5 stars)."""
    values = [value for _label, value in points if value is not None]
    top = top or nice_ceiling(max(values, default=0))
    chart = Chart(
        id=id,
        kind="columns",
        title=title,
        description=description,
        height=COLUMN_TOP + COLUMN_PLOT_HEIGHT + COLUMN_BOTTOM,
    )
    baseline = chart.baseline = COLUMN_TOP + COLUMN_PLOT_HEIGHT
    for fraction in (1, 0.5):
        chart.grid.append(
            GridLine(baseline - fraction * COLUMN_PLOT_HEIGHT, value_format(top * fraction))
        )
    slot = 100 / max(len(points), 1)
    for index, (label, value) in enumerate(points):
        if value is None:
            continue
        height = COLUMN_PLOT_HEIGHT * min(value, top) / top
        chart.columns.append(
            Column(
                x=round(index * slot + slot * 0.12, 3),
                width=round(slot * 0.76, 3),
                y=round(baseline - height, 1),
                height=round(height, 1),
                tooltip=f"{label}: {value_format(value)}",
            )
        )
    if points:
        chart.axis.append(AxisLabel(0, "start", points[0][0]))
        if len(points) > 2:
            middle = len(points) // 2
            chart.axis.append(
                AxisLabel(round((middle + 0.5) * slot, 3), "middle", points[middle][0])
            )
        if len(points) > 1:
            chart.axis.append(AxisLabel(100, "end", points[-1][0]))
    return chart


def bars_chart(*, id, title, description, rows, top=None):
    """Horizontal bars: rows are (label, value, shown value, highlight); width is value / top."""
    top = top or max((value for _l, value, _s, _h in rows), default=0) or 1
    chart = Chart(id=id, kind="bars", title=title, description=description, height=0)
    for index, (label, value, shown, highlight) in enumerate(rows):
        y = index * ROW_HEIGHT
        chart.rows.append(
            Row(
                label=Truncator(label).chars(LABEL_CHARS),
                value=shown,
                width=round(100 * min(value or 0, top) / top, 3),
                label_y=y + 14,
                bar_y=y + 20,
                tooltip=f"{label}: {shown}",
                highlight=highlight,
            )
        )
    chart.height = max(len(rows), 1) * ROW_HEIGHT
    return chart


def period_label(start, granularity):
    if granularity == "week":
        return dateformat.format(start, "j M Y")
    return dateformat.format(start, "M Y")


def insights_charts(insights) -> dict[str, Chart]:
    """The page's charts, keyed by name (a chart is left out when it has nothing to draw)."""
    charts = {}
    if insights.enrolments:
        points = [
            (period_label(p.start, insights.granularity), p.count) for p in insights.enrolments
        ]
        busiest = max(insights.enrolments, key=lambda p: p.count)
        per = _("per week") if insights.granularity == "week" else _("per month")
        charts["enrolments"] = columns_chart(
            id="chart-enrolments",
            title=_("Enrolments %(per)s") % {"per": per},
            description=_(
                "Column chart of enrolments %(per)s from %(first)s to %(last)s: %(total)s in "
                "all, the most in %(busiest)s (%(most)s)."
            )
            % {
                "per": per,
                "first": points[0][0],
                "last": points[-1][0],
                "total": number(insights.learners),
                "busiest": period_label(busiest.start, insights.granularity),
                "most": number(busiest.count),
            },
            points=points,
        )
    if insights.funnel:
        drop = insights.biggest_drop
        charts["funnel"] = bars_chart(
            id="chart-funnel",
            title=_("Learners who completed each lesson"),
            description=_(
                "Bar chart of the %(learners)s enrolled learners who completed each of the "
                "%(lessons)s lessons, in curriculum order. %(drop)s"
            )
            % {
                "learners": number(insights.learners),
                "lessons": len(insights.funnel),
                "drop": drop_sentence(insights, drop),
            },
            rows=[
                (
                    f"{index}. {step.title}",
                    step.completed,
                    f"{number(step.completed)} ({number(step.percent or 0)} %)",
                    step is drop,
                )
                for index, step in enumerate(insights.funnel, start=1)
            ],
            top=max(insights.learners, max(step.completed for step in insights.funnel), 1),
        )
    if insights.quizzes:
        charts["quizzes"] = bars_chart(
            id="chart-quizzes",
            title=_("Share of learners who passed each quiz"),
            description=_("Bar chart of each quiz's pass rate: %(rates)s.")
            % {
                "rates": "; ".join(
                    f"{quiz.title} {pass_rate_text(quiz)}" for quiz in insights.quizzes
                )
            },
            rows=[
                (quiz.title, quiz.pass_rate or 0, pass_rate_text(quiz), False)
                for quiz in insights.quizzes
            ],
            top=100,
        )
    if insights.ratings:
        charts["ratings"] = columns_chart(
            id="chart-ratings",
            title=_("Average rating per month"),
            description=_(
                "Column chart of the average rating (1 to 5 stars) of the reviews written each "
                "month from %(first)s to %(last)s; months without a review have no column. "
                "%(count)s reviews in all, %(average)s stars on average."
            )
            % {
                "first": period_label(insights.ratings[0].start, "month"),
                "last": period_label(insights.ratings[-1].start, "month"),
                "count": number(insights.rating_count),
                "average": number(insights.rating_average),
            },
            points=[(period_label(m.start, "month"), m.average) for m in insights.ratings],
            top=5,
        )
    if insights.rating_count:
        charts["review_progress"] = bars_chart(
            id="chart-review-progress",
            title=_("How far learners were when they wrote their review"),
            description=_(
                "Bar chart of the reviews by the learner's progress when written: %(bands)s."
            )
            % {
                "bands": "; ".join(
                    f"{band.label} {number(band.count)}" for band in insights.review_progress
                )
            },
            rows=[
                (band.label, band.count, reviews_text(band.count), False)
                for band in insights.review_progress
            ],
        )
    return charts


def pass_rate_text(quiz) -> str:
    if not quiz.learners:
        return _("no attempts yet")
    return _("%(rate)s %% (%(passed)s of %(learners)s)") % {
        "rate": number(quiz.pass_rate),
        "passed": number(quiz.passed),
        "learners": number(quiz.learners),
    }


def reviews_text(count) -> str:
    return ngettext("%(count)s review", "%(count)s reviews", count) % {"count": number(count)}


def drop_sentence(insights, drop) -> str:
    """Names the lesson that loses the most learners, and the step it loses them from."""
    if drop is None:
        return _("No lesson loses learners.")
    before = insights.step_before(drop)
    if before is None:
        return _(
            "The biggest drop is at the first lesson, “%(lesson)s”: %(drop)s of the enrolled "
            "learners have not completed it."
        ) % {"lesson": drop.title, "drop": number(drop.drop)}
    return _(
        "The biggest drop is at “%(lesson)s”: %(drop)s fewer learners completed it than "
        "“%(before)s”."
    ) % {"lesson": drop.title, "drop": number(drop.drop), "before": before.title}
