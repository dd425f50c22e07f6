"""Subscriber imports on object storage (issue 18): the CSV an officer uploads
on the web host is stored in the private bucket, not on local disk, and a
worker (another process, as on another host) imports it from there.

The S3 server is moto in server mode on loopback; the storages come from the
settings module itself, loaded with the AWS_* variables an operator sets.
"""

import json
import os
import socket
import subprocess
import sys

import boto3
import pytest
from django.db import transaction
from moto.server import ThreadedMotoServer

from newsletters.audience.models import ImportJob, Subscription
from tests.conftest import REPO, wait_until

from .test_import import upload

MEDIA_BUCKET = "cms-media"
PRIVATE_BUCKET = "cms-private"
PORTS = range(27100, 27999)


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the S3 server")


@pytest.fixture(scope="module")
def s3_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
        region_name="eu-central-1",
    )
    for bucket in (MEDIA_BUCKET, PRIVATE_BUCKET):
        client.create_bucket(
            Bucket=bucket,
            CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
        )
    yield endpoint, client
    server.stop()


def s3_environment(endpoint, private_bucket=True):
    env = {
        "AWS_STORAGE_BUCKET_NAME": MEDIA_BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_S3_REGION_NAME": "eu-central-1",
    }
    if private_bucket:
        env["AWS_PRIVATE_BUCKET_NAME"] = PRIVATE_BUCKET
    return env


def storages_from_settings(env):
    """STORAGES as cms.settings builds it from the environment."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; from django.conf import settings; "
            "print(json.dumps(settings.STORAGES, default=str))",
        ],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def keys(client, bucket):
    return [
        item["Key"]
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])
    ]


def test_settings_put_media_and_private_files_on_s3(s3_server):
    endpoint, _client = s3_server
    storages = storages_from_settings(s3_environment(endpoint))
    media, private = storages["default"], storages["private"]
    assert media["BACKEND"] == private["BACKEND"] == "home.s3.BoundedS3Storage"
    assert media["OPTIONS"]["bucket_name"] == MEDIA_BUCKET
    assert media["OPTIONS"]["querystring_auth"] is False
    assert private["OPTIONS"]["bucket_name"] == PRIVATE_BUCKET
    assert private["OPTIONS"]["default_acl"] == "private"
    assert private["OPTIONS"]["querystring_auth"] is True
    # Without a private bucket: a private prefix of the media bucket.
    shared = storages_from_settings(s3_environment(endpoint, private_bucket=False))
    assert shared["private"]["OPTIONS"]["bucket_name"] == MEDIA_BUCKET
    assert shared["private"]["OPTIONS"]["location"] == "private"
    # Without a bucket: local disk, the private folder outside MEDIA_ROOT.
    local = storages_from_settings({})
    assert local["private"]["BACKEND"].endswith("FileSystemStorage")


@pytest.fixture
def s3_worker_env(s3_server, monkeypatch):
    """The worker process (celery_worker_process) gets the same AWS_* set."""
    endpoint, _client = s3_server
    for name, value in s3_environment(endpoint).items():
        monkeypatch.setenv(name, value)
    return s3_environment(endpoint)


def test_import_uploaded_on_the_web_host_is_run_by_a_worker_from_the_bucket(
    django_db_serialized_rollback,
    transactional_db,
    settings,
    client,
    tmp_path,
    s3_server,
    s3_worker_env,
    team_user,
    team_lists,
    celery_worker_process,
):
    _endpoint, s3 = s3_server
    settings.STORAGES = storages_from_settings(s3_worker_env)
    client.force_login(team_user("XK", "moderator"))
    mailing_list = team_lists["XK"]
    csv = "email;name\r\nana@example.org;Ana\r\nbesa@example.org;Besa\r\n"

    response = upload(client, mailing_list, csv.encode(), name="fair.csv")
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    stored = keys(s3, PRIVATE_BUCKET)
    assert stored == [job.file.name]
    assert stored[0].startswith("newsletter-imports/fair")
    assert keys(s3, MEDIA_BUCKET) == []
    # Nothing on this host's disk.
    assert not list(tmp_path.rglob("*.csv"))
    grants = s3.get_object_acl(Bucket=PRIVATE_BUCKET, Key=stored[0])["Grants"]
    assert all("AllUsers" not in str(grant.get("Grantee")) for grant in grants)
    assert "X-Amz-Signature=" in job.file.url  # a short-lived signed URL only

    form = {key: "" if v is None else str(v) for key, v in job.mapping.items()}
    with transaction.atomic():
        assert client.post(response["Location"], form).status_code == 302

    def finished():
        job.refresh_from_db()
        return job.state in (ImportJob.State.DONE, ImportJob.State.FAILED)

    assert wait_until(finished, timeout=120), "the worker never ran the import"
    assert job.state == ImportJob.State.DONE, job.error
    assert job.imported == 2
    assert Subscription.objects.filter(mailing_list=mailing_list).count() >= 2
    # The worker deleted the file from the bucket when it was done.
    assert keys(s3, PRIVATE_BUCKET) == []
