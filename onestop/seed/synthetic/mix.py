"""The realistic mix the synthetic province draws from (shares observed on provincial portals)."""

from __future__ import annotations

# Share of the year's dossiers by procedure code; codes missing from the catalogue are skipped.
PROCEDURE_WEIGHTS = {
    "1.001193": 40,  # birth registration: the bulk of a commune's work
    "1.012658": 25,  # the inter-agency birth + residence + health insurance chain
    "2.000488": 20,  # judicial record certificate (province)
    "1.001055": 5,
    "1.003918": 5,
    "1.004227": 5,
}
CHANNELS = (("online", 0.45), ("desk", 0.50), ("post", 0.05))
REFUSED = 0.03  # refused after appraisal
WITHDRAWN = 0.02  # withdrawn by the applicant while in progress
LATE = 0.07  # processed after the legal time
ONE_SUPPLEMENT = 0.10
TWO_SUPPLEMENTS = 0.01  # the second request makes the dossier count as late
SUSPENDED = 0.02  # of the open dossiers: suspended by agreement
NOT_YET_RECEIVED = 0.5  # share of the last day's online submissions still to be checked at the desk
RATED = 0.30
COMPLAINT = 0.01
RETURN_DELAY_DAYS = 3  # working days between processing and hand-over, at most
YEARS = 2  # dossiers are received over the two years before now
