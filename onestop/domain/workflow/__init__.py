"""Workflow definitions, their validation, and the engine that moves dossiers through them."""
