#!/usr/bin/env python3
"""Embed the public pages (web/) into a C source file, and refuse to build
when a translation is missing.

usage: embed-web.py OUT.c FILE...

Each FILE is classified by where it lives:
  web/templates/NAME.html   a page template (src/http/tmpl.h syntax)
  web/static/NAME           a static file served at /static/NAME
  web/console/NAME          a file of the analyst console, at /console/NAME
  node_modules/.../NAME     a browser library the console loads, at
                            /console/NAME (chart.js)
  web/i18n/LANG.json        the strings of one language: a flat object
                            {"key": "text"}; the first language in
                            src/http/i18n.h's OE_LANGS is given first
  *.c                       C sources whose oe_i18n(lang, "key") calls name
                            keys that must exist

The build fails (exit 1, one line per finding) when a language lacks a key
another has, a value is not a non-empty string, a template is malformed or
names an unknown key, or app.js / a C source uses an unknown key. So every
string the pages show exists in every language. The console's strings
(keys starting "console.") are also served as /console/i18n-LANG.json."""
import hashlib
import json
import os
import re
import sys

LANGS = ["id", "en", "zh"]  # as OE_LANGS in src/http/i18n.h, default first
KEY_RE = re.compile(r"^[a-z0-9_]+(\.[A-Za-z0-9_-]+)*$")
NAME_RE = re.compile(r"^([A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*|\.)$")
TAG_RE = re.compile(r"\{\{(\{?)(.*?)\}\}(\}?)", re.S)
CTYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
}
# Uses of keys in C: oe_i18n(lang, "key") and h_pages.c's T(lang, "key"),
# also as T(lang, cond ? "a" : "b"); oe_i18n_has("key"); and in app.js
# S('key').
C_USE_RE = re.compile(r'\b(?:oe_i18n|T)\s*\(\s*[A-Za-z_][A-Za-z0-9_>.-]*\s*,\s*"([^"]+)"\s*\)')
C_TERNARY_RE = re.compile(
    r'\b(?:oe_i18n|T)\s*\(\s*[A-Za-z_][A-Za-z0-9_>.-]*\s*,[^;"]*\?\s*"([^"]+)"\s*:\s*"([^"]+)"\s*\)')
C_HAS_RE = re.compile(r'\boe_i18n_has\s*\(\s*"([^"]+)"\s*\)')
JS_USE_RE = re.compile(r"""\bS\(\s*['"]([^'"]+)['"]""")

errors = []


def fail(msg):
    errors.append(msg)


def c_string(data: bytes) -> str:
    """A C string literal (split after newlines) for any bytes."""
    out, line = [], []
    for b in data:
        c = chr(b)
        if c == "\\":
            line.append("\\\\")
        elif c == '"':
            line.append('\\"')
        elif c == "\n":
            line.append("\\n")
            out.append('"' + "".join(line) + '"')
            line = []
            continue
        elif c == "\t":
            line.append("\\t")
        elif c == "?":
            line.append("\\?")  # no trigraphs
        elif 0x20 <= b < 0x7F:
            line.append(c)
        else:
            line.append("\\%03o" % b)  # octal: never swallows the next char
    if line or not out:
        out.append('"' + "".join(line) + '"')
    return "\n\t    ".join(out)


def check_template(path, text, keys):
    """Tags well-formed, sections balanced, every {{t:key}} known."""
    stack = []
    for m in TAG_RE.finditer(text):
        triple = m.group(1) == "{"
        body = m.group(2).strip()
        line = text.count("\n", 0, m.start()) + 1
        where = f"{path}:{line}"
        if triple != (m.group(3) == "}"):
            fail(f"{where}: unbalanced triple braces in {m.group(0)!r}")
            continue
        if triple:
            if not NAME_RE.match(body):
                fail(f"{where}: bad name in {m.group(0)!r}")
            continue
        if body.startswith("t:"):
            key = body[2:].strip()
            if key not in keys:
                fail(f"{where}: unknown translation key '{key}'")
            continue
        if body[:1] in "#^/":
            name = body[1:].strip()
            if not NAME_RE.match(name):
                fail(f"{where}: bad section name in {m.group(0)!r}")
                continue
            if body[0] == "/":
                if not stack or stack[-1][0] != name:
                    fail(f"{where}: {{{{/{name}}}}} closes "
                         + (f"'{stack[-1][0]}' opened at line {stack[-1][1]}" if stack
                            else "no open section"))
                else:
                    stack.pop()
            else:
                stack.append((name, line))
            continue
        if not NAME_RE.match(body):
            fail(f"{where}: bad tag {m.group(0)!r}")
    for name, line in stack:
        fail(f"{path}:{line}: section '{name}' is never closed")
    rest = TAG_RE.sub("", text)
    if "{{" in rest:
        fail(f"{path}: '{{{{' that does not start a tag")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out, files = sys.argv[1], sys.argv[2:]
    templates, static, i18n, csrc, console = {}, {}, {}, [], {}
    for f in files:
        parts = os.path.normpath(f).split(os.sep)
        base = os.path.basename(f)
        if f.endswith(".c"):
            csrc.append(f)
        elif len(parts) >= 2 and parts[-2] == "templates" and base.endswith(".html"):
            templates[base[:-5]] = f
        elif len(parts) >= 2 and parts[-2] == "static":
            static[base] = f
        elif len(parts) >= 2 and parts[-2] == "console" or "node_modules" in parts:
            console[base] = f
        elif len(parts) >= 2 and parts[-2] == "i18n" and base.endswith(".json"):
            i18n[base[:-5]] = f
        else:
            fail(f"{f}: not a template, static file, i18n file or C source")

    # --- strings ---------------------------------------------------------
    tables = {}
    for lang in LANGS:
        if lang not in i18n:
            fail(f"web/i18n/{lang}.json is missing")
            continue
        try:
            with open(i18n[lang], encoding="utf-8") as fh:
                obj = json.load(fh, object_pairs_hook=lambda kv: _no_dup(kv, i18n[lang]))
        except (ValueError, UnicodeDecodeError) as e:
            fail(f"{i18n[lang]}: {e}")
            continue
        if not isinstance(obj, dict):
            fail(f"{i18n[lang]}: not a JSON object")
            continue
        for k, v in obj.items():
            if not KEY_RE.match(k):
                fail(f"{i18n[lang]}: bad key '{k}'")
            if not isinstance(v, str) or not v.strip():
                fail(f"{i18n[lang]}: '{k}' is not a non-empty string")
        tables[lang] = obj
    for lang in set(i18n) - set(LANGS):
        fail(f"{i18n[lang]}: language '{lang}' is not served (i18n.h OE_LANGS)")
    keys = set()
    for t in tables.values():
        keys |= set(t)
    for lang, t in tables.items():
        for k in sorted(keys - set(t)):
            fail(f"{i18n[lang]}: missing translation of '{k}'")

    # --- templates and uses of keys ------------------------------------------
    tdata = {}
    for name, path in sorted(templates.items()):
        with open(path, "rb") as fh:
            data = fh.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            fail(f"{path}: not UTF-8")
            continue
        check_template(path, text, keys)
        tdata[name] = data
    sdata = {}
    for name, path in sorted(static.items()):
        with open(path, "rb") as fh:
            sdata[name] = fh.read()
        ext = os.path.splitext(name)[1]
        if ext not in CTYPES:
            fail(f"{path}: no content type known for '{ext}'")
        if ext == ".js":
            for k in JS_USE_RE.findall(sdata[name].decode("utf-8", "replace")):
                if k not in keys:
                    fail(f"{path}: S('{k}') names an unknown translation key")
    cdata = {}
    for name, path in sorted(console.items()):
        with open(path, "rb") as fh:
            cdata[name] = fh.read()
        ext = os.path.splitext(name)[1]
        if ext not in CTYPES:
            fail(f"{path}: no content type known for '{ext}'")
        if ext == ".js" and "node_modules" not in path.split(os.sep):
            for k in JS_USE_RE.findall(cdata[name].decode("utf-8", "replace")):
                # S('prefix.' + name): some key must start with the prefix
                known = any(x.startswith(k) for x in keys) if k.endswith(".") else k in keys
                if not known:
                    fail(f"{path}: S('{k}') names an unknown translation key")
    for lang in LANGS:
        if lang in tables:
            sub = {k: v for k, v in sorted(tables[lang].items()) if k.startswith("console.")}
            cdata[f"i18n-{lang}.json"] = json.dumps(sub, ensure_ascii=False,
                                                    separators=(",", ":")).encode()
    for path in csrc:
        with open(path, encoding="utf-8") as fh:
            src = fh.read()
        used = C_USE_RE.findall(src) + C_HAS_RE.findall(src)
        for pair in C_TERNARY_RE.findall(src):
            used += list(pair)
        for k in used:
            if k not in keys:
                fail(f"{path}: \"{k}\" is not a translation key")

    if errors:
        for e in errors:
            print("embed-web: " + e, file=sys.stderr)
        sys.exit(1)

    # --- the C file ----------------------------------------------------------
    version = hashlib.sha256()
    for name in sorted(sdata):
        version.update(name.encode() + b"\0" + sdata[name] + b"\0")
    w = []
    w.append("/* generated by scripts/embed-web.py from web/ - do not edit */")
    w.append('#include "http/tmpl.h"\n')
    w.append("const oe_web_file oe_web_templates[] = {")
    for name in sorted(tdata):
        w.append(f'\t{{"{name}", NULL, NULL,\n\t    {c_string(tdata[name])},\n'
                 f"\t    {len(tdata[name])}}},")
    w.append("};")
    w.append(f"const size_t oe_web_templates_count = {len(tdata)};\n")
    w.append("const oe_web_file oe_web_static[] = {")
    for name in sorted(sdata):
        etag = '"' + hashlib.sha256(sdata[name]).hexdigest()[:20] + '"'
        ctype = CTYPES[os.path.splitext(name)[1]]
        w.append(f'\t{{"{name}", "{ctype}", {c_string(etag.encode())},\n'
                 f"\t    {c_string(sdata[name])},\n\t    {len(sdata[name])}}},")
    w.append("};")
    w.append(f"const size_t oe_web_static_count = {len(sdata)};")
    w.append(f'const char oe_web_static_version[] = "{version.hexdigest()[:12]}";\n')
    w.append("const oe_web_file oe_web_console[] = {")
    for name in sorted(cdata):
        etag = '"' + hashlib.sha256(cdata[name]).hexdigest()[:20] + '"'
        ctype = CTYPES[os.path.splitext(name)[1]]
        w.append(f'\t{{"{name}", "{ctype}", {c_string(etag.encode())},\n'
                 f"\t    {c_string(cdata[name])},\n\t    {len(cdata[name])}}},")
    w.append("};")
    w.append(f"const size_t oe_web_console_count = {len(cdata)};\n")
    sk = sorted(keys, key=lambda k: k.encode())  # strcmp order
    w.append("const char *const oe_web_i18n_keys[] = {")
    for k in sk:
        w.append(f'\t"{k}",')
    w.append("};")
    w.append(f"const size_t oe_web_i18n_nkeys = {len(sk)};\n")
    for lang in LANGS:
        w.append(f"static const char *const strings_{lang}[] = {{")
        for k in sk:
            w.append(f"\t{c_string(tables[lang][k].encode('utf-8'))},")
        w.append("};")
    w.append("const char *const *const oe_web_i18n_strings[] = {"
             + ", ".join(f"strings_{l}" for l in LANGS) + "};")
    w.append(f"const size_t oe_web_i18n_nlangs = {len(LANGS)};")
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write("\n".join(w) + "\n")
    os.replace(tmp, out)


def _no_dup(pairs, path):
    d = {}
    for k, v in pairs:
        if k in d:
            fail(f"{path}: key '{k}' given twice")
        d[k] = v
    return d


if __name__ == "__main__":
    main()
