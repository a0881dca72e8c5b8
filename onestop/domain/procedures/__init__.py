"""The procedure catalogue and its immutable published versions."""
