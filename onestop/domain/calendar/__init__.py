"""Working-time calendar and legal deadlines: hours, days off, due dates, pauses, warnings."""
