/**
 * RFC 6902 JSON Patch, the operations kustomize's `patches` accept in their JSON6902 form:
 * add, remove, replace, test, copy, move. Paths are RFC 6901 pointers (`~1` is `/`, `~0` is `~`).
 * Mutates `doc` in place and throws on a path that does not resolve, as kustomize does.
 */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test' | 'copy' | 'move';
  path: string;
  value?: unknown;
  from?: string;
}

type Container = Record<string, unknown> | unknown[];

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer must start with '/': ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, pointer: string): { parent: Container; key: string } {
  const path = tokens(pointer);
  const key = path.pop();
  if (key === undefined) throw new Error('a patch cannot address the whole document');
  let node: unknown = doc;
  for (const t of path) {
    node = Array.isArray(node)
      ? node[index(node, t, false)]
      : (node as Record<string, unknown>)?.[t];
    if (node === undefined || node === null || typeof node !== 'object')
      throw new Error(`JSON pointer ${pointer}: '${t}' does not exist`);
  }
  return { parent: node as Container, key };
}

function index(array: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return array.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`'${token}' is not an array index`);
  const i = Number(token);
  if (i > array.length || (!forAdd && i === array.length))
    throw new Error(`array index ${i} out of range`);
  return i;
}

function get(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  const { parent, key } = parentOf(doc, pointer);
  const value = Array.isArray(parent) ? parent[index(parent, key, false)] : parent[key];
  if (value === undefined) throw new Error(`JSON pointer ${pointer} does not exist`);
  return value;
}

function remove(doc: unknown, pointer: string): unknown {
  const value = get(doc, pointer);
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(index(parent, key, false), 1);
  else delete parent[key];
  return value;
}

function add(doc: unknown, pointer: string, value: unknown): void {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(index(parent, key, true), 0, value);
  else parent[key] = value;
}

const clone = <T>(v: T): T => structuredClone(v);

/** Applies `ops` to `doc` in order. */
export function applyJsonPatch(doc: unknown, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        add(doc, op.path, clone(op.value));
        break;
      case 'remove':
        remove(doc, op.path);
        break;
      case 'replace':
        remove(doc, op.path);
        add(doc, op.path, clone(op.value));
        break;
      case 'test':
        if (JSON.stringify(get(doc, op.path)) !== JSON.stringify(op.value))
          throw new Error(`JSON patch test failed at ${op.path}`);
        break;
      case 'copy':
        add(doc, op.path, clone(get(doc, op.from ?? '')));
        break;
      case 'move':
        add(doc, op.path, remove(doc, op.from ?? ''));
        break;
      default:
        throw new Error(`unknown JSON patch op ${(op as { op: string }).op}`);
    }
  }
}
