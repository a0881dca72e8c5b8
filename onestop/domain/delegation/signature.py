"""The signature block printed on a result: form line, signer's own title, name, legal basis."""

from __future__ import annotations

from dataclasses import dataclass

from .authority import Authorisation


@dataclass(frozen=True)
class SignatureBlock:
    """What the result shows above and below the signature (NĐ 30/2020, Annex I).

    `form_line` may hold two lines separated by a newline (e.g. `TM. ỦY BAN NHÂN DÂN` then
    `KT. CHỦ TỊCH`); `basis` cites the delegation or appointment the signer acts under.
    """

    form_line: str | None
    signer_title: str
    signer_name: str
    basis: str | None
    # The basis as a recital for the result's preamble, e.g. `Căn cứ Quyết định số 12/QĐ-UBND
    # ngày 05/01/2026 về việc ủy quyền`; None when the signer acts in their own right.
    citation: str | None = None

    @property
    def lines(self) -> list[str]:
        """The block top to bottom, without the signature image itself."""
        top = self.form_line.split("\n") if self.form_line else []
        return [*top, self.signer_title, self.signer_name]


def _with_agency(title: str, agency_name: str) -> str:
    """Join a title and an agency name, merging a repeated word (`Trưởng ban` + `Ban Tôn giáo`)."""
    title_words, agency_words = title.split(), agency_name.split()
    if title_words and agency_words and title_words[-1].lower() == agency_words[0].lower():
        return " ".join([*title_words[:-1], *agency_words])
    return f"{title} {agency_name}"


def signer_title(authorisation: Authorisation) -> str:
    """The signer's own title, naming their agency when it differs from the principal's."""
    principal = authorisation.principal_position
    signer = authorisation.signer_position or principal
    if authorisation.kind == "own" or signer.id == principal.id:
        return principal.title.upper()
    if signer.agency_id != principal.agency_id:
        return _with_agency(signer.title, signer.agency.name).upper()
    return signer.title.upper()


SUBJECTS = {
    "TUQ": "ủy quyền",
    "KT": "phân công ký thay",
    "TL": "giao ký thừa lệnh",
    "substitution": "phân công người thay thế",
}


def signature_block(authorisation: Authorisation) -> SignatureBlock:
    """The block for a result signed under `authorisation` (own, delegation or substitution)."""
    if authorisation.delegation is not None:
        basis = authorisation.delegation.basis
        subject = SUBJECTS[authorisation.delegation.kind]
    elif authorisation.substitution is not None:
        basis, subject = authorisation.substitution.basis, SUBJECTS["substitution"]
    else:
        basis = subject = None
    return SignatureBlock(
        form_line=authorisation.form_line,
        signer_title=signer_title(authorisation),
        signer_name=authorisation.actor.full_name,
        basis=basis,
        citation=f"Căn cứ {basis} về việc {subject}" if basis else None,
    )
