"""Errors a user can cause, each with a code, the place and a hint; never a traceback.

Codes: E1xx inputs (files, decks, pages, crawls), E2xx the message platform, E3xx configuration,
training data and baselines, E4xx the local models, E5xx the history store and `msgcheck serve`.
"""

from __future__ import annotations


class MsgcheckError(Exception):
    """Base class: `error[CODE] where: message` then `hint: ...`."""

    code = "E100"

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        if code is not None:
            self.code = code

    @property
    def where(self) -> str:
        """`path:line`, `path`, or empty."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message

    def render(self) -> str:
        """The one-line form the CLI prints, plus the hint line when there is one."""
        out = f"error[{self.code}] {self}"
        if self.hint:
            out += f"\nhint: {self.hint}"
        return out


class InputError(MsgcheckError):
    """An input file cannot be read; the run goes on without it."""

    code = "E101"


class PlatformError(MsgcheckError):
    """The message platform is missing or invalid; the run cannot be judged."""

    code = "E201"


class ConfigError(MsgcheckError):
    """Configuration or training data is invalid."""

    code = "E301"


class ModelError(MsgcheckError):
    """A local model is missing or broken."""

    code = "E401"
