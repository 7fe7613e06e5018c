"""`/statistiques/` and its CSV files: the cached figures (figures.py) drawn as SVG charts with tables."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnership.formatting import long_datetime, number
from partnership.statistics import charts, figures

COLUMN_CHARTS = frozenset({"publications"})
# Which column a bar chart draws (the share, for salaries; the median, for delays).
VALUE_COLUMN = {"salaires": 3, "delais": 2, "clct": 1}


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return number(value, 1)
    if isinstance(value, int):
        return number(value)
    return str(value)


def _chart(dataset: dict[str, Any]) -> dict[str, Any]:
    if dataset["slug"] in COLUMN_CHARTS:
        return {"kind": "columns", **charts.columns(dataset["rows"])}
    return {
        "kind": "bars",
        **charts.bars(dataset["rows"], value=VALUE_COLUMN.get(dataset["slug"], 1), unit=dataset["unit"]),
    }


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    data = figures.get()
    datasets = [
        {**dataset, "chart": _chart(dataset), "cells": [[_cell(value) for value in row] for row in dataset["rows"]]}
        for dataset in data["datasets"].values()
    ]
    computed_at = long_datetime(datetime.fromisoformat(data["computed_at"]))
    return render(request, "statistics/index.html", {"datasets": datasets, "computed_at": computed_at})


@require_GET
def dataset_csv(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = figures.get()["datasets"].get(slug)
    if dataset is None:
        raise Http404
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(dataset["columns"])
    writer.writerows(["" if value is None else value for value in row] for row in dataset["rows"])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistiques-{slug}.csv"'
    return response
