"""Demo data: the demo province and whatever each feature adds to it."""
