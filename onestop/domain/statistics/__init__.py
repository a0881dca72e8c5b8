"""Processing-time statistics: facts per dossier and agency part, the periodic report, indicators."""
