"""Server-drawn SVG charts: the geometry of horizontal bars (categories) and columns (a time series).
Templates draw them (`templates/statistics/_bars.html`, `_columns.html`) with a title, a description
and the data table beside."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from partnership.formatting import number

MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def svg(value: float) -> str:
    """A coordinate as SVG reads it (a decimal point, whatever the page's language)."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass
class Bar:
    label: str
    value: float
    text: str
    y: str
    width: str
    text_x: str
    text_y: str


def bars(rows: list[list[Any]], *, value: int = 1, unit: str = "") -> dict[str, Any]:
    """Horizontal bars, one per row: label in the first column, value in column `value`."""
    row_height, top, label_width, bar_max = 34, 8, 330, 220
    values = [float(row[value] or 0) for row in rows]
    peak = max(values, default=0) or 1
    items = []
    for index, (row, val) in enumerate(zip(rows, values, strict=True)):
        width = bar_max * val / peak
        y = top + index * row_height
        text = number(val, 1) + "\u00a0%" if unit == "%" else number(val, 1 if val % 1 else 0)
        items.append(Bar(str(row[0]), val, text, svg(y), svg(width), svg(label_width + 8 + width + 6), svg(y + 17)))
    return {
        "items": items,
        "height": top * 2 + len(rows) * row_height,
        "label_width": label_width,
        "bar_x": label_width + 8,
        "bar_height": row_height - 12,
    }


@dataclass
class Column:
    x: str
    y: str
    height: str
    label: str


def columns(rows: list[list[Any]]) -> dict[str, Any]:
    """Columns of a weekly series (first column: the Monday, ISO; second: the value), with a tick
    at each month's first week."""
    width, height, bottom, left = 640, 220, 190, 40
    values = [int(row[1] or 0) for row in rows]
    peak = max(values, default=0) or 1
    step = (width - left) / max(len(rows), 1)
    items, ticks = [], []
    previous_month = None
    for index, (row, val) in enumerate(zip(rows, values, strict=True)):
        monday = dt.date.fromisoformat(row[0])
        column_height = (bottom - 10) * val / peak
        x = svg(left + index * step)
        items.append(Column(x=x, y=svg(bottom - column_height), height=svg(column_height), label=f"{row[0]} : {val}"))
        if monday.month != previous_month:
            if previous_month is not None and monday.month in (1, 4, 7, 10):
                ticks.append({"x": x, "label": f"{MONTHS[monday.month - 1]} {monday.year}"})
            previous_month = monday.month
    return {
        "items": items,
        "ticks": ticks,
        "width": width,
        "height": height,
        "bottom": bottom,
        "left": left,
        "column_width": svg(step * 0.8),
        "tick_y": bottom + 20,
        "peak": number(peak),
    }
