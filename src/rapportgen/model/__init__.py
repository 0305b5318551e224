"""Typed models of the documents, validated with pydantic."""
