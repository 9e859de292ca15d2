"""Log lines of the daemon and the gates: one record, one line, with its time.

Messages carry what users chose (job names, file names), so a name with a newline or a terminal
escape sequence must not forge a log line or drive the operator's terminal: control characters in
the message are written escaped, as Python writes them in a string literal (``\\n``, ``\\x1b``).
A traceback keeps its lines, each indented, so only a record's first line starts with a time.

``skyport daemon --log-format json`` writes each record as one JSON object a line instead, for log
shippers (Fluent Bit, Vector, Promtail): ``time``, ``level``, ``logger``, ``message``, and
``exception`` or ``stack`` when the record has one; everything but ASCII is escaped by JSON.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from types import TracebackType

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def escape(text: str) -> str:
    """``text`` with every control character written as an escape sequence."""
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


class Formatter(logging.Formatter):
    """ISO 8601 times with the UTC offset, messages with control characters escaped."""

    def __init__(self) -> None:
        super().__init__(FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.datetime.fromtimestamp(record.created).astimezone()
        return moment.isoformat(timespec="milliseconds")

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(logging.makeLogRecord({**record.__dict__, "message": escape(record.message)}))

    def formatException(self, ei: ExcInfo) -> str:
        return _indented(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _indented(super().formatStack(stack_info))


def _indented(text: str) -> str:
    return "\n".join("    " + _CONTROL_BUT_NEWLINE.sub(_escaped, line) for line in text.split("\n"))


class JsonFormatter(Formatter):
    """One JSON object per record and line, times as :class:`Formatter` writes them."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = logging.Formatter.formatException(
                self, record.exc_info
            )  # lines kept: JSON escapes them
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry)


FORMATS: dict[str, type[Formatter]] = {"text": Formatter, "json": JsonFormatter}


def use_format(name: str) -> None:
    """Write the records of every handler configure() set up in format ``name`` (a key of FORMATS)."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(FORMATS[name]())


def configure(level: int) -> None:
    """Log records of ``level`` and above to stderr, through ``Formatter``; Python's warnings too."""
    handler = logging.StreamHandler()
    handler.setFormatter(Formatter())
    logging.basicConfig(level=level, handlers=[handler])
    logging.captureWarnings(True)
