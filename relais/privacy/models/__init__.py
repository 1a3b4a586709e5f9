from .audit import AppendOnlyError, AuditEntry
from .incidents import IncidentEvent, IncidentReport
from .retention import RetentionRun, RetentionWarning
from .rights import DataRightsEvent, DataRightsRequest, ProcessingObjection

__all__ = [
    "AppendOnlyError",
    "AuditEntry",
    "DataRightsEvent",
    "DataRightsRequest",
    "IncidentEvent",
    "IncidentReport",
    "ProcessingObjection",
    "RetentionRun",
    "RetentionWarning",
]
