"""The document types' template context models, one module per type module that has many.

A type module names its context model as "module:Klass" (DocType.context_model) and imports
the module when it renders: `rapportgen kontrollera` and the build's load and check stages do
not define the models (pydantic's work for each class is a cost at import).
"""
