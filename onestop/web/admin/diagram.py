"""A server-rendered SVG of a workflow: a row per step, parallel branches side by side."""

from __future__ import annotations

from markupsafe import Markup, escape

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 240, 78, 24, 40, 16
LANE_NOTE = 260  # room right of parallel branches for the lane's name and join rule
ENDS = {"@refuse": "từ chối", "@returned": "trả kết quả", "@join": "hội tụ"}


def budget_text(minutes: int) -> str:
    """Working minutes as days and hours (1 day = 480 minutes), e.g. `2d 4h`."""
    days, rest = divmod(int(minutes), 480)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return " ".join(p for p in parts if p) or "0m"


def _clip(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(holder: dict, definition: dict) -> str:
    if holder.get("authority"):
        authority = definition.get("authority") or {}
        agency = authority.get("agency") or (definition.get("agencies") or [""])[0]
        return f"thẩm quyền: {agency} / {authority.get('position', '')}"
    agency = holder.get("agency") or (definition.get("agencies") or [""])[0]
    who = holder.get("position") or holder.get("role") or ""
    return " / ".join(p for p in (agency, holder.get("unit"), who) if p)


def _routes(holder: dict) -> str:
    moves = []
    for action, target in (holder.get("actions") or {}).items():
        targets = ", ".join(ENDS.get(r["to"], r["to"]) for r in target.get("routes", []))
        moves.append(f"{action}→{targets}")
    return _clip("; ".join(moves), 40)


def _box(x: int, y: int, holder: dict, definition: dict, css: str) -> list[str]:
    title = holder.get("name") or holder["id"]
    return [
        f'<g class="wf-step {css}" data-step="{escape(holder["id"])}">',
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#fff" '
        f'stroke="{"#b71c1c" if holder.get("authority") else "#1f3a68"}" stroke-width="1.5"/>',
        f"<title>{escape(title)}</title>",
        f'<text x="{x + 8}" y="{y + 18}" font-size="12" font-weight="bold">'
        f"{escape(_clip(title, 30))}</text>",
        f'<text x="{x + 8}" y="{y + 35}" font-size="11" fill="#555">'
        f"{escape(_clip(_where(holder, definition), 40))}</text>",
        f'<text x="{x + 8}" y="{y + 52}" font-size="11" fill="#1f3a68">'
        f"{escape(holder['id'])} · {escape(budget_text(holder.get('budget_minutes', 0)))}</text>",
        f'<text x="{x + 8}" y="{y + 69}" font-size="10" fill="#777">'
        f"{escape(_routes(holder))}</text>",
        "</g>",
    ]


def _connect(outs: list[int], ins: list[int], top: int, bottom: int) -> list[str]:
    return [
        f'<line x1="{x1}" y1="{top}" x2="{x2}" y2="{bottom}" stroke="#1f3a68" '
        f'marker-end="url(#wf-arrow)"/>'
        for x1 in outs
        for x2 in ins
    ]


def workflow_svg(definition: dict) -> Markup:
    """The steps of a normalised definition as an accessible SVG diagram."""
    steps = definition.get("steps") or []
    widest = max([len(s.get("branches", [])) or 1 for s in steps] or [1])
    note = LANE_NOTE if any(s["kind"] == "parallel" for s in steps) else 0
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X + note
    height = MARGIN * 2 + len(steps) * (BOX_H + GAP_Y) + 20
    total = sum(s.get("budget_minutes", 0) for s in steps)
    label = (
        f"Quy trình {definition.get('code', '')}: {len(steps)} bước, tổng thời gian "
        f"{budget_text(total)} / luật định {budget_text(definition.get('legal_minutes', 0))}"
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow-diagram" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(label)}">',
        '<defs><marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1f3a68"/>'
        "</marker></defs>",
        f'<text x="{MARGIN}" y="{MARGIN}" font-size="12" fill="#333">{escape(label)}</text>',
    ]
    centre = (width - note) // 2
    outs: list[int] = []
    for index, step in enumerate(steps):
        y = MARGIN + 12 + index * (BOX_H + GAP_Y)
        if step["kind"] == "parallel":
            branches = step["branches"]
            span = len(branches) * BOX_W + (len(branches) - 1) * GAP_X
            left = centre - span // 2
            ins = [left + b * (BOX_W + GAP_X) + BOX_W // 2 for b in range(len(branches))]
            out.extend(_connect(outs, ins, y - GAP_Y, y))
            for b_index, branch in enumerate(branches):
                out.extend(
                    _box(left + b_index * (BOX_W + GAP_X), y, branch, definition, "wf-branch")
                )
            join = "tất cả" if step.get("join", "all") == "all" else str(step.get("join"))
            out.append(
                f'<g class="wf-lane" data-step="{escape(step["id"])}">'
                f'<text x="{left + span + 10}" y="{y + 30}" font-size="11" fill="#b26a00">'
                f"{escape(_clip(step.get('name') or step['id'], 40))}</text>"
                f'<text x="{left + span + 10}" y="{y + 46}" font-size="11" fill="#b26a00">'
                f"song song · hội tụ: {escape(join)}</text></g>"
            )
            outs = ins
        else:
            out.extend(_connect(outs, [centre], y - GAP_Y, y))
            out.extend(
                _box(
                    centre - BOX_W // 2,
                    y,
                    step,
                    definition,
                    "wf-authority" if step.get("authority") else "wf-task",
                )
            )
            outs = [centre]
    out.append("</svg>")
    return Markup("".join(out))
