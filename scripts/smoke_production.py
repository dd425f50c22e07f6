"""Driver of `make smoke-production`, run by scripts/smoke_production.sh
(which starts PostgreSQL's database, Redis, SMTP, S3 and nginx, and
migrates). A script, not a test module: pytest does not collect it.

    smoke_production.py nginx-config   print the proxy's configuration
    smoke_production.py run            start two hosts and one beat; check

Each host (A and B) is a gunicorn and a Celery worker started through
scripts/entrypoint.sh, with its own VAR_DIR, MEDIA_ROOT and private folder:
they share only PostgreSQL, Redis and the S3 store, as docs/deploy.md says
hosts do. Every check that misses raises Miss, and the run exits 1 naming it.
"""

import signal
import sys
import time

from smoke_checks import (
    check_beat,
    check_health,
    check_key_rotation,
    check_logs,
    check_rate_limits,
    check_rendition,
    compose_newsletter,
    import_subscribers,
    log_in,
    send_campaign,
    set_up,
    upload_image,
)
from smoke_lib import (
    PROCESSES,
    SUBSCRIBERS,
    Browser,
    Host,
    Miss,
    env,
    nginx_config,
    say,
    scalar,
    stop,
)


def run():
    timings = []

    def step(title, function, *args):
        started = time.monotonic()
        say(f"--- {title}")
        result = function(*args)
        elapsed = time.monotonic() - started
        timings.append((title, elapsed))
        said = f": {result}" if isinstance(result, str) else ""
        say(f"    ok ({elapsed:.1f} s){said}")
        return result

    hosts = {
        "a": Host("a", int(env("SMOKE_WEB_A_PORT"))),
        "b": Host("b", int(env("SMOKE_WEB_B_PORT"))),
    }
    browser = Browser()
    try:

        def start_processes():
            hosts["a"].start_web(wait=False)
            hosts["b"].start_web(wait=False)
            hosts["b"].start_worker(wait=False)
            hosts["a"].start("beat")
            # Meanwhile what an operator and an officer would have made.
            set_up(hosts["a"])
            hosts["a"].wait_web()
            hosts["b"].wait_web()
            hosts["b"].wait_worker()

        step(
            "2. web A, web B, worker B, beat; the site structure, a list, the admin",
            start_processes,
        )
        list_id = scalar(
            "SELECT l.id FROM newsletters_mailinglist l JOIN news_country c "
            "ON c.id = l.country_id WHERE c.iso_code = 'XK'"
        )
        step("/healthz through nginx", check_health, browser, hosts)
        step("admin login (HTTPS through nginx)", log_in, browser)
        image_id = step("image upload on A (to S3)", upload_image, browser, hosts)
        step(
            "CSV import uploaded on A, run by B",
            import_subscribers,
            browser,
            hosts,
            list_id,
        )
        page_id = step(
            "newsletter with the image (shell on A)",
            compose_newsletter,
            hosts["a"],
            image_id,
            list_id,
        )
        campaign_id, received, chunks = step(
            f"campaign to {SUBSCRIBERS}: prepared by B, sent by A and B",
            send_campaign,
            browser,
            hosts,
            page_id,
            list_id,
        )
        say(f"    chunks run by worker: {chunks}")
        step("rendition in the email answers", check_rendition, browser, received)
        step("rate limits by X-Forwarded-For", check_rate_limits)
        step("beat and heartbeat", check_beat, browser, hosts)
        step(
            "unsubscribe link across a key rotation",
            check_key_rotation,
            hosts,
            received,
        )
        step("no traceback in any process's log", check_logs)
    except Miss as miss:
        say(f"\nsmoke: MISS: {miss}", sys.stderr)
        return 1
    finally:
        for process in reversed(PROCESSES):
            stop(process)
        say("\nsmoke timings:")
        for title, elapsed in timings:
            say(f"  {elapsed:6.1f} s  {title}")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "nginx-config":
        sys.stdout.write(nginx_config())
    elif command == "run":
        # Stopped by the shell script's cleanup: stop what was started first.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        sys.exit(run())
    else:
        raise SystemExit(__doc__)
