"""Property tests: the engine agrees with a small independent model over random delegations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from delegation_helpers import T0, add_procedure
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.domain import Forbidden
from onestop.domain.delegation.authority import authorise
from onestop.domain.delegation.models import Delegation, Substitution

USERS = [
    "chutich.tinh",
    "phochutich.tinh",
    "chanhvp.tinh",
    "giamdoc.snv",
    "phogiamdoc.snv",
    "truongban.btg",
    "chuyenvien.btg",
]
CODES = ["P1", "P2", "P3"]
FIELD_OF = {"P1": "F1", "P2": "F1", "P3": "F2"}
NOT_DELEGABLE = {"P2"}
ACTIONS = ["approve", "deny"]
HOURS = 10


@dataclass
class Spec:
    """A delegation or substitution as the model sees it: plain numbers, no ORM."""

    kind: str
    principal: int  # index into the position list
    delegate_position: int | None
    delegate_user: int | None
    codes: list[str]
    actions: list[str]
    start: int
    end: int | None
    revoked: int | None
    id: int | None = None
    fields: list[str] = field(default_factory=list)


def _window(draw):
    start = draw(st.integers(0, HOURS))
    end = draw(st.one_of(st.none(), st.integers(start + 1, HOURS + 2)))
    revoked = draw(st.one_of(st.none(), st.integers(0, HOURS + 2)))
    return start, end, revoked


@st.composite
def delegation_specs(draw):
    kind = draw(st.sampled_from(["TUQ", "KT", "TL"]))
    principal = draw(st.integers(0, len(USERS) - 1))
    by_position = draw(st.booleans())
    other = draw(st.integers(0, len(USERS) - 1).filter(lambda i: i != principal or not by_position))
    start, end, revoked = _window(draw)
    if kind == "TUQ" and end is None:
        end = start + 1 + draw(st.integers(0, HOURS))
    spec = Spec(
        kind,
        principal,
        other if by_position else None,
        None if by_position else other,
        draw(st.lists(st.sampled_from(CODES), unique=True, max_size=2)),
        draw(st.lists(st.sampled_from(ACTIONS), unique=True, max_size=2)),
        start,
        end,
        revoked,
    )
    spec.fields = draw(st.lists(st.sampled_from(["F1", "F2"]), unique=True, max_size=1))
    return spec


@st.composite
def delegation_lists(draw):
    """Several delegations, often from the same principal to the same delegate (overlaps)."""
    specs = draw(st.lists(delegation_specs(), max_size=6))
    for before, spec in zip(specs, specs[1:], strict=False):
        if draw(st.booleans()):
            spec.principal = before.principal
            spec.delegate_position = before.delegate_position
            spec.delegate_user = before.delegate_user
    return specs


@st.composite
def substitution_specs(draw):
    start, end, revoked = _window(draw)
    end = end if end is not None else start + 1
    return Spec(
        "SUB",
        draw(st.integers(0, len(USERS) - 1)),
        None,
        draw(st.integers(0, len(USERS) - 1)),
        [],
        [],
        start,
        end,
        revoked,
    )


random_asks = st.tuples(
    st.integers(0, len(USERS) - 1),
    st.integers(0, len(USERS) - 1),
    st.sampled_from([*CODES, None]),
    st.sampled_from([*ACTIONS, None]),
    st.integers(-1, HOURS + 3),
)


def aimed_ask(draw, spec: Spec):
    """An ask by the spec's delegate (or someone else) for its principal, at one of its edges."""
    user = spec.delegate_user if spec.delegate_user is not None else spec.delegate_position
    if user is None or draw(st.integers(0, 4)) == 0:
        user = draw(st.integers(0, len(USERS) - 1))
    edges = [spec.start - 1, spec.start] + [
        h + k for h in (spec.end, spec.revoked) if h is not None for k in (-1, 0)
    ]
    hour = draw(st.sampled_from(edges) | st.integers(-1, HOURS + 3))
    in_fields = [c for c in CODES if FIELD_OF[c] in spec.fields]
    code = draw(
        st.sampled_from(spec.codes + in_fields)
        if (spec.codes or in_fields) and draw(st.booleans())
        else st.sampled_from([*CODES, None])
    )
    action = draw(
        st.sampled_from(spec.actions)
        if spec.actions and draw(st.booleans())
        else st.sampled_from([*ACTIONS, None])
    )
    return user, spec.principal, code, action, hour


@st.composite
def asks_for(draw, specs: list[Spec]):
    """Mostly asks aimed at the generated delegations and substitutions, some at random."""
    asks = []
    for _ in range(draw(st.integers(1, 8))):
        if specs and draw(st.integers(0, 3)) > 0:
            asks.append(aimed_ask(draw, draw(st.sampled_from(specs))))
        else:
            asks.append(draw(random_asks))
    return asks


def in_window(spec: Spec, hour: int) -> bool:
    return (
        spec.start <= hour
        and (spec.end is None or hour < spec.end)
        and (spec.revoked is None or hour < spec.revoked)
    )


def model(delegations, substitutions, user, step, code, action, hour):
    """The rules, restated: own holding, else a direct delegation in force and scope, else a
    substitution. Everyone in USERS holds exactly the position at the same index, nothing else."""
    if user == step:
        return ("own", None)

    def covered(d):
        if not (d.codes or d.fields):
            return True
        return code in d.codes or (code is not None and FIELD_OF[code] in d.fields)

    usable = [
        d
        for d in delegations
        if d.principal == step
        and in_window(d, hour)
        and code not in NOT_DELEGABLE
        and (d.delegate_user == user or d.delegate_position == user)
        and covered(d)
        and (not d.actions or action in d.actions)
    ]
    if usable:
        best = min(
            usable,
            key=lambda d: (
                0 if code in d.codes else (1 if d.codes or d.fields else 2),
                0 if action in d.actions else 1,
                -d.start,
                -d.id,
            ),
        )
        return ("delegation", best.id)
    if any(
        s.principal == step and s.delegate_user == user and in_window(s, hour)
        for s in substitutions
    ):
        return ("substitution", None)
    return None


def at(hour: int):
    return T0 + timedelta(hours=hour)


@pytest.fixture
def world(db, org):
    tinh = org.agency("UBND-TINH")
    for code in CODES:
        add_procedure(
            db,
            code,
            FIELD_OF[code],
            "chairman",
            ["UBND-TINH"],
            authority_agency=tinh,
            delegable=code not in NOT_DELEGABLE,
        )
    users = [org.user(name) for name in USERS]
    positions = [next(h.position for h in user.holdings) for user in users]
    assert all(len(user.holdings) == 1 for user in users)
    return users, positions, org.user("admin")


def insert(db, world, delegations, substitutions):
    """Write the specs as rows, past the operations' validation, and remember their ids."""
    users, positions, admin = world

    def revocation(spec):
        if spec.revoked is None:
            return {}
        return {"revoked_at": at(spec.revoked), "revoked_by_id": admin.id}

    for spec in delegations:
        row = Delegation(
            kind=spec.kind,
            delegator_position_id=positions[spec.principal].id,
            delegate_position_id=(
                positions[spec.delegate_position].id if spec.delegate_position is not None else None
            ),
            delegate_user_id=(
                users[spec.delegate_user].id if spec.delegate_user is not None else None
            ),
            procedure_codes=spec.codes,
            fields=spec.fields,
            actions=spec.actions,
            basis_number="1/QĐ",
            basis_date=date(2026, 1, 1),
            valid_from=at(spec.start),
            valid_to=at(spec.end) if spec.end is not None else None,
            **revocation(spec),
        )
        db.session.add(row)
        db.session.flush()
        spec.id = row.id
    for spec in substitutions:
        db.session.add(
            Substitution(
                position_id=positions[spec.principal].id,
                substitute_user_id=users[spec.delegate_user].id,
                reason="Vắng",
                basis_number="2/QĐ",
                basis_date=date(2026, 1, 1),
                valid_from=at(spec.start),
                valid_to=at(spec.end),
                **revocation(spec),
            )
        )
    db.session.flush()


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    delegations=delegation_lists(),
    substitutions=st.lists(substitution_specs(), max_size=2),
    data=st.data(),
)
def test_does_the_engine_match_the_model(db, world, delegations, substitutions, data):
    """No action outside a valid delegation's scope and window; no chain; own > TUQ > substitute."""
    users, positions, admin = world
    savepoint = db.session.begin_nested()
    try:
        insert(db, world, delegations, substitutions)
        for user, step, code, action, hour in data.draw(asks_for(delegations + substitutions)):
            expected = model(delegations, substitutions, user, step, code, action, hour)
            try:
                auth = authorise(
                    users[user],
                    agency_id=positions[step].agency_id,
                    position_id=positions[step].id,
                    procedure_code=code,
                    action=action,
                    at=at(hour),
                )
            except Forbidden:
                assert expected is None, (user, step, code, action, hour)
                continue
            assert auth.principal_position.id == positions[step].id
            assert (auth.kind, auth.delegation_id) == expected, (user, step, code, action, hour)
            if auth.delegation is not None:
                used = auth.delegation
                assert used.delegator_position_id == positions[step].id
                assert used.in_force(at(hour))
                assert code not in NOT_DELEGABLE
                assert (
                    not (used.procedure_codes or used.fields)
                    or code in used.procedure_codes
                    or FIELD_OF.get(code) in used.fields
                )
                assert not used.actions or action in used.actions
    finally:
        savepoint.rollback()


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    delegations=st.lists(delegation_specs(), min_size=2, max_size=5),
    asks=st.lists(
        st.tuples(
            st.sampled_from([*CODES, None]),
            st.sampled_from([*ACTIONS, None]),
            st.integers(0, HOURS + 1),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_is_the_choice_among_overlapping_delegations_the_documented_one(
    db, world, delegations, asks
):
    """Chairman → Director many times over: the narrowest scope, then the latest start, wins."""
    chairman, director = USERS.index("chutich.tinh"), USERS.index("giamdoc.snv")
    for spec in delegations:
        spec.principal, spec.delegate_position, spec.delegate_user = chairman, director, None
    savepoint = db.session.begin_nested()
    try:
        insert(db, world, delegations, [])
        for code, action, hour in asks:
            expected = model(delegations, [], director, chairman, code, action, hour)
            try:
                auth = authorise(
                    world[0][director],
                    agency_id=world[1][chairman].agency_id,
                    position_id=world[1][chairman].id,
                    procedure_code=code,
                    action=action,
                    at=at(hour),
                )
            except Forbidden:
                assert expected is None
                continue
            assert (auth.kind, auth.delegation_id) == expected, (code, action, hour)
    finally:
        savepoint.rollback()
