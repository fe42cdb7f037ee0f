// The request simulator: sends a well-formed, signed Alexa request to a running service and prints the answer.
//
//   npm run alexa -- launch
//   npm run alexa -- intent PlayMusicIntent --slot query=Queen --token demo-token
//   npm run alexa -- intent WhatsPlayingIntent --token demo-token --locale de-DE
//   npm run alexa -- event SkillAccountLinked --token demo-token      (AlexaSkillEvent. prefix optional)
//   npm run alexa -- session-end
//
// Options: --url (default http://127.0.0.1:$PORT/alexa), --certs (default .dev-certs), --skill-id, --unsigned,
// --json (print the whole response envelope). Signs exactly like Amazon with the development certificate that
// `tools/dev-certs.ts` made; the service trusts it only with NODE_ENV=development. `npm run alexa` starts it
// through tools/node24.sh, which puts Node 24 on PATH first.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SKILL_EVENT_TYPES } from '../libs/alexa-protocol/src/kinds/request-kinds.ts';
import { alexaRequest, DEFAULT_SKILL_ID } from './alexa-request/envelope.ts';
import { signRequest } from './alexa-request/sign.ts';
import { DEFAULT_DEV_CERTS_DIR, loadDevSigningIdentity } from './dev-certs.ts';

const USAGE = `usage: npm run alexa -- <launch | intent NAME | event TYPE | session-end> [--slot name=value]... [--token T]
       [--locale en-US] [--url http://127.0.0.1:3000/alexa] [--certs .dev-certs] [--skill-id ID] [--unsigned] [--json]`;

const COMMANDS = ['launch', 'intent', 'event', 'session-end'];
const EVENT_PREFIX = 'AlexaSkillEvent.';
/** The interaction models the skill ships: a locale without one is a locale Alexa never sends. */
const MODELS_DIR = join(import.meta.dirname, '../apps/skill-service/skill-package/interactionModels/custom');

/** A usage mistake: said in one line, with the usage, exit code 2. */
class UsageError extends Error {}

/** `SkillAccountLinked` or `AlexaSkillEvent.SkillAccountLinked` -> the request type Alexa sends. */
function skillEventType(name: string): string {
  const type = name.startsWith(EVENT_PREFIX) ? name : `${EVENT_PREFIX}${name}`;
  if ((SKILL_EVENT_TYPES as readonly string[]).includes(type)) return type;
  const known = SKILL_EVENT_TYPES.map((event) => event.slice(EVENT_PREFIX.length)).join(', ');
  throw new UsageError(`unknown skill event "${name}" (one of ${known}, with or without "${EVENT_PREFIX}")`);
}

function checkLocale(locale: string): void {
  const locales = readdirSync(MODELS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
  if (!locales.includes(locale)) {
    throw new UsageError(
      `locale "${locale}" has no interaction model in the skill package (${locales.join(', ')})`,
    );
  }
}

/** What went wrong with the connection, in words: fetch itself only says "fetch failed". */
function connectionProblem(error: unknown, url: string): string | undefined {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') {
    return `nothing is listening on ${url} (connection refused): start the service (bash tools/demo.sh) or pass --url`;
  }
  if ((error as Error).name === 'TimeoutError') return `no answer from ${url} within 10 s`;
  if (cause?.code) return `cannot reach ${url} (${cause.code})`;
  if (cause?.message) return `cannot reach ${url}: ${cause.message}`;
  return undefined;
}

interface AlexaAnswer {
  response?: {
    outputSpeech?: { type: string; ssml?: string; text?: string };
    card?: { type: string; title?: string; content?: string; text?: string };
    shouldEndSession?: boolean;
  };
}

function spoken(speech: { type: string; ssml?: string; text?: string } | undefined): string | undefined {
  if (!speech) return undefined;
  const raw = speech.type === 'SSML' ? (speech.ssml ?? '') : (speech.text ?? '');
  return raw
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        slot: { type: 'string', multiple: true, default: [] },
        token: { type: 'string' },
        locale: { type: 'string', default: 'en-US' },
        url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '3000'}/alexa` },
        certs: { type: 'string', default: DEFAULT_DEV_CERTS_DIR },
        'skill-id': {
          type: 'string',
          default: process.env.ALEXA_SKILL_ID?.split(',')[0] ?? DEFAULT_SKILL_ID,
        },
        unsigned: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    // Unknown options and missing values: node:util says which.
    throw new UsageError((error as Error).message);
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  const [kind, name] = positionals;
  if (values.help || !kind) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (!COMMANDS.includes(kind)) {
    throw new UsageError(`unknown command "${kind}" (one of ${COMMANDS.join(', ')})`);
  }
  if ((kind === 'intent' || kind === 'event') && !name) {
    throw new UsageError(
      `${kind} needs a name, e.g. ${kind === 'intent' ? 'intent PlayMusicIntent' : 'event SkillAccountLinked'}`,
    );
  }
  checkLocale(values.locale);

  const builder = alexaRequest().locale(values.locale).skill(values['skill-id']);
  if (values.token) builder.linked(values.token);
  if (kind === 'launch') builder.launch();
  else if (kind === 'session-end') builder.sessionEnded();
  else if (kind === 'intent') {
    const slots: Record<string, string> = {};
    for (const pair of values.slot) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--slot takes name=value, got "${pair}"`);
      slots[pair.slice(0, at)] = pair.slice(at + 1);
    }
    builder.intent(name, slots);
  } else {
    const type = skillEventType(name);
    builder.event(
      type,
      type === 'AlexaSkillEvent.SkillAccountLinked' && values.token ? { accessToken: values.token } : {},
    );
  }

  const body = builder.body();
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (!values.unsigned) Object.assign(headers, signRequest(body, await loadDevSigningIdentity(values.certs)));

  let res: Response;
  try {
    res = await fetch(values.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const problem = connectionProblem(error, values.url);
    if (problem) throw new Error(problem, { cause: error });
    throw error;
  }
  const text = await res.text();
  if (values.json || res.status !== 200) {
    process.stdout.write(`HTTP ${res.status}\n${text}\n`);
    return res.status === 200 ? 0 : 1;
  }
  const answer = JSON.parse(text) as AlexaAnswer;
  const response = answer.response ?? {};
  const lines = [`HTTP ${res.status}`];
  const speech = spoken(response.outputSpeech);
  lines.push(speech === undefined ? 'speech:  (none)' : `speech:  ${speech}`);
  if (response.card) {
    const content = response.card.content ?? response.card.text;
    lines.push(
      `card:    ${response.card.type}${response.card.title ? ` "${response.card.title}"` : ''}${content ? `: ${content}` : ''}`,
    );
  }
  lines.push(`session: ${response.shouldEndSession === false ? 'open' : 'ended'}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`alexa: ${(error as Error).message}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
