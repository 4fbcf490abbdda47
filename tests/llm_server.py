"""A local OpenAI-compatible chat-completions server for the `newsbench llm` tests (127.0.0.1 only).

By default it answers like a model that agrees with the gold: it finds the article in the last
user message, the task(s) in the answer schema the system message carries, and replies with
`gold_answer`. A test changes that with `server.behave = f`, where `f(body, n)` (n: 1-based
request number) returns a `Reply` or None for the default answer.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional

import newsbench
from newsbench.llm.answers import gold_answer

#: What the top-level keys of an answer schema say about its task.
_TASK_OF_KEY = {"mentions": "entities", "clusters": "coref", "quotes": "quotes", "events": "events",
                "primary": "frames"}


@dataclass
class Reply:
    content: Optional[str] = None         # None: the gold answer
    status: int = 200
    finish_reason: str = "stop"
    headers: dict = field(default_factory=dict)
    body: Optional[dict] = None           # an error body for status != 200
    delay: float = 0.0                    # seconds to wait before answering
    cut: bool = False                     # promise a longer body than is sent, then close
    block: Optional[threading.Event] = None   # wait for this before answering


def answer_schema(body: dict) -> dict:
    system = body["messages"][0]["content"]
    return json.loads(system.rsplit("JSON Schema:\n", 1)[1])


def tasks_of(body: dict) -> list[str]:
    schema = answer_schema(body)
    keys = schema["required"]
    return [_TASK_OF_KEY[keys[0]]] if keys[0] in _TASK_OF_KEY else list(keys)


_ARTICLES: list = []


def _articles() -> list[dict]:
    """Every article of the newest version, read once per test session."""
    if not _ARTICLES:
        _ARTICLES.extend(a.to_dict() for split in newsbench.load().values() for a in split)
    return _ARTICLES


class FakeLLM:
    def __init__(self):
        self.articles = _articles()
        self.requests: list[dict] = []
        self.behave: Callable[[dict, int], Optional[Reply]] = lambda body, n: None
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):   # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length))
                with server._lock:
                    server.requests.append(body)
                    n = len(server.requests)
                reply = server.behave(body, n) or Reply()
                if reply.block is not None:
                    reply.block.wait(10)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    data = json.dumps(reply.body or {"error": {"message": f"status {reply.status}",
                                                               "type": "test"}}).encode()
                else:
                    content = reply.content if reply.content is not None else server.gold_reply(body)
                    data = json.dumps(completion(body, content, reply.finish_reason)).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("content-length", str(len(data) + (100 if reply.cut else 0)))
                    self.end_headers()
                    self.wfile.write(data[:len(data) // 2] if reply.cut else data)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):   # the client gave up (a timeout)
                    pass
                if reply.cut:
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "FakeLLM":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def article_of(self, body: dict) -> dict:
        last = body["messages"][-1]["content"]
        if body["messages"][-1]["role"] != "user" or "not usable" in last:   # a correction turn
            last = [m for m in body["messages"] if m["role"] == "user" and "not usable" not in m["content"]][-1]["content"]
        return max((a for a in self.articles if a["text"] in last), key=lambda a: len(a["text"]))

    def gold_reply(self, body: dict) -> str:
        article, tasks = self.article_of(body), tasks_of(body)
        if answer_schema(body)["required"][0] in _TASK_OF_KEY:     # one task
            return json.dumps(gold_answer(tasks[0], article))
        return json.dumps({t: gold_answer(t, article) for t in tasks})


def completion(body: dict, content: str, finish_reason: str = "stop") -> dict:
    prompt = sum(len(m["content"]) for m in body["messages"]) // 4
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": len(content) // 4,
                      "total_tokens": prompt + len(content) // 4}}
