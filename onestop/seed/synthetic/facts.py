"""Statistics facts of a synthetic dossier, by the same rules as `statistics.facts.refresh_fact`."""

from __future__ import annotations

from collections import defaultdict

from .stories import Story

ORDER = {"early": 0, "on_time": 1, "late": 2}


class FactMaker:
    """Turns stories into rows of dossier_facts, agency_part_facts, fact_officers, fact_units."""

    def __init__(self, calendars: dict, now):
        self.calendars, self.now = calendars, now

    def rows(self, story: Story) -> dict[str, list[dict]]:
        """Every fact row of the story (none for a dossier not yet received)."""
        dossier = story.dossier
        if dossier.get("received_at") is None:
            return {}
        fact = self._dossier_fact(story)
        by_agency: dict[int, list[dict]] = defaultdict(list)
        for task in story.tasks:
            by_agency[task["agency_id"]].append(task)
        parts = [
            self._part(story, fact, agency_id, tasks) for agency_id, tasks in by_agency.items()
        ]
        officers = {t["assignee_id"] for t in story.tasks if t["assignee_id"]}
        officers |= {dossier["received_by_id"]} if dossier["received_by_id"] else set()
        units = {t["unit_id"] for t in story.tasks if t["unit_id"]}
        return {
            "dossier_facts": [fact],
            "agency_part_facts": parts,
            "fact_officers": [{"dossier_id": dossier["id"], "user_id": u} for u in officers],
            "fact_units": [{"dossier_id": dossier["id"], "unit_id": u} for u in units],
        }

    def _common(self, story: Story, agency_id: int) -> dict:
        dossier, route = story.dossier, story.route
        resolved = dossier["status"] in ("processed", "returned")
        return {
            "dossier_id": dossier["id"],
            "dossier_code": dossier["code"],
            "agency_id": agency_id,
            "procedure_code": route.code,
            "procedure_name": route.name,
            "field": route.field,
            "channel": dossier["channel"],
            "processed_at": dossier.get("processed_at"),
            "returned_at": dossier.get("returned_at"),
            "electronic_result": resolved and dossier["return_method"] == "electronic",
            "digitised": False,
            "reused": False,  # no parts are generated
            "rating": dossier.get("rating"),
            "complaint": dossier["complaint"],
            "new_due_at": None,
            "apology": False,
            "refreshed_at": self.now,
        }

    def _dossier_fact(self, story: Story) -> dict:
        dossier = story.dossier
        agency_id = dossier["receiving_agency_id"]
        cal = self.calendars[agency_id]
        received, due, ended = dossier["received_at"], dossier["due_at"], story.ended_at
        second = _second_request(story)
        fact = self._common(story, agency_id)
        fact.update(
            received_at=received,
            due_at=due,
            late_since=min(filter(None, (due, second))),
            ended_at=ended,
            outcome=story.outcome,
            supplement_count=dossier["supplement_count"],
            paused_minutes=self._paused(cal, story, received, ended),
        )
        if ended is None:
            fact.update(classification=None, working_minutes=None)
        else:
            late = second is not None and second <= ended
            fact["classification"] = "late" if late else cal.classify(ended, due)
            fact["working_minutes"] = max(
                0, cal.minutes_between(received, ended) - fact["paused_minutes"]
            )
        return fact

    def _part(self, story: Story, fact: dict, agency_id: int, tasks: list[dict]) -> dict:
        cal = self.calendars[agency_id]
        part = self._common(story, agency_id)
        received = max(min(t["opened_at"] for t in tasks), fact["received_at"])
        marks = [
            t["due_at"] for t in tasks if t["closed_at"] is None or t["closed_at"] > t["due_at"]
        ]
        part.update(
            received_at=received,
            due_at=max(t["due_at"] for t in tasks),
            supplement_count=fact["supplement_count"],
            late_since=min(
                filter(None, (min(marks) if marks else None, _second_request(story))), default=None
            ),
        )
        open_tasks = [t for t in tasks if t["state"] == "open"]
        done = [t for t in tasks if t["state"] == "done"]
        if open_tasks and fact["ended_at"] is None:
            part.update(
                ended_at=None,
                outcome=None,
                classification=None,
                working_minutes=None,
                paused_minutes=self._paused(cal, story, received, None),
            )
            return part
        if open_tasks or not done:
            part["ended_at"], part["outcome"] = max(fact["ended_at"], received), fact["outcome"]
        else:
            part["ended_at"] = max(max(t["closed_at"] for t in done), received)
            outcome = fact["outcome"]
            part["outcome"] = "resolved" if outcome in (None, "resolved") else outcome
        worst = max((t["result"] for t in done), key=ORDER.__getitem__, default="on_time")
        if part["late_since"] is not None and part["late_since"] < part["ended_at"]:
            worst = "late"
        part["classification"] = worst
        part["paused_minutes"] = self._paused(cal, story, received, part["ended_at"])
        part["working_minutes"] = max(
            0, cal.minutes_between(received, part["ended_at"]) - part["paused_minutes"]
        )
        return part

    def _paused(self, cal, story: Story, start, end) -> int:
        """Working minutes of the pauses inside [start, end] (an open pause runs to `end`)."""
        total = 0
        for pause in story.pauses:
            p_end = pause["ended_at"] or end
            if p_end is None:
                continue
            if (
                pause["ended_at"] is not None
                and pause["started_at"] >= start
                and (end is None or pause["ended_at"] <= end)
            ):
                total += pause["working_minutes"]
                continue
            lo, hi = max(pause["started_at"], start), min(p_end, end) if end else p_end
            total += max(0, cal.minutes_between(lo, hi)) if hi > lo else 0
        return total


def _second_request(story: Story):
    requests = sorted(p["started_at"] for p in story.pauses if p["kind"] == "supplement")
    return requests[1] if len(requests) >= 2 else None
