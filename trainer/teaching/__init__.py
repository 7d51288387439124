"""Teaching: cohorts, rosters and (later) assignments and the gradebook."""
