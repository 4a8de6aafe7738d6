"""Schemathesis over ``/openapi.json``, with no token and with an editor token: no operation answers 500.

The outside audit ran schemathesis and found 500s; this keeps such a run in the suite, bounded
so that it stays well under two minutes on two cores:

- without a token, every operation: examples and a fixed number of fuzzed cases (derandomized,
  so a failure reproduces); writes and admin reads answer 401 before their body is read;
- with an editor token, the operations a token changes (writes, imports, the audit, tokens, one
  record by id), with the coverage phase too: boundary values of every parameter, which is
  where the audit's 500s were (ids beyond 64 bits, the last day there is);
- a stateful run that follows the OpenAPI links the write endpoints declare (record a decision,
  read it, correct it with its ETag; upload a sheet, read it, confirm it).

Only "not a server error" is checked here; the other tests say what each answer must be.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from api.main import create_app
from api.settings import Settings

from .editing import make_tokens

#: Operations where a token changes the answer (everything else is a public read).
TOKEN_MATTERS = r"^/api/(imports|audit|tokens)|\{record_id\}|^/api/(decisions|revocations)(/batch)?$"
EXAMPLES = 6

#: The app is built at import, so that its schema is read when the tests are collected; its
#: lifespan (the region, the store, the demo data) runs in the ``service`` fixture.
STORE = Path(tempfile.mkdtemp(prefix="geo-ntm-schemathesis-")) / "geo-ntm.sqlite"
APP = create_app(Settings(store=STORE, cache_mb=64))


def _schema(coverage: bool):
    config = {"seed": 20261130, "phases": {"coverage": {"enabled": coverage}}}
    return schemathesis.openapi.from_asgi("/openapi.json", APP, config=SchemathesisConfig.from_dict(config))


anonymous = _schema(coverage=False)
editor = _schema(coverage=True).include(path_regex=TOKEN_MATTERS)
bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def service():
    tokens = make_tokens(STORE)
    with TestClient(APP):
        yield tokens
    shutil.rmtree(STORE.parent, ignore_errors=True)


@anonymous.parametrize()
@bounded
def test_no_server_error_without_a_token(case, service):
    case.call_and_validate(checks=[not_a_server_error])


@editor.parametrize()
@bounded
def test_no_server_error_with_an_editor_token(case, service):
    case.call_and_validate(headers=service["editor"], checks=[not_a_server_error])


#: Real communes of Bắc Giang on these days, so that the stateful run records decisions and uploads
#: that exist and can follow their links (random codes would all be refused before any link).
COMMUNES = ["09196", "09199", "09289", "07243", "07651", "07663", "07642", "07645"]
DAYS = [f"2023-0{m}-{d:02d}" for m in range(3, 10) for d in (2, 15)]
#: One state machine per family: schemathesis starts only from operations it deems likely to succeed,
#: and among records and uploads it would only ever start from an upload.
FAMILIES = {"records": r"^/api/(decisions|revocations)", "uploads": r"^/api/imports"}


def real_units(context, body):
    """A write's body made plausible: a real commune, a day it existed, a fresh decision number."""
    path = context.operation.path
    if path == "/api/imports":
        return st.builds(_sheet, st.sampled_from(COMMUNES), st.sampled_from(DAYS), st.uuids()).map(
            lambda sheet: {"file": sheet} if isinstance(body, dict) else sheet
        )
    if not isinstance(body, dict) or path.endswith("/batch"):
        return st.just(body)
    return st.fixed_dictionaries(
        {"unit_code": st.sampled_from(COMMUNES), "signed": st.sampled_from(DAYS), "decision_no": st.uuids().map(str)}
    ).map(  # fmt: skip
        lambda real: {**body, **real, "unit_level": "commune", "level": "dat_chuan", "source": "illustrative"}
    )


def _sheet(code: str, day: str, number) -> bytes:
    return f"unit_code,level,signed,source,decision_no\n{code},dat_chuan,{day},illustrative,{number}\n".encode()


@pytest.mark.parametrize("family", FAMILIES)
def test_no_server_error_along_the_links_of_the_writes(service, family):
    linked = _schema(coverage=False).include(path_regex=FAMILIES[family])
    linked.hook("flatmap_body")(real_units)
    seen: Counter = Counter()

    class Links(linked.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": service["editor"]}

        def after_call(self, response, case):
            seen[(case.method, case.path, response.status_code)] += 1

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=[not_a_server_error])

    Links.run(settings=settings(bounded, max_examples=EXAMPLES, stateful_step_count=6))
    followed = {(method, path) for (method, path, status) in seen if "{" in path and status < 400}
    assert followed, f"no link was followed: {sorted(seen)}"
