"""Reports as data: a JSON-ready dict, CSV, and XLSX in the layout of the periodic report."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from onestop.domain.statistics.cells import CELL_LABELS
from onestop.domain.statistics.indicators import INDICATOR_LABELS
from onestop.domain.statistics.report import Report, ReportRow

# The periodic report's header: column groups over the cells (label, first cell, last cell).
HEADER_GROUPS = (
    ("Số hồ sơ nhận giải quyết", "carried_over", "received"),
    ("Số hồ sơ đã giải quyết", "resolved_early", "resolved"),
    ("Số hồ sơ đang giải quyết", "in_progress_within", "in_progress"),
    ("Kết thúc khác", "withdrawn", "returned"),
)
TABLE_CELLS = (
    "carried_over",
    "new_online",
    "new_desk",
    "new_post",
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late_apology",
    "resolved_late_no_apology",
    "resolved",
    "in_progress_within",
    "in_progress_overdue",
    "in_progress",
    "withdrawn",
    "refused",
    "returned",
)
TABLE_INDICATORS = (
    "on_time_rate",
    "average_days",
    "p50_days",
    "p90_days",
    "online_share",
    "electronic_result_share",
    "digitisation_share",
    "reuse_share",
    "satisfaction",
    "average_rating",
)


def _row_dict(row: ReportRow) -> dict:
    return {"key": row.key, "label": row.label, "cells": row.cells, "indicators": row.indicators}


def report_to_dict(report: Report) -> dict:
    """The whole report as plain data (the API and `--format json` serve this)."""
    q = report.query
    return {
        "period": {"from": q.first.isoformat(), "to": q.last.isoformat()},
        "filters": {
            "agency_id": q.agency_id,
            "procedure_code": q.procedure_code,
            "field": q.field,
            "officer_id": q.officer_id,
        },
        "group_by": q.group_by,
        "rows": [_row_dict(r) for r in report.rows],
        "total": _row_dict(report.total),
    }


def facts_to_dicts(facts) -> list[dict]:
    """The dossiers behind a number as plain data (for the API's drill-down)."""
    return [
        {
            "dossier_code": f.dossier_code,
            "procedure_code": f.procedure_code,
            "procedure_name": f.procedure_name,
            "agency_id": f.agency_id,
            "channel": f.channel,
            "received_at": f.received_at.isoformat(),
            "due_at": _iso(f.due_at),
            "new_due_at": _iso(f.new_due_at),
            "ended_at": _iso(f.ended_at),
            "returned_at": _iso(f.returned_at),
            "outcome": f.outcome,
            "classification": f.classification,
            "apology": f.apology,
            "working_minutes": f.working_minutes,
            "paused_minutes": f.paused_minutes,
        }
        for f in facts
    ]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _fmt(value) -> object:
    return "" if value is None else value


def report_to_csv(report: Report) -> str:
    """One line per row and one for the total; cells then indicators, machine-readable headers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "label", *CELL_LABELS, *INDICATOR_LABELS])
    for row in [*report.rows, report.total]:
        writer.writerow(
            [
                _fmt(row.key),
                row.label,
                *(row.cells[c] for c in CELL_LABELS),
                *(_fmt(row.indicators[i]) for i in INDICATOR_LABELS),
            ]
        )
    return out.getvalue()


def report_to_xlsx(report: Report, title: str = "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT TTHC") -> bytes:
    """An XLSX workbook laid out as the periodic report: title, grouped header, rows, total."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bao cao"
    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    columns = 2 + len(TABLE_CELLS) + len(TABLE_INDICATORS)
    q = report.query
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.cell(2, 1, f"Kỳ báo cáo: từ ngày {q.first:%d/%m/%Y} đến ngày {q.last:%d/%m/%Y}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    for cell in (ws.cell(1, 1), ws.cell(2, 1)):
        cell.alignment = Alignment(horizontal="center")
    top, sub = 4, 5
    ws.cell(top, 1, "STT")
    ws.cell(top, 2, "Đơn vị / Thủ tục / Lĩnh vực")
    for col in (1, 2):
        ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
    for label, first, last in HEADER_GROUPS:
        c1 = 3 + TABLE_CELLS.index(first)
        c2 = 3 + TABLE_CELLS.index(last)
        ws.cell(top, c1, label)
        ws.merge_cells(start_row=top, start_column=c1, end_row=top, end_column=c2)
    ind_col = 3 + len(TABLE_CELLS)
    ws.cell(top, ind_col, "Chỉ số QĐ 766/QĐ-TTg")
    ws.merge_cells(start_row=top, start_column=ind_col, end_row=top, end_column=columns)
    for i, name in enumerate(TABLE_CELLS):
        ws.cell(sub, 3 + i, CELL_LABELS[name])
    for i, name in enumerate(TABLE_INDICATORS):
        ws.cell(sub, ind_col + i, INDICATOR_LABELS[name])
    for r in (top, sub):
        for c in range(1, columns + 1):
            cell = ws.cell(r, c)
            cell.font, cell.alignment, cell.border = bold, centre, box
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
    line = sub + 1
    for number, row in enumerate([*report.rows, report.total], start=1):
        is_total = row is report.total
        values = [
            "" if is_total else number,
            row.label,
            *(row.cells[c] for c in TABLE_CELLS),
            *(_fmt(row.indicators[i]) for i in TABLE_INDICATORS),
        ]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(line, c, value)
            cell.border = box
            if is_total:
                cell.font = bold
        line += 1
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 40
    for c in range(3, columns + 1):
        ws.column_dimensions[get_column_letter(c)].width = 13
    ws.row_dimensions[sub].height = 60
    ws.freeze_panes = ws.cell(sub + 1, 3)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
