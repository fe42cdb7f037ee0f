// Validates rendered objects against the Kubernetes, Prometheus-operator and cert-manager schemas shipped by
// kubernetes-models, @kubernetes-models/prometheus-operator and @kubernetes-models/cert-manager:
// - validateObject: the models' JSON-schema validation (types, required fields, enums, formats);
// - findUnknownFields: what JSON schema validation lets through (the models allow additional properties):
//   every object is type-checked by the TypeScript compiler against the models' interfaces, whose excess-property
//   check names each unknown or misspelt field.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { REPO, type K8sObject } from './chart.mts';

interface ModelModule {
  [kind: string]: new (data: unknown) => { validate(): void };
}

/** The module of a model: kubernetes-models/<group>/<version>/<Kind> or the prometheus-operator package. */
export function modelModule(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith('monitoring.coreos.com/'))
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  if (apiVersion.startsWith('cert-manager.io/'))
    return `@kubernetes-models/cert-manager/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** Throws with the schema errors when the object does not validate; throws when no model exists for it. */
export async function validateObject(object: K8sObject): Promise<void> {
  const path = modelModule(object.apiVersion, object.kind);
  let mod: ModelModule;
  try {
    mod = (await import(path)) as ModelModule;
  } catch {
    throw new Error(`no model for ${object.apiVersion} ${object.kind} (${path})`);
  }
  const Model = mod[object.kind];
  if (!Model) throw new Error(`${path} exports no ${object.kind}`);
  new Model(object).validate();
}

/** One message per field that the Kubernetes types do not know (or whose value has the wrong type). */
export function findUnknownFields(
  objects: K8sObject[],
  label: (o: K8sObject, i: number) => string,
): string[] {
  const dir = join(REPO, '.tools', 'chart-typecheck');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `objects-${process.pid}.mts`);
  const imports = new Map<string, string>();
  const lines: string[] = [];
  objects.forEach((object, i) => {
    const path = modelModule(object.apiVersion, object.kind);
    let alias = imports.get(path);
    if (!alias) {
      alias = `I${imports.size}`;
      imports.set(path, alias);
    }
    lines.push(
      `// ${label(object, i)}`,
      `export const o${i}: ${alias} = ${JSON.stringify(object, null, 1)};`,
    );
  });
  const header = [...imports].map(([path, alias]) => {
    const kind = path.split('/').pop() ?? '';
    return `import type { I${kind} as ${alias} } from '${path}';`;
  });
  writeFileSync(file, [...header, ...lines].join('\n'));
  try {
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    const source = program.getSourceFile(file);
    const text = source?.getFullText() ?? '';
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (!d.file || d.start === undefined || d.file.fileName !== file) return message;
      // Name the object the diagnostic is in: the nearest preceding "// label" comment.
      const before = text.slice(0, d.start);
      const labelAt = before.lastIndexOf('\n// ');
      const where = labelAt >= 0 ? before.slice(labelAt + 4, before.indexOf('\n', labelAt + 1)) : '?';
      return `${where}: ${message}`;
    });
  } finally {
    rmSync(file, { force: true });
  }
}
