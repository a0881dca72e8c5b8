"""One synthetic dossier's story: receipt, steps, pauses and outcome, as table rows."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from onestop.domain.dossiers.codes import format_code

from . import mix
from .province import Route, Step

WORKING_DAY = 480


@dataclass
class Story:
    """The rows of one dossier and what its statistics facts are computed from."""

    dossier: dict
    route: Route
    tasks: list[dict] = field(default_factory=list)
    transitions: list[dict] = field(default_factory=list)
    pauses: list[dict] = field(default_factory=list)
    outcome: str | None = None  # resolved / refused / withdrawn, None while in progress
    ended_at: datetime | None = None


class Storyteller:
    """Draws dossier stories from the mix; ids are handed out in order, codes per agency and day."""

    def __init__(self, rng: random.Random, calendars: dict, now: datetime, ids: dict[str, int]):
        self.rng, self.calendars, self.now, self.ids = rng, calendars, now, dict(ids)
        self.sequences: dict[tuple[int, str], int] = {}

    def _id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def tell(self, route: Route, received: datetime, applicant: tuple) -> Story:
        """The story of a dossier received (or, for the last day's online ones, submitted) then."""
        rng, cal = self.rng, self.calendars[route.agency_id]
        channel = _pick(rng, mix.CHANNELS)
        received = cal.next_working_start(received)
        dossier = self._dossier(route, channel, received, applicant)
        story = Story(dossier, route)
        if (
            channel == "online"
            and self.now - received < timedelta(days=1)
            and (rng.random() < mix.NOT_YET_RECEIVED)
        ):
            dossier["status"] = "submitted"
            dossier["check_due_at"] = cal.add_minutes(received, 4 * 60)
            return story
        self._receive(story, cal, received)
        self._walk(story, cal, received)
        return story

    def _dossier(self, route: Route, channel: str, at: datetime, applicant: tuple) -> dict:
        user_id, name, id_number = applicant
        methods = route.return_methods
        method = (
            "electronic"
            if channel == "online" and "electronic" in methods
            else "post"
            if channel == "post" and "post" in methods
            else "desk"
        )
        return {
            "id": self._id("dossiers"),
            "procedure_version_id": route.version_id,
            "applicant_id": user_id,
            "receiving_agency_id": route.agency_id,
            "channel": channel,
            "status": "received",
            "form_data": {},
            "applicant_name": name,
            "applicant_id_number": id_number,
            "applicant_address": "Tỉnh Hòa Bình Demo",
            "return_method": method,
            "sets": 1,
            "created_at": at,
            "submitted_at": at,
            "paused_minutes": 0,
            "supplement_count": 0,
            "complaint": False,
            "version": 1,
            "idempotency_key": f"syn-{at:%y%m%d%H%M%S}-{self.ids['dossiers']}"
            if channel == "online"
            else None,
        }

    def _receive(self, story: Story, cal, at: datetime) -> None:
        route, dossier = story.route, story.dossier
        local = cal.local(at)
        key = (route.agency_id, f"{local:%y%m%d}")
        sequence = self.sequences[key] = self.sequences.get(key, 0) + 1
        dossier["code"] = format_code(route.agency_eid, local, sequence)
        dossier["tracking_number"] = sequence
        dossier["received_at"] = at
        dossier["received_by_id"] = self.rng.choice(route.desk_officers or (None,))
        due = cal.due_at(at, route.legal_minutes, route.cutoff, same_day=route.same_day)
        dossier["due_at"] = dossier["original_due_at"] = due

    def _walk(self, story: Story, cal, received: datetime) -> None:
        rng, route, dossier = self.rng, story.route, story.dossier
        legal = cal.minutes_between(received, dossier["due_at"]) or route.legal_minutes
        late = rng.random() < mix.LATE
        work = int(legal * (rng.uniform(1.02, 1.6) if late else rng.uniform(0.25, 0.95)))
        supplements = (
            2
            if rng.random() < mix.TWO_SUPPLEMENTS
            else 1
            if rng.random() < mix.ONE_SUPPLEMENT
            else 0
        )
        paused = [rng.randint(WORKING_DAY // 2, 5 * WORKING_DAY) for _ in range(supplements)]
        processed = cal.add_minutes(received, work + sum(paused))
        # Processing stages share [received, processed] by budget; the last stage hands over.
        stages = route.stages[:-1]
        total = sum(max(s.budget_minutes for s in stage) for stage in stages) or 1
        span, bounds, done = work + sum(paused), [received], 0
        for stage in stages:
            done += max(s.budget_minutes for s in stage)
            bounds.append(cal.add_minutes(received, span * done // total))
        end_reason = self._ending(len(stages))
        returned = cal.add_minutes(processed, rng.randint(30, mix.RETURN_DELAY_DAYS * WORKING_DAY))
        bounds.append(returned)
        self._pauses(story, cal, received, work, paused)
        last = end_reason[1] if end_reason else len(route.stages) - 1
        for index, stage in enumerate(route.stages[: last + 1]):
            opened, closed = bounds[index], bounds[index + 1]
            ending = end_reason if end_reason and index == last else None
            for step in stage:
                self._task(story, step, opened, closed, ending=ending)
            if closed > self.now:
                break
        self._finish(story, processed, returned, end_reason)

    def _ending(self, stages: int) -> tuple[str, int] | None:
        draw = self.rng.random()
        if draw < mix.REFUSED:
            return "refused", min(1, stages - 1)
        if draw < mix.REFUSED + mix.WITHDRAWN:
            return "withdrawn", self.rng.randrange(stages)
        return None

    def _pauses(self, story: Story, cal, received: datetime, work: int, paused: list) -> None:
        dossier, elapsed = story.dossier, 0
        for i, minutes in enumerate(paused):
            started = cal.add_minutes(received, work * (i + 1) // (len(paused) + 2) + elapsed)
            if started > self.now:
                break
            ended = cal.add_minutes(started, minutes)
            elapsed += minutes
            still_open = ended > self.now
            story.pauses.append(
                {
                    "id": self._id("pauses"),
                    "dossier_id": dossier["id"],
                    "kind": "supplement",
                    "reason": "Bổ sung giấy tờ còn thiếu",
                    "items": ["Bản sao giấy tờ tùy thân"],
                    "started_at": started,
                    "ended_at": None if still_open else ended,
                    "working_minutes": None if still_open else minutes,
                    "requested_by_id": dossier["received_by_id"],
                    "resume_status": "processing",
                }
            )
            dossier["supplement_count"] += 1
            if still_open:
                dossier["status"] = "supplement_requested"
                break
            dossier["paused_minutes"] += minutes

    def _task(self, story: Story, step: Step, opened, closed, ending) -> None:
        cal = self.calendars[step.agency_id]
        is_open = closed > self.now
        officer = self.rng.choice(step.officers) if step.officers else None
        due = cal.add_minutes(opened, step.budget_minutes)
        action = "deny" if ending and ending[0] == "refused" else step.action
        task = {
            "id": self._id("tasks"),
            "dossier_id": story.dossier["id"],
            "step_id": step.step_id,
            "branch": step.branch,
            "agency_id": step.agency_id,
            "unit_id": step.unit_id,
            "role": step.role,
            "position_id": step.position_id,
            "opened_at": opened,
            "budget_minutes": step.budget_minutes,
            "due_at": due,
            "version": 1,
            "assignee_id": officer if not is_open or self.rng.random() < 0.5 else None,
            "state": "open" if is_open else "done",
            "closed_at": None if is_open else closed,
            "outcome": None if is_open else action,
            "result": None if is_open else cal.classify(closed, due),
        }
        if ending and ending[0] == "withdrawn" and not is_open:
            task.update(state="cancelled", outcome=None, result=None)
        story.tasks.append(task)
        if task["state"] == "done":
            story.transitions.append(
                {
                    "id": self._id("transitions"),
                    "dossier_id": story.dossier["id"],
                    "task_id": task["id"],
                    "action": action,
                    "from_step": step.step_id,
                    "to_steps": ["@refuse"] if action == "deny" else step.to_steps,
                    "actor_id": task["assignee_id"],
                    "principal_position_id": step.position_id,
                    "at": closed,
                }
            )

    def _finish(self, story: Story, processed, returned, end_reason) -> None:
        dossier, rng = story.dossier, self.rng
        open_tasks = any(t["state"] == "open" for t in story.tasks)
        if end_reason and not open_tasks:
            ended = story.tasks[-1]["closed_at"]
            dossier.update(
                status=end_reason[0],
                finished_at=ended,
                outcome_reason="Hồ sơ không đủ điều kiện"
                if end_reason[0] == "refused"
                else "Công dân rút hồ sơ",
            )
            story.outcome, story.ended_at = end_reason[0], ended
            return
        if processed <= self.now:
            dossier["processed_at"] = processed
            dossier["status"] = "processed"
            story.outcome, story.ended_at = "resolved", processed
            if returned <= self.now:
                dossier.update(status="returned", returned_at=returned, finished_at=returned)
                if rng.random() < mix.RATED:
                    dossier["rating"] = rng.choices((5, 4, 3, 2, 1), (60, 25, 8, 4, 3))[0]
                    dossier["complaint"] = rng.random() < mix.COMPLAINT / mix.RATED
            return
        if dossier["status"] == "received" and len(story.tasks) > 1:
            dossier["status"] = "processing"
            if rng.random() < mix.SUSPENDED:
                self._suspend(story)

    def _suspend(self, story: Story) -> None:
        """An agreed suspension running now, from the opening of the current step."""
        current = next(t for t in reversed(story.tasks) if t["state"] == "open")
        story.dossier["status"] = "suspended"
        story.pauses.append(
            {
                "id": self._id("pauses"),
                "dossier_id": story.dossier["id"],
                "kind": "suspension",
                "reason": "Chờ kết quả xác minh của cơ quan khác",
                "items": None,
                "started_at": current["opened_at"],
                "ended_at": None,
                "working_minutes": None,
                "requested_by_id": current["assignee_id"],
                "task_id": current["id"],
                "resume_status": "processing",
            }
        )


def _pick(rng: random.Random, shares) -> str:
    draw, total = rng.random(), 0.0
    for value, share in shares:
        total += share
        if draw < total:
            return value
    return shares[-1][0]
