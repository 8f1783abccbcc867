"""Bar charts as plain geometry for an inline SVG template (no JavaScript, no inline styles).

Colours are SVG presentation attributes (CSP allows them; WeasyPrint draws them in the
PDF). Every chart carries a title and a description that says the numbers in words, and
sits beside a table with the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Fill colours with at least 3:1 contrast against white (WCAG 2.2 non-text contrast).
COLOURS = {
    "bronze": "#8a4f1d",
    "silver": "#505a5f",
    "gold": "#8a6a00",
    "median": "#1d70b8",
    "p90": "#003078",
    "open": "#1d70b8",
    "overdue": "#b42a17",
    "paused": "#505a5f",
    "count": "#1d70b8",
}
WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 60
LEGEND_HEIGHT = 30
PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH


@dataclass
class Series:
    key: str
    label: str
    colour: str


@dataclass
class Chart:
    id: str
    title: str
    description: str
    height: int
    legend: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # label, y, bars: [x, y, w, h, colour], value
    width: int = WIDTH
    label_width: int = LABEL_WIDTH


def _fmt(value) -> str:
    if value is None:
        return "no data"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def bar_chart(chart_id: str, title: str, categories: list[tuple[str, dict]],
              series: list[tuple[str, str]], *, stacked: bool = True, unit: str = "",
              describe_total: bool = True) -> Chart:
    """Horizontal bars: one band per category, its series stacked or side by side.

    `categories` is [(label, {series key: number or None})]; `series` is [(key, label)].
    """
    specs = [Series(k, label, COLOURS.get(k, COLOURS["count"])) for k, label in series]
    band = 26 if stacked else 12 * len(specs) + 10
    gap = 8
    top = LEGEND_HEIGHT if len(specs) > 1 else 6
    largest = 0.0
    for _label, values in categories:
        numbers = [float(values.get(s.key) or 0) for s in specs]
        largest = max(largest, sum(numbers) if stacked else max(numbers or [0]))
    scale = PLOT_WIDTH / largest if largest else 0

    rows = []
    y = top
    words = []
    for label, values in categories:
        bars = []
        if stacked:
            x = LABEL_WIDTH
            for s in specs:
                v = float(values.get(s.key) or 0)
                w = v * scale
                if w > 0:
                    bars.append({"x": round(x, 1), "y": y, "w": round(w, 1), "h": band - 6,
                                 "colour": s.colour})
                x += w
            total = sum(float(values.get(s.key) or 0) for s in specs)
            rows.append({"label": label, "label_y": y + band / 2, "bars": bars,
                         "value": _fmt(_whole(total)) + unit, "value_x": round(x + 6, 1),
                         "value_y": y + band / 2})
        else:
            sub_y = y
            values_text = []
            for s in specs:
                v = values.get(s.key)
                w = float(v or 0) * scale
                if w > 0:
                    bars.append({"x": LABEL_WIDTH, "y": sub_y, "w": round(w, 1), "h": 10,
                                 "colour": s.colour, "value": _fmt(v) + unit,
                                 "value_x": round(LABEL_WIDTH + w + 6, 1), "value_y": sub_y + 5})
                values_text.append(f"{s.label} {_fmt(v)}{unit if v is not None else ''}")
                sub_y += 12
            rows.append({"label": label, "label_y": y + band / 2 - 2, "bars": bars,
                         "value": "", "value_x": 0, "value_y": 0})
        parts = [f"{s.label} {_fmt(values.get(s.key))}{unit if values.get(s.key) is not None else ''}"
                 for s in specs]
        if stacked and len(specs) > 1 and describe_total:
            total = sum(float(values.get(s.key) or 0) for s in specs)
            parts.append(f"total {_fmt(_whole(total))}{unit}")
        words.append(f"{label}: {', '.join(parts)}.")
        y += band + gap

    legend = []
    if len(specs) > 1:
        x = LABEL_WIDTH
        for s in specs:
            legend.append({"x": x, "label": s.label, "colour": s.colour})
            x += 24 + 8 * len(s.label) + 16
    description = " ".join(words) if words else "No data for these filters."
    return Chart(chart_id, title, description, height=max(y, top + 30), legend=legend,
                 rows=rows)


def _whole(value: float):
    return int(value) if float(value).is_integer() else round(value, 1)
