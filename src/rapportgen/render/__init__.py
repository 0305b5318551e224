"""Render stage: fill Word templates (docxtpl) with a model's context."""
