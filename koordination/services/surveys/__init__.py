"""Surveys: questionnaires, the question bank, answers, response files of form tools, results."""
