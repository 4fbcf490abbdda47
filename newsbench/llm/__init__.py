"""`newsbench llm`: benchmark a language model behind any OpenAI-compatible chat-completions endpoint.

One idea per module: `prompts` (versioned templates shipped in newsbench/prompts/, label
definitions taken from the guidelines, k-shot examples from the train split), `answers` (the
model's JSON answer <-> the prediction format, and what is wrong with an answer), `client` (one
request with retries and backoff through the `openai` client, imported only here), `cache` (a
response cache on disk: reruns and resumed runs send nothing twice) and `runner` (the plan, the
dry run, bounded concurrency, the progress bar, the report and the predictions file's header).
"""
from __future__ import annotations

from .prompts import PROMPT_TASKS, Prompt, load_prompt
from .runner import Decoding, RunReport, run_llm

__all__ = ["PROMPT_TASKS", "Prompt", "load_prompt", "Decoding", "RunReport", "run_llm"]
