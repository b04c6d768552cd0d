"""The error every scenario problem is reported as.

It lives on its own so the main window can name it without loading the scenario checks
(and NumPy with them) before its frame is on screen; ``scenario.ScenarioError`` is the
same class.
"""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario file or state that cannot be used; the message says what and where.

    ``where`` is the dotted place in the document (``"tabs.hot.start"``) or ``None`` when the
    problem is the file itself; ``problem`` is the message without that prefix.
    """

    def __init__(self, problem: str, where: str | None = None) -> None:
        self.problem = problem
        self.where = where or None
        super().__init__(f"{where}: {problem}" if where else problem)
