"""Display names shared by the practice, claims, cohort and dashboard pages."""

SETTING_LABELS = {"office": "Office", "ed": "Emergency department", "asc": "Ambulatory surgery center",
                  "hospital_outpatient": "Hospital outpatient", "inpatient": "Inpatient", "telehealth": "Telehealth",
                  "home": "Home", "snf": "Skilled nursing facility"}
AREA_LABELS = {"em": "Evaluation and Management", "medicine": "Medicine", "hcpcs": "HCPCS Level II",
               "surgery": "Surgery", "anesthesia": "Anesthesia", "radiology": "Radiology",
               "pathology-lab": "Pathology and Laboratory", "diagnosis": "ICD-10-CM diagnosis coding",
               "inpatient": "Inpatient (ICD-10-CM/PCS)"}
DIFFICULTY_LABELS = {1: "Foundation", 2: "Intermediate", 3: "Advanced"}
STATUS_LABELS = {"new": "Not started", "draft": "In progress", "done": "Submitted"}
