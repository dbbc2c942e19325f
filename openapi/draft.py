#!/usr/bin/env python3
"""draft.py PROGRAM [--all] - prints, as YAML for openapi/PROGRAM.yaml, a
draft operation for each route of fcgi-apps/PROGRAM/main.c that the file
does not describe yet (every route with --all): the query parameters, the
JSON body's fields and the error codes its handler reads and answers
(openapi/scan.py), its roles and flags from `voucher-PROGRAM
--dump-routes` (build/release/bin or $VOUCHER_BIN). A start, to be read
against the handler: write the summary, the reply's schema, nested
objects, and name string captures ({s}) as path parameters."""
import glob
import json
import os
import re
import subprocess
import sys

import yaml

import scan

ROOT = scan.ROOT


def defines():
    out = {}
    for f in glob.glob(os.path.join(ROOT, 'fcgi-apps', '*', '*.[ch]')) + \
            glob.glob(os.path.join(ROOT, 'shared', '*', '*.h')):
        for m in re.finditer(r'#define\s+(\w+)\s+\(?(-?\d+)\)?\s',
                             open(f, encoding='utf-8').read()):
            out[m.group(1)] = int(m.group(2))
    return out


DEFS = defines()


def num(x):
    x = x.strip()
    try:
        return int(x)
    except ValueError:
        return DEFS.get(x)


def choices(prog, name):
    for f in glob.glob(os.path.join(ROOT, 'fcgi-apps', prog, '*.c')) + \
            glob.glob(os.path.join(ROOT, 'shared', '*', '*.c')):
        m = re.search(r'\b' + re.escape(name) + r'\[\]\s*=\s*\{(.*?)\};',
                      open(f, encoding='utf-8').read(), re.S)
        if m:
            return re.findall(r'"([^"]*)"', m.group(1))
    return None


def field_schema(prog, f):
    name, typ, req, mn, mx, ch = f
    if typ in ('FIELD_STRING', 'FIELD_TEXT'):
        s = {'type': 'string'}
        if num(mn):
            s['minLength'] = num(mn)
        if num(mx):
            s['maxLength'] = num(mx)
    elif typ == 'FIELD_INT':
        s = {'type': 'integer'}
        if num(mn) is not None:
            s['minimum'] = num(mn)
        if num(mx) is not None:
            s['maximum'] = num(mx)
    elif typ == 'FIELD_MONEY':
        s = {'$ref': '#/components/schemas/Fen'}
    elif typ == 'FIELD_BOOL':
        s = {'type': 'boolean'}
    elif typ == 'FIELD_ENUM':
        s = {'type': 'string'}
        c = choices(prog, ch)
        if c:
            s['enum'] = c
    elif typ == 'FIELD_DATE':
        s = {'$ref': '#/components/schemas/Date'}
    elif typ == 'FIELD_ID':
        s = {'$ref': '#/components/schemas/Id'}
    else:
        s = {'type': 'object'}
    return s


def query_schema(prog, kind, a, b):
    if kind == 'i64':
        s = {'type': 'integer'}
        if num(a) is not None:
            s['minimum'] = num(a)
        if num(b) is not None:
            s['maximum'] = num(b)
    elif kind == 'enum':
        s = {'type': 'string'}
        c = choices(prog, a)
        if c:
            s['enum'] = c
    else:
        s = {'type': 'string'}
        if num(a):
            s['maxLength'] = num(a)
    return s


def dumped_routes(prog):
    b = os.path.join(os.environ.get('VOUCHER_BIN', os.path.join(
        ROOT, 'build', 'release', 'bin')), 'voucher-' + prog)
    try:
        out = subprocess.run([b, '--dump-routes'], capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    return {(r['method'], r['path']): r for r in map(json.loads,
                                                      out.splitlines())}


def draft(prog, method, pattern, handler, p, dumped):
    f = p.handler_facts(handler)
    r = dumped.get((method, pattern), {})
    op = {'operationId': prog + '_' + handler, 'summary': 'TODO',
          'x-roles': r.get('roles', ['TODO'])}
    if r.get('flags'):
        op['x-flags'] = r['flags']
    params = []
    for q in f['query']:
        if q in ('page', 'per_page'):
            params.append({'$ref': '#/components/parameters/' + q})
        else:
            params.append({'name': q, 'in': 'query', 'schema': query_schema(
                prog, *f['query_kinds'].get(q, ('str', '', '')))})
    if params:
        op['parameters'] = params
    if f['body']:
        props, req = {}, []
        for fl in f['fields']:
            props.setdefault(fl[0], field_schema(prog, fl))
            if fl[2] == 'true' and fl[0] not in req:
                req.append(fl[0])
        sch = {'type': 'object', 'properties': props}
        if req:
            sch['required'] = req
        op['requestBody'] = {'required': True, 'content': {
            'application/json': {'schema': sch}}}
    if f['upload']:
        op['requestBody'] = {'required': True, 'content': {
            t: {'schema': {'type': 'string', 'contentMediaType': t}}
            for t in ('application/pdf', 'image/png', 'image/jpeg')}}
    op['responses'] = {}
    for st in f['statuses'] or [200]:
        op['responses'][str(st)] = {'description': 'TODO'} if st == 204 else \
            {'description': 'TODO', 'content': {'application/json': {
                'schema': {'$ref': '#/components/schemas/List'}
                if 'page' in f['query'] else {'type': 'object'}}}}
    op['x-errors'] = f['errors']
    return op


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: draft.py PROGRAM [--all]')
    prog, every = sys.argv[1], '--all' in sys.argv[2:]
    p = scan.Program(prog)
    described = set()
    path = os.path.join(scan.ROOT, 'openapi', prog + '.yaml')
    if os.path.exists(path) and not every:
        with open(path, encoding='utf-8') as f:
            for dpath, item in (yaml.safe_load(f) or {}).get(
                    'paths', {}).items():
                for m in item:
                    described.add((m.upper(),
                                   re.sub(r'\{[^}]*\}', '{}', dpath)))
    dumped = dumped_routes(prog)
    out = {}
    for method, pattern, handler in p.routes:
        if (method, re.sub(r'\{[^}]*\}', '{}', pattern)) in described:
            continue
        out.setdefault(pattern, {})[method.lower()] = draft(
            prog, method, pattern, handler, p, dumped)
    if out:
        yaml.safe_dump({'paths': out}, sys.stdout, allow_unicode=True,
                       sort_keys=False, width=100, default_flow_style=None)
    else:
        print('# every route of %s is described' % prog)


if __name__ == '__main__':
    main()
