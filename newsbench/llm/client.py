"""One chat-completions request through the `openai` client, with retries and backoff.

The client's own retries are off (`max_retries=0`): this module decides, so every retry is
counted and the delays are ours. Retried: timeouts, broken connections and truncated bodies,
429 (honouring Retry-After, capped) and 5xx. Not retried: any other 4xx. A 400 that names the
`response_format` is `FormatRejected` (the runner falls back to a plainer format); 401, 403 and
404 stop the run (`FatalError`): no other request would fare better.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

#: Longest wait between two attempts, whatever Retry-After says.
MAX_DELAY = 60.0


class FatalError(Exception):
    """The run cannot go on (no `openai`, bad key, unknown model): one line, exit 2."""


class Failure(Exception):
    """A request that failed for good; `transient` failures (network, 429, 5xx) are not cached."""

    def __init__(self, reason: str, transient: bool = True, unreachable: bool = False):
        super().__init__(reason)
        self.reason, self.transient, self.unreachable = reason, transient, unreachable


class FormatRejected(Exception):
    """The server refused the request's `response_format`."""


@dataclass
class Completion:
    content: Optional[str]
    finish_reason: Optional[str]
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def to_dict(self) -> dict:
        return {"content": self.content, "finish_reason": self.finish_reason,
                "usage": {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}}

    @classmethod
    def from_dict(cls, d: dict) -> "Completion":
        usage = d.get("usage") or {}
        return cls(d.get("content"), d.get("finish_reason"), usage.get("prompt_tokens", 0),
                   usage.get("completion_tokens", 0))


def require_openai():
    try:
        import openai
    except ImportError:
        raise FatalError("the openai package is not installed: pip install 'newsbench[llm]'") from None
    return openai


def make_client(base_url: str, api_key: Optional[str], timeout: float):
    openai = require_openai()
    return openai.OpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=0)


@dataclass
class Retrying:
    """How hard to try: `retries` more attempts after the first, waiting backoff * 2**k seconds."""

    retries: int = 4
    backoff: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, attempt: int, retry_after: Optional[float] = None) -> float:
        return min(MAX_DELAY, retry_after if retry_after is not None else self.backoff * 2 ** attempt)


def _retry_after(err) -> Optional[float]:
    try:
        value = err.response.headers.get("retry-after")
        return max(0.0, float(value)) if value is not None else None
    except (AttributeError, TypeError, ValueError):
        return None


def _message(err) -> str:
    text = str(getattr(err, "message", "") or err).replace("\n", " ")
    return text if len(text) <= 160 else text[:159] + "…"


def complete(client, body: dict, retrying: Retrying, on_retry: Optional[Callable[[str], None]] = None) -> Completion:
    """The completion for `body`, or Failure / FormatRejected / FatalError."""
    openai = require_openai()
    reason, unreachable = "no attempt", False
    for attempt in range(retrying.retries + 1):
        retry_after, unreachable = None, False
        try:
            r = client.chat.completions.create(**body)
        except openai.APITimeoutError:
            reason = f"timeout (no answer within {client.timeout}s)"
        except openai.RateLimitError as err:
            reason, retry_after = "429 rate limited", _retry_after(err)
        except openai.InternalServerError as err:
            reason = f"server error ({_message(err)})"
        except openai.APIConnectionError as err:
            cause = err.__cause__
            reason = f"connection failed or answer cut off ({type(cause).__name__ if cause else 'connection error'})"
            unreachable = type(cause).__name__ == "ConnectError"    # httpx: nothing listens there
        except (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError) as err:
            raise FatalError(f"the server refused the request: {_message(err)}") from None
        except openai.BadRequestError as err:
            text = str(err).lower()
            if "response_format" in body and any(w in text for w in ("response_format", "json_schema", "format")):
                raise FormatRejected(_message(err)) from None
            raise Failure(f"bad request ({_message(err)})", transient=False) from None
        except openai.APIStatusError as err:
            if err.status_code >= 500 or err.status_code in (408, 409):
                reason = _message(err)
            else:
                raise Failure(_message(err), transient=False) from None
        except (openai.APIError, ValueError) as err:    # a body that is not a completion
            reason = f"unreadable response ({_message(err)})"
        else:
            completion = _completion(r)
            if completion is not None:
                return completion
            reason = "unreadable response (no choices)"
        if attempt < retrying.retries:
            if on_retry:
                on_retry(reason)
            retrying.sleep(retrying.delay(attempt, retry_after))
    n = retrying.retries + 1
    raise Failure(f"{reason}; gave up after {n} attempt{'s' if n > 1 else ''}", unreachable=unreachable)


def _completion(r) -> Optional[Completion]:
    choices = getattr(r, "choices", None)
    if not choices or getattr(choices[0], "message", None) is None:
        return None
    usage = getattr(r, "usage", None)
    return Completion(choices[0].message.content, choices[0].finish_reason,
                      getattr(usage, "prompt_tokens", 0) or 0, getattr(usage, "completion_tokens", 0) or 0)
