"""Interop test for the read-only OParl 1.1 API (`/oparl/v1`) against the running demo server.

The test walks the API like an OParl client does: from the System object through every external
object list (`body`, then each Body's `organization`, `person`, `meeting`, ... lists, and the lists of
those objects, e.g. an Organization's `meeting` list), page by page along `links.next`, and validates
every object against the official OParl 1.1 JSON schema of its `type`.

Schemas: `schema/*.json` of the OParl specification, found at `<repo>/../shared/oparl/schema` (where CI
puts `shared/` beside the fresh clone), else at $OPARL_SCHEMA_DIR. They are draft-4 style JSON Schema
without a `$schema` line (a file that declares one is validated with the dialect it declares). They do
not `$ref` each other; instead the custom key `schema: "X.json"` marks an embedded object (a Meeting's
`agendaItem`, a Person's `membership`, a Body's `legislativeTerm`), which a validator ignores. So each
embedded object is validated against its own type's schema here as well. All schemas are put in a
`referencing` registry under their file names, so a `$ref: "Body.json"` would resolve locally, never
over the network. The formats the schemas use (`url`, `date-time`, `date`) are checked by our own
format checker (jsonschema would not check `url` at all and `date-time` only with an extra package).

What the OParl 1.1 specification requires and is checked here besides the schemas:
- external object lists: `data`, `pagination`, `links`; `links.next` on every page but the last; the
  filters `created_since`, `created_until`, `modified_since`, `modified_until` are kept on all pages;
- `created` and `modified` on every object that is not embedded in another one;
- deleted objects: `deleted: true` and nothing but `id`, `type`, `created`, `modified`; their URL
  still answers (no 404/410);
- `Access-Control-Allow-Origin: *` on every JSON response; UTF-8 without BOM;
- unknown objects: the matching HTTP status (404). The specification defines no error object, so only
  "it is JSON" is checked.
Quartier-specific: the lists show only public committees, consenting persons and public agenda items;
soft-deleted objects appear only when `modified_since` is given (the demo data has one deleted
committee).

No browser needed: plain HTTP through `HttpClient` from helpers.py.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from helpers import STACK_TRACE, HttpClient, RawResponse

REPO_ROOT = Path(__file__).resolve().parents[2]
API = "/oparl/v1"
TYPE_PREFIX = "https://schema.oparl.org/1.1/"
OPARL_VERSIONS = ("https://schema.oparl.org/1.1/", "https://schema.oparl.org/1.0/")
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
LONG_AGO = "2000-01-01T00:00:00+00:00"
FAR_FUTURE = "2999-01-01T00:00:00+00:00"
# Attributes a deleted object keeps (OParl 1.1, "Gelöschte Objekte"); all others must be removed.
DELETED_KEYS = {"id", "type", "created", "modified", "deleted"}
MAX_PAGES = 1000  # a links.next loop must not hang the test
DEREF_LIMIT = 400  # objects whose id is fetched again (all of them in the demo)
MAX_REPORTED = 60  # problems listed in one failure message


# ------------------------------------------------------------------------------------------------
# Schemas
# ------------------------------------------------------------------------------------------------

def schema_dir() -> Path | None:
    candidates = [REPO_ROOT.parent / "shared" / "oparl" / "schema"]
    if os.environ.get("OPARL_SCHEMA_DIR"):
        candidates.append(Path(os.environ["OPARL_SCHEMA_DIR"]))
    return next((c for c in candidates if (c / "System.json").is_file()), None)


FORMATS = FormatChecker(formats=())  # only the three checkers below
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@FORMATS.checks("url")
def _is_url(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


@FORMATS.checks("date-time")
def _is_date_time(value) -> bool:
    """RFC 3339 / ISO 8601 with a time zone, as OParl requires (2011-11-14T16:22:41+01:00)."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        parse_date_time(value)
    except ValueError:
        return False
    return True


@FORMATS.checks("date")
def _is_date(value) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_date_time(value: str) -> datetime:
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)


def _schema_name(reference: str) -> str:
    return reference[:-5] if reference.endswith(".json") else reference


class Schemas:
    """The OParl schemas by type name ("Body"), with one validator per type."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.by_name: dict[str, dict] = {}
        resources = []
        for path in sorted(directory.glob("*.json")):
            contents = json.loads(path.read_text(encoding="utf-8"))
            self.by_name[path.stem] = contents
            # A schema without `$schema` is draft 4 (what the files are written in).
            resource = Resource.from_contents(contents, default_specification=DRAFT4)
            # `{"$ref": "Body.json"}` (relative to a schema without $id) and file URIs resolve here.
            resources += [(path.name, resource), (path.resolve().as_uri(), resource)]
        self.registry = Registry().with_resources(resources).crawl()
        self.validators = {}
        for name, schema in self.by_name.items():
            cls = validators.validator_for(schema, default=Draft4Validator)
            cls.check_schema(schema)
            self.validators[name] = cls(schema, registry=self.registry, format_checker=FORMATS)

    def validator(self, schema: dict):
        cls = validators.validator_for(schema, default=Draft4Validator)
        return cls(schema, registry=self.registry, format_checker=FORMATS)

    def props(self, type_name: str) -> dict[str, dict]:
        return self.by_name[type_name].get("properties", {})

    def embedded(self, type_name: str, obj: dict) -> list[tuple[str, str, object]]:
        """(property path, type name, value) of the objects embedded in `obj`.

        Embedded = a property of type object with the custom key `schema`, or an array of such.
        (`schema` next to `type: string` marks a URL, e.g. an external list, not an embedded object.)
        """
        out = []
        for key, prop in self.props(type_name).items():
            if key not in obj:
                continue
            value = obj[key]
            items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
            if prop.get("type") == "object" and "schema" in prop:
                out.append((key, _schema_name(prop["schema"]), value))
            elif prop.get("type") == "array" and items.get("type") == "object" and "schema" in items:
                if isinstance(value, list):
                    name = _schema_name(items["schema"])
                    out += [(f"{key}[{i}]", name, v) for i, v in enumerate(value)]
        return out

    def embedded_types(self) -> set[str]:
        """The types some schema embeds (custom key `schema` on an object or array-of-objects property)."""
        out = set()
        for props in (s.get("properties", {}) for s in self.by_name.values()):
            for prop in props.values():
                items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
                if prop.get("type") == "object" and "schema" in prop:
                    out.add(_schema_name(prop["schema"]))
                elif prop.get("type") == "array" and items.get("type") == "object" and "schema" in items:
                    out.add(_schema_name(items["schema"]))
        return out

    def external_lists(self, type_name: str) -> dict[str, str]:
        """Property -> item type name of the external object lists of a type."""
        out = {}
        for key, prop in self.props(type_name).items():
            items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
            if prop.get("references") == "externalList" and "schema" in items:
                out[key] = _schema_name(items["schema"])
        return out

    def references(self, type_name: str) -> dict[str, tuple[str, bool]]:
        """Property -> (referenced type, is an array) of the URL references to single objects."""
        out = {}
        for key, prop in self.props(type_name).items():
            target = prop.get("references")
            if target in (None, "externalList") or target not in self.by_name:
                continue
            out[key] = (target, prop.get("type") == "array")
        return out


def type_name_of(obj) -> str | None:
    t = obj.get("type") if isinstance(obj, dict) else None
    if isinstance(t, str) and t.startswith(TYPE_PREFIX):
        return t[len(TYPE_PREFIX):]
    return None


def _field(error) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(object)"


def _short(value, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


def validate_object(schemas: Schemas, obj, expected: str | None, where: str) -> list[str]:
    """Schema problems of `obj` and of every object embedded in it, one line each:
    `<Type> <id> [in <where>]: <field>: <message>`."""
    if not isinstance(obj, dict):
        return [f"{expected or '?'} in {where}: not a JSON object but {_short(obj)}"]
    oid = obj.get("id", "(no id)")
    declared = type_name_of(obj)
    name = declared if declared in schemas.by_name else expected
    problems = []
    if declared is None or declared not in schemas.by_name:
        problems.append(
            f"{expected or '?'} {oid} in {where}: field type: {_short(obj.get('type'))} is no OParl 1.1 type URL "
            f"({TYPE_PREFIX}<Type>)"
        )
    elif expected and declared != expected:
        problems.append(f"{declared} {oid} in {where}: field type: expected {TYPE_PREFIX}{expected} here")
    if name is None:
        return problems
    for error in sorted(schemas.validators[name].iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(f"{name} {oid} in {where}: field {_field(error)}: {error.message}")
    for path, inner_type, value in schemas.embedded(name, obj):
        problems += validate_object(schemas, value, inner_type, f"{name} {oid} → {path}")
    return problems


def fail_with(title: str, problems: list[str]) -> None:
    if problems:
        shown = problems[:MAX_REPORTED]
        more = f"\n… and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        pytest.fail(f"{title} ({len(problems)}):\n" + "\n".join(f"- {p}" for p in shown) + more, pytrace=False)


# ------------------------------------------------------------------------------------------------
# HTTP
# ------------------------------------------------------------------------------------------------

def with_query(url: str, **params: str) -> str:
    """`url` with the given query parameters set (reserved characters such as + and : encoded)."""
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def query_of(url: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, keep_blank_values=True)


@dataclass
class Fetched:
    url: str
    status: int
    raw: RawResponse | None
    doc: object = None
    problem: str | None = None


class Api:
    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.origin = urllib.parse.urlsplit(self.base)
        self.client = HttpClient(self.base)
        self.cache: dict[str, Fetched] = {}

    def on_server(self, url: str, path_prefix: str = "") -> bool:
        parts = urllib.parse.urlsplit(url)
        return (
            (parts.scheme, parts.netloc) == (self.origin.scheme, self.origin.netloc)
            and parts.path.startswith(path_prefix)
        )

    def get(self, url: str, cached: bool = False) -> Fetched:
        if cached and url in self.cache:
            return self.cache[url]
        if "://" in url and not self.on_server(url):
            result = Fetched(url, 0, None, problem=f"{url} is not on the server under test ({self.base})")
        else:
            raw = self.client.get_raw(url)
            result = Fetched(raw.url, raw.status, raw)
            ctype = raw.header("Content-Type")
            if raw.body.startswith(b"\xef\xbb\xbf"):
                result.problem = f"GET {url}: the JSON starts with a byte order mark"
            try:
                result.doc = json.loads(raw.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                result.problem = f"GET {url}: status {raw.status}, no UTF-8 JSON ({e}): {raw.body[:200]!r}"
            else:
                if raw.status != 200:
                    result.problem = f"GET {url}: status {raw.status}: {raw.body[:300].decode('utf-8', 'replace')}"
                elif "json" not in ctype.lower():
                    result.problem = f"GET {url}: Content-Type is {ctype!r}, not JSON"
        self.cache[url] = result
        return result


# ------------------------------------------------------------------------------------------------
# Walking the API
# ------------------------------------------------------------------------------------------------

@dataclass
class ObjectList:
    """One external object list, all its pages."""
    url: str
    item_type: str
    owner: str  # "<Type> <id> → <property>"
    pages: list[dict] = field(default_factory=list)  # the page documents, in order
    page_urls: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # HTTP / list-format problems

    @property
    def items(self) -> list:
        return [item for page in self.pages for item in (page.get("data") or [])]


def walk_list(api: Api, url: str, item_type: str, owner: str) -> ObjectList:
    result = ObjectList(url, item_type, owner)
    next_url: str | None = url
    seen = set()
    while next_url:
        if next_url in seen or len(seen) >= MAX_PAGES:
            result.problems.append(f"{owner}: links.next loops back to {next_url} after {len(seen)} page(s)")
            break
        seen.add(next_url)
        fetched = api.get(next_url)
        if fetched.problem:
            result.problems.append(f"{owner}: {fetched.problem}")
            break
        page = fetched.doc
        if not isinstance(page, dict):
            result.problems.append(f"{owner}: GET {next_url} is not a JSON object but {_short(page)}")
            break
        missing = [k for k in ("data", "pagination", "links") if k not in page]
        if missing:
            result.problems.append(f"{owner}: list page {next_url} lacks {', '.join(missing)}")
        if not isinstance(page.get("data", []), list):
            result.problems.append(f"{owner}: list page {next_url}: data is not an array")
            page["data"] = []
        for key in ("pagination", "links"):
            if not isinstance(page.get(key, {}), dict):
                result.problems.append(f"{owner}: list page {next_url}: {key} is not an object")
                page[key] = {}
        result.pages.append(page)
        result.page_urls.append(next_url)
        next_url = (page.get("links") or {}).get("next")
        if next_url is not None and not isinstance(next_url, str):
            result.problems.append(f"{owner}: list page {result.page_urls[-1]}: links.next is {_short(next_url)}")
            next_url = None
    return result


@dataclass
class Crawl:
    api: Api
    schemas: Schemas
    system: dict | None = None
    lists: dict[str, ObjectList] = field(default_factory=dict)  # first-page URL -> list
    objects: dict[str, tuple[str, dict]] = field(default_factory=dict)  # id -> (type, object); not embedded
    embedded: dict[str, tuple[str, dict, str]] = field(default_factory=dict)  # id -> (type, object, where)
    problems: list[str] = field(default_factory=list)  # HTTP / list format
    schema_problems: list[str] = field(default_factory=list)

    def count(self, type_name: str) -> int:
        return sum(1 for t, _ in self.objects.values() if t == type_name) + sum(
            1 for t, _, _ in self.embedded.values() if t == type_name
        )

    def bodies(self) -> list[dict]:
        return [o for t, o in self.objects.values() if t == "Body"]

    def body_lists(self) -> list[tuple[str, str, str]]:
        """(property, item type, URL) of every Body's external lists."""
        out = []
        for body in self.bodies():
            for prop, item_type in self.schemas.external_lists("Body").items():
                if isinstance(body.get(prop), str):
                    out.append((prop, item_type, body[prop]))
        return out


def _collect_embedded(crawl: Crawl, type_name: str, obj: dict, where: str) -> None:
    for path, inner_type, value in crawl.schemas.embedded(type_name, obj):
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            crawl.embedded.setdefault(value["id"], (inner_type, value, f"{where} → {path}"))
            _collect_embedded(crawl, inner_type, value, f"{where} → {path}")


def crawl_api(api: Api, schemas: Schemas) -> Crawl:
    crawl = Crawl(api, schemas)
    fetched = api.get(api.base + API + "/system")
    if fetched.problem or not isinstance(fetched.doc, dict):
        crawl.problems.append(f"System: {fetched.problem or 'not a JSON object'}")
        return crawl
    crawl.system = fetched.doc
    crawl.schema_problems += validate_object(schemas, fetched.doc, "System", f"GET {API}/system")
    queue: list[tuple[str, dict]] = [("System", fetched.doc)]
    sid = fetched.doc.get("id")
    if isinstance(sid, str):
        crawl.objects[sid] = ("System", fetched.doc)
    _collect_embedded(crawl, "System", fetched.doc, "System")
    while queue:
        type_name, obj = queue.pop(0)
        oid = obj.get("id", "(no id)")
        for prop, item_type in schemas.external_lists(type_name).items():
            url = obj.get(prop)
            if not isinstance(url, str) or url in crawl.lists:
                continue
            owner = f"{type_name} {oid} → {prop}"
            if not api.on_server(url, API):
                crawl.problems.append(f"{owner}: list URL {url} is not under {api.base}{API}")
                continue
            lst = walk_list(api, url, item_type, owner)
            crawl.lists[url] = lst
            crawl.problems += lst.problems
            for page_no, page in enumerate(lst.pages, 1):
                for index, item in enumerate(page.get("data") or []):
                    where = f"{owner} (page {page_no}, data[{index}])"
                    crawl.schema_problems += validate_object(schemas, item, item_type, where)
                    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                        continue
                    known = crawl.objects.get(item["id"])
                    if known is None:
                        crawl.objects[item["id"]] = (item_type, item)
                        _collect_embedded(crawl, item_type, item, f"{item_type} {item['id']}")
                        if not item.get("deleted"):
                            queue.append((item_type, item))
                    elif known[1] != item:
                        crawl.problems.append(
                            f"{item_type} {item['id']} differs between two lists (second: {where})"
                        )
    return crawl


# ------------------------------------------------------------------------------------------------
# Fixtures
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def schemas() -> Schemas:
    directory = schema_dir()
    if directory is None:
        pytest.fail(
            f"OParl schemas not found: neither {REPO_ROOT.parent / 'shared' / 'oparl' / 'schema'} "
            "nor $OPARL_SCHEMA_DIR has System.json",
            pytrace=False,
        )
    return Schemas(directory)


@pytest.fixture(scope="module")
def api(server) -> Api:
    return Api(server.url)


@pytest.fixture(scope="module")
def crawl(api, schemas) -> Crawl:
    result = crawl_api(api, schemas)
    if result.system is None:
        pytest.fail("GET /oparl/v1/system failed: " + "; ".join(result.problems), pytrace=False)
    return result


# ------------------------------------------------------------------------------------------------
# 0. The schemas themselves (no server needed)
# ------------------------------------------------------------------------------------------------

def test_schemas_load_and_accept_the_specification_examples(schemas):
    """The test's own setup: every schema is valid draft 4 (or the dialect it declares), refs resolve
    locally, and the specification's examples pass, embedded objects included."""
    expected = {"AgendaItem", "Body", "Consultation", "File", "LegislativeTerm", "Location", "Meeting",
                "Membership", "Organization", "Paper", "Person", "System"}
    assert expected <= set(schemas.by_name), f"schemas missing in {schemas.directory}: {expected - set(schemas.by_name)}"
    for name, schema in schemas.by_name.items():
        dialect = schema.get("$schema")
        assert dialect is None or "draft-04" in dialect, f"{name}.json declares {dialect}, expected draft 4"
        assert schemas.props(name)["type"]["pattern"].endswith(f"{name}$"), name

    # A `$ref` by file name resolves from the local registry (no network).
    by_ref = schemas.validator({"$ref": "Organization.json"})
    assert list(by_ref.iter_errors({"id": "https://x.example/o/1", "type": TYPE_PREFIX + "Organization"})) == []
    assert list(by_ref.iter_errors({"id": "https://x.example/o/1", "type": TYPE_PREFIX + "Person"})) != []

    # The format checker is active.
    org = schemas.validators["Organization"]
    assert not org.is_valid({"id": "not a url", "type": TYPE_PREFIX + "Organization"})
    assert not org.is_valid({"id": "https://x.example/o/1", "type": TYPE_PREFIX + "Organization",
                             "created": "2020-01-01 10:00"})
    assert not org.is_valid({"id": "https://x.example/o/1", "type": TYPE_PREFIX + "Organization",
                             "created": "2020-01-01T10:00:00"})  # no time zone
    assert not org.is_valid({"id": "https://x.example/o/1", "type": TYPE_PREFIX + "Organization",
                             "startDate": "2020-02-30"})

    examples = sorted((schemas.directory.parent / "examples").glob("*.json"))
    problems = []
    for path in examples:
        example = json.loads(path.read_text(encoding="utf-8"))
        problems += validate_object(schemas, example, path.stem.split("-")[0], path.name)
    # The specification's own Meeting example embeds an AgendaItem without the required `order`
    # (a validator that ignores embedded objects does not notice). Quartier's must have it.
    known = [p for p in problems if "→ agendaItem[" in p and p.endswith("'order' is a required property")]
    fail_with("the specification's examples do not validate (test setup broken)",
              [p for p in problems if p not in known])
    assert len(known) <= 1, known


# ------------------------------------------------------------------------------------------------
# 1. Walk everything; every object valid; ids dereference; URLs on this server
# ------------------------------------------------------------------------------------------------

def test_walk_validates_every_object_against_its_schema(crawl):
    fail_with("HTTP or list-format problems while walking the API", crawl.problems)
    fail_with("objects that violate the OParl 1.1 schema of their type", crawl.schema_problems)

    system = crawl.system
    assert system.get("oparlVersion") in OPARL_VERSIONS
    assert crawl.count("Body") >= 1, "the System's body list is empty"
    found = {t: crawl.count(t) for t in ("Organization", "Person", "Membership", "Meeting", "AgendaItem",
                                         "LegislativeTerm")}
    assert all(found.values()), f"the demo should show objects of every type; found {found}"
    for prop, _, url in crawl.body_lists():
        assert url in crawl.lists, f"Body.{prop} list {url} was not walked"


def test_every_main_object_has_created_and_modified(crawl):
    """OParl 1.1: `created` and `modified` are required in every object type that is not output embedded
    in other objects (System, Body, Organization, Person, Meeting, Paper here; LegislativeTerm,
    Membership, AgendaItem, Location, File, Consultation are embedded types and exempt)."""
    problems = []
    embedded_types = crawl.schemas.embedded_types()
    for oid, (type_name, obj) in crawl.objects.items():
        if type_name in embedded_types:
            continue
        missing = [k for k in ("created", "modified") if k not in obj]
        if missing:
            problems.append(f"{type_name} {oid}: missing {', '.join(missing)}")
            continue
        try:
            if parse_date_time(obj["modified"]) < parse_date_time(obj["created"]):
                problems.append(f"{type_name} {oid}: modified {obj['modified']} is before created {obj['created']}")
        except (TypeError, ValueError):
            pass  # reported by the schema test
    fail_with("objects without created/modified", problems)


def _sample(items: list, limit: int) -> list:
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def test_ids_dereference_to_the_same_object(crawl, api):
    """GET <id> answers the object as the list shows it (an embedded object: at least its properties)."""
    problems = []
    main = _sample(sorted(crawl.objects.items()), DEREF_LIMIT)
    for oid, (type_name, obj) in main:
        fetched = api.get(oid, cached=True)
        if fetched.problem:
            problems.append(f"{type_name} {oid}: {fetched.problem}")
        elif fetched.doc != obj:
            diff = sorted(k for k in set(obj) | set(fetched.doc or {}) if (fetched.doc or {}).get(k) != obj.get(k))
            problems.append(f"{type_name} {oid}: GET id differs from the listed object in {diff}")
    embedded = _sample(sorted(crawl.embedded.items()), DEREF_LIMIT)
    for oid, (type_name, obj, where) in embedded:
        fetched = api.get(oid, cached=True)
        if fetched.problem:
            problems.append(f"{type_name} {oid} (embedded in {where}): {fetched.problem}")
            continue
        doc = fetched.doc if isinstance(fetched.doc, dict) else {}
        diff = sorted(k for k in obj if doc.get(k) != obj[k])
        if diff:
            problems.append(f"{type_name} {oid} (embedded in {where}): GET id differs in {diff}")
        problems += validate_object(crawl.schemas, doc, type_name, f"GET {oid}")
    fail_with("ids that do not dereference to the same object", problems)


def _url_values(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def test_urls_point_to_this_server(crawl, api):
    """`id`, references and list URLs are API URLs of this server; `web` is a page of this server."""
    problems = []
    everything = [(t, o, "") for t, o in crawl.objects.values()] + [
        (t, o, f" (embedded in {w})") for t, o, w in crawl.embedded.values()
    ]
    for type_name, obj, where in everything:
        oid = obj.get("id", "(no id)")
        api_props = ["id"] + list(crawl.schemas.external_lists(type_name)) + list(crawl.schemas.references(type_name))
        for prop in api_props:
            for url in _url_values(obj.get(prop)):
                if not api.on_server(url, API + "/"):
                    problems.append(f"{type_name} {oid}{where}: {prop} {url} is not under {api.base}{API}/")
        for url in _url_values(obj.get("web")):
            if not api.on_server(url):
                problems.append(f"{type_name} {oid}{where}: web {url} is not on {api.base}")
    for lst in crawl.lists.values():
        for page_url, page in zip(lst.page_urls, lst.pages):
            for key, url in (page.get("links") or {}).items():
                prefix = "" if key == "web" else API + "/"
                if not isinstance(url, str) or not api.on_server(url, prefix):
                    problems.append(f"{lst.owner}: links.{key} of page {page_url} is {url!r}, not on {api.base}{prefix}")
    fail_with("URLs that do not point to the server under test", problems)


def test_references_resolve_to_objects_of_the_referenced_type(crawl, api):
    """Every URL reference (Membership.organization, Meeting.organization, ...) answers an object of the
    type the schema names."""
    problems = []
    everything = [(t, o, "") for t, o in crawl.objects.values()] + [
        (t, o, f" (embedded in {w})") for t, o, w in crawl.embedded.values()
    ]
    for type_name, obj, where in everything:
        for prop, (target, _) in crawl.schemas.references(type_name).items():
            for url in _url_values(obj.get(prop)):
                if not api.on_server(url):
                    continue  # reported by test_urls_point_to_this_server
                fetched = api.get(url, cached=True)
                if fetched.problem:
                    problems.append(f"{type_name} {obj.get('id')}{where}: {prop} → {fetched.problem}")
                elif type_name_of(fetched.doc) != target:
                    problems.append(
                        f"{type_name} {obj.get('id')}{where}: {prop} {url} is a "
                        f"{_short((fetched.doc or {}).get('type') if isinstance(fetched.doc, dict) else fetched.doc)}, "
                        f"expected {target}"
                    )
    fail_with("references that do not resolve", problems)


def test_only_public_agenda_items(crawl):
    problems = [
        f"AgendaItem {oid} ({where}) has public: false"
        for oid, (t, obj, where) in crawl.embedded.items()
        if t == "AgendaItem" and obj.get("public") is False
    ] + [
        f"AgendaItem {oid} has public: false"
        for oid, (t, obj) in crawl.objects.items()
        if t == "AgendaItem" and obj.get("public") is False
    ]
    fail_with("non-public agenda items are published", problems)


# ------------------------------------------------------------------------------------------------
# 2. Pagination
# ------------------------------------------------------------------------------------------------

def pagination_problems(api: Api, lst: ObjectList) -> list[str]:
    """The pages of one list agree with each other and with their `pagination` and `links`."""
    problems = []
    pages = lst.pages
    if not pages:
        return problems
    name = lst.owner
    total = sum(len(p.get("data") or []) for p in pages)
    ids = [item.get("id") for item in lst.items if isinstance(item, dict)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"{name}: ids on more than one page/position: {duplicates[:5]}")
    for key in ("totalElements", "elementsPerPage", "currentPage", "totalPages"):
        values = [(p.get("pagination") or {}).get(key) for p in pages]
        if any(not isinstance(v, int) or isinstance(v, bool) for v in values):
            problems.append(f"{name}: pagination.{key} missing or not an integer on some page: {values}")
    if problems:
        return problems
    pag = [p["pagination"] for p in pages]
    for key in ("totalElements", "elementsPerPage", "totalPages"):
        if len({p[key] for p in pag}) != 1:
            problems.append(f"{name}: pagination.{key} changes from page to page: {[p[key] for p in pag]}")
    if pag[0]["totalElements"] != total:
        problems.append(f"{name}: pagination.totalElements is {pag[0]['totalElements']}, the pages hold {total} items")
    if pag[0]["totalPages"] != len(pages):
        problems.append(f"{name}: pagination.totalPages is {pag[0]['totalPages']}, links.next led through {len(pages)} page(s)")
    current = [p["currentPage"] for p in pag]
    if current != list(range(1, len(pages) + 1)):
        problems.append(f"{name}: pagination.currentPage along links.next is {current}, expected 1..{len(pages)}")
    per_page = pag[0]["elementsPerPage"]
    sizes = [len(p.get("data") or []) for p in pages]
    if per_page < 1 or any(s != per_page for s in sizes[:-1]) or sizes[-1] > per_page:
        problems.append(f"{name}: page sizes {sizes} do not fit elementsPerPage {per_page}")
    if len(pages) > 1 and sizes[-1] == 0:
        problems.append(f"{name}: the last of {len(pages)} pages is empty")

    for i, (url, page) in enumerate(zip(lst.page_urls, pages)):
        links = page.get("links") or {}
        last = i == len(pages) - 1
        for key in ("first", "last", "self"):
            if not isinstance(links.get(key), str):
                problems.append(f"{name}: page {i + 1} has no links.{key}")
        if last and links.get("next"):
            problems.append(f"{name}: the last page has links.next {links['next']}")
        if i == 0 and links.get("prev"):
            problems.append(f"{name}: the first page has links.prev {links['prev']}")
        if i > 0:
            prev = links.get("prev")
            if not isinstance(prev, str):
                problems.append(f"{name}: page {i + 1} has no links.prev")
            else:
                f = api.get(prev, cached=True)
                if f.problem or not isinstance(f.doc, dict) or f.doc.get("data") != pages[i - 1].get("data"):
                    problems.append(f"{name}: links.prev of page {i + 1} ({prev}) is not page {i}")
        for key, expected in (("first", pages[0]), ("last", pages[-1]), ("self", page)):
            link = links.get(key)
            if not isinstance(link, str):
                continue
            f = api.get(link, cached=True)
            if f.problem or not isinstance(f.doc, dict) or f.doc.get("data") != expected.get("data"):
                problems.append(f"{name}: links.{key} of page {i + 1} ({link}) does not answer that page "
                                f"({f.problem or 'other data'})")
    return problems


def test_pagination_is_consistent(crawl, api):
    problems = []
    for lst in crawl.lists.values():
        problems += pagination_problems(api, lst)
    fail_with("inconsistent pagination", problems)


def _biggest_body_list(crawl: Crawl) -> tuple[str, str, str]:
    candidates = [(len(crawl.lists[url].items), prop, t, url) for prop, t, url in crawl.body_lists() if url in crawl.lists]
    assert candidates, "no Body list was walked"
    n, prop, t, url = max(candidates)
    assert n >= 2, f"every Body list has fewer than 2 items; cannot test paging ({candidates})"
    return prop, t, url


def test_small_pages_when_the_client_asks_for_them(crawl, api):
    """OParl lets a client ask for `elementsPerPage`; a server may ignore it. If Quartier honours it,
    the small pages must be consistent and together hold the same objects as the default pages."""
    prop, item_type, url = _biggest_body_list(crawl)
    lst = walk_list(api, with_query(url, elementsPerPage="1"), item_type, f"Body.{prop} with elementsPerPage=1")
    fail_with("HTTP or list-format problems", lst.problems)
    if len(lst.pages) < 2:
        pytest.skip(f"the server ignores elementsPerPage=1 (Body.{prop} still has {len(lst.pages)} page)")
    fail_with("inconsistent pagination with small pages", pagination_problems(api, lst))
    assert [o.get("id") for o in lst.items] == [o.get("id") for o in crawl.lists[url].items], (
        f"Body.{prop}: paging through elementsPerPage=1 gives other objects (or another order) than the default pages"
    )


# ------------------------------------------------------------------------------------------------
# 3. Filters
# ------------------------------------------------------------------------------------------------

def test_created_since_in_the_far_future_gives_empty_lists(crawl, api):
    problems = []
    lists = [("System.body", "Body", crawl.system["body"])] + [(f"Body.{p}", t, u) for p, t, u in crawl.body_lists()]
    for prop, item_type, url in lists:
        for name in ("created_since", "modified_since"):
            lst = walk_list(api, with_query(url, **{name: FAR_FUTURE}), item_type, f"{prop}?{name}={FAR_FUTURE}")
            problems += lst.problems
            if lst.items:
                problems.append(f"{lst.owner}: {len(lst.items)} object(s), e.g. {lst.items[0].get('id')}")
            total = [(p.get("pagination") or {}).get("totalElements") for p in lst.pages]
            if any(t not in (0, None) for t in total):
                problems.append(f"{lst.owner}: pagination.totalElements {total}")
    fail_with("lists that ignore a filter in the far future", problems)


def _filtered_ids(api: Api, url: str, item_type: str, owner: str, problems: list[str], **params) -> set:
    lst = walk_list(api, with_query(url, **params), item_type,
                    owner + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
    problems += lst.problems
    return {o.get("id") for o in lst.items if isinstance(o, dict) and not o.get("deleted")}


def test_filters_bound_the_results(crawl, api):
    """created_since/until and modified_since/until around the list's own timestamps: a bound just
    outside them keeps every object, a bound just beyond them keeps none; a bound between two of them
    splits the list there."""
    problems = []
    checked = 0
    lists = [("System.body", "Body", crawl.system["body"])] + [(f"Body.{p}", t, u) for p, t, u in crawl.body_lists()]
    for owner, item_type, url in lists:
        items = [o for o in crawl.lists[url].items if isinstance(o, dict)] if url in crawl.lists else []
        all_ids = {o.get("id") for o in items}
        if not items:
            continue
        for attr in ("created", "modified"):
            if not all(isinstance(o.get(attr), str) and _is_date_time(o[attr]) for o in items):
                problems.append(f"{owner}: not every object has a valid {attr}; cannot filter on it")
                continue
            stamps = sorted({o[attr] for o in items}, key=parse_date_time)
            first, last = parse_date_time(stamps[0]), parse_date_time(stamps[-1])
            before = (first - timedelta(seconds=1)).isoformat()
            after = (last + timedelta(seconds=1)).isoformat()
            expectations = [
                (f"{attr}_since", stamps[0], all_ids),
                (f"{attr}_until", after, all_ids),
                (f"{attr}_since", after, set()),
                (f"{attr}_until", before, set()),
            ]
            if len(stamps) > 1:  # split at a timestamp in the middle
                pivot = stamps[len(stamps) // 2]
                at = parse_date_time(pivot)
                expectations += [
                    (f"{attr}_since", pivot, {o["id"] for o in items if parse_date_time(o[attr]) >= at}),
                    (f"{attr}_until", pivot, {o["id"] for o in items if parse_date_time(o[attr]) <= at}),
                ]
            for name, value, expected in expectations:
                got = _filtered_ids(api, url, item_type, owner, problems, **{name: value})
                if name.endswith("_until") and value == stamps[len(stamps) // 2]:
                    # Timestamps are shown to the second; an object stored a fraction later is still "until".
                    ok = got <= expected and got >= {o["id"] for o in items if parse_date_time(o[attr]) < at}
                else:
                    ok = got == expected
                if not ok:
                    problems.append(f"{owner}?{name}={value}: expected {len(expected)} object(s), got {len(got)}; "
                                    f"missing {sorted(expected - got)[:3]}, extra {sorted(got - expected)[:3]}")
            checked += 1
    assert checked, "no list has objects; cannot test the filters"
    fail_with("filters that do not bound the results", problems)


def test_filters_are_kept_in_the_links(crawl, api):
    """OParl: the server keeps the client's filters on all further pages (links.first, next, prev, last, self)."""
    prop, item_type, url = _biggest_body_list(crawl)
    filters = {"created_since": LONG_AGO, "modified_until": FAR_FUTURE}
    # elementsPerPage=1 makes a links.next likely (if the server honours it).
    lst = walk_list(api, with_query(url, elementsPerPage="1", **filters), item_type, f"Body.{prop} with filters")
    fail_with("HTTP or list-format problems", lst.problems)
    problems = []
    for i, page in enumerate(lst.pages):
        for key, link in (page.get("links") or {}).items():
            if key == "web" or not isinstance(link, str):
                continue
            query = query_of(link)
            for name, value in filters.items():
                kept = query.get(name)
                if not kept or parse_date_time(kept[0]) != parse_date_time(value):
                    problems.append(f"page {i + 1}: links.{key} {link} lost {name}={value} (has {kept})")
    fail_with(f"filters dropped from the links of Body.{prop}", problems)
    assert [o.get("id") for o in lst.items] == [o.get("id") for o in crawl.lists[url].items], (
        f"Body.{prop}: created_since={LONG_AGO}&modified_until={FAR_FUTURE} should keep every object"
    )
    if not any((p.get("links") or {}).get("next") for p in lst.pages):
        warnings.warn(f"Body.{prop} has a single page even with elementsPerPage=1: links.next was not checked")


def test_an_invalid_filter_value_is_a_client_error(crawl, api):
    """OParl: a URL parameter the server cannot interpret should get the matching status code (400)."""
    _, _, url = crawl.body_lists()[0]
    for value in ("gestern", "2024-13-45T00:00:00+00:00"):
        raw = api.client.get_raw(with_query(url, created_since=value))
        assert raw.status == 400, f"created_since={value}: status {raw.status}, expected 400"
        assert_json_error(raw)


# ------------------------------------------------------------------------------------------------
# 4. Deleted objects
# ------------------------------------------------------------------------------------------------

def test_no_deleted_objects_without_modified_since(crawl, api):
    problems = [f"{t} {oid}" for oid, (t, o) in crawl.objects.items() if o.get("deleted") is True]
    problems += [f"{t} {oid} (in {w})" for oid, (t, o, w) in crawl.embedded.items() if o.get("deleted") is True]
    for prop, item_type, url in crawl.body_lists():
        lst = walk_list(api, with_query(url, created_since=LONG_AGO), item_type, f"Body.{prop}?created_since")
        problems += lst.problems
        problems += [f"{lst.owner}: {o.get('id')}" for o in lst.items if isinstance(o, dict) and o.get("deleted") is True]
    fail_with("deleted objects shown without modified_since", problems)


def test_deleted_objects_appear_with_modified_since(crawl, api, schemas):
    problems = []
    deleted_orgs = []
    for prop, item_type, url in crawl.body_lists():
        lst = walk_list(api, with_query(url, modified_since=LONG_AGO), item_type, f"Body.{prop}?modified_since")
        problems += lst.problems
        for index, o in enumerate(lst.items):
            problems += validate_object(schemas, o, item_type, f"{lst.owner} data[{index}]")
        listed = {o.get("id") for o in crawl.lists[url].items} if url in crawl.lists else set()
        live = {o.get("id") for o in lst.items if isinstance(o, dict) and not o.get("deleted")}
        if live != listed:
            problems.append(f"{lst.owner}: the objects that are not deleted differ from the unfiltered list: "
                            f"extra {sorted(live - listed)[:5]}, missing {sorted(listed - live)[:5]}")
        for o in lst.items:
            if not isinstance(o, dict) or "deleted" not in o:
                continue
            oid = o.get("id")
            if o["deleted"] is not True:
                if o["deleted"] is not False:
                    problems.append(f"{item_type} {oid}: deleted is {_short(o['deleted'])}")
                continue
            if item_type == "Organization":
                deleted_orgs.append(o)
            extra = sorted(set(o) - DELETED_KEYS)
            if extra:
                problems.append(f"deleted {item_type} {oid} still has {extra} (only {sorted(DELETED_KEYS)} may remain)")
            if "modified" not in o or "created" not in o:
                problems.append(f"deleted {item_type} {oid} lacks created/modified")
            if oid in listed:
                problems.append(f"deleted {item_type} {oid} is also in the list without modified_since")
            fetched = api.get(oid) if isinstance(oid, str) else None
            if fetched is None or fetched.problem:
                problems.append(f"deleted {item_type} {oid}: GET id must still answer (OParl: no 404/410): "
                                f"{fetched.problem if fetched else 'no id'}")
            elif not isinstance(fetched.doc, dict) or fetched.doc.get("deleted") is not True:
                problems.append(f"deleted {item_type} {oid}: GET id answers without deleted: true")
    fail_with("problems with modified_since / deleted objects", problems)
    assert deleted_orgs, (
        f"with modified_since={LONG_AGO} no Organization has deleted: true "
        "(the demo data should contain one soft-deleted committee)"
    )


# ------------------------------------------------------------------------------------------------
# 5. CORS, errors
# ------------------------------------------------------------------------------------------------

def assert_cors(raw: RawResponse) -> None:
    assert raw.header("Access-Control-Allow-Origin") == "*", (
        f"GET {raw.url} (status {raw.status}): Access-Control-Allow-Origin is "
        f"{raw.header('Access-Control-Allow-Origin')!r}, expected '*'"
    )
    methods = raw.header("Access-Control-Allow-Methods")
    assert not methods or "GET" in methods.upper(), f"GET {raw.url}: Access-Control-Allow-Methods {methods!r} lacks GET"


def assert_json_error(raw: RawResponse) -> None:
    assert "json" in raw.header("Content-Type").lower(), (
        f"GET {raw.url} (status {raw.status}): Content-Type {raw.header('Content-Type')!r}, expected JSON"
    )
    text = raw.body.decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError:
        pytest.fail(f"GET {raw.url} (status {raw.status}) is not JSON: {text[:300]}", pytrace=False)
    assert isinstance(doc, dict), f"GET {raw.url}: the error is not a JSON object: {text[:300]}"
    m = STACK_TRACE.search(text)
    assert m is None, f"GET {raw.url}: the error leaks internals ({m.group(0)!r}): {text[:300]}"
    assert_cors(raw)


def test_cors_header_on_every_kind_of_response(crawl, api):
    urls = [api.base + API + "/system", crawl.system["body"]]
    urls += [url for _, _, url in crawl.body_lists()[:3]]
    urls += [oid for oid, _ in sorted(crawl.objects.items())[:3]]
    for url in urls:
        raw = api.client.get_raw(url)
        assert raw.status == 200, f"GET {url}: status {raw.status}"
        assert "application/json" in raw.header("Content-Type").lower(), (
            f"GET {url}: Content-Type {raw.header('Content-Type')!r}"
        )
        assert_cors(raw)


def _unknown_variant(url: str) -> str:
    """The URL of an object of the same kind that does not exist (last path segment replaced)."""
    parts = urllib.parse.urlsplit(url)
    segments = parts.path.rstrip("/").split("/")
    last = segments[-1]
    if re.fullmatch(r"\d+", last):
        segments[-1] = "987654321"
    elif re.fullmatch(r"[0-9A-Fa-f-]{36}", last):
        segments[-1] = str(uuid.uuid4()).upper() if last.isupper() else str(uuid.uuid4())
    else:
        segments[-1] = "gibt-es-nicht-" + uuid.uuid4().hex[:8]
    return urllib.parse.urlunsplit(parts._replace(path="/".join(segments), query=""))


def test_unknown_ids_are_json_404(crawl, api):
    urls = [api.base + API + "/gibt-es-nicht/1"]
    seen_types = set()
    for oid, (type_name, _) in sorted(crawl.objects.items()):
        if type_name not in seen_types and type_name != "System":
            seen_types.add(type_name)
            urls.append(_unknown_variant(oid))
    for url in urls:
        raw = api.client.get_raw(url)
        assert raw.status == 404, f"GET {url}: status {raw.status}, expected 404"
        assert_json_error(raw)
