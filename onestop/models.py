"""Every model module, imported in one place so that Alembic and create_all see the whole schema."""

from onestop.domain.audit import models as audit_models  # noqa: F401
from onestop.domain.calendar import models as calendar_models  # noqa: F401
from onestop.domain.delegation import models as delegation_models  # noqa: F401
from onestop.domain.documents import models as document_models  # noqa: F401
from onestop.domain.dossiers import drafts as dossier_drafts  # noqa: F401
from onestop.domain.dossiers import models as dossier_models  # noqa: F401
from onestop.domain.notifications import models as notification_models  # noqa: F401
from onestop.domain.org import logins as org_logins  # noqa: F401
from onestop.domain.org import models as org_models  # noqa: F401
from onestop.domain.org import tokens as org_tokens  # noqa: F401
from onestop.domain.procedures import models as procedure_models  # noqa: F401
from onestop.domain.statistics import models as statistics_models  # noqa: F401
from onestop.domain.workflow import models as workflow_models  # noqa: F401
