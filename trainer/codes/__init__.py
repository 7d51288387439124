"""Code-set queries: validity on a date, search, tabular notes. No Flask here."""
from .tables import (  # noqa: F401
    AddOnEdit, Code, CodeNote, CodeSetRelease, CodeSystem, FeeScheduleIndicator, MceFlag, MueEdit, NcciPtpEdit,
)
