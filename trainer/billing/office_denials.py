"""Working a denied line: what the denial calls for, grading the learner's choice, and the sandbox's
simulated answer to an appeal (no Flask).

The truth is the encounter's reference claim (the exercise key on the claim form):
- CO-29 (timely filing): write it off; the patient is never billed for the practice's late claim.
- OA-18 (exact duplicate): write off the duplicate; the first claim is the one to work.
- CO-197 (no authorization): a corrected claim carrying the authorization number when the
  encounter has one (the exercise's ``facts.prior_authorization``), else write it off.
- PR (the patient's share): bill the patient.
- any other denial (a coding or claim-data edit: CO-97 bundling, CO-4 modifier, CO-16 missing
  information, CO-151 units, CO-181 invalid code ...):
  - the line differs from the reference line for the same code (a missing 25/59/X{EPSU} modifier,
    wrong units): a corrected claim (frequency 7) that fixes it;
  - the reference does not bill that code at all: write it off (a corrected claim that drops the
    line is right too): it is not supported by the documentation;
  - the line is exactly as the reference bills it: appeal, the payer denied a correctly coded
    service. Only then does the sandbox's simulated appeal come back overturned.
"""
from __future__ import annotations

from dataclasses import dataclass

ACTIONS = {"corrected": "Send a corrected claim (frequency 7)", "appeal": "Appeal the denial",
           "write_off": "Write the amount off", "bill_patient": "Bill the patient"}


@dataclass(frozen=True)
class DeniedLine:
    line: int
    code: str
    modifiers: tuple[str, ...]
    units: int
    reasons: tuple[tuple[str, str], ...]  # (group, CARC) of the denied amounts


@dataclass(frozen=True)
class CalledFor:
    actions: frozenset[str]
    why: str


def called_for(denied: DeniedLine, reference_lines: list[tuple[str, tuple[str, ...], int]],
               authorization: str = "") -> CalledFor:
    """What the denial calls for. ``reference_lines``: (code, modifiers, units) of the reference claim."""
    reasons = set(denied.reasons)
    groups = {g for g, _ in reasons}
    carcs = {c for _, c in reasons}
    if "PR" in groups:
        return CalledFor(frozenset({"bill_patient"}), "A PR amount is the patient's to pay: bill the patient.")
    if "29" in carcs:
        return CalledFor(frozenset({"write_off"}), "CO-29: the claim reached the payer after its filing limit. Write "
                         "it off; a late claim is the practice's loss and is never billed to the patient.")
    if "18" in carcs:
        return CalledFor(frozenset({"write_off"}), "OA-18: an exact duplicate of a claim the payer already "
                         "adjudicated. Write off the duplicate and work the first claim instead.")
    if "197" in carcs:
        if authorization:
            return CalledFor(frozenset({"corrected"}), f"CO-197: the service was authorized ({authorization}): send a "
                             f"corrected claim with the number in box 23.")
        return CalledFor(frozenset({"write_off"}), "CO-197: no authorization was obtained for this service. Write it "
                         "off; under the contract the patient cannot be billed for the practice's missing "
                         "authorization.")
    same_code = [r for r in reference_lines if r[0] == denied.code]
    if not same_code:
        return CalledFor(frozenset({"write_off", "corrected"}), f"{denied.code} is not a service the documentation "
                         f"supports billing on this claim: write it off (or send a corrected claim without it).")
    mine = (tuple(sorted(denied.modifiers)), denied.units)
    if any((tuple(sorted(m)), u) == mine for _, m, u in same_code):
        return CalledFor(frozenset({"appeal"}), f"{denied.code} is billed exactly as documented: the denial is the "
                         f"payer's error. Appeal it with the documentation.")
    code, mods, units = same_code[0]
    billed = f"{code}" + (f"-{'-'.join(mods)}" if mods else "") + (f" x{units}" if units != 1 else "")
    return CalledFor(frozenset({"corrected"}), f"The documentation supports {billed}: send a corrected claim "
                     f"(frequency 7, the payer's claim number in box 22) that fixes the line.")


@dataclass(frozen=True)
class ChoiceGrade:
    right: bool
    message: str
    appeal_decision: str | None  # overturned, upheld (appeals only)


def grade_choice(action: str, needed: CalledFor) -> ChoiceGrade:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    right = action in needed.actions
    decision = None
    if action == "appeal":
        decision = "overturned" if "appeal" in needed.actions else "upheld"
    verdict = "Right." if right else f"Not this time: {' or '.join(ACTIONS[a].lower() for a in sorted(needed.actions))}."
    return ChoiceGrade(right, f"{verdict} {needed.why}", decision)
