// validate.mjs FILE - validates an OpenAPI document with
// @readme/openapi-parser (OpenAPI 3.1 schema, $refs, duplicate
// operationIds, path parameters); prints "ok" or each error, exit 0 / 1.
// Installed by tests/integration/test_openapi.py (npm ci, package-lock.json).
import { validate } from '@readme/openapi-parser';

const file = process.argv[2];
let result;
try {
	result = await validate(file);
} catch (e) {
	console.log(`invalid: ${e.message}`);
	process.exit(1);
}
if (result && result.valid === false) {
	for (const e of result.errors || [])
		console.log(`invalid: ${e.message || JSON.stringify(e)}`);
	process.exit(1);
}
for (const w of (result && result.warnings) || [])
	console.log(`warning: ${w.message || JSON.stringify(w)}`);
console.log('ok');
