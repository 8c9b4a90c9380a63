// Sums the CTRF (JSON) reports that xunit v3 writes per test assembly (`--report-xunit-ctrf`), lists failed and
// skipped tests, and ends with one machine line: `COUNTS <passed> <failed> <skipped> <files>`.
// Pending/other outcomes count as skipped: they did not pass, and CI must not treat them as green.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.ctrf')).sort() : [];
let passed = 0;
let failed = 0;
let skipped = 0;
const failedTests = [];
const skippedTests = [];

for (const file of files) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const tests = (report.results && report.results.tests) || [];
  for (const test of tests) {
    const message = (test.message || '').split('\n')[0];
    switch (test.status) {
      case 'passed':
        passed++;
        break;
      case 'failed':
        failed++;
        failedTests.push(`${test.name}${message ? `: ${message}` : ''}`);
        break;
      default:
        skipped++;
        skippedTests.push(`${test.name} [${test.status}]${message ? `: ${message}` : ''}`);
        break;
    }
  }
}

for (const name of failedTests) console.log(`FAILED  ${name}`);
for (const name of skippedTests) console.log(`SKIPPED ${name}`);
console.log(`COUNTS ${passed} ${failed} ${skipped} ${files.length}`);
