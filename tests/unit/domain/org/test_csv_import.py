"""People CSV import: good rows become accounts and holdings, every bad row is reported."""

from __future__ import annotations

import pytest

from onestop.domain import DomainError
from onestop.domain.org.csv_import import import_people

GOOD_AND_BAD = """username,full_name,kind,email,agency,position,starts_on
tran.b,Trần Văn B,officer,b@example.vn,SNV,tcbc_specialist,01/12/2026
le.c,Lê Thị C,officer,,,,
giamdoc.snv,Trùng tên,officer,,,,
pham.d,Phạm D,officer,not-an-email,,,
vo.e,Võ E,officer,,SNV,no_such_position,
hoang.f,Hoàng F,officer,,NOPE,director,
ngo.g,,officer,,,,
"""


def test_good_rows_created_bad_rows_reported(demo_org):
    """Does one import create the good rows and name line, field and reason of each bad row?"""
    report = import_people(demo_org.user("admin"), GOOD_AND_BAD.encode())
    assert report.created == ["tran.b", "le.c"]
    rejected = {(r.line, r.field) for r in report.rejected}
    assert rejected == {
        (4, "username"),
        (5, "email"),
        (6, "position"),
        (7, "agency"),
        (8, "full_name"),
    }
    user = demo_org.user("tran.b")
    assert user.password_hash is None
    assert [h.position.key for h in user.holdings] == ["tcbc_specialist"]


def test_missing_or_unknown_columns_refuse_the_file(demo_org):
    """Is a file without the required columns refused as a whole?"""
    with pytest.raises(DomainError) as err:
        import_people(demo_org.user("admin"), "username,name\nx,y\n")
    assert err.value.field == "file"
