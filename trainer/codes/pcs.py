"""ICD-10-PCS: what each of the seven characters means, by section."""

# Names of the seven axes, which differ by section (ICD-10-PCS Official Guidelines / tables).
AXIS_NAMES = {
    "0": ("Section", "Body System", "Root Operation", "Body Part", "Approach", "Device", "Qualifier"),
    "1": ("Section", "Body System", "Root Operation", "Body Part", "Approach", "Device", "Qualifier"),
    "2": ("Section", "Body System", "Root Operation", "Body Region", "Approach", "Device", "Qualifier"),
    "3": ("Section", "Body System", "Root Operation", "Body System / Region", "Approach", "Substance", "Qualifier"),
    "4": ("Section", "Body System", "Root Operation", "Body System", "Approach", "Function / Device", "Qualifier"),
    "5": ("Section", "Body System", "Root Operation", "Body System", "Duration", "Function", "Qualifier"),
    "6": ("Section", "Body System", "Root Operation", "Body System", "Duration", "Qualifier", "Qualifier"),
    "7": ("Section", "Body System", "Root Operation", "Body Region", "Approach", "Method", "Qualifier"),
    "8": ("Section", "Body System", "Root Operation", "Body Region", "Approach", "Method", "Qualifier"),
    "9": ("Section", "Body System", "Root Operation", "Body Region", "Approach", "Method", "Qualifier"),
    "B": ("Section", "Body System", "Type", "Body Part", "Contrast", "Qualifier", "Qualifier"),
    "C": ("Section", "Body System", "Type", "Body Part", "Radionuclide", "Qualifier", "Qualifier"),
    "D": ("Section", "Body System", "Modality", "Treatment Site", "Modality Qualifier", "Isotope", "Qualifier"),
    "F": ("Section", "Section Qualifier", "Type", "Body System / Region", "Type Qualifier", "Equipment", "Qualifier"),
    "G": ("Section", "Body System", "Type", "Qualifier", "Qualifier", "Qualifier", "Qualifier"),
    "H": ("Section", "Body System", "Type", "Qualifier", "Qualifier", "Qualifier", "Qualifier"),
    "X": ("Section", "Body System", "Root Operation", "Body Part", "Approach", "Device / Substance / Technology",
          "Qualifier"),
}


def axis_names(section: str) -> tuple[str, ...]:
    return AXIS_NAMES.get(section, ("Section", "Axis 2", "Axis 3", "Axis 4", "Axis 5", "Axis 6", "Axis 7"))
