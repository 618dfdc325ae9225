/**
 * A small interpreter for the subset of Amazon States Language the runbook uses (Task with a
 * Lambda payload, Choice with StringEquals / BooleanEquals, Wait, Succeed, Fail, Catch,
 * ResultPath, OutputPath, CausePath with States.JsonToString). Tests run the synthesized
 * definition with the real handlers behind it, so what is asserted is the workflow that deploys.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

export interface AslState {
  readonly Type: 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Pass';
  readonly Next?: string;
  readonly End?: boolean;
  readonly Resource?: string;
  readonly Parameters?: JsonObject;
  readonly ResultPath?: string;
  readonly OutputPath?: string;
  readonly Catch?: ReadonlyArray<{ ErrorEquals: string[]; ResultPath?: string; Next: string }>;
  readonly Choices?: ReadonlyArray<{ Variable: string; StringEquals?: string; BooleanEquals?: boolean; Next: string }>;
  readonly Default?: string;
  readonly Error?: string;
  readonly CausePath?: string;
}

export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
}

/** Invokes the Lambda a Task state names (by the placeholder its ARN was replaced with). */
export type TaskInvoker = (resource: string, payload: Json) => Promise<Json>;

export interface Execution {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
  /** Every state entered, in order. */
  readonly path: string[];
}

export async function runStateMachine(definition: AslDefinition, input: Json, invoke: TaskInvoker, maxSteps = 2000): Promise<Execution> {
  let name = definition.StartAt;
  let data = input;
  const path: string[] = [];
  for (let step = 0; step < maxSteps; step++) {
    const state = definition.States[name];
    if (!state) throw new Error(`no state ${name}`);
    path.push(name);
    switch (state.Type) {
      case 'Succeed':
        return { status: 'SUCCEEDED', output: state.OutputPath ? get(data, state.OutputPath) : data, path };
      case 'Fail':
        return { status: 'FAILED', error: state.Error, cause: state.CausePath ? cause(data, state.CausePath) : undefined, path };
      case 'Wait':
        name = state.Next!;
        continue;
      case 'Choice': {
        const match = state.Choices!.find((c) => {
          const value = get(data, c.Variable);
          return c.StringEquals !== undefined ? value === c.StringEquals : value === c.BooleanEquals;
        });
        name = match?.Next ?? state.Default!;
        continue;
      }
      case 'Task': {
        try {
          const result = await invoke(state.Resource ?? '', render(state.Parameters ?? {}, data));
          data = set(data, state.ResultPath ?? '$', result);
          name = state.Next!;
        } catch (err) {
          const handler = state.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
          if (!handler) throw err;
          const error = { Error: (err as Error).name ?? 'Error', Cause: JSON.stringify({ errorMessage: (err as Error).message }) };
          data = set(data, handler.ResultPath ?? '$', error);
          name = handler.Next;
        }
        continue;
      }
      default:
        throw new Error(`state type ${state.Type} is not supported by this interpreter`);
    }
  }
  throw new Error(`no end after ${maxSteps} steps`);
}

/** Parameters with `key.$` paths resolved against the data. */
function render(template: Json, data: Json): Json {
  if (Array.isArray(template)) return template.map((t) => render(t, data));
  if (typeof template !== 'object' || template === null) return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template as JsonObject)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = get(data, value as string);
    else out[key] = render(value, data);
  }
  return out;
}

function cause(data: Json, causePath: string): string {
  const m = /^States\.JsonToString\((.*)\)$/.exec(causePath);
  return m ? JSON.stringify(get(data, m[1])) : String(get(data, causePath));
}

function get(data: Json, path: string): Json {
  if (path === '$') return data;
  return path
    .replace(/^\$\./, '')
    .split('.')
    .reduce<Json>((v, k) => (v !== null && typeof v === 'object' ? (v as JsonObject)[k] : undefined), data);
}

function set(data: Json, path: string, value: Json): Json {
  if (path === '$') return value;
  const keys = path.replace(/^\$\./, '').split('.');
  const root: JsonObject = { ...(data as JsonObject) };
  let node = root;
  keys.slice(0, -1).forEach((k) => {
    node[k] = { ...((node[k] as JsonObject) ?? {}) };
    node = node[k] as JsonObject;
  });
  node[keys[keys.length - 1]] = value;
  return root;
}
