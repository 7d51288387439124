"""All tables, imported in one place so Alembic and the app see the same metadata."""
from ..codes.tables import (  # noqa: F401
    AddOnEdit, Code, CodeNote, CodeSetRelease, FeeScheduleIndicator, MceFlag, MueEdit, NcciPtpEdit,
)
from .accounts import Role, School, User  # noqa: F401
from .practice import Attempt, ClaimAttempt, ExerciseRecord  # noqa: F401
from .exams import BlueprintRecord, ExamItem, ExamSitting, QuestionRecord, QuestionRescoreLog  # noqa: F401
from .teaching import Cohort, CohortMember  # noqa: F401
from .assignments import Assignment, AssignmentDraw, GradeOverride  # noqa: F401
from .authoring import RegradeLog  # noqa: F401
from .office import DenialWork, LedgerEntry, PatientAccount, PostingAttempt, SubmittedClaim  # noqa: F401
from .lti import LtiAttempt, LtiContext, LtiPlatform, LtiResourceLink, LtiScore, LtiStoreEntry, LtiUserLink  # noqa: F401
from .disputes import DeletionLog, Dispute  # noqa: F401
from .billing import BillingAttempt  # noqa: F401
