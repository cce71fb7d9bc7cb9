// A small static Dockerfile reader: instructions (continuation lines joined, comments dropped),
// build stages, and the image a stage is built FROM once global ARG defaults are substituted.
// Enough to check how the services' images are built without running Docker.

/**
 * @typedef {{keyword: string, args: string, line: number}} Instruction
 * @typedef {{index: number, name?: string, from: string, instructions: Instruction[]}} Stage
 */

/** Instructions of a Dockerfile text, with the 1-based line each one starts on. */
export function parseInstructions(text) {
  const lines = text.split(/\r?\n/);
  const out = [];
  let current = null;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (current === null) {
      if (/^\s*(#|$)/.test(line)) return;
      const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(line);
      if (!m) return;
      current = { keyword: m[1].toUpperCase(), args: m[2], line: i + 1 };
    } else if (/^\s*#/.test(line)) {
      return; // a comment inside a continued instruction
    } else {
      current.args += ` ${line.trim()}`;
    }
    if (current.args.endsWith('\\')) {
      current.args = current.args.slice(0, -1).trimEnd();
    } else {
      out.push(current);
      current = null;
    }
  });
  if (current) out.push(current);
  return out;
}

/** `${VAR}`, `${VAR:-default}` and `$VAR` replaced from `vars`. */
function substitute(value, vars) {
  return value.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_, a, def, b) => {
    const name = a ?? b;
    return vars[name] ?? def ?? '';
  });
}

/** Like {@link substitute}, but only the names in `vars`: any other variable stays as written. */
function substituteKnown(value, vars) {
  return value.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (whole, a, def, b) => {
    const name = a ?? b;
    if (!Object.hasOwn(vars, name)) return whole;
    return vars[name] === '' && def !== undefined ? def : vars[name];
  });
}

/** An ARG instruction's name and default (`ARG NAME` has none). */
function argOf(ins) {
  const m = /^(\w+)(?:=(.*))?$/.exec(ins.args.trim());
  return m ? { name: m[1], value: m[2]?.replace(/^["']|["']$/g, '') } : undefined;
}

/**
 * Stages of a Dockerfile. `from` is the image (or earlier stage name) after substituting the
 * ARGs declared before the first FROM. Inside a stage, the ARGs it declares (a global one
 * re-declared by name, or its own) are substituted into its instructions, as Docker expands
 * them (in a RUN the shell does it, from the build environment); other `$VAR`s stay as written.
 * @param {string} text the Dockerfile
 * @param {Record<string, string>} [buildArgs] `--build-arg` values (Compose `build.args`); they
 *   override the Dockerfile's defaults
 * @returns {Stage[]}
 */
export function parseStages(text, buildArgs = {}) {
  const globals = {};
  const stages = [];
  let scope = {};
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === 'ARG') {
      const arg = argOf(ins);
      if (!arg) continue;
      if (stages.length === 0) {
        globals[arg.name] = buildArgs[arg.name] ?? arg.value ?? '';
      } else {
        scope[arg.name] = buildArgs[arg.name] ?? globals[arg.name] ?? arg.value ?? '';
      }
      continue;
    }
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const from = substitute(words[0] ?? '', globals);
      const as = words.findIndex((w) => w.toLowerCase() === 'as');
      stages.push({
        index: stages.length,
        name: as >= 0 ? words[as + 1] : undefined,
        from,
        instructions: [],
      });
      scope = {};
      continue;
    }
    stages.at(-1)?.instructions.push({ ...ins, args: substituteKnown(ins.args, scope) });
  }
  return stages;
}

/** The stage called `ref` (a name or an index), if any. */
export function findStage(stages, ref) {
  return stages.find((s) => s.name === ref || String(s.index) === String(ref));
}

/** The external image a stage finally rests on (following FROM <earlier stage> chains). */
export function baseImage(stages, stage) {
  let current = stage;
  for (let hops = 0; hops < stages.length; hops++) {
    const parent = findStage(stages.slice(0, current.index), current.from);
    if (!parent) return current.from;
    current = parent;
  }
  return current.from;
}

/** Whether an image reference is the official Node.js image at major version 24. */
export function isNode24(image) {
  return /^(?:(?:docker\.io\/)?library\/)?node:24(?:[.-][\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/.test(
    image.replace(/^docker\.io\/node:/, 'node:'),
  );
}
