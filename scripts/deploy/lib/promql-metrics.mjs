// Metric names referenced by a PromQL expression (or a Grafana query, which is PromQL plus
// $variables and label_values()). Not a full parser: it removes everything that cannot be a metric
// name (strings, label matchers, ranges, grouping clauses, numbers, keywords, function and
// aggregation names) and returns the identifiers left. Unit-tested in ../test/promql-metrics.test.mjs.

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

const IDENTIFIER = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;

/**
 * The metric names an expression selects, e.g. `sum by (le) (rate(x_bucket{a="b"}[5m]))` → x_bucket.
 * @param {string} expr PromQL, possibly with Grafana variables ($var, ${var}, $__rate_interval)
 * @returns {string[]} distinct metric names, in order of appearance
 */
export function metricNamesInPromQL(expr) {
  let s = String(expr);
  // Grafana: label_values(metric_or_selector, label) names a metric; label_values(label) does not.
  s = s.replace(/label_values\(\s*([^,()]*?(?:\{[^}]*\})?)\s*,\s*[a-zA-Z_]\w*\s*\)/g, ' $1 ');
  s = s.replace(/label_values\(\s*[a-zA-Z_]\w*\s*\)/g, ' ');
  s = s.replace(/\$\{[^}]*\}|\$[a-zA-Z_]\w*/g, ' ');
  s = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ');
  s = s.replace(/#[^\n]*/g, ' ');
  s = s.replace(/\{[^}]*\}/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  s = s.replace(/\boffset\s+-?[0-9a-z]+/gi, ' ');
  s = s.replace(/@\s*[0-9.]+/g, ' ');
  // Numbers (1, 0.5, 1e3, 0x1f, 5m) unless part of an identifier.
  s = s.replace(
    /(?<![a-zA-Z0-9_:])(?:0x[0-9a-f]+|[0-9]+(?:\.[0-9]*)?(?:e[+-]?[0-9]+)?[a-z]*)/gi,
    ' ',
  );
  const names = [];
  for (const match of s.matchAll(IDENTIFIER)) {
    const name = match[0];
    const rest = s.slice((match.index ?? 0) + name.length);
    if (/^\s*\(/.test(rest)) continue; // a function or an aggregation operator
    if (KEYWORDS.has(name.toLowerCase())) continue;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
