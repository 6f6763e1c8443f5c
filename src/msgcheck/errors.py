"""Errors a user can cause, each with a code, the place and a hint; never a traceback.

`Code` is the one catalogue: every error msgcheck reports names a member of it, each code means
one thing (a test fails on a duplicate). E1xx inputs (files, decks, pages, crawls), E2xx the
message platform, E3xx configuration, training data, corpora, baselines and feedback, E4xx the
local models, E5xx the history store, `msgcheck serve` and Dask schedulers, E9xx msgcheck's own
bugs.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Every error code, by what it means."""

    GENERIC = "E100"  # a MsgcheckError raised without a more precise code
    INPUT = "E101"  # an input cannot be read
    INPUT_NOT_FOUND = "E102"  # no such file or folder, or no permission to read it
    INPUT_FORMAT = "E103"  # a suffix msgcheck has no reader for
    INPUT_CONTENT = "E104"  # empty, binary, undecodable or unparseable content
    INPUT_TOO_LARGE = "E105"  # over a size limit (file, archive, member)
    INPUT_ENCRYPTED = "E106"  # an encrypted PDF or Office file, or a legacy binary Office file
    INPUT_ARCHIVE = "E107"  # not the Office archive its suffix says, or a corrupt one
    INPUT_NO_TEXT = "E108"  # a PDF without a text layer (scanned; needs OCR)
    INPUT_NONE = "E110"  # a folder holds no file msgcheck reads
    INPUT_SKIPPED = "E111"  # a file in a scanned folder has no reader (an error under --strict)
    INPUT_CRASHED = "E112"  # reading an input ended a Dask worker's process every time
    CRAWL = "E120"  # the crawl cannot start or no start URL answered
    PLATFORM_SCHEMA = "E201"  # the platform file breaks the schema (key path and line)
    PLATFORM_SYNTAX = "E202"  # the platform file is not UTF-8 YAML
    PLATFORM_NOT_FOUND = "E203"  # no platform file where one was named
    PLATFORM_DUPLICATE = "E204"  # a duplicate id, or a variant that is itself a canonical name
    CONFIG = "E301"  # configuration is invalid
    CONFIG_FILE = "E302"  # the config file is missing, unreadable or not TOML
    CONFIG_VALUE = "E303"  # a config value is out of range or of the wrong kind
    CONFIG_CHECK_ID = "E304"  # select / ignore / severity names no check
    DATA_UNREADABLE = "E310"  # a labelled-data file cannot be read as UTF-8
    DATA_FORMAT = "E311"  # a labelled-data file is not the CSV or JSONL it should be
    DATA_COLUMN = "E312"  # a row or header lacks a required column
    DATA_EMPTY_TEXT = "E313"  # a labelled row has no text
    DATA_STYLE = "E314"  # a style label other than pain, feature or neutral
    DATA_DUPLICATE = "E315"  # the same text twice in the training data
    DATA_TOO_FEW = "E316"  # too few examples per class to train
    NOTHING_TO_EVALUATE = "E317"  # evaluate was given nothing it can score
    CORPUS_INCOMPLETE = "E318"  # a corpus folder lacks platform.yaml or labelled lines
    DATA_UNKNOWN_LABEL = "E319"  # a pillar id or drift category the platform does not know
    BASELINE_UNREADABLE = "E320"  # the baseline file is missing or unreadable
    BASELINE_CORRUPT = "E321"  # the baseline file is not a msgcheck baseline
    FEEDBACK_UNREADABLE = "E330"  # the feedback file cannot be read
    FEEDBACK_CORRUPT = "E331"  # the feedback file is not msgcheck feedback (entry named)
    FEEDBACK_PILLAR = "E332"  # a verdict names a pillar the platform does not have
    FEEDBACK_FINGERPRINT = "E333"  # no finding, or several, carry the fingerprint given
    FEEDBACK_REPORT = "E334"  # the report given to `feedback` is not a msgcheck JSON report
    MODEL = "E401"  # a local model is missing or broken
    STYLE_MODEL = "E402"  # the style model is missing, unreadable or invalid
    HISTORY_BUSY = "E501"  # another crawl holds the history store
    SERVE_BAD_REQUEST = "E502"  # `msgcheck serve` got a request it cannot read
    SERVE_RUNNING = "E503"  # `msgcheck serve` cannot start (a server already listens)
    SERVE_PROTOCOL = "E504"  # the running server speaks another protocol version
    SCHEDULER_UNREACHABLE = "E510"  # no Dask scheduler answers at the --scheduler address
    SCALE_MISSING = "E511"  # --scheduler without the `dask` extra installed
    INTERNAL = "E900"  # a bug in msgcheck, not a user mistake


class MsgcheckError(Exception):
    """Base class: `error[CODE] where: message` then `hint: ...`."""

    code: str = Code.GENERIC

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

    code = Code.INPUT


class PlatformError(MsgcheckError):
    """The message platform is missing or invalid; the run cannot be judged."""

    code = Code.PLATFORM_SCHEMA


class ConfigError(MsgcheckError):
    """Configuration or training data is invalid."""

    code = Code.CONFIG


class ModelError(MsgcheckError):
    """A local model is missing or broken."""

    code = Code.MODEL
