// The public API report: one api/<entry>.api.md per package entry, written by
// @microsoft/api-extractor from the built declarations (dist/*.d.ts, `npm run build` first).
// `npm run api` rewrites the reports after an intended change to the public surface (commit them);
// `npm run api:check` (CI) fails when the surface differs from the committed reports, so every
// change to what users can import shows up in review as a diff of api/*.api.md.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');
const entries = ['cobrowse-rtc', 'cobrowse-rtc-viewer', 'cobrowse-rtc-sharer', 'cobrowse-rtc-sharer-core', 'cobrowse-rtc-reference-server'];

let failed = 0;
for (const entry of entries) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: `<projectFolder>/dist/${entry}.d.ts`,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            module: 'ES2022',
            moduleResolution: 'bundler',
            lib: ['ES2022', 'DOM', 'DOM.Iterable'],
            strict: true,
            skipLibCheck: true,
          },
          include: [`dist/${entry}.d.ts`],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${entry}.api.md`,
        reportFolder: '<projectFolder>/api/',
        reportTempFolder: '<projectFolder>/build/api/',
      },
      newlineKind: 'lf',
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          // our doc comments are prose, not TSDoc; the report is about names and types
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-undocumented': { logLevel: 'none' },
          // a type the API names but no entry exports (an internal base class, say) is written into
          // the report, where review sees it, instead of failing every build
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: `${root}api/report.mjs`,
    packageJsonFullPath: `${root}package.json`,
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  if (!result.succeeded || (!update && result.apiReportChanged)) {
    failed++;
    console.error(
      `${entry}: the public API differs from api/${entry}.api.md (${result.errorCount} errors, ${result.warningCount} warnings)` +
        (update ? '' : ' — run `npm run api` and commit the report if the change is intended'),
    );
  } else {
    console.log(
      `${entry}: api/${entry}.api.md ${update && result.apiReportChanged ? 'updated' : 'unchanged'} (${result.warningCount} warnings)`,
    );
  }
}
process.exit(failed ? 1 : 0);
