"""What the Enrolment API's changes do to grants, in process over the enrolment table in moto
and a grant store in the local KeyValueStore: an unenrolment (one, or a batch item) and a
narrowing replacement refuse the learner's earlier grants for that course; ``POST
/learners/{learner}/revoke`` refuses them for every course; a grant store that cannot be
written is a 503 that changes nothing (a batch: that item's 503 only). And the deployed
handler, configured from its environment, writes the same revocations through boto3's own
client, signed with SigV4A."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from local.events import api_proxy_event
from local.keyvaluestore import LocalKeyValueStores
from local.lambda_context import LocalLambdaContext
from local.resources import create_catalog_table
from shared.catalog.model import Course
from shared.enrolments.model import Window
from shared.enrolments.revoking import NOT_REVOKED
from shared.enrolments.store import EnrolmentStore
from tests.support.enrolment_api import CALLER, NOW, call
from tests.support.enrolments import enrol, new_learner
from tests.support.key_value_store import reach_stand_ins
from tests.support.revocations import GrantStore
from tools.publishing.writes import CatalogWriter

UNWRITABLE = {"message": "the grant store could not be written: send the same request again"}


@pytest.fixture
def store(enrolment_store: EnrolmentStore) -> EnrolmentStore:
    return enrolment_store


def test_an_unenrolment_refuses_the_learner_s_earlier_grants_for_that_course_only(
    store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner, other = new_learner(), new_learner()
    for sub in (learner, other):
        enrol(store, sub, "aws-101")

    answer = call(store, "DELETE", f"/enrolments/aws-101/{learner}", grants=grant_store.kvs)

    assert answer == (204, None)
    assert grant_store.decision(learner, "aws-101", NOW) == "revoked"
    assert grant_store.decision(learner, "aws-101", NOW + 1) == "allowed"
    assert grant_store.decision(learner, "aws-201", NOW) == "allowed"
    assert grant_store.decision(other, "aws-101", NOW) == "allowed"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("DELETE", "/enrolments/aws-101/{learner}", None),
        ("PUT", "/enrolments/aws-101/{learner}", {"notAfter": "2027-01-15T09:00:00Z"}),
    ],
    ids=["unenrolment", "narrowing"],
)
def test_a_change_whose_revocation_cannot_be_written_is_a_503_that_changes_nothing(
    store: EnrolmentStore, method: str, path: str, body: Any
) -> None:
    learner = new_learner()
    enrol(store, learner, "aws-101")

    answer = call(store, method, path.format(learner=learner), body)

    assert answer == (503, UNWRITABLE)
    enrolment = store.enrolment(learner, "aws-101")
    assert enrolment is not None
    assert enrolment.window == Window()


def test_a_narrowing_put_revokes_and_a_widening_one_does_not(
    store: EnrolmentStore, grant_store: GrantStore
) -> None:
    narrowed, widened = new_learner(), new_learner()
    enrol(store, narrowed, "aws-101")
    enrol(store, widened, "aws-101", notAfter="2027-01-15T09:00:00Z")  # an hour after NOW
    narrower, wider = {"notAfter": "2027-01-15T09:00:00Z"}, {"notAfter": "2028-01-01T00:00:00Z"}

    for learner, fields in ((narrowed, narrower), (widened, wider)):
        path = f"/enrolments/aws-101/{learner}"
        assert call(store, "PUT", path, fields, grants=grant_store.kvs)[0] == 200

    assert grant_store.decision(narrowed, "aws-101", NOW) == "revoked"
    assert grant_store.decision(widened, "aws-101", NOW) == "allowed"


def test_a_batch_item_whose_revocation_cannot_be_written_is_a_503_the_others_go_on(
    store: EnrolmentStore,
) -> None:
    kept, new = new_learner(), new_learner()
    enrol(store, kept, "aws-101")
    body = {
        "put": [{"courseId": "aws-201", "learner": new}],
        "delete": [{"courseId": "aws-101", "learner": kept}],
    }

    status, answer = call(store, "POST", "/enrolments", body)

    assert status == 200
    assert answer["put"] == [{"courseId": "aws-201", "learner": new, "status": 200}]
    assert answer["delete"] == [
        {"courseId": "aws-101", "learner": kept, "status": 503, "message": NOT_REVOKED}
    ]
    assert store.enrolment(kept, "aws-101") is not None
    assert store.enrolment(new, "aws-201") is not None


def test_a_batch_unenrolment_revokes_like_a_single_one(
    store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learners = [new_learner() for _ in range(60)]
    for learner in learners:
        enrol(store, learner, "aws-101")
    deletes = [{"courseId": "aws-101", "learner": learner} for learner in learners]

    status, answer = call(store, "POST", "/enrolments", {"delete": deletes}, grants=grant_store.kvs)

    assert status == 200
    assert {item["status"] for item in answer["delete"]} == {204}
    assert {grant_store.decision(sub, "aws-101", NOW) for sub in learners} == {"revoked"}


# ------------------------------------------------------------ POST /learners/{learner}/revoke --


def test_revoking_a_learner_refuses_their_earlier_grants_for_every_course(
    store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner, other = new_learner(), new_learner()
    enrol(store, learner, "aws-101")

    answer = call(store, "POST", f"/learners/{learner}/revoke", grants=grant_store.kvs)

    assert answer == (
        200,
        {"learner": learner, "courses": "all", "grantsIssuedUpTo": "2027-01-15T08:00:00Z"},
    )
    for course in ("aws-101", "aws-201", "any-course"):
        assert grant_store.decision(learner, course, NOW) == "revoked"
        assert grant_store.decision(learner, course, NOW + 1) == "allowed"
    assert grant_store.decision(other, "aws-101", NOW) == "allowed"
    assert store.enrolment(learner, "aws-101") is not None  # the enrolment stays


@pytest.mark.parametrize(
    "learner",
    ["not-a-sub", "3F2A8C1E-0B1D-4C2E-9F3A-7D6E5C4B3A21", "3f2a8c1e:aws-101"],
)
def test_revoking_a_learner_that_is_no_sub_is_a_400_and_writes_nothing(
    store: EnrolmentStore, grant_store: GrantStore, learner: str
) -> None:
    status, answer = call(store, "POST", f"/learners/{learner}/revoke", grants=grant_store.kvs)
    assert status == 400
    assert answer["message"].startswith("invalid learner")
    assert grant_store.revocations() == {}


def test_revoking_a_learner_when_the_grant_store_cannot_be_written_is_a_503(
    store: EnrolmentStore,
) -> None:
    answer = call(store, "POST", f"/learners/{new_learner()}/revoke")
    assert answer == (503, UNWRITABLE)


# ------------------------------------------------------------------ the deployed handler --


@pytest.fixture
def deployed_handler(
    monkeypatch: pytest.MonkeyPatch,
    moto_url: str,
    key_value_stores: LocalKeyValueStores,
    enrolment_store: EnrolmentStore,
    aws: dict[str, Any],
    grant_store: GrantStore,
) -> Callable[[dict[str, str]], dict[str, Any]]:
    """enrolment_api.app imported fresh with its environment, as template.yaml sets it."""
    reach_stand_ins(monkeypatch, moto_url, key_value_stores.url)
    table = create_catalog_table(aws["dynamodb"], f"catalog-{uuid.uuid4().hex[:8]}")
    catalog = CatalogWriter(aws["dynamodb"], table)
    catalog.put_course(Course.check("aws-101", "AWS 101"))
    monkeypatch.setenv("ENROLMENT_TABLE", enrolment_store.table)
    monkeypatch.setenv("CATALOG_TABLE", catalog.table)

    def load(environment: dict[str, str]) -> dict[str, Any]:
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        import enrolment_api.app as module

        return vars(importlib.reload(module))

    return load


def _delete_event(learner: str) -> dict[str, Any]:
    return api_proxy_event(
        method="DELETE",
        resource="/enrolments/{courseId}/{learner}",
        path=f"/enrolments/aws-101/{learner}",
        path_parameters={"courseId": "aws-101", "learner": learner},
        headers={"Host": "abc123.execute-api.us-east-1.amazonaws.com"},
        claims=None,
        caller=CALLER,
    )


def test_the_deployed_handler_revokes_through_boto3_s_own_client(
    deployed_handler: Callable[[dict[str, str]], dict[str, Any]],
    enrolment_store: EnrolmentStore,
    grant_store: GrantStore,
) -> None:
    module = deployed_handler({"GRANT_STORE_ARN": grant_store.arn})
    learner = new_learner()
    enrol(enrolment_store, learner, "aws-101")

    answer = module["handler"](_delete_event(learner), LocalLambdaContext())

    assert answer["statusCode"] == 204
    assert enrolment_store.enrolment(learner, "aws-101") is None
    assert grant_store.revoked_at(learner, "aws-101") is not None


@pytest.mark.parametrize("arn", ["", "arn:aws:s3:::a-bucket"], ids=["unset", "not a store"])
def test_the_deployed_handler_without_a_grant_store_answers_500_to_everything(
    deployed_handler: Callable[[dict[str, str]], dict[str, Any]],
    enrolment_store: EnrolmentStore,
    arn: str,
) -> None:
    module = deployed_handler({"GRANT_STORE_ARN": arn})
    learner = new_learner()
    enrol(enrolment_store, learner, "aws-101")

    answer = module["handler"](_delete_event(learner), LocalLambdaContext())

    assert (answer["statusCode"], answer["body"]) == (500, '{"message":"internal error"}')
    assert enrolment_store.enrolment(learner, "aws-101") is not None
