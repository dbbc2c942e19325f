#!/usr/bin/env python3
"""build.py OUT - assembles the OpenAPI 3.1 description of the API
(issue 16 §6) into OUT (build/openapi.json for make; the site's
openapi.json for ops/stack.sh and ops/install.sh, served by nginx at
/api/openapi.json).

Sources, in this folder: base.yaml (the head, security schemes, shared
components) and one <program>.yaml per fcgi-apps/<program> (its tag and
its paths). What every operation has in common is added here, so that a
program's file says only what is its own:
  - tags: [program];
  - the path parameters: an integer ≥ 1 for each {name} of the path that
    the operation does not declare itself (string captures, {s} in the
    route table, are declared in the source with their meaning);
  - security from x-roles: none for [public]; otherwise the session
    cookie (with X-CSRF-Token on writes) or the bearer token;
  - the error responses: x-errors {status: [codes]} of the source, plus
    the codes the shared layer answers before the handler (401
    unauthenticated, 403 forbidden, csrf_failed, not_certified,
    read_only_member, admin_only as x-roles and x-flags imply), each
    status a response with the Error schema and its codes in
    x-error-codes (and its description).
No network; needs python3-yaml. tests/integration/test_openapi.py checks
the result against the programs' route tables (--dump-routes)."""
import json
import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit('openapi/build.py needs python3-yaml: apt-get install '
             'python3-yaml (or make deps as root)')

HERE = os.path.dirname(os.path.abspath(__file__))
METHODS = ('get', 'put', 'post', 'delete', 'patch', 'head', 'options')
ORG_ROLES = {'enterprise', 'provider'}

# what each status means, for the error responses' descriptions
STATUS_TEXT = {
    400: '请求有误', 401: '未登录', 403: '无权操作', 404: '不存在',
    409: '状态冲突', 411: '缺少请求体长度', 413: '请求体过大',
    415: '请求体类型不支持', 422: '无法处理', 429: '请求过于频繁',
    500: '内部错误', 503: '暂不可用',
}


def shared_errors(op, method):
    """The codes the shared layer (shared/web/route.c) answers before the
    handler, by status."""
    roles = set(op.get('x-roles', []))
    flags = set(op.get('x-flags', []))
    write = method not in ('get', 'head')
    out = {}
    if roles and roles != {'public'}:
        out[401] = ['unauthenticated']
        out[403] = ['forbidden'] + (['csrf_failed'] if write else [])
        if roles & ORG_ROLES:
            if 'uncertified' not in flags:
                out[403].append('not_certified')
            if write and 'viewer_ok' not in flags:
                out[403].append('read_only_member')
            if 'org_admin' in flags:
                out[403].append('admin_only')
    out[503] = ['database_unavailable', 'busy', 'unavailable']
    return out


def security(op, method):
    roles = op.get('x-roles', [])
    if roles == ['public']:
        return []
    cookie = {'session': []}
    if method not in ('get', 'head'):
        cookie['csrf'] = []
    return [cookie, {'bearer': []}]


def path_parameters(path, op):
    declared = {p.get('name') for p in op.get('parameters', [])
                if p.get('in') == 'path'}
    out = []
    for name in re.findall(r'\{([^}]+)\}', path):
        if name not in declared:
            out.append({'name': name, 'in': 'path', 'required': True,
                        'description': '编号',
                        'schema': {'$ref': '#/components/schemas/Id'}})
    return out


def error_responses(op, method):
    errors = {}
    for st, codes in (op.pop('x-errors', None) or {}).items():
        errors.setdefault(int(st), []).extend(codes)
    for st, codes in shared_errors(op, method).items():
        for c in codes:
            if c not in errors.setdefault(st, []):
                errors[st].append(c)
    responses = op.setdefault('responses', {})
    for st in sorted(errors):
        codes = errors[st]
        r = responses.setdefault(str(st), {})
        r.setdefault('description', '%s，错误码：%s' % (
            STATUS_TEXT.get(st, '错误'), '、'.join(codes)))
        r.setdefault('content', {'application/json': {
            'schema': {'$ref': '#/components/schemas/Error'}}})
        r['x-error-codes'] = codes


def build():
    with open(os.path.join(HERE, 'base.yaml'), encoding='utf-8') as f:
        doc = yaml.safe_load(f)
    doc['tags'], doc['paths'] = [], {}
    for name in sorted(os.listdir(HERE)):
        if not name.endswith('.yaml') or name == 'base.yaml':
            continue
        with open(os.path.join(HERE, name), encoding='utf-8') as f:
            src = yaml.safe_load(f)
        tag = src['tag']['name']
        doc['tags'].append(src['tag'])
        for path, item in src['paths'].items():
            if path in doc['paths']:
                sys.exit('%s: %s is described twice' % (name, path))
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    continue
                op['tags'] = [tag]
                op['parameters'] = path_parameters(path, op) + \
                    op.get('parameters', [])
                if not op['parameters']:
                    del op['parameters']
                op['security'] = security(op, method)
                error_responses(op, method)
            doc['paths'][path] = item
    return doc


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: build.py OUT')
    doc = build()
    tmp = sys.argv[1] + '.tmp'
    os.makedirs(os.path.dirname(os.path.abspath(tmp)), exist_ok=True)
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write('\n')
    os.replace(tmp, sys.argv[1])


if __name__ == '__main__':
    main()
