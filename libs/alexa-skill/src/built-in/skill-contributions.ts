import { Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { SpeechTexts } from '../speech/speech-texts';

/** One line per locale, e.g. `{ 'en-US': 'You can ask me to …', 'de-DE': 'Du kannst mich …' }`. */
export type LocalizedLine = Readonly<Record<string, string>>;

/**
 * What a module adds to the built-in answers (`AlexaSkillModule.forFeature`). Lines are code-given SSML-safe
 * text, like every catalog; each needs `en-US`, the texts' default locale.
 */
export interface SkillContributionOptions {
  /** Said by the built-in Help before its own sentence: what this module lets the user do. @default none */
  help?: LocalizedLine;
  /** Said by the built-in Launch between its greeting and its question. @default none */
  launch?: LocalizedLine;
}

type Slot = keyof SkillContributionOptions;

/** One module's contribution, as a provider the core finds at start-up. */
export class SkillTextContribution {
  private readonly lines: Partial<Record<Slot, SpeechTexts<'line'>>> = {};

  constructor(options: SkillContributionOptions) {
    for (const slot of ['help', 'launch'] as const) {
      const byLocale = options[slot];
      if (!byLocale) continue;
      if (!byLocale['en-US']) {
        throw new Error(`AlexaSkillModule.forFeature: the ${slot} line lacks the default locale en-US`);
      }
      const catalog = Object.fromEntries(
        Object.entries(byLocale).map(([locale, line]) => [locale, { line }]),
      );
      this.lines[slot] = new SpeechTexts<'line'>(catalog);
    }
    if (Object.keys(this.lines).length === 0) {
      throw new Error('AlexaSkillModule.forFeature: contributes nothing (give help or launch)');
    }
  }

  /** The line for `slot` in `locale`, with SpeechTexts' fallback (exact, language, en-US); none if not given. */
  line(slot: Slot, locale: string): string | undefined {
    return this.lines[slot]?.get(locale, 'line');
  }
}

/** The module `AlexaSkillModule.forFeature` returns: it holds only the contribution. */
@Module({})
export class SkillContributionModule {
  static register(options: SkillContributionOptions): DynamicModule {
    return {
      module: SkillContributionModule,
      providers: [{ provide: SkillTextContribution, useValue: new SkillTextContribution(options) }],
    };
  }
}

/** Every module's contribution, found once at start-up, in module order. */
@Injectable()
export class SkillContributions implements OnModuleInit {
  private found: readonly SkillTextContribution[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.found = Object.freeze(
      this.discovery
        .getProviders()
        .map((wrapper) => wrapper.instance as unknown)
        .filter((instance): instance is SkillTextContribution => instance instanceof SkillTextContribution),
    );
  }

  /** The contributed lines for `slot` in the request's locale. */
  lines(slot: Slot, locale: string): string[] {
    const lines: string[] = [];
    for (const contribution of this.found) {
      const line = contribution.line(slot, locale);
      if (line) lines.push(line);
    }
    return lines;
  }
}
