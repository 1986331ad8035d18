"""Answers security-questionnaire questions from vendor documents, quoting them verbatim."""

__version__ = "0.1.0"
