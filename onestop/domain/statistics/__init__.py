"""Processing-time statistics: facts per dossier and agency part, reports, indicators."""
