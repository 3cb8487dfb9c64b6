#!/usr/bin/python3
"""stix_validate.py - check a STIX 2.1 bundle against the OASIS JSON schemas.

Usage: stix_validate.py BUNDLE.json [SCHEMA_DIR]

SCHEMA_DIR defaults to $OE_SHARED/fixtures/stix/oasis-json-schemas/schemas.
The schemas are draft 2020-12 and refer to each other by relative paths
("../common/core.json"), resolved against each file's $id; every file is
loaded into one store up front so nothing is fetched from the network.

Each object is checked against the schema of its type (sdos/, sros/,
observables/, common/marking-definition.json), then the bundle against
common/bundle.json; a file holding one object instead of a bundle is checked
as that object. Objects of a type without a schema (custom objects) are
listed and not counted as errors. Exit status: 0 valid, 1 invalid (each
error printed with its JSON path), 2 usage or unreadable input, 77 when the
schemas are absent (the meson convention for a skipped test).

Runs on Debian's python3-jsonschema (4.10: RefResolver; no `referencing`).
"""
import json
import os
import sys

import jsonschema


def load_store(schema_dir):
    store, by_type = {}, {}
    for root, _dirs, files in os.walk(schema_dir):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(root, name), encoding="utf-8") as f:
                schema = json.load(f)
            store[schema["$id"]] = schema
            rel = os.path.relpath(os.path.join(root, name), schema_dir)
            by_type[rel] = schema
    return store, by_type


def schema_for(obj_type, by_type):
    for folder in ("sdos", "sros", "observables", "common"):
        s = by_type.get(os.path.join(folder, obj_type + ".json"))
        if s is not None:
            return s
    return None


def errors_of(instance, schema, store):
    cls = jsonschema.validators.validator_for(schema)
    resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
    validator = cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
    return sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))


def describe(prefix, err):
    path = prefix + "".join("[%s]" % json.dumps(p) for p in err.absolute_path)
    # oneOf/anyOf failures carry the real reasons in their context.
    detail = err.message
    if err.context:
        best = jsonschema.exceptions.best_match(err.context)
        detail += " (best match: %s at %s)" % (
            best.message,
            "".join("[%s]" % json.dumps(p) for p in best.absolute_path) or "the object",
        )
    return "%s: %s" % (path, detail)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    schema_dir = argv[2] if len(argv) > 2 else os.path.join(
        os.environ.get("OE_SHARED", ""), "fixtures", "stix", "oasis-json-schemas", "schemas"
    )
    if not os.path.isdir(schema_dir):
        print("skip: no schemas at %s" % schema_dir, file=sys.stderr)
        return 77
    try:
        with open(argv[1], encoding="utf-8") as f:
            bundle = json.load(f)
    except (OSError, ValueError) as e:
        print("%s: %s" % (argv[1], e), file=sys.stderr)
        return 2
    store, by_type = load_store(schema_dir)

    problems = []
    checked = set()  # indexes of objects validated by their own type
    single = not (isinstance(bundle, dict) and bundle.get("type") == "bundle")
    if single:
        # A lone object (as the OASIS examples sometimes are): check it by
        # its own type only.
        objects = [bundle]
    else:
        objects = bundle.get("objects", [])
    for i, obj in enumerate(objects):
        t = obj.get("type") if isinstance(obj, dict) else None
        schema = schema_for(t, by_type) if isinstance(t, str) else None
        where = "objects[%d]" % i
        if isinstance(obj, dict) and "id" in obj:
            where += " (%s)" % obj["id"]
        if schema is None:
            print("note: %s: no schema for type %r, not checked" % (where, t))
            continue
        checked.add(i)
        problems += [describe(where, e) for e in errors_of(obj, schema, store)]
    if not single:
        bundle_schema = by_type[os.path.join("common", "bundle.json")]
        for e in errors_of(bundle, bundle_schema, store):
            path = list(e.absolute_path)
            # An object already checked against its own schema has its
            # errors listed above; the bundle's oneOf would only repeat them.
            if len(path) >= 2 and path[0] == "objects" and path[1] in checked:
                continue
            problems.append(describe("bundle", e))
    for p in problems:
        print(p)
    if problems:
        print("%s: INVALID, %d error(s)" % (argv[1], len(problems)))
        return 1
    print("%s: valid (%d objects)" % (argv[1], len(objects)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
