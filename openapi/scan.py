"""scan.py - what a program's C source says about its routes, read by
grep-like means (issue 16 §6): the error codes each handler can answer
(its own and those of the program's functions it calls), the query
parameters it reads, the fields of its JSON body.

Used by tests/integration/test_openapi.py (every error code a program can
answer must be described) and by `python3 openapi/draft.py PROGRAM` (a
draft description of a new route to start from). Not a C parser: it
relies on the house style (a function's name at the start of a line, its
body between a '{' and a '}' alone on their lines).
"""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# an error code as a string literal, with its status
ERROR_RE = re.compile(
    r'\b(?:http_error|error_with)\(\s*[\w>.\-]+,\s*(\d{3}),\s*"([a-z0-9_]+)"')
# an error object built by hand: json_pack("{…}", "code", "x", "message", …)
# answered with http_json(r, 4xx, …) a few lines below
PACK_RE = re.compile(r'"code",\s*"([a-z0-9_]+)",\s*"message"')
QUERY_RE = re.compile(
    r'\b(?:query_(i64|str|enum)_or_400|req_query)\(\s*r,\s*"([a-z_0-9]+)"'
    r'(?:,\s*([^,;()]+),\s*([^,;()]+))?')
FUNC_RE = re.compile(r'^([a-z_][a-z_0-9]*)\(([^;{]*?)\)\s*\n\{\n(.*?)\n\}\n',
                     re.S | re.M)
FIELD_TABLE_RE = re.compile(
    r'struct field\s+(\w+)\s*\[[^\]]*\]\s*=\s*\{(.*?)\n\s*\};', re.S)
FIELD_RE = re.compile(
    r'\{\s*"([a-z_0-9]+)",\s*(FIELD_\w+),\s*(true|false),\s*([^,]+),\s*'
    r'([^,]+),\s*([\w]+)\s*\}')
ROUTE_RE = re.compile(
    r'\{\s*HTTP_(\w+),\s*"([^"]+)",\s*(\w+),\s*([^}]*)\}')

# shared helpers a handler may call and the codes they answer
SHARED_CODES = {
    'http_db_error': {409: ['conflict'], 503: ['busy', 'database_unavailable'],
                      404: ['not_found']},
    'req_json_or_4xx': {400: ['empty_body', 'malformed_json', 'short_body'],
                        413: ['body_too_large'],
                        415: ['unsupported_media_type']},
    'req_fields_or_400': {400: ['unknown_field', 'missing_field',
                                'invalid_type', 'invalid_field',
                                'out_of_range']},
    'query_i64_or_400': {400: ['invalid_query']},
    'query_str_or_400': {400: ['invalid_query']},
    'query_enum_or_400': {400: ['invalid_query']},
    'query_page_or_400': {400: ['invalid_query']},
    'upload_receive_or_4xx': {400: ['empty_body', 'short_body'],
                              413: ['body_too_large'],
                              415: ['unsupported_media_type'],
                              422: ['invalid_file', 'file_has_markup'],
                              503: ['storage_unavailable']},
    'upload_send': {500: ['internal'], 400: ['invalid_query']},
}


def program_sources(prog):
    files = sorted(glob.glob(os.path.join(ROOT, 'fcgi-apps', prog, '*.c')))
    return {f: open(f, encoding='utf-8').read() for f in files}


def error_codes(text):
    """{code: status} of every error code literal in text."""
    out = {}
    for st, code in ERROR_RE.findall(text):
        out.setdefault(code, int(st))
    for m in PACK_RE.finditer(text):
        tail = text[m.end():m.end() + 600]
        st = re.search(r'http_json\(\s*r,\s*(4\d\d|5\d\d)', tail)
        if st:
            out.setdefault(m.group(1), int(st.group(1)))
    return out


def program_error_codes(prog):
    """{code: status} of every error code literal of a program's .c files."""
    out = {}
    for text in program_sources(prog).values():
        for k, v in error_codes(text).items():
            out.setdefault(k, v)
    return out


class Program:
    def __init__(self, prog):
        self.name = prog
        self.src = program_sources(prog)
        self.funcs = {}
        self.tables = {}
        for text in self.src.values():
            spans = []
            for m in FUNC_RE.finditer(text):
                self.funcs.setdefault(m.group(1), m.group(3))
                spans.append(m.span())
            # file-level tables only: a function's own table (often named
            # just `fields`) is read with that function's body
            for m in FIELD_TABLE_RE.finditer(text):
                if not any(a <= m.start() < b for a, b in spans):
                    self.tables[m.group(1)] = FIELD_RE.findall(m.group(2))
        main = self.src.get(os.path.join(ROOT, 'fcgi-apps', prog, 'main.c'),
                            '')
        self.routes = [(m, p, h) for m, p, h, _ in ROUTE_RE.findall(main)]

    def closure(self, handler):
        seen, todo = [], [handler]
        while todo:
            f = todo.pop()
            if f in seen or f not in self.funcs:
                continue
            seen.append(f)
            for name in re.findall(r'\b([a-z_][a-z_0-9]*)\(', self.funcs[f]):
                if name in self.funcs and name not in seen:
                    todo.append(name)
        return seen

    def handler_facts(self, handler):
        """What handler and the program's functions it calls read and
        answer: {errors: {status: [codes]}, query: [names], fields:
        [(name, type, required, min, max, choices)], body: bool,
        upload: bool, statuses: [2xx]}."""
        body = '\n'.join(self.funcs[f] for f in self.closure(handler))
        errors = {}
        for code, st in error_codes(body).items():
            errors.setdefault(st, []).append(code)
        for helper, codes in SHARED_CODES.items():
            if re.search(r'\b' + helper + r'\(', body):
                for st, cs in codes.items():
                    for c in cs:
                        if c not in errors.setdefault(st, []):
                            errors[st].append(c)
        query, qkinds = [], {}
        for kind, q, a, b in QUERY_RE.findall(body):
            if q not in query:
                query.append(q)
                qkinds[q] = (kind or 'str', a.strip(), b.strip())
        if 'query_page_or_400' in body:
            query += ['page', 'per_page']
        fields = []
        for t, rows in self.tables.items():
            if re.search(r'\b' + t + r'\b', body):
                fields += rows
        # tables local to a function
        for m in FIELD_TABLE_RE.finditer(body):
            fields += FIELD_RE.findall(m.group(2))
        statuses = sorted(set(int(s) for s in re.findall(
            r'http_(?:json|body|json_cached)\(\s*r,\s*(2\d\d)', body)))
        # a 2xx handed to a helper (app_reply(r, id, 201)) or chosen
        # (t.replaced ? 200 : 201)
        statuses = sorted(set(statuses) | set(int(s) for s in re.findall(
            r'[(,]\s*(201|202|204)\s*[,)]', body)) | set(
            int(s) for pair in re.findall(
                r'\?\s*(20\d)\s*:\s*(20\d)', body) for s in pair))
        if 'http_json_cached' in body and 200 not in statuses:
            statuses.insert(0, 200)
        return {'errors': {k: errors[k] for k in sorted(errors)},
                'query': query, 'query_kinds': qkinds, 'fields': fields,
                'body': 'req_json_or_4xx' in body,
                'upload': 'upload_receive_or_4xx' in body,
                'statuses': statuses}
