"""Dossiers: their lifecycle, codes and attached parts."""
