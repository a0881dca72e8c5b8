"""Notifications to applicants: an e-mail and an SMS on each status change, sent after commit."""
