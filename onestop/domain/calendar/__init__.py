"""Working-time calendar and legal deadlines: working hours, days off, due dates, pauses, warnings."""
