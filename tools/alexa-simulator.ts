// The request simulator: sends a well-formed, signed Alexa request to a running service and prints the answer.
//
//   npm run alexa -- launch
//   npm run alexa -- intent PlayMusicIntent --slot query=Queen --token demo-token
//   npm run alexa -- intent WhatsPlayingIntent --token demo-token --locale de-DE
//   npm run alexa -- event AlexaSkillEvent.SkillAccountLinked --token demo-token
//   npm run alexa -- session-end
//
// Options: --url (default http://127.0.0.1:$PORT/alexa), --certs (default .dev-certs), --skill-id, --unsigned,
// --json (print the whole response envelope). Signs exactly like Amazon with the development certificate that
// `tools/dev-certs.ts` made; the service trusts it only with NODE_ENV=development.
import { parseArgs } from 'node:util';
import { alexaRequest, DEFAULT_SKILL_ID } from './alexa-request/envelope.ts';
import { signRequest } from './alexa-request/sign.ts';
import { DEFAULT_DEV_CERTS_DIR, loadDevSigningIdentity } from './dev-certs.ts';

const USAGE = `usage: npm run alexa -- <launch | intent NAME | event TYPE | session-end> [--slot name=value]... [--token T]
       [--locale en-US] [--url http://127.0.0.1:3000/alexa] [--certs .dev-certs] [--skill-id ID] [--unsigned] [--json]`;

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

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      slot: { type: 'string', multiple: true, default: [] },
      token: { type: 'string' },
      locale: { type: 'string', default: 'en-US' },
      url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '3000'}/alexa` },
      certs: { type: 'string', default: DEFAULT_DEV_CERTS_DIR },
      'skill-id': { type: 'string', default: process.env.ALEXA_SKILL_ID?.split(',')[0] ?? DEFAULT_SKILL_ID },
      unsigned: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [kind, name] = positionals;
  if (values.help || !kind) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }

  const builder = alexaRequest().locale(values.locale).skill(values['skill-id']);
  if (values.token) builder.linked(values.token);
  if (kind === 'launch') builder.launch();
  else if (kind === 'session-end') builder.sessionEnded();
  else if (kind === 'intent' && name) {
    const slots: Record<string, string> = {};
    for (const pair of values.slot) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--slot takes name=value, got "${pair}"`);
      slots[pair.slice(0, at)] = pair.slice(at + 1);
    }
    builder.intent(name, slots);
  } else if (kind === 'event' && name) {
    builder.event(
      name,
      name.endsWith('SkillAccountLinked') && values.token ? { accessToken: values.token } : {},
    );
  } else {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }

  const body = builder.body();
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (!values.unsigned) Object.assign(headers, signRequest(body, await loadDevSigningIdentity(values.certs)));

  const res = await fetch(values.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
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
    process.exitCode = 1;
  },
);
