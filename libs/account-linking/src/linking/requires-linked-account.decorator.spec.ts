import type { Response } from 'ask-sdk-model';
import { linkRequirementOf, RequiresLinkedAccount } from './requires-linked-account.decorator';

@RequiresLinkedAccount({ provider: 'music' })
class ClassProtected {
  handle(): Response {
    return {};
  }
}

class MethodProtected {
  @RequiresLinkedAccount()
  handle(): Response {
    return {};
  }
}

class Open {
  handle(): Response {
    return {};
  }
}

class InheritsClassMark extends ClassProtected {}
class InheritsMethodMark extends MethodProtected {}
class OverridesMethodMark extends MethodProtected {
  override handle(): Response {
    return { shouldEndSession: true };
  }
}

describe('@RequiresLinkedAccount', () => {
  it('marks a handler class, with its provider', () => {
    expect(linkRequirementOf(ClassProtected)).toEqual({ provider: 'music' });
  });

  it('marks a handler through its handle method', () => {
    expect(linkRequirementOf(MethodProtected)).toEqual({ provider: undefined });
  });

  it('leaves unmarked handlers open', () => {
    expect(linkRequirementOf(Open)).toBeUndefined();
  });

  it('is inherited by subclasses, unless they override a marked handle method', () => {
    expect(linkRequirementOf(InheritsClassMark)).toEqual({ provider: 'music' });
    expect(linkRequirementOf(InheritsMethodMark)).toEqual({ provider: undefined });
    expect(linkRequirementOf(OverridesMethodMark)).toBeUndefined();
  });

  it('refuses a method other than handle, where it would protect nothing', () => {
    expect(() => {
      class Misplaced {
        @RequiresLinkedAccount()
        helper(): void {}
      }
      return Misplaced;
    }).toThrow('@RequiresLinkedAccount() on a method applies to handle() only, not helper of Misplaced');
  });
});
