"""The deployment files agree with each other and with the code (issue 18):
every application service of compose.yaml runs the one image through the one
entrypoint, with a subcommand the entrypoint knows; the entrypoint's
subcommands start what Procfile.dev and the settings name; nginx's config
parses."""

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.conftest import REPO

ENTRYPOINT = REPO / "scripts" / "entrypoint.sh"
APP_SERVICES = {"web", "worker", "beat", "migrate"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "compose.yaml").read_text())


def subcommands():
    text = ENTRYPOINT.read_text()
    return set(re.findall(r"^  ([a-z]+)\)$", text, flags=re.MULTILINE))


def dry_run(*args, **env):
    """The command the entrypoint would run, printed instead of executed."""
    fake = REPO / "var" / "test" / "fake-python"
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(0o755)
    result = subprocess.run(
        ["bash", str(ENTRYPOINT), *args],
        env={"PATH": os.environ["PATH"], "PYTHON": str(fake), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result


def test_entrypoint_is_valid_bash_and_executable():
    assert os.access(ENTRYPOINT, os.X_OK)
    assert subprocess.run(["bash", "-n", str(ENTRYPOINT)]).returncode == 0
    assert subcommands() == {"web", "worker", "beat", "migrate", "manage"}


def test_every_app_service_runs_the_same_image_and_entrypoint(compose):
    services = compose["services"]
    assert set(services) >= APP_SERVICES
    images = {services[name].get("image") for name in APP_SERVICES}
    entrypoints = {tuple(services[name]["entrypoint"]) for name in APP_SERVICES}
    assert len(images) == 1 and None not in images
    assert entrypoints == {("/app/scripts/entrypoint.sh",)}
    for name in APP_SERVICES:
        command = services[name]["command"]
        assert command[0] == name and command[0] in subcommands()
    # The image's own ENTRYPOINT is the same script.
    dockerfile = (REPO / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/app/scripts/entrypoint.sh"]' in dockerfile
    assert "USER cms" in dockerfile
    assert "compilemessages" in dockerfile and "gettext" in dockerfile


def test_compose_starts_after_a_successful_migrate_behind_one_proxy(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    env = services["web"]["environment"]
    assert env["NUM_PROXIES"] == "1"
    assert env["AWS_STORAGE_BUCKET_NAME"] and env["AWS_PRIVATE_BUCKET_NAME"]
    redis = services["redis"]["command"]
    assert redis[redis.index("--maxmemory-policy") + 1] == "noeviction"
    assert {"postgres", "redis", "minio", "buckets", "mailpit", "nginx"} <= set(
        services
    )
    assert "deploy/nginx.conf" in services["nginx"]["volumes"][0]
    assert "mc mb" in services["buckets"]["command"][0]


def test_subcommands_start_the_processes_of_procfile():
    web = dry_run("web", PORT="27010", WEB_CONCURRENCY="3")
    assert web.returncode == 0, web.stderr
    assert web.stdout.split()[:3] == ["-m", "gunicorn", "cms.wsgi:application"]
    assert "0.0.0.0:27010" in web.stdout and "--workers 3" in web.stdout
    assert "--forwarded-allow-ips 127.0.0.1" in web.stdout

    worker = dry_run("worker").stdout
    procfile = (REPO / "Procfile.dev").read_text()
    queues = re.search(r"--queues=(\S+)", procfile).group(1)
    assert f"--queues {queues}" in worker

    beat = dry_run("beat").stdout
    scheduler = re.search(r"--scheduler=(\S+)", procfile).group(1)
    assert f"--scheduler {scheduler}" in beat
    module, name = scheduler.split(":")
    assert hasattr(__import__(module, fromlist=[name]), name)

    migrate = dry_run("migrate").stdout.splitlines()
    assert migrate == [
        "manage.py migrate --no-input",
        "manage.py collectstatic --no-input",
    ]
    assert dry_run("manage", "check", "--deploy").stdout.strip() == (
        "manage.py check --deploy"
    )
    assert dry_run("nonsense").returncode == 64


def test_nginx_config_parses(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        pytest.fail("nginx is not installed (.ci/run installs it)")
    # The compose host names resolve only inside compose: loopback here.
    site = (REPO / "deploy" / "nginx.conf").read_text()
    site = site.replace("server web:8000", "server 127.0.0.1:27001")
    site = site.replace("server minio:9000", "server 127.0.0.1:27002")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path};\n"
        f"  include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_the_smoke_runs_proxy_is_deploy_nginx_conf_on_loopback(tmp_path):
    """`make smoke-production` runs nginx with deploy/nginx.conf, rewritten
    for loopback and TLS: the rewrite must still find what it rewrites."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        pytest.fail("nginx is not installed (.ci/run installs it)")
    (tmp_path / "nginx").mkdir()
    (tmp_path / "logs").mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(tmp_path / "nginx/key.pem")]
        + ["-out", str(tmp_path / "nginx/cert.pem")],
        capture_output=True,
        check=True,
        timeout=60,
    )
    ports = {
        "SMOKE_PROXY_PORT": "27010",
        "SMOKE_WEB_A_PORT": "27011",
        "SMOKE_WEB_B_PORT": "27012",
        "SMOKE_S3_PORT": "27013",
    }
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "smoke_production.py"), "nginx-config"],
        env={**os.environ, "SMOKE_DIR": str(tmp_path), **ports},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    config = result.stdout
    assert "listen 127.0.0.1:27010 ssl" in config
    assert "server 127.0.0.1:27011 max_fails" in config
    assert "server 127.0.0.1:27012 max_fails" in config
    assert "proxy_pass http://cms_media/cms-media/images/;" in config
    assert "location ^~ /media/original_images/" in config
    (tmp_path / "nginx" / "nginx.conf").write_text(config)
    parsed = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path / "nginx")]
        + ["-c", str(tmp_path / "nginx" / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert parsed.returncode == 0, parsed.stderr
