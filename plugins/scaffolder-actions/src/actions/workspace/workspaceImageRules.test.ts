import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import * as rules from './workspaceImageRules';

/**
 * The form of templates/workspace-image and the validate action apply the
 * same patterns: a value the form lets through, the action refuses only for
 * reasons a pattern cannot express (and the other way round never).
 */
const template = parse(
  fs.readFileSync(
    path.resolve(
      __dirname,
      '../../../../../templates/workspace-image/template.yaml',
    ),
    'utf8',
  ),
);
const properties: Record<string, any> = Object.assign(
  {},
  ...template.spec.parameters.map((page: any) => page.properties),
);

describe('workspace-image form patterns and the validate rules', () => {
  it.each([
    ['name', rules.NAME_PATTERN],
    ['description', rules.DESCRIPTION_PATTERN],
    ['owner', rules.OWNER_PATTERN],
    ['baseImage', rules.IMAGE_REFERENCE_PATTERN],
    ['backupCron', rules.CRON_PATTERN],
    ['cluster', rules.CLUSTER_REF_PATTERN],
    ['repoUrl', rules.REPO_URL_PATTERN],
  ])('%s has the same pattern in the form and the action', (field, pattern) => {
    expect(properties[field].pattern).toBe(pattern);
  });

  it.each([
    ['packages', rules.APT_PACKAGE_PATTERN, rules.APT_PACKAGES_MAX],
    ['extensions', rules.EXTENSION_ID_PATTERN, rules.EXTENSIONS_MAX],
  ])('%s items have the same pattern and bound', (field, pattern, max) => {
    expect(properties[field].items.pattern).toBe(pattern);
    expect(properties[field].maxItems).toBe(max);
  });

  it('numeric bounds agree', () => {
    expect(properties.cpu).toMatchObject({
      minimum: rules.LIMITS.cpu.min,
      maximum: rules.LIMITS.cpu.max,
      multipleOf: rules.LIMITS.cpu.step,
    });
    for (const [field, limits] of [
      ['memoryGib', rules.LIMITS.memoryGib],
      ['homeDiskGib', rules.LIMITS.homeDiskGib],
      ['ttlHours', rules.LIMITS.ttlHours],
    ] as const) {
      expect(properties[field]).toMatchObject({
        type: 'integer',
        minimum: limits.min,
        maximum: limits.max,
      });
    }
  });

  // A valid value with one forbidden character inserted anywhere: a
  // newline, a control character, a quote, a shell metacharacter or a
  // non-ASCII letter. Every pattern must refuse it.
  const forbiddenChars = [
    '\n',
    '\r',
    '\t',
    String.fromCharCode(0),
    ';',
    '|',
    '&',
    '$',
    '`',
    "'",
    '"',
    '\\',
    '<',
    '>',
    '{',
    '}',
    '?',
    '!',
    '#',
    '%',
    '~',
    '=',
    'ü',
    '€',
    '\u202e',
  ];
  it.each([
    ['name', rules.NAME_PATTERN, 'java-training', []],
    [
      'description',
      rules.DESCRIPTION_PATTERN,
      'Java 21 (LTS), Maven: build/test',
      [],
    ],
    ['owner', rules.OWNER_PATTERN, 'group:default/developers', []],
    ['baseImage', rules.IMAGE_REFERENCE_PATTERN, 'ghcr.io/acme/base:1.2', []],
    ['package', rules.APT_PACKAGE_PATTERN, 'libstdc++6', []],
    ['extension', rules.EXTENSION_ID_PATTERN, 'ms-python.python', []],
    ['backupCron', rules.CRON_PATTERN, '15 */2 * * 1-5', []],
    ['cluster', rules.CLUSTER_REF_PATTERN, 'resource:default/dev-eu1', []],
    // a repository location is host?owner=..&repo=..: never rendered, only parsed
    [
      'repoUrl',
      rules.REPO_URL_PATTERN,
      'github.com?owner=acme&repo=x',
      ['?', '&', '='],
    ],
    [
      'imageRegistry',
      rules.REGISTRY_PATTERN,
      'registry.example.com:5000/team',
      [],
    ],
  ] as const)(
    '%s: refuses its valid example with any forbidden character inserted anywhere',
    (_field, pattern, example, allowed: readonly string[]) => {
      const re = new RegExp(pattern);
      expect(re.test(example)).toBe(true);
      const chars = forbiddenChars.filter(c => !allowed.includes(c));
      fc.assert(
        fc.property(
          fc.constantFrom(...chars),
          fc.nat({ max: example.length }),
          (char, at) =>
            !re.test(example.slice(0, at) + char + example.slice(at)),
        ),
        { numRuns: 1000 },
      );
    },
  );

  it.each([
    ['15 * * * *', undefined],
    ['0 */6 * * 1-5', undefined],
    ['0,30 8-18 1 1,6 0', undefined],
    ['60 * * * *', 'minute field "60" is outside 0-59'],
    ['* 24 * * *', 'hour field "24" is outside 0-23'],
    ['* * 0 * *', 'day of month field "0" is outside 1-31'],
    ['* * * 13 *', 'month field "13" is outside 1-12'],
    ['* * * * 8', 'day of week field "8" is outside 0-7'],
    ['*-5 * * * *', 'minute field "*-5" is not a cron list'],
  ])('cron %j: %s', (expression, problem) => {
    expect(new RegExp(rules.CRON_PATTERN).test(expression)).toBe(true);
    expect(rules.cronProblem(expression)).toBe(problem);
  });
});
