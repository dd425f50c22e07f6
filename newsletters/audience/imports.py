"""CSV import of subscribers into one list.

Files come from spreadsheets in the region: UTF-8 with or without a BOM,
UTF-16, Windows-1250 (Latin), -1251 (Cyrillic) or -1254 (Turkish); commas,
semicolons or tabs. The upload is sniffed once (encoding, delimiter, header)
so the officer can map columns; the import then streams the stored file twice,
first to count and check its structure (a broken file writes nothing), then in
chunks with bulk inserts. Every rejected row is reported with its row number
(the header is row 1) and the reason, and changes nothing. Imports never
resubscribe an address that left, bounced, complained or is suppressed, and
never change an existing subscriber's name, language or subscriptions.
"""

import codecs
import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.locales import content_language_codes

from ..conf import app_settings
from .addresses import InvalidAddress, hash_normalised, normalise_email
from .models import ConsentEvent, ImportJob, Subscriber, Subscription, Suppression

log = logging.getLogger(__name__)
SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
ENCODINGS = {
    "auto": gettext_lazy("Detect"),
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1250": "Windows-1250 (Latin: sq, bs, cnr, sr-latn)",
    "cp1251": "Windows-1251 (Cyrillic: mk, sr)",
    "cp1254": "Windows-1254 (Turkish)",
}
# Letters of the programme's languages beyond ASCII: a legacy encoding whose
# decoding yields more of these, and fewer other non-ASCII characters, wins.
REGIONAL_LETTERS = set(
    "ëçËÇšđčćžŠĐČĆŽśźŚŹğıİşŞĞöüÖÜâîûÂÎÛ"
    "абвгдежзијклљмнњопрстћуфхцчџшАБВГДЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ"
    "ђЂѓЃѕЅќЌэЭюЮяЯщЩъЪыЫьЬйЙёЁ"
)
LEGACY = ("cp1250", "cp1251", "cp1254")
MAX_NAME = 200


class ImportProblem(ValueError):
    """The file as a whole cannot be imported; the message says why."""


@dataclass
class Sniffed:
    encoding: str
    delimiter: str
    header: list


def sniff(fileobj, encoding="auto"):
    """Encoding, delimiter and header row of an uploaded CSV file."""
    sample = fileobj.read(SAMPLE_BYTES)
    fileobj.seek(0)
    if not sample.strip():
        raise ImportProblem(_("The file is empty."))
    if encoding == "auto":
        encoding = detect_encoding(sample)
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        raise ImportProblem(
            _("The file cannot be read as %(encoding)s.") % {"encoding": encoding}
        ) from None
    except LookupError:
        raise ImportProblem(_("Unknown encoding.")) from None
    if looks_binary(text):
        raise ImportProblem(
            _("This is not a CSV text file. Save the spreadsheet as CSV and try again.")
        )
    text = text.lstrip("\ufeff")
    delimiter = detect_delimiter(text)
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error as error:
        raise ImportProblem(
            _("The first row is not valid CSV: %(error)s") % {"error": error}
        ) from None
    header = [cell.strip() for cell in header]
    if not any(header):
        raise ImportProblem(_("The first row must name the columns."))
    return Sniffed(encoding, delimiter, header)


def detect_encoding(sample):
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 4:
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return max(LEGACY, key=lambda name: _plausibility(sample, name))


def _plausibility(sample, encoding):
    """More letters of the region's alphabets, fewer other non-ASCII characters,
    and no word mixing Latin and Cyrillic letters."""
    text = sample.decode(encoding, errors="replace")
    score = 0
    for char in text:
        if not char.isascii():
            score += 1 if char in REGIONAL_LETTERS else -2
    for word in re.findall(r"[^\W\d_]+", text):
        mixed = any(c.isascii() for c in word)
        if mixed and any("\u0400" <= c <= "\u04ff" for c in word):
            score -= 3
    return score


def looks_binary(text):
    if "\x00" in text:
        return True
    controls = sum(
        1
        for char in text
        if unicodedata.category(char) == "Cc" and char not in "\t\r\n"
    )
    return controls > max(2, len(text) // 1000)


def detect_delimiter(text):
    lines = text.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(DELIMITERS, key=header.count) if header else ","


def guess_mapping(header):
    """Column indexes for email, name and language, guessed from the header."""
    hints = {
        "email": ("mail", "e-pošta", "e-posta", "пошта", "адреса", "adresa"),
        "name": ("name", "emër", "emri", "ime", "име", "назив", "ad soyad", "isim"),
        "language": ("lang", "gjuh", "jezik", "јазик", "језик", "dil"),
    }
    mapping = {}
    for field, words in hints.items():
        lowered = [cell.casefold() for cell in header]
        mapping[field] = next(
            (i for i, cell in enumerate(lowered) if any(w in cell for w in words)),
            None,
        )
    return mapping


# Running an import -------------------------------------------------------------


def _rows(job):
    """(row number, fields) of the stored file, header skipped; streamed."""
    with job.file.open("rb") as raw:
        text = io.TextIOWrapper(
            raw, encoding=job.encoding, errors="replace", newline=""
        )
        reader = csv.reader(text, delimiter=job.delimiter, strict=True)
        try:
            next(reader, None)
            yield from enumerate(reader, start=2)
        except csv.Error as error:
            raise ImportProblem(
                _("Row %(row)s is not valid CSV (%(error)s); nothing was imported.")
                % {"row": reader.line_num, "error": error}
            ) from None


def run(job_id):
    """Import ``job_id``'s file; the job row shows progress and the report.

    Whatever goes wrong, the job ends as done or failed with its reason, never
    "running"; a job the reconciler has failed meanwhile is not resumed.
    """
    job = ImportJob.objects.select_related("mailing_list").get(pk=job_id)
    if job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING):
        return
    job.state = ImportJob.State.RUNNING
    job.progress_at = timezone.now()
    job.save(update_fields=["state", "progress_at"])
    try:
        job.rows_total = sum(1 for _row in _rows(job))
        job.save(update_fields=["rows_total"])
        importer = _Importer(job)
        rows = _rows(job)
        size = app_settings.NEWSLETTERS_IMPORT_CHUNK_ROWS
        while chunk := list(islice(rows, size)):
            if not importer.chunk(chunk):
                return  # failed by the reconciler while this worker was away
        job.state = ImportJob.State.DONE
    except ImportProblem as problem:
        job.state = ImportJob.State.FAILED
        job.error = str(problem)
    except Exception:
        log.exception("import %s stopped on an unexpected error", job.pk)
        job.state = ImportJob.State.FAILED
        job.error = _stopped_message(job, _("an unexpected error"))
    _finish(job)


def _stopped_message(job, cause):
    return _(
        "The import stopped on %(cause)s after %(done)s of %(total)s rows. "
        "Rows before that were imported; run the import again to add the "
        "rest (addresses already on the list are reported as such)."
    ) % {"cause": cause, "done": job.rows_done, "total": job.rows_total}


def _finish(job):
    job.finished_at = timezone.now()
    job.save()
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def reconcile():
    """Jobs no worker is carrying: a running job without progress for
    NEWSLETTERS_IMPORT_STALE_SECONDS is failed with its reason; a queued one
    that old (its task lost) is returned to be queued again."""
    cutoff = timezone.now() - timedelta(
        seconds=app_settings.NEWSLETTERS_IMPORT_STALE_SECONDS
    )
    failed = []
    stale = ImportJob.objects.filter(
        state=ImportJob.State.RUNNING, progress_at__lt=cutoff
    ).values_list("pk", flat=True)
    for pk in stale:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=pk)
            if job.state != ImportJob.State.RUNNING or job.progress_at >= cutoff:
                continue
            job.state = ImportJob.State.FAILED
            job.error = _stopped_message(job, _("a lost worker"))
            _finish(job)
            failed.append(pk)
    requeue = list(
        ImportJob.objects.filter(
            state=ImportJob.State.QUEUED, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    return {"failed": failed, "requeue": requeue}


class _Importer:
    def __init__(self, job):
        self.job = job
        self.list = job.mailing_list
        self.seen = {}
        self.languages = set(content_language_codes())
        self.columns = job.mapping

    def chunk(self, rows):
        """Import one chunk; False (and nothing written) if the job is no
        longer running, e.g. failed by the reconciler."""
        if not ImportJob.objects.filter(
            pk=self.job.pk, state=ImportJob.State.RUNNING
        ).exists():
            return False
        rejected = []
        parsed = []
        for number, fields in rows:
            result = self.parse(number, fields)
            if isinstance(result, str):
                rejected.append([number, result])
            else:
                parsed.append(result)
        for attempt in range(2):
            try:
                with transaction.atomic():
                    imported, already, refused = self.write(parsed)
                break
            except IntegrityError:
                if attempt:  # someone subscribed the same address meanwhile, twice
                    raise
        rejected.extend(refused)
        rejected.sort()
        job = self.job
        job.rows_done += len(rows)
        job.imported += imported
        job.already_subscribed += already
        job.rejected.extend(rejected)
        job.progress_at = timezone.now()
        job.save(
            update_fields=[
                "rows_done",
                "imported",
                "already_subscribed",
                "rejected",
                "progress_at",
            ]
        )
        return True

    def cell(self, fields, column):
        index = self.columns.get(column)
        if index is None or index >= len(fields):
            return ""
        return fields[index].strip()

    def parse(self, number, fields):
        """(number, address, name, language) or the reason the row is rejected."""
        if not any(cell.strip() for cell in fields):
            return _("empty row")
        raw = self.cell(fields, "email")
        name = self.cell(fields, "name")
        language = self.cell(fields, "language").lower().replace("_", "-")
        if "\ufffd" in raw + name + language:
            return _("characters that are not %(encoding)s") % {
                "encoding": self.job.encoding
            }
        if not raw:
            return _("no email address")
        try:
            address = normalise_email(raw)
        except InvalidAddress as error:
            return _("invalid email address (%(why)s)") % {"why": error}
        if address in self.seen:
            return _("duplicate of row %(row)s") % {"row": self.seen[address]}
        if len(name) > MAX_NAME:
            return _("name longer than %(n)s characters") % {"n": MAX_NAME}
        language = language or self.list.default_language
        if language not in self.languages:
            return _("unknown language %(code)r") % {"code": language}
        self.seen[address] = number
        return number, address, name, language

    def write(self, parsed):
        refused = []
        addresses = [row[1] for row in parsed]
        suppressed = set(
            Suppression.objects.filter(
                email_hash__in=[hash_normalised(a) for a in addresses]
            ).values_list("email_hash", flat=True)
        )
        existing = dict(
            Subscriber.objects.filter(email__in=addresses).values_list("email", "pk")
        )
        statuses = dict(
            Subscription.objects.filter(
                mailing_list=self.list, subscriber_id__in=existing.values()
            ).values_list("subscriber_id", "status")
        )
        reasons = {
            Subscription.Status.PENDING: _("waiting for its own confirmation"),
            Subscription.Status.UNSUBSCRIBED: _("unsubscribed earlier"),
            Subscription.Status.BOUNCED: _("bounced earlier"),
            Subscription.Status.COMPLAINED: _("complained earlier"),
        }
        new_subscribers, to_subscribe, already = [], [], 0
        for number, address, name, language in parsed:
            if hash_normalised(address) in suppressed:
                refused.append([number, _("suppressed address")])
                continue
            subscriber_id = existing.get(address)
            status = statuses.get(subscriber_id)
            if status == Subscription.Status.CONFIRMED:
                already += 1
            elif status is not None:
                refused.append([number, reasons[status] + _("; not resubscribed")])
            elif subscriber_id is None:
                new_subscribers.append(
                    Subscriber(email=address, name=name, language=language)
                )
                to_subscribe.append(address)
            else:
                to_subscribe.append(address)
        created = Subscriber.objects.bulk_create(new_subscribers)
        ids = {**existing, **{s.email: s.pk for s in created}}
        if any(pk is None for pk in ids.values()):
            ids = dict(
                Subscriber.objects.filter(email__in=to_subscribe).values_list(
                    "email", "pk"
                )
            )
        now = timezone.now()
        Subscription.objects.bulk_create(
            Subscription(
                subscriber_id=ids[address],
                mailing_list=self.list,
                status=Subscription.Status.CONFIRMED,
                confirmed_at=now,
            )
            for address in to_subscribe
        )
        languages = {row[1]: row[3] for row in parsed}
        ConsentEvent.objects.bulk_create(
            ConsentEvent(
                kind=ConsentEvent.Kind.IMPORT,
                source=ConsentEvent.Source.IMPORT,
                source_detail=f"{self.job.file_name}: {self.job.consent_note}"[:255],
                email_hash=hash_normalised(address),
                subscriber_id=ids[address],
                mailing_list=self.list,
                language=languages[address],
                consent_text_version=app_settings.NEWSLETTERS_CONSENT_TEXT_VERSION,
            )
            for address in to_subscribe
        )
        return len(to_subscribe), already, refused
