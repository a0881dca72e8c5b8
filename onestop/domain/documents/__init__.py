"""Official papers (forms 01-07) and signed results: issue, number, render, sign, verify."""
